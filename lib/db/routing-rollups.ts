// The routing rollups (scoring.md "Routing decisions"): each trajectory's contribution is computed once
// by lib/domain (routingContribution) and stored in trajectory_routing; the per-run sums
// (run_routing_stats, run_routing_model_stats) move by deltas in the transaction of every change:
//
//   ingest      RoutingDeltas.add(run, contribution, correct, +1) and the rows COPYed
//   replace     addStoredRouting -1 (the stored row, exactly as it was added), then the new one, +1
//   relabel     recomputeRoutingQuality: only the quality sums move (old row -1, new +1)
//   deletion    addStoredRouting -1 before the rows go (they cascade with the trajectory)
// addStoredToRollups (rollups.ts) calls addStoredRouting for every rollup at once.
//
// RollupDeltas (rollups.ts) carries a RoutingDeltas and applies it with the run rollups.
import type pg from 'pg';
import type { SqlExecutor } from './prisma';
import type { SqlWrite } from './writes';
import {
  addRoutingContribution,
  emptyRoutingTotals,
  routingQuality,
  ROUTING_BINS,
  type RoutingContribution,
  type RoutingSums,
  type RoutingTotals,
} from '@/lib/domain';
import { BinaryCopyRows, copyBinary, copyIntArray, copyTextArray } from '@/lib/ingest/copy';

export const ROUTING_COLUMNS = [
  'trajectory_pk',
  'models',
  'position_steps',
  'switches',
  'escalations',
  'deescalations',
  'router_steps',
  'not_argmax',
  'chosen_histogram',
  'entropy_histogram',
  'scored_by_model',
  'score_sum_by_model',
  'scored_by_bin',
  'score_sum_by_bin',
] as const;
export const ROUTING_STEP_COLUMNS = ['trajectory_pk', 'escalations', 'chosen_probability', 'normalized_entropy'] as const;

const floatArray = (v: readonly (number | null)[]) => `{${v.map((x) => (x === null ? 'NULL' : String(x))).join(',')}}`;
const ESCALATION_CHAR = { up: 'u', down: 'd' } as const;

export function routingCopyRow(pk: number, c: RoutingSums): string {
  return [
    pk,
    copyTextArray(c.models),
    copyIntArray(c.positionSteps.flat()),
    c.switches,
    c.escalations,
    c.deescalations,
    c.routerSteps,
    c.notArgmax,
    copyIntArray(c.chosenProbabilityHistogram),
    copyIntArray(c.normalizedEntropyHistogram),
    copyIntArray(c.scoredByModel),
    floatArray(c.scoreSumByModel),
    copyIntArray(c.scoredByBin),
    floatArray(c.scoreSumByBin),
  ].join('\t');
}

export function routingStepsCopyRow(pk: number, c: RoutingContribution): string {
  let escalations = '';
  for (const s of c.perStep) escalations += s.escalation === null ? '-' : ESCALATION_CHAR[s.escalation];
  return `${pk}\t${escalations}\t${floatArray(c.perStep.map((s) => s.chosenProbability))}\t${floatArray(c.perStep.map((s) => s.normalizedEntropy))}`;
}

/** trajectory_routing's rows (ROUTING_COLUMNS) in binary COPY format: the same values as routingCopyRow. */
export function routingBinaryRows(items: readonly { pk: number; routing: RoutingSums }[]): Buffer {
  const w = new BinaryCopyRows();
  for (const { pk, routing: c } of items) {
    w.row(ROUTING_COLUMNS.length)
      .int4(pk)
      .textArray(c.models)
      .int4Array(c.positionSteps.flat())
      .int4(c.switches)
      .int4(c.escalations)
      .int4(c.deescalations)
      .int4(c.routerSteps)
      .int4(c.notArgmax)
      .int4Array(c.chosenProbabilityHistogram)
      .int4Array(c.normalizedEntropyHistogram)
      .int4Array(c.scoredByModel)
      .float8Array(c.scoreSumByModel)
      .int4Array(c.scoredByBin)
      .float8Array(c.scoreSumByBin);
  }
  return w.finish();
}

