import { loginBodySchema } from '@/lib/schemas/users';
import { parseJsonBody } from '@/lib/server/body';
import { route } from '@/lib/server/route';
import { login } from '@/lib/server/sessions';

// JSON only (parseJsonBody): a cross-site HTML form cannot send application/json, so no other site
// can sign a visitor in to an account of its choosing.
export const POST = route({ role: 'public' }, async ({ request }) => {
  const body = await parseJsonBody(request, loginBodySchema);
  return login(request, body.username, body.password);
});
