import 'server-only';
// Renaming a run: its id changes everywhere it is stored (the run, its trajectories, every rollup
// keyed by run_id), in one transaction, so its figures stay as they were. The run's definition is
// stored under the new id (same policy and meta), so lines that name the new id with that definition
// ingest into it. Trajectory ids do not change, and a trajectory's stored content still names the run
// it was ingested with: re-ingesting the original file reports those trajectories as changed.
import { withTransaction } from '@/lib/db/pool';
import { INGEST_LOCK } from '@/lib/ingest/store';
import { runContentHash } from '@/lib/ingest/normalize';
import { ApiError, notFound } from './errors';

export interface RenameResult {
  from: string;
  to: string;
  trajectories: number;
}

export async function renameRun(from: string, to: string): Promise<RenameResult> {
  if (to.length < 1 || to.length > 200) throw new ApiError('bad_request', 'a run id has 1 to 200 characters');
  if (to.includes('\u0000')) throw new ApiError('bad_request', 'a run id must not contain the NUL character');
  return withTransaction(async (client) => {
    await client.query('SELECT pg_advisory_xact_lock($1)', [INGEST_LOCK]);
    const old = await client.query<{ policy: string | null; meta: string | null }>('SELECT policy, meta::text AS meta FROM runs WHERE id = $1 FOR UPDATE', [from]);
    const run = old.rows[0];
    if (!run) throw notFound(`run "${from}"`);
    if (from === to) return { from, to, trajectories: 0 };
    const taken = await client.query('SELECT 1 FROM runs WHERE id = $1', [to]);
    if (taken.rowCount) throw new ApiError('conflict', `run "${to}" exists already: delete it first, or choose another id`);
    const meta = run.meta === null ? null : (JSON.parse(run.meta) as Record<string, unknown>);
    await client.query(
      `INSERT INTO runs (id, policy, meta, content_hash, created_at, hidden) SELECT $2, policy, meta, $3, created_at, hidden FROM runs WHERE id = $1`,
      [from, to, runContentHash({ id: to, policy: run.policy, meta })],
    );
    const moved = await client.query('UPDATE trajectories SET run_id = $2 WHERE run_id = $1', [from, to]);
    const keyed = await client.query<{ table_name: string }>(
      `SELECT c.table_name FROM information_schema.columns c
         JOIN information_schema.tables t ON t.table_schema = c.table_schema AND t.table_name = c.table_name
        WHERE c.table_schema = current_schema() AND c.column_name = 'run_id' AND t.table_type = 'BASE TABLE'
          AND c.table_name NOT IN ('runs', 'trajectories')
        ORDER BY 1`,
    );
    for (const { table_name } of keyed.rows) await client.query(`UPDATE ${client.escapeIdentifier(table_name)} SET run_id = $2 WHERE run_id = $1`, [from, to]);
    await client.query('DELETE FROM runs WHERE id = $1', [from]);
    return { from, to, trajectories: moved.rowCount ?? 0 };
  });
}
