import 'server-only';
// Every API handler is made by route(): it resolves who is calling, refuses a caller below the
// route's role (401 without credentials, 403 with too little), maps every error through one place,
// and tags the handler with its role so a test can check every route of the tree has one.
// role 'public' is for the few routes that a caller without credentials must reach (signing in and
// out): the actor is then whoever the credentials name, or null.
import { authenticate, checkCsrf, type Actor, type Role, ROLE_RANK } from './auth';
import { ApiError, errorResponse } from './errors';
import { isForeignSubresource, refusal } from './request-guard';
import { scopeAllows, type KeyScope } from './scopes';

export interface RouteContext<P> {
  request: Request;
  params: P;
  actor: Actor;
  url: URL;
}

export type PublicRouteContext<P> = Omit<RouteContext<P>, 'actor'> & { actor: Actor | null };

export type RouteRole = Role | 'public';
type NextContext<P> = { params: Promise<P> };
export type RouteHandler<P> = ((request: Request, ctx: NextContext<P>) => Promise<Response>) & {
  routelensRole: RouteRole;
  /** Narrow API key scopes let in besides those the role and method give (lib/server/scopes.ts). */
  routelensScopes?: readonly KeyScope[];
};

export interface RouteOptions<R extends RouteRole> {
  role: R;
  scopes?: readonly KeyScope[];
}

export function route<P = Record<string, never>>(opts: RouteOptions<'public'>, handler: (ctx: PublicRouteContext<P>) => Promise<Response>): RouteHandler<P>;
export function route<P = Record<string, never>>(opts: RouteOptions<Role>, handler: (ctx: RouteContext<P>) => Promise<Response>): RouteHandler<P>;
export function route<P = Record<string, never>>(opts: RouteOptions<RouteRole>, handler: (ctx: RouteContext<P>) => Promise<Response>): RouteHandler<P> {
  const fn = async (request: Request, ctx: NextContext<P>): Promise<Response> => {
    // Route handlers are dynamic in this app (no cacheComponents, no prerendered GETs), so nothing
    // here runs at build time and handlers can be called directly from tests.
    try {
      // Another site's page (a foreign Host, or a write with a foreign Origin) gets nothing, whoever it is.
      const refused = refusal(request);
      if (refused) throw new ApiError(refused.code, refused.message);
      // Nor may its page make the browser read here (an <img>, an <iframe>, a no-cors fetch): it could
      // not see the answer, but it could start exports and queries as the local admin, and time them.
      if (opts.role !== 'public' && isForeignSubresource(request)) {
        throw new ApiError('forbidden', 'a page of another website may not read from this API; open the address itself, or call it from a script');
      }
      const actor = await authenticate(request);
      // Public routes skip the CSRF check: signing in happens before there is a token to send.
      if (opts.role !== 'public') {
        if (!actor) throw new ApiError('unauthenticated', 'sign in or send an API key (Authorization: Bearer <key>)');
        if (ROLE_RANK[actor.role] < ROLE_RANK[opts.role]) {
          throw new ApiError('forbidden', `this needs the ${opts.role} role; you are ${actor.role}`);
        }
        if (actor.scope && !scopeAllows(actor.scope, { role: opts.role, method: request.method, scopes: opts.scopes })) {
          throw new ApiError(
            'forbidden',
            `this API key has the ${actor.scope} scope, which does not reach ${request.method} of this route; make a key with another scope`,
          );
        }
        if (request.method !== 'GET' && request.method !== 'HEAD') checkCsrf(request, actor);
      }
      const params = ctx?.params ? await ctx.params : ({} as P);
      return await handler({ request, params, actor: actor as Actor, url: new URL(request.url) });
    } catch (e) {
      return errorResponse(e);
    }
  };
  return Object.assign(fn, { routelensRole: opts.role, routelensScopes: opts.scopes });
}
