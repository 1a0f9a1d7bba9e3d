import { loginBodySchema } from '@/lib/schemas/users';
import { ApiError } from '@/lib/server/errors';
import { parseJsonBody } from '@/lib/server/body';
import { route } from '@/lib/server/route';
import { login } from '@/lib/server/sessions';

// JSON only: a cross-site HTML form cannot send application/json, so no other site can sign a
// visitor in to an account of its choosing.
export const POST = route({ role: 'public' }, async ({ request }) => {
  if (!request.headers.get('content-type')?.toLowerCase().startsWith('application/json')) {
    throw new ApiError('bad_request', 'send the credentials as application/json: {"username": ..., "password": ...}');
  }
  const body = await parseJsonBody(request, loginBodySchema);
  return login(request, body.username, body.password);
});
