import { newUserBodySchema } from '@/lib/schemas/users';
import { parseJsonBody } from '@/lib/server/body';
import { randomPassword } from '@/lib/server/passwords';
import { route } from '@/lib/server/route';
import { createUser, listUsers } from '@/lib/server/users';

export const GET = route({ role: 'admin' }, async () => Response.json({ users: await listUsers() }));

/** Without a password in the body, one is drawn and shown in this answer only. */
export const POST = route({ role: 'admin' }, async ({ request }) => {
  const body = await parseJsonBody(request, newUserBodySchema);
  const password = body.password ?? randomPassword();
  const user = await createUser({ username: body.username, name: body.name, role: body.role, password });
  return Response.json({ user, password: body.password === undefined ? password : null }, { status: 201 });
});
