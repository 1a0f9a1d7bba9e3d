import 'server-only';
// Who is calling. With sign-in off (the single-user embedded default) every request is the local
// admin; otherwise a session cookie or an API key names a user and their role.
//
// CSRF: requests authenticated by the session cookie that change something (any method but GET and
// HEAD) must carry the session's token in the `x-csrf-token` header (GET /api/auth/me hands it to the
// page). Another site can make a browser send the cookie, but it cannot read the token nor set that
// header on a cross-site request without CORS, which routelens never grants. SameSite=Lax on the
// cookie is a second line. API keys and the local actor are not cookies, so they are exempt.
import crypto from 'node:crypto';
import { getPool } from '@/lib/db/pool';
import { ApiError } from './errors';
import { queryRows, sql } from './sql';
import type { KeyScope } from './scopes';

export type Role = 'viewer' | 'annotator' | 'admin';
export const ROLES: readonly Role[] = ['viewer', 'annotator', 'admin'];
export const ROLE_RANK: Record<Role, number> = { viewer: 0, annotator: 1, admin: 2 };

export interface Actor {
  userId: number | null;
  username: string;
  name: string;
  role: Role;
  via: 'local' | 'session' | 'api_key';
  /** The API key's scope (lib/server/scopes.ts); absent for sessions and the local user. */
  scope?: KeyScope;
  csrfToken?: string;
}

export const LOCAL_ACTOR: Actor = { userId: null, username: 'local', name: 'local user', role: 'admin', via: 'local' };

export const SESSION_COOKIE = 'routelens_session';
export const CSRF_HEADER = 'x-csrf-token';
export const API_KEY_PREFIX = 'rl_';
/** Characters of a key kept in clear (api_keys.prefix) to find its row and tell keys apart. */
export const API_KEY_LOOKUP_CHARS = 11;

/**
 * Whether requests must sign in. The embedded default (one person on their own machine) skips
 * sign-in unless ROUTELENS_AUTH=on; with DATABASE_URL naming a server, sign-in is always required.
 */
export function signInRequired(embedded = process.env.ROUTELENS_EMBEDDED === 'true'): boolean {
  const setting = authSetting();
  if (!embedded) return true;
  return setting === 'on';
}

/**
 * ROUTELENS_AUTH as written: on or off (true/false, 1/0, yes/no too), null when unset. Any other value
 * is an error, never a silent "off": a typo must not leave a server open.
 */
export function authSetting(): 'on' | 'off' | null {
  const raw = process.env.ROUTELENS_AUTH;
  if (raw === undefined || raw.trim() === '') return null;
  const v = raw.trim().toLowerCase();
  if (['on', 'true', '1', 'yes'].includes(v)) return 'on';
  if (['off', 'false', '0', 'no'].includes(v)) return 'off';
  throw new Error(`routelens: ROUTELENS_AUTH=${raw} is neither on nor off`);
}

export function sha256Hex(text: string): string {
  return crypto.createHash('sha256').update(text).digest('hex');
}

export function sameSecret(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && crypto.timingSafeEqual(x, y);
}

export function cookieValue(request: Request, name: string): string | null {
  const header = request.headers.get('cookie');
  if (!header) return null;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) {
      // A value that is not valid percent-encoding (another app on this host can set cookies for it)
      // is no session of ours: the request is as if it had no such cookie, never a 500.
      try {
        return decodeURIComponent(part.slice(eq + 1).trim());
      } catch {
        return null;
      }
    }
  }
  return null;
}

function bearerToken(request: Request): string | null {
  const header = request.headers.get('authorization');
  const m = header ? /^Bearer\s+(\S+)\s*$/i.exec(header) : null;
  return m?.[1] ?? null;
}

interface UserRow {
  user_id: number;
  username: string;
  name: string;
  role: Role;
}

// The two lookups below run on every request, so they stay one plain statement on the pg pool. Through
// Prisma Client, three quick runs of bench labels (50 connections, 2 cores under a load average of
// 10-16) had a baseline p95 of 1.5-1.8 s, against 0.2-0.7 s in six runs without; not measured at full size.
// Again through fromPrisma (lib/db/prisma.ts), three full runs each way alternated (load 3-6): the
// baseline's p95 57-67 ms against 41-69 on pg (medians 60 and 47), 12,800-15,100 requests in its 10 s
// against 13,100-18,300 (medians 14,700 and 17,900).
async function actorForSession(token: string): Promise<Actor | null> {
  const rows = await queryRows<UserRow & { csrf_token: string }>(
    getPool(),
    sql`SELECT u.id AS user_id, u.username, u.name, u.role, s.csrf_token
          FROM sessions s JOIN users u ON u.id = s.user_id
         WHERE s.token_hash = ${sha256Hex(token)} AND s.expires_at > now() AND u.disabled_at IS NULL`,
  );
  const r = rows[0];
  return r ? { userId: r.user_id, username: r.username, name: r.name, role: r.role, via: 'session', csrfToken: r.csrf_token } : null;
}

// A key acts for an account that can sign in: keys that an older version made for the passwordless
// local user (sign-in off) stop working once sign-in is on.
// Keys are 192 random bits, so a fast hash is as good as a slow one against guessing, and a slow
// one on every scripted request would cost more than the request.
async function actorForApiKey(key: string): Promise<Actor | null> {
  if (!key.startsWith(API_KEY_PREFIX) || key.length <= API_KEY_LOOKUP_CHARS) return null;
  // last_used_at is a hint for people, not an audit: one write a minute per key is plenty.
  const rows = await queryRows<UserRow & { key_id: number; key_hash: string; scope: KeyScope; revoked: boolean; last_used_stale: boolean }>(
    getPool(),
    sql`SELECT k.id AS key_id, k.key_hash, k.scope, k.revoked_at IS NOT NULL AS revoked,
               (k.last_used_at IS NULL OR k.last_used_at < now() - interval '1 minute') AS last_used_stale,
               u.id AS user_id, u.username, u.name, u.role
          FROM api_keys k JOIN users u ON u.id = k.user_id
         WHERE k.prefix = ${key.slice(0, API_KEY_LOOKUP_CHARS)} AND u.disabled_at IS NULL AND u.password_hash IS NOT NULL`,
  );
  const r = rows[0];
  if (!r || r.revoked || !sameSecret(sha256Hex(key), r.key_hash)) return null;
  if (r.last_used_stale) {
    await getPool().query('UPDATE api_keys SET last_used_at = now() WHERE id = $1', [r.key_id]);
  }
  return { userId: r.user_id, username: r.username, name: r.name, role: r.role, via: 'api_key', scope: r.scope };
}

/** The caller, or null when the request carries no valid credentials. */
export async function authenticate(request: Request): Promise<Actor | null> {
  if (!signInRequired()) return LOCAL_ACTOR;
  const key = bearerToken(request);
  if (key !== null) return actorForApiKey(key);
  const token = cookieValue(request, SESSION_COOKIE);
  return token ? actorForSession(token) : null;
}

/** Refuses a cookie-authenticated write without the session's token in x-csrf-token (see above). */
export function checkCsrf(request: Request, actor: Actor): void {
  if (actor.via !== 'session') return;
  const sent = request.headers.get(CSRF_HEADER);
  if (!sent || !actor.csrfToken || !sameSecret(sent, actor.csrfToken)) {
    throw new ApiError('forbidden', `this request needs the ${CSRF_HEADER} header of your session (GET /api/auth/me gives it)`);
  }
}
