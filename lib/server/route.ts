import 'server-only';
// Every API handler is made by route(): it resolves who is calling, refuses a caller below the
// route's role (401 without credentials, 403 with too little), maps every error through one place,
// and tags the handler with its role so a test can check every route of the tree has one.
import { connection } from 'next/server';
import { authenticate, checkCsrf, type Actor, type Role, ROLE_RANK } from './auth';
import { ApiError, errorResponse } from './errors';

export interface RouteContext<P> {
  request: Request;
  params: P;
  actor: Actor;
  url: URL;
}

type NextContext<P> = { params: Promise<P> };
export type RouteHandler<P> = ((request: Request, ctx: NextContext<P>) => Promise<Response>) & { routelensRole: Role };

export function route<P = Record<string, never>>(
  opts: { role: Role },
  handler: (ctx: RouteContext<P>) => Promise<Response>,
): RouteHandler<P> {
  const fn = async (request: Request, ctx: NextContext<P>): Promise<Response> => {
    await connection();
    try {
      const actor = await authenticate(request);
      if (!actor) throw new ApiError('unauthenticated', 'sign in or send an API key (Authorization: Bearer <key>)');
      if (ROLE_RANK[actor.role] < ROLE_RANK[opts.role]) {
        throw new ApiError('forbidden', `this needs the ${opts.role} role; you are ${actor.role}`);
      }
      if (request.method !== 'GET' && request.method !== 'HEAD') checkCsrf(request, actor);
      const params = ctx?.params ? await ctx.params : ({} as P);
      return await handler({ request, params, actor, url: new URL(request.url) });
    } catch (e) {
      return errorResponse(e);
    }
  };
  return Object.assign(fn, { routelensRole: opts.role });
}