/** trajectory_routing_steps' rows (ROUTING_STEP_COLUMNS) in binary COPY format: the same values as routingStepsCopyRow. */
export function routingStepsBinaryRows(items: readonly { pk: number; routing: RoutingContribution }[]): Buffer {
  const w = new BinaryCopyRows();
  const chosen: (number | null)[] = [];
  const entropy: (number | null)[] = [];
  for (const { pk, routing: c } of items) {
    let escalations = '';
    chosen.length = 0;
    entropy.length = 0;
    for (const s of c.perStep) {
      escalations += s.escalation === null ? '-' : ESCALATION_CHAR[s.escalation];
      chosen.push(s.chosenProbability);
      entropy.push(s.normalizedEntropy);
    }
    w.row(ROUTING_STEP_COLUMNS.length).int4(pk).text(escalations).float8Array(chosen).float8Array(entropy);
  }
  return w.finish();
}

/** The COPY data of copyRoutingData for some trajectories' contributions: built apart, so that a caller can build it while the server works. */
export function routingCopyData(items: readonly { pk: number; routing: RoutingContribution }[]): { routing: Buffer; steps: Buffer } | null {
  if (items.length === 0) return null;
  return { routing: routingBinaryRows(items), steps: routingStepsBinaryRows(items) };
}

/**
 * Writes the stored contributions of newly stored (or replaced, after deleteStoredRouting) trajectories
 * (routingCopyData), by binary COPY: their float8 arrays are most of the bytes, and neither formatted
 * nor parsed as text.
 */
export async function copyRoutingData(client: pg.PoolClient, data: { routing: Buffer; steps: Buffer } | null): Promise<void> {
  if (!data) return;
  await copyBinary(client, 'trajectory_routing', ROUTING_COLUMNS, data.routing);
  await copyBinary(client, 'trajectory_routing_steps', ROUTING_STEP_COLUMNS, data.steps);
}

/** The per-run sums that a batch of changes adds to (or removes from) the routing rollups. */
export class RoutingDeltas {
  readonly runs = new Map<string, RoutingTotals>();

  add(runId: string, c: RoutingSums, correct: boolean, sign: 1 | -1): void {
    let t = this.runs.get(runId);
    if (!t) this.runs.set(runId, (t = emptyRoutingTotals()));
    addRoutingContribution(t, c, correct, sign);
  }

  get empty(): boolean {
    return this.runs.size === 0;
  }

