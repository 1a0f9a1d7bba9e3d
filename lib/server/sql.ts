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
