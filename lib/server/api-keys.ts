import 'server-only';
// API keys for scripts (ingest, export). A key is shown once, when made; the database keeps its
// sha256 and its first characters (to find the row and to tell keys apart in a list). A key acts
// with its owner's role, narrowed by its scope (lib/server/scopes.ts); revoking keeps the row so that the list still says what existed.
import crypto from 'node:crypto';
import { getPool } from '@/lib/db/pool';
import { API_KEY_LOOKUP_CHARS, API_KEY_PREFIX, sha256Hex, type Role } from './auth';
import { ApiError, notFound } from './errors';
import { queryRows, sql } from './sql';
import type { KeyScope } from './scopes';

export interface ApiKeyView {
  id: number;
  name: string;
  prefix: string;
  user_id: number;
  username: string;
  role: Role;
  scope: KeyScope;
  created_at: Date;
  last_used_at: Date | null;
  revoked_at: Date | null;
}

const KEY_COLUMNS = sql`k.id, k.name, k.prefix, k.user_id, u.username, u.role, k.scope, k.created_at, k.last_used_at, k.revoked_at`;

export async function listApiKeys(): Promise<ApiKeyView[]> {
  return queryRows<ApiKeyView>(getPool(), sql`SELECT ${KEY_COLUMNS} FROM api_keys k JOIN users u ON u.id = k.user_id ORDER BY k.id`);
}

async function apiKeyById(id: number): Promise<ApiKeyView> {
  const k = (await queryRows<ApiKeyView>(getPool(), sql`SELECT ${KEY_COLUMNS} FROM api_keys k JOIN users u ON u.id = k.user_id WHERE k.id = ${id}`))[0];
  if (!k) throw notFound(`API key ${id}`);
  return k;
}

function newKey(): string {
  return API_KEY_PREFIX + crypto.randomBytes(24).toString('base64url');
}

/** The first active admin who can sign in: whose key it is when the local user (sign-in off) makes one. */
export async function firstSignInAdmin(): Promise<number | null> {
  const r = await getPool().query<{ id: number }>(
    "SELECT id FROM users WHERE role = 'admin' AND disabled_at IS NULL AND password_hash IS NOT NULL ORDER BY id LIMIT 1",
  );
  return r.rows[0]?.id ?? null;
}

/** The key in clear is in the answer and nowhere else. */
export async function createApiKey(userId: number, name: string, scope: KeyScope = 'full'): Promise<ApiKeyView & { key: string }> {
  const user = await getPool().query<{ can_sign_in: boolean }>(
    'SELECT password_hash IS NOT NULL AS can_sign_in FROM users WHERE id = $1 AND disabled_at IS NULL',
    [userId],
  );
  if (user.rowCount === 0) throw new ApiError('bad_request', `field "user_id": no active user ${userId}`);
  // A key is a sign-in for scripts: it belongs to a real account, never to the passwordless local user.
  if (!user.rows[0]!.can_sign_in) {
    throw new ApiError('bad_request', `field "user_id": user ${userId} cannot sign in (no password); a key acts for an account that can`);
  }
  // The lookup prefix has 48 random bits; a collision is unlikely but must not fail the request.
  for (let attempt = 0; attempt < 5; attempt++) {
    const key = newKey();
    const r = await getPool().query<{ id: number }>(
      `INSERT INTO api_keys (user_id, name, prefix, key_hash, scope) VALUES ($1, $2, $3, $4, $5) ON CONFLICT (prefix) DO NOTHING RETURNING id`,
      [userId, name, key.slice(0, API_KEY_LOOKUP_CHARS), sha256Hex(key), scope],
    );
    const id = r.rows[0]?.id;
    if (id !== undefined) return { ...(await apiKeyById(id)), key };
  }
  throw new Error('routelens: could not draw a unique API key prefix');
}

export async function revokeApiKey(id: number): Promise<ApiKeyView> {
  const r = await getPool().query('UPDATE api_keys SET revoked_at = coalesce(revoked_at, now()) WHERE id = $1', [id]);
  if (r.rowCount === 0) throw notFound(`API key ${id}`);
  return apiKeyById(id);
}