  /**
   * The statements that apply the deltas, and forgets them: upserts of distinct tables (one statement
   * with the other rollups' in RollupDeltas.apply), then clean-ups that must see their results.
   */
  writes(): { upserts: SqlWrite[]; cleanups: SqlWrite[] } {
    const upserts: SqlWrite[] = [];
    const cleanups: SqlWrite[] = [];
    if (this.runs.size === 0) return { upserts, cleanups };
    // Rows in key order, so concurrent transactions lock them in the same order.
    const runIds = [...this.runs.keys()].sort();
    const runs = runIds.map((id) => {
      const t = this.runs.get(id)!;
      return {
        run_id: id,
        trajectories: t.trajectories,
        steps: t.steps,
        switches: t.switches,
        escalations: t.escalations,
        deescalations: t.deescalations,
        trajectories_by_escalations: t.trajectoriesByEscalations,
        correct_by_escalations: t.correctByEscalations,
        router_steps: t.routerSteps,
        not_argmax: t.notArgmax,
        chosen_histogram: t.chosenProbabilityHistogram,
        entropy_histogram: t.normalizedEntropyHistogram,
        scored_by_bin: t.scoredByBin,
        score_sum_by_bin: t.scoreSumByBin,
      };
    });
    const models = runIds.flatMap((id) =>
      [...this.runs.get(id)!.byModel.entries()]
        .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
        .map(([model, m]) => ({ run_id: id, model, position_steps: m.positionSteps, scored_steps: m.scoredSteps, score_sum: m.scoreSum })),
    );
    upserts.push({
      text: `INSERT INTO run_routing_stats AS s (run_id, trajectories, steps, switches, escalations, deescalations,
              trajectories_by_escalations, correct_by_escalations, router_steps, not_argmax,
              chosen_histogram, entropy_histogram, scored_by_bin, score_sum_by_bin)
       SELECT * FROM json_to_recordset($1::json) AS x(run_id text, trajectories int, steps bigint, switches bigint,
              escalations bigint, deescalations bigint, trajectories_by_escalations int[], correct_by_escalations int[],
              router_steps bigint, not_argmax bigint, chosen_histogram bigint[], entropy_histogram bigint[],
              scored_by_bin bigint[], score_sum_by_bin float8[])
       ON CONFLICT (run_id) DO UPDATE SET
         trajectories = s.trajectories + EXCLUDED.trajectories,
         steps = s.steps + EXCLUDED.steps,
         switches = s.switches + EXCLUDED.switches,
         escalations = s.escalations + EXCLUDED.escalations,
         deescalations = s.deescalations + EXCLUDED.deescalations,
         trajectories_by_escalations = routelens_array_add(s.trajectories_by_escalations, EXCLUDED.trajectories_by_escalations),
         correct_by_escalations = routelens_array_add(s.correct_by_escalations, EXCLUDED.correct_by_escalations),
         router_steps = s.router_steps + EXCLUDED.router_steps,
         not_argmax = s.not_argmax + EXCLUDED.not_argmax,
         chosen_histogram = routelens_array_add(s.chosen_histogram, EXCLUDED.chosen_histogram),
         entropy_histogram = routelens_array_add(s.entropy_histogram, EXCLUDED.entropy_histogram),
         scored_by_bin = routelens_array_add(s.scored_by_bin, EXCLUDED.scored_by_bin),
         score_sum_by_bin = routelens_array_add(s.score_sum_by_bin, EXCLUDED.score_sum_by_bin)`,
      values: [JSON.stringify(runs)],
    });
    if (models.length > 0) {
      upserts.push({
        text: `INSERT INTO run_routing_model_stats AS s (run_id, model, position_steps, scored_steps, score_sum)
         SELECT * FROM json_to_recordset($1::json) AS x(run_id text, model text, position_steps bigint[], scored_steps bigint, score_sum float8)
         ON CONFLICT (run_id, model) DO UPDATE SET
           position_steps = routelens_array_add(s.position_steps, EXCLUDED.position_steps),
           scored_steps = s.scored_steps + EXCLUDED.scored_steps,
           score_sum = s.score_sum + EXCLUDED.score_sum`,
        values: [JSON.stringify(models)],
      });
    }
    // Where a count is back to 0 its score sum is exactly 0 (not the rounding left by subtracting
    // doubles), and a model that no trajectory of the run uses any more has no row, as after a fresh
    // ingest of what remains.
    cleanups.push({
      text: `UPDATE run_routing_stats
          SET score_sum_by_bin = ARRAY(SELECT CASE WHEN u.n = 0 THEN 0::float8 ELSE u.s END
                                         FROM unnest(scored_by_bin, score_sum_by_bin) WITH ORDINALITY AS u(n, s, i) ORDER BY u.i)
        WHERE run_id = ANY($1::text[]) AND 0 = ANY(scored_by_bin)`,
      values: [runIds],
    });
    if (models.length > 0) {
      const keys = [models.map((m) => m.run_id), models.map((m) => m.model)];
      cleanups.push({
        text: `DELETE FROM run_routing_model_stats s USING unnest($1::text[], $2::text[]) AS x(run_id, model)
          WHERE s.run_id = x.run_id AND s.model = x.model AND 0 = ALL(s.position_steps)`,
        values: keys,
      });
      // Not the rows the delete takes: one statement may not write a row twice.
      cleanups.push({
        text: `UPDATE run_routing_model_stats s SET score_sum = 0 FROM unnest($1::text[], $2::text[]) AS x(run_id, model)
          WHERE s.run_id = x.run_id AND s.model = x.model AND s.scored_steps = 0 AND s.score_sum <> 0 AND NOT (0 = ALL(s.position_steps))`,
        values: keys,
      });
    }
    this.runs.clear();
    return { upserts, cleanups };
  }
}

interface StoredRow {
  trajectory_pk: number;
  run_id: string;
  correct: boolean;
  models: string[];
  position_steps: number[];
  switches: number;
  escalations: number;
  deescalations: number;
  router_steps: number;
  not_argmax: number;
  chosen_histogram: number[];
  entropy_histogram: number[];
  scored_by_model: number[];
  score_sum_by_model: number[];
  scored_by_bin: number[];
  score_sum_by_bin: number[];
}

