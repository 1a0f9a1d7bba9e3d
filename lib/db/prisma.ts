// The one Prisma client of the process, over the shared pg pool.
import { PrismaPg } from '@prisma/adapter-pg';
import { PrismaClient, Prisma } from '@/lib/server/generated/prisma/client';
const { Decimal } = Prisma;
import type pg from 'pg';
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

/**
 * What the SQL helpers of lib/db and lib/server need of a connection: pg's Pool and PoolClient
 * satisfy it, and so does `fromPrismaTx(tx)`, so that a Prisma interactive transaction can hand
 * them its connection.
 */
export interface SqlExecutor {
  query<T extends QueryResultRow = QueryResultRow>(text: string, values?: unknown[]): Promise<{ rows: T[]; rowCount: number | null }>;
}
/** pg's row constraint, so that row types written for pg (interfaces included) are accepted as they are. */
type QueryResultRow = pg.QueryResultRow;

/**
 * The words of a statement outside parentheses, quoted names and string literals, lower-cased: what
 * decides whether it answers rows (a WITH's sub-statements are inside parentheses).
 */
function topLevelWords(text: string): string[] {
  const words: string[] = [];
  let depth = 0;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (ch === "'" || ch === '"') {
      const end = text.indexOf(ch, i + 1);
      i = end < 0 ? text.length : end;
    } else if (ch === '(') depth++;
    else if (ch === ')') depth--;
    else if (depth === 0 && /[a-z_]/i.test(ch)) {
      let j = i + 1;
      while (j < text.length && /[a-z0-9_$]/i.test(text[j]!)) j++;
      words.push(text.slice(i, j).toLowerCase());
      i = j - 1;
    }
  }
  return words;
}

const MAIN = new Set(['select', 'values', 'table', 'show', 'insert', 'update', 'delete', 'merge']);
const READS = new Set(['select', 'values', 'table', 'show']);

/**
 * Statements whose rows are the answer; any other runs through $executeRaw (its count is the
 * rowCount). The main statement (after a WITH's sub-statements) decides: a read, or a write with
 * RETURNING. So `WITH w AS (INSERT ...) SELECT ...` answers its SELECT's rows.
 */
export function returnsRows(text: string): boolean {
  const words = topLevelWords(text);
  const main = words.find((w) => MAIN.has(w));
  if (main === undefined) return /^\s*\(/.test(text); // (SELECT ...) UNION (SELECT ...)
  return READS.has(main) || words.includes('returning');
}

/**
 * A value as pg's pool (lib/db/pool.ts) gives it: int8 and numeric as numbers (Prisma answers BigInt
 * and Decimal), int8[] as text (pg's default for it), numeric[] as numbers; dates, text, JSON and the rest as Prisma gives them.
 */
function asPg(v: unknown): unknown {
  if (typeof v === 'bigint') return Number(v);
  // pg parses int8[] with its default parser, which leaves the elements as text.
  if (Array.isArray(v)) return v.map((e) => (typeof e === 'bigint' ? e.toString() : asPg(e)));
  if (v !== null && typeof v === 'object' && Decimal.isDecimal(v)) return Number((v as { toString(): string }).toString());
  return v;
}

/** What fromPrisma and fromPrismaTx need of a Prisma client: its raw statements. */
type RawClient = Pick<Prisma.TransactionClient, '$queryRawUnsafe' | '$executeRawUnsafe'>;

function executorOf(client: RawClient): SqlExecutor {
  return {
    async query<T extends QueryResultRow = QueryResultRow>(text: string, values: unknown[] = []) {
      if (!returnsRows(text)) return { rows: [] as T[], rowCount: await client.$executeRawUnsafe(text, ...values) };
      const raw = await client.$queryRawUnsafe<Record<string, unknown>[]>(text, ...values);
      const rows = raw.map((r) => {
        const out: Record<string, unknown> = {};
        for (const k of Object.keys(r)) out[k] = asPg(r[k]);
        return out as T;
      });
      return { rows, rowCount: rows.length };
    },
  };
}

/** A Prisma transaction client as an SqlExecutor whose answers are pg's (same row values, same rowCount). */
export function fromPrismaTx(tx: Prisma.TransactionClient): SqlExecutor {
  return executorOf(tx);
}

/**
 * The Prisma client itself as an SqlExecutor (each statement on its own, outside a transaction), whose
 * answers are pg's pool's: what the read queries run through.
 */
export function fromPrisma(client: PrismaClient = getPrisma()): SqlExecutor {
  return executorOf(client);
}
