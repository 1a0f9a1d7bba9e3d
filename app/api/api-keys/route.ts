import { newApiKeyBodySchema } from '@/lib/schemas/users';
import { createApiKey, listApiKeys } from '@/lib/server/api-keys';
import { parseJsonBody } from '@/lib/server/body';
import { route } from '@/lib/server/route';
import { userIdOf } from '@/lib/server/users';
import { getPool } from '@/lib/db/pool';

export const GET = route({ role: 'admin' }, async () => Response.json({ api_keys: await listApiKeys() }));

/** The key itself is in this answer only; the list shows its first characters. */
export const POST = route({ role: 'admin' }, async ({ request, actor }) => {
  const body = await parseJsonBody(request, newApiKeyBodySchema);
  const owner = body.user_id ?? (await userIdOf(getPool(), actor));
  return Response.json({ api_key: await createApiKey(owner, body.name) }, { status: 201 });
});
