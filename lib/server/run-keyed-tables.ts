import 'server-only';
// The tables keyed by run_id other than runs and trajectories (the rollups), found in the catalog so
// that a rollup added later is renamed and deleted with its run without code of its own.
import type { Prisma } from '@/lib/server/generated/prisma/client';
import { raw, type Sql } from './sql';

/** Their names as quoted SQL identifiers, in name order (the same lock order for every writer). */
export async function runKeyedTables(tx: Prisma.TransactionClient): Promise<Sql[]> {
  const rows = await tx.$queryRaw<{ table_name: string }[]>`
    SELECT c.table_name::text AS table_name FROM information_schema.columns c
      JOIN information_schema.tables t ON t.table_schema = c.table_schema AND t.table_name = c.table_name
     WHERE c.table_schema = current_schema() AND c.column_name = 'run_id' AND t.table_type = 'BASE TABLE'
       AND c.table_name NOT IN ('runs', 'trajectories')
     ORDER BY 1`;
  return rows.map((r) => raw(`"${r.table_name.replace(/"/g, '""')}"`));
}