function sumsOf(r: StoredRow): RoutingSums {
  return {
    steps: r.position_steps.reduce((a, b) => a + b, 0),
    models: r.models,
    positionSteps: r.models.map((_, i) => r.position_steps.slice(i * ROUTING_BINS, (i + 1) * ROUTING_BINS)),
    switches: r.switches,
    escalations: r.escalations,
    deescalations: r.deescalations,
    routerSteps: r.router_steps,
    notArgmax: r.not_argmax,
    chosenProbabilityHistogram: r.chosen_histogram,
    normalizedEntropyHistogram: r.entropy_histogram,
    scoredByModel: r.scored_by_model,
    scoreSumByModel: r.score_sum_by_model,
    scoredByBin: r.scored_by_bin,
    scoreSumByBin: r.score_sum_by_bin,
  };
}

const STORED_SELECT = `SELECT r.trajectory_pk, t.run_id, t.correct, r.models, r.position_steps, r.switches, r.escalations, r.deescalations,
          r.router_steps, r.not_argmax, r.chosen_histogram, r.entropy_histogram, r.scored_by_model, r.score_sum_by_model,
          r.scored_by_bin, r.score_sum_by_bin
     FROM trajectory_routing r JOIN trajectories t ON t.pk = r.trajectory_pk`;

/**
 * Adds the stored contributions of these trajectories to the routing rollups with `sign`, exactly as
 * they were added: -1 before the trajectories are replaced or deleted. Called by addStoredToRollups.
 */
export async function addStoredRouting(client: SqlExecutor, pks: readonly number[], deltas: RoutingDeltas, sign: 1 | -1): Promise<void> {
  if (pks.length === 0) return;
  const r = await client.query<StoredRow>(`${STORED_SELECT} WHERE r.trajectory_pk = ANY($1::int[]) ORDER BY r.trajectory_pk`, [pks]);
  for (const row of r.rows) deltas.add(row.run_id, sumsOf(row), row.correct, sign);
}

/** Removes the stored contributions (a replaced trajectory gets new ones). */
export async function deleteStoredRouting(client: pg.PoolClient, pks: readonly number[]): Promise<void> {
  if (pks.length === 0) return;
  await client.query('DELETE FROM trajectory_routing WHERE trajectory_pk = ANY($1::int[])', [pks]);
  await client.query('DELETE FROM trajectory_routing_steps WHERE trajectory_pk = ANY($1::int[])', [pks]);
}

const sameNumbers = (a: readonly number[], b: readonly number[]) => a.length === b.length && a.every((x, i) => x === b[i]);

/**
 * After a label moved a trajectory's step rubric scores: its quality sums are recomputed from the
 * steps' models, the stored chosen probabilities and the new scores, and the rollups move by the
 * difference. `stepModels` and `stepScores` are in step order.
 */
export async function recomputeRoutingQuality(
  client: pg.PoolClient,
  pk: number,
  stepModels: readonly string[],
  stepScores: readonly (number | null)[],
  deltas: RoutingDeltas,
): Promise<void> {
  const r = await client.query<StoredRow & { chosen_probability: (number | null)[] }>(
    `${STORED_SELECT.replace('FROM trajectory_routing r', ', s.chosen_probability FROM trajectory_routing r JOIN trajectory_routing_steps s ON s.trajectory_pk = r.trajectory_pk')}
      WHERE r.trajectory_pk = $1`,
    [pk],
  );
  const row = r.rows[0];
  if (!row) throw new Error(`trajectory ${pk} has no routing contribution stored`);
  const old = sumsOf(row);
  const q = routingQuality(old.models, stepModels, row.chosen_probability, stepScores);
  if (
    sameNumbers(q.scoredByModel, old.scoredByModel) &&
    sameNumbers(q.scoreSumByModel, old.scoreSumByModel) &&
    sameNumbers(q.scoredByBin, old.scoredByBin) &&
    sameNumbers(q.scoreSumByBin, old.scoreSumByBin)
  ) {
    return;
  }
  deltas.add(row.run_id, old, row.correct, -1);
  deltas.add(row.run_id, { ...old, ...q }, row.correct, 1);
  await client.query(
    `UPDATE trajectory_routing SET scored_by_model = $2, score_sum_by_model = $3, scored_by_bin = $4, score_sum_by_bin = $5
      WHERE trajectory_pk = $1`,
    [pk, q.scoredByModel, q.scoreSumByModel, q.scoredByBin, q.scoreSumByBin],
  );
}
