// Who is signed in, and writes from the browser. Every write sends the session's CSRF token in
// x-csrf-token (the server refuses a cookie-authenticated write without it); the token comes from
// GET /api/auth/me and is kept here for the life of the page.
import { useQuery } from '@tanstack/react-query';
import { ApiRequestError } from './api';
import { useHydrated } from './hydrated';
import type { ApiErrorBody } from './types';

export type Role = 'viewer' | 'annotator' | 'admin';
export const ROLE_RANK: Record<Role, number> = { viewer: 0, annotator: 1, admin: 2 };

export interface Me {
  user: { id: number | null; username: string; name: string; role: Role };
  via: 'local' | 'session' | 'api_key';
  sign_in_required: boolean;
  csrf_token: string | null;
}

/** A failed write, with the details the server sent (a 409 names the current version and label). */
export class WriteError extends ApiRequestError {
  constructor(
    status: number,
    code: string,
    message: string,
    readonly details: unknown,
  ) {
    super(status, code, message);
    this.name = 'WriteError';
  }
}

export const meKey = ['auth', 'me'] as const;

// undefined: not read yet; null: none needed (sign-in off, or signed out).
let csrfToken: string | null | undefined;

/** The signed-in person, or null when nobody is (401). */
export async function fetchMe(): Promise<Me | null> {
  const res = await fetch('/api/auth/me', { headers: { accept: 'application/json' }, cache: 'no-store' });
  if (res.status === 401) {
    csrfToken = null;
    return null;
  }
  if (!res.ok) throw await writeError(res);
  const me = (await res.json()) as Me;
  csrfToken = me.csrf_token;
  return me;
}

/**
 * The signed-in user. Its data is withheld until the page has hydrated (useHydrated): the server
 * renders every page as nobody, and a `/api/me` that answered before hydration would otherwise make
 * the first client render differ from the server's HTML (an admin-only control appearing early).
 */
export function useMe() {
  const hydrated = useHydrated();
  const query = useQuery({ queryKey: meKey, queryFn: fetchMe, staleTime: 60_000, retry: false });
  return hydrated ? query : { ...query, data: undefined };
}

export function hasRole(me: Me | null | undefined, role: Role): boolean {
  return !!me && ROLE_RANK[me.user.role] >= ROLE_RANK[role];
}

async function writeError(res: Response): Promise<WriteError> {
  const body: unknown = await res.json().catch(() => null);
  const err = (body as ApiErrorBody | null)?.error;
  if (err && typeof err.message === 'string') return new WriteError(res.status, err.code, err.message, err.details);
  return new WriteError(res.status, 'http_error', `the server answered ${res.status} ${res.statusText}`.trim(), undefined);
}

async function send(method: string, path: string, body: unknown): Promise<Response> {
  const headers: Record<string, string> = { accept: 'application/json' };
  if (body !== undefined) headers['content-type'] = 'application/json';
  if (csrfToken) headers['x-csrf-token'] = csrfToken;
  try {
    return await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  } catch {
    throw new WriteError(0, 'network', 'the server cannot be reached', undefined);
  }
}

/** A JSON write (POST, PATCH, DELETE) with the CSRF header; a non-2xx answer throws a WriteError. */
export async function sendJson<T>(method: 'POST' | 'PATCH' | 'DELETE', path: string, body?: unknown): Promise<T> {
  if (csrfToken === undefined) await fetchMe().catch(() => null);
  let res = await send(method, path, body);
  // The session may have changed in another tab since the token was read: read it again, once.
  if (res.status === 403 && (await res.clone().text()).includes('x-csrf-token')) {
    await fetchMe();
    res = await send(method, path, body);
  }
  if (!res.ok) throw await writeError(res);
  return (res.status === 204 ? null : await res.json()) as T;
}

/** Forgets the token (after signing out or in as someone else). */
export function forgetCsrfToken(): void {
  csrfToken = undefined;
}

/**
 * A path inside routelens to go back to after signing in; anything else goes home. The value is read
 * the way the browser will read it (the URL parser drops tabs and newlines, takes \ for /, resolves
 * dots), so `/\t/evil.example` or `/.//evil.example` cannot leave this origin.
 */
export function safeNext(next: string | null, origin = typeof window === 'undefined' ? 'http://localhost' : window.location.origin): string {
  if (!next || !next.startsWith('/')) return '/';
  let url: URL;
  try {
    url = new URL(next, origin);
  } catch {
    return '/';
  }
  if (url.origin !== new URL(origin).origin) return '/';
  // A path that starts with // would be read as another host on the next navigation.
  return `${url.pathname.replace(/^\/+/, '/')}${url.search}${url.hash}`;
}
