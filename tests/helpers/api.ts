// Calling route handlers in-process as a given person: a real Request, the route's params, and the
// credentials (session cookie + CSRF header, or an API key) that person would send.
import { createUser } from '@/lib/server/users';
import type { Role } from '@/lib/server/auth';

export interface Caller {
  name: string;
  cookie?: string;
  csrf?: string;
  apiKey?: string;
}

export const ANONYMOUS: Caller = { name: 'anonymous' };

type Handler = (request: Request, ctx: { params: Promise<Record<string, unknown>> }) => Promise<Response>;

export interface CallOptions {
  method?: string;
  path?: string;
  params?: Record<string, unknown>;
  body?: unknown;
  as?: Caller;
  headers?: Record<string, string>;
}

export function request(opts: CallOptions): Request {
  const headers: Record<string, string> = { ...(opts.headers ?? {}) };
  const as = opts.as ?? ANONYMOUS;
  if (as.cookie) headers.cookie = as.cookie;
  if (as.csrf) headers['x-csrf-token'] = as.csrf;
  if (as.apiKey) headers.authorization = `Bearer ${as.apiKey}`;
  let body: string | undefined;
  if (opts.body !== undefined) {
    body = typeof opts.body === 'string' ? opts.body : JSON.stringify(opts.body);
    headers['content-type'] ??= 'application/json';
  }
  return new Request(`http://localhost${opts.path ?? '/api/x'}`, { method: opts.method ?? 'GET', headers, body });
}

export function call(handler: unknown, opts: CallOptions = {}): Promise<Response> {
  return (handler as Handler)(request(opts), { params: Promise.resolve(opts.params ?? {}) });
}

export async function json<T = Record<string, unknown>>(res: Response): Promise<T> {
  return (await res.json()) as T;
}

export const PASSWORD = 'correct horse battery';

/** Makes the user and signs them in through POST /api/auth/login, as a browser would. */
export async function signedIn(username: string, role: Role): Promise<Caller & { userId: number }> {
  const user = await createUser({ username, role, password: PASSWORD });
  return { ...(await signIn(username)), userId: user.id };
}

export async function signIn(username: string, password = PASSWORD): Promise<Caller> {
  const { POST } = await import('@/app/api/auth/login/route');
  const res = await call(POST, { method: 'POST', path: '/api/auth/login', body: { username, password } });
  if (res.status !== 200) throw new Error(`sign-in of ${username} failed: ${res.status} ${await res.text()}`);
  const cookie = res.headers.get('set-cookie')!.split(';')[0]!;
  const body = await json<{ csrf_token: string }>(res);
  return { name: username, cookie, csrf: body.csrf_token };
}

/**
 * A response's body as text for a failure message. An event stream never ends, so its body is not
 * read: the stream is cancelled (which closes the subscription) and named instead.
 */
export async function bodyOf(res: Response): Promise<string> {
  if ((res.headers.get('content-type') ?? '').startsWith('text/event-stream')) {
    await res.body?.cancel();
    return '<event stream>';
  }
  return res.clone().text();
}
