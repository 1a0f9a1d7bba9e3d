import { ApiError } from '@/lib/server/errors';
import { route } from '@/lib/server/route';

// Every path under /api that no route of this tree serves: api.md's error shape, so a script that
// mistypes a path reads a 404 that names it, not Next's HTML page. Routes that exist are matched first.
const none = route<{ path: string[] }>({ role: 'public' }, async ({ url }) => {
  throw new ApiError('not_found', `no API route ${url.pathname}; the routes are in docs/api.md`);
});

export const GET = none;
export const POST = none;
export const PUT = none;
export const PATCH = none;
export const DELETE = none;
