// The one Prisma client of the process, over the shared pg pool.
import { PrismaPg } from '@prisma/adapter-pg';
import { PrismaClient } from '@/lib/server/generated/prisma/client';
import { getPool } from './pool';

type Globals = { __routelensPrisma?: PrismaClient; __routelensPrismaPool?: unknown };
const g = globalThis as typeof globalThis & Globals;

export function getPrisma(): PrismaClient {
  const pool = getPool();
  if (!g.__routelensPrisma || g.__routelensPrismaPool !== pool) {
    g.__routelensPrisma = new PrismaClient({ adapter: new PrismaPg(pool) });
    g.__routelensPrismaPool = pool;
  }
  return g.__routelensPrisma;
}

/** A write of Prisma Client refused by a unique constraint (Prisma's P2002). */
export const isUniqueViolation = (e: unknown): boolean => (e as { code?: string } | null)?.code === 'P2002';
