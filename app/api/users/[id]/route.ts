import { userChangeBodySchema } from '@/lib/schemas/users';
import { idParam, parseJsonBody } from '@/lib/server/body';
import { route } from '@/lib/server/route';
import { updateUser } from '@/lib/server/users';

/** Role, name, password, or disabled (which also ends the person's sessions). */
export const PATCH = route<{ id: string }>({ role: 'admin' }, async ({ request, params }) => {
  const id = idParam('id', params.id);
  const change = await parseJsonBody(request, userChangeBodySchema);
  return Response.json({ user: await updateUser(id, change) });
});
