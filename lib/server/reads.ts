import 'server-only';
// The connection the read side runs through: the read queries of lib/server/queries, the view's
// settings, the export counts. Switching them between Prisma and pg is the one line of READS_THROUGH.
// (COPY and cursor streams of export and ingest, the label writes and LISTEN stay on pg's pool.)
//
// They stay on pg: through Prisma Client (fromPrisma) every statement costs about 0.1-0.15 ms more
// wall time and 0.13-0.3 ms more Node CPU, and each row of a large answer about twice pg's CPU
// (5,000 trajectories: 21-25 ms against 9-13), while most read routes are a few statements of 1-5 ms.
// In the read benchmark (200k trajectories, 100 requests per scenario, three runs each way alternated
// in one window, 2026-12-03, 2 shared cores) the medians of p50 went from 2.3 to 3.7 ms for GET
// /api/runs, 5.0 to 8.9 ms for a 20-step trajectory, 3.1 to 5.0 ms for the query page, and 20-60%
// up for most list pages: far over the 10% the read side may lose.
import { getPool, withTransaction } from '@/lib/db/pool';
import { fromPrisma, fromPrismaTx, getPrisma, type SqlExecutor } from '@/lib/db/prisma';
import { queryRows, type Sql } from '@/lib/server/sql';
import type pg from 'pg';

type Through = 'prisma' | 'pg';
const READS_THROUGH = 'pg' as Through;

/** The executor of the read queries; it answers as pg's pool does (lib/db/prisma.ts fromPrisma). */
export function reads(through: Through = READS_THROUGH): SqlExecutor {
  return through === 'prisma' ? fromPrisma() : getPool();
}

/** A read transaction's longest life: a slow analytic query must not be cut off by Prisma's 5 s default. */
const READ_TRANSACTION_MS = 10 * 60_000;

/**
 * One query in a read-only transaction of its own, with planner settings for it alone (`SET LOCAL`,
 * statements without parameters separated by `;`): for the analytic queries whose plans JIT or a small
 * work_mem make slower than they need be.
 */
export async function queryRowsWith<T extends pg.QueryResultRow>(settings: string, q: Sql, through: Through = READS_THROUGH): Promise<T[]> {
  if (through === 'prisma') {
    return getPrisma().$transaction(
      async (tx) => {
        // Without parameters the statements go as one simple query, so this is one round trip.
        await tx.$executeRawUnsafe(`SET TRANSACTION READ ONLY; ${settings}`);
        return queryRows<T>(fromPrismaTx(tx), q);
      },
      { timeout: READ_TRANSACTION_MS, maxWait: Number(process.env.ROUTELENS_DB_CONNECT_TIMEOUT_MS ?? 5000) },
    );
  }
  return withTransaction(
    async (client) => {
      await client.query(settings);
      return queryRows<T>(client, q);
    },
    getPool(),
    'BEGIN READ ONLY',
  );
}
