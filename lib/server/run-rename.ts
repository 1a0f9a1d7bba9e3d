import 'server-only';
// Renaming a run: its id changes everywhere it is stored (the run, its trajectories, every rollup
// keyed by run_id), in one transaction, so its figures stay as they were. The run's definition is
// stored under the new id (same policy and meta), so lines that name the new id with that definition
// ingest into it. Trajectory ids do not change, and a trajectory's stored content still names the run
// it was ingested with: re-ingesting the original file reports those trajectories as changed.
import { getPrisma } from '@/lib/db/prisma';
import { INGEST_LOCK } from '@/lib/ingest/store';
import { runContentHash } from '@/lib/ingest/normalize';
import { ApiError, notFound } from './errors';
import { runKeyedTables } from './run-keyed-tables';
import { sql } from './sql';

export interface RenameResult {
  from: string;
  to: string;
  trajectories: number;
}

/** A rename moves every row of the run: it may take longer than Prisma's default 5 s for a transaction. */
const RENAME_TIMEOUT_MS = 10 * 60_000;

export async function renameRun(from: string, to: string): Promise<RenameResult> {
  if (to.length < 1 || to.length > 200) throw new ApiError('bad_request', 'a run id has 1 to 200 characters');
  if (to.includes('\u0000')) throw new ApiError('bad_request', 'a run id must not contain the NUL character');
  return getPrisma().$transaction(
    async (tx) => {
      await tx.$executeRaw`SELECT pg_advisory_xact_lock(${INGEST_LOCK})`;
      // Locked, and meta as its text: the json column keeps the key order it was given in.
      const [run] = await tx.$queryRaw<
        { policy: string | null; meta: string | null }[]
      >`SELECT policy, meta::text AS meta FROM runs WHERE id = ${from} FOR UPDATE`;
      if (!run) throw notFound(`run "${from}"`);
      if (from === to) return { from, to, trajectories: 0 };
      if (await tx.run.findUnique({ where: { id: to }, select: { id: true } })) {
        throw new ApiError('conflict', `run "${to}" exists already: delete it first, or choose another id`);
      }
      const meta = run.meta === null ? null : (JSON.parse(run.meta) as Record<string, unknown>);
      await tx.$executeRaw`INSERT INTO runs (id, policy, meta, content_hash, created_at, hidden)
                           SELECT ${to}, policy, meta, ${runContentHash({ id: to, policy: run.policy, meta })}, created_at, hidden FROM runs WHERE id = ${from}`;
      const moved = await tx.trajectory.updateMany({ where: { runId: from }, data: { runId: to } });
      // Every other table keyed by run_id (the rollups) follows the run.
      for (const table of await runKeyedTables(tx)) await tx.$executeRaw(sql`UPDATE ${table} SET run_id = ${to} WHERE run_id = ${from}`);
      await tx.run.delete({ where: { id: from } });
      return { from, to, trajectories: moved.count };
    },
    { timeout: RENAME_TIMEOUT_MS },
  );
}
