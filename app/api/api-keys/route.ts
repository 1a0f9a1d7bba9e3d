import { newApiKeyBodySchema } from '@/lib/schemas/users';
import { createApiKey, firstSignInAdmin, listApiKeys } from '@/lib/server/api-keys';
import { ApiError } from '@/lib/server/errors';
import { parseJsonBody } from '@/lib/server/body';
import { route } from '@/lib/server/route';

// With sign-in off the caller is the local user, who has no password: a key made then belongs to the
// first admin who can sign in (made on the first start), so it stays a real account's key.
async function localKeyOwner(): Promise<number> {
  const id = await firstSignInAdmin();
  if (id === null) throw new ApiError('bad_request', 'field "user_id": name the account the key acts for (no admin can sign in)');
  return id;
}

export const GET = route({ role: 'admin' }, async () => Response.json({ api_keys: await listApiKeys() }));

/** The key itself is in this answer only; the list shows its first characters. */
export const POST = route({ role: 'admin' }, async ({ request, actor }) => {
  const body = await parseJsonBody(request, newApiKeyBodySchema);
  const owner = body.user_id ?? (actor.userId !== null ? actor.userId : await localKeyOwner());
  return Response.json({ api_key: await createApiKey(owner, body.name, body.scope) }, { status: 201 });
});
