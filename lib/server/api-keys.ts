import 'server-only';
// API keys for scripts (ingest, export). A key is shown once, when made; the database keeps its
// sha256 and its first characters (to find the row and to tell keys apart in a list). A key acts
// with its owner's role, narrowed by its scope (lib/server/scopes.ts); revoking keeps the row so that the list still says what existed.
import crypto from 'node:crypto';
import { getPrisma, isUniqueViolation } from '@/lib/db/prisma';
import type { Prisma } from '@/lib/server/generated/prisma/client';
import { API_KEY_LOOKUP_CHARS, API_KEY_PREFIX, sha256Hex, type Role } from './auth';
import { ApiError, notFound } from './errors';
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

const KEY_SELECT = {
  id: true,
  name: true,
  prefix: true,
  userId: true,
  scope: true,
  createdAt: true,
  lastUsedAt: true,
  revokedAt: true,
  user: { select: { username: true, role: true } },
} satisfies Prisma.ApiKeySelect;

type KeyRow = Prisma.ApiKeyGetPayload<{ select: typeof KEY_SELECT }>;

const viewOf = (k: KeyRow): ApiKeyView => ({
  id: k.id,
  name: k.name,
  prefix: k.prefix,
  user_id: k.userId,
  username: k.user.username,
  role: k.user.role,
  scope: k.scope,
  created_at: k.createdAt,
  last_used_at: k.lastUsedAt,
  revoked_at: k.revokedAt,
});

export async function listApiKeys(): Promise<ApiKeyView[]> {
  return (await getPrisma().apiKey.findMany({ select: KEY_SELECT, orderBy: { id: 'asc' } })).map(viewOf);
}

function newKey(): string {
  return API_KEY_PREFIX + crypto.randomBytes(24).toString('base64url');
}

/** The first active admin who can sign in: whose key it is when the local user (sign-in off) makes one. */
export async function firstSignInAdmin(): Promise<number | null> {
  const u = await getPrisma().user.findFirst({
    where: { role: 'admin', disabledAt: null, passwordHash: { not: null } },
    orderBy: { id: 'asc' },
    select: { id: true },
  });
  return u?.id ?? null;
}

/** The key in clear is in the answer and nowhere else. */
export async function createApiKey(userId: number, name: string, scope: KeyScope = 'full'): Promise<ApiKeyView & { key: string }> {
  const prisma = getPrisma();
  const user = await prisma.user.findFirst({ where: { id: userId, disabledAt: null }, select: { passwordHash: true } });
  if (!user) throw new ApiError('bad_request', `field "user_id": no active user ${userId}`);
  // A key is a sign-in for scripts: it belongs to a real account, never to the passwordless local user.
  if (user.passwordHash === null) {
    throw new ApiError('bad_request', `field "user_id": user ${userId} cannot sign in (no password); a key acts for an account that can`);
  }
  // The lookup prefix has 48 random bits; a collision is unlikely but must not fail the request.
  for (let attempt = 0; attempt < 5; attempt++) {
    const key = newKey();
    try {
      const k = await prisma.apiKey.create({
        data: { userId, name, prefix: key.slice(0, API_KEY_LOOKUP_CHARS), keyHash: sha256Hex(key), scope },
        select: KEY_SELECT,
      });
      return { ...viewOf(k), key };
    } catch (e) {
      if (!isUniqueViolation(e)) throw e;
    }
  }
  throw new Error('routelens: could not draw a unique API key prefix');
}

/** Revoking keeps the row and the first revocation's time. */
export async function revokeApiKey(id: number): Promise<ApiKeyView> {
  const prisma = getPrisma();
  const [, key] = await prisma.$transaction([
    prisma.apiKey.updateMany({ where: { id, revokedAt: null }, data: { revokedAt: new Date() } }),
    prisma.apiKey.findUnique({ where: { id }, select: KEY_SELECT }),
  ]);
  if (!key) throw notFound(`API key ${id}`);
  return viewOf(key);
}
