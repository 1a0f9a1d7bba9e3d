// The live view's event log (prisma/schema.prisma IngestEvent): one row per run per ingest transaction
// that stored trajectories of it, written in that transaction, and a NOTIFY on routelens_ingest that
// PostgreSQL delivers to every listening process when the transaction commits (never before, never for
// a rolled-back batch). Ingest transactions are serialized by the ingest lock, so event ids commit in
// ascending order: "every event after id N" is a gap-free resume point.
import type pg from 'pg';
import type { NormalizedLine } from '@/lib/ingest/normalize';
import { settings } from '@/lib/server/settings';

export const INGEST_CHANNEL = 'routelens_ingest';

export interface IngestEventRow {
  id: number;
  run_id: string;
  steps: number[];
  rollouts: number;
  trajectories: number;
}

/** Writes the batch's events (stored and replaced lines), prunes the oldest beyond the retention, notifies. */
export async function recordIngestEvents(client: pg.PoolClient | pg.Client, lines: readonly NormalizedLine[]): Promise<void> {
  if (lines.length === 0) return;
  const byRun = new Map<string, { steps: Set<number>; rollouts: number; trajectories: number }>();
  for (const norm of lines) {
    const t = norm.trajectory;
    let e = byRun.get(t.runId);
    if (!e) byRun.set(t.runId, (e = { steps: new Set(), rollouts: 0, trajectories: 0 }));
    e.trajectories++;
    if (t.trainingStep !== null) {
      e.rollouts++;
      e.steps.add(t.trainingStep);
    }
  }
  const runs = [...byRun.keys()].sort();
  const events = runs.map((r) => byRun.get(r)!);
  const r = await client.query<{ id: number }>(
    `INSERT INTO ingest_events (run_id, steps, rollouts, trajectories)
     SELECT run_id, coalesce((SELECT array_agg(e.s::int ORDER BY e.s::int) FROM json_array_elements_text(steps::json) AS e(s)), '{}'), rollouts, trajectories
       FROM unnest($1::text[], $2::text[], $3::int[], $4::int[]) WITH ORDINALITY AS x(run_id, steps, rollouts, trajectories, ord)
      ORDER BY ord
     RETURNING id`,
    [runs, events.map((e) => JSON.stringify([...e.steps].sort((a, b) => a - b))), events.map((e) => e.rollouts), events.map((e) => e.trajectories)],
  );
  const newest = Math.max(...r.rows.map((x) => x.id));
  await client.query('DELETE FROM ingest_events WHERE id <= $1', [newest - settings.eventsRetain]);
  await client.query('SELECT pg_notify($1, $2)', [INGEST_CHANNEL, String(newest)]);
}
