import 'server-only';
// The values that the filters can take: the stored runs and benchmarks. Exports refuse a run that does
// not exist (a mistyped id would otherwise give an empty file that looks like a result), and pages
// offer these values to pick from.
import type { TrajectoryFilter } from '@/lib/schemas/filters';
import { ApiError } from '@/lib/server/errors';
import { queryRows, sql } from '@/lib/server/sql';
import type { SqlExecutor } from '@/lib/db/prisma';
import { reads } from '@/lib/server/reads';

/** How many runs a 400 lists by name; the rest are counted. */
const LISTED = 30;

export async function runIds(db: SqlExecutor = reads()): Promise<string[]> {
  const rows = await queryRows<{ id: string }>(db, sql`SELECT id FROM runs ORDER BY id COLLATE "C"`);
  return rows.map((r) => r.id);
}

export function unknownRun(run: string, known: readonly string[]): ApiError {
  const listed = known.slice(0, LISTED).map((k) => JSON.stringify(k));
  const more = known.length > LISTED ? ` and ${known.length - LISTED} more` : '';
  const which = known.length === 0 ? 'no run is stored yet' : `the runs are ${listed.join(', ')}${more}`;
  return new ApiError('invalid_parameter', `parameter "run": no run is named ${JSON.stringify(run)}; ${which}`, {
    parameter: 'run',
    runs: known.slice(0, LISTED),
  });
}

/** Throws unknownRun (a 400) when the filter names a run that is not stored. */
export async function checkFilterRun(filter: Pick<TrajectoryFilter, 'run'>, db: SqlExecutor = reads()): Promise<void> {
  if (filter.run === undefined) return;
  const found = await queryRows<{ id: string }>(db, sql`SELECT id FROM runs WHERE id = ${filter.run}`);
  if (found.length === 0) throw unknownRun(filter.run, await runIds(db));
}

/**
 * The benchmarks of the stored trajectories, in order: one index probe per benchmark (a skip scan of
 * the (benchmark, pk) index), however many trajectories there are.
 */
export async function listBenchmarks(db: SqlExecutor = reads()): Promise<string[]> {
  const rows = await queryRows<{ b: string }>(
    db,
    sql`WITH RECURSIVE b(v) AS (
          SELECT min(benchmark) FROM trajectories
          UNION ALL
          SELECT (SELECT min(t.benchmark) FROM trajectories t WHERE t.benchmark > b.v) FROM b WHERE b.v IS NOT NULL)
        SELECT v AS b FROM b WHERE v IS NOT NULL`,
  );
  return rows.map((r) => r.b);
}
