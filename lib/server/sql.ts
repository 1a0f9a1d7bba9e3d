import 'server-only';
// Tagged SQL (Prisma's sql-template-tag): values always travel as parameters, never pasted into text.
// The same Sql object runs through Prisma ($queryRaw) or straight through pg ({ text, values }).
import { sql, join, empty, raw } from '@/lib/server/generated/prisma/internal/prismaNamespace';
import type pg from 'pg';
import type { SqlExecutor } from '@/lib/db/prisma';

export { sql, join, empty, raw };
export type Sql = ReturnType<typeof sql>;

export async function queryRows<T extends pg.QueryResultRow>(db: SqlExecutor, q: Sql): Promise<T[]> {
  return (await db.query<T>(q.text, q.values as unknown[])).rows;
}

/**
 * One query in a read-only transaction of its own, with planner settings for it alone (`SET LOCAL`):
 * for the analytic queries whose plans JIT or a small work_mem make slower than they need be.
 */
export async function queryRowsWith<T extends pg.QueryResultRow>(pool: pg.Pool, settings: string, q: Sql): Promise<T[]> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN READ ONLY');
    await client.query(settings);
    const rows = await queryRows<T>(client, q);
    await client.query('COMMIT');
    return rows;
  } catch (e) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw e;
  } finally {
    client.release();
  }
}
