// Rollups of training runs (prisma/schema.prisma TrainingGroup, TrainingStepModel), moved by deltas in
// the transactions that change rollouts, as the per-run rollups are (rollups.ts): a rollout's
// contribution is added with sign +1 (ingest), -1/+1 (replace, relabel) and -1 (deletion). Each batch
// costs a few set-based statements, whatever its size; the group moments are computed in SQL against
// the group's stored reference inputs, so the caller never needs to know them.
import type pg from 'pg';
import type { SqlExecutor } from './prisma';
import { rewardInputs } from '@/lib/domain/training';
import type { NormalizedLine } from '@/lib/ingest/normalize';

/** What one rollout adds to the training rollups. */
export interface TrainingContribution {
  runId: string;
  group: string;
  queryId: string;
  step: number;
  correct: boolean;
  processScore: number | null;
  costUsd: number;
  allLargestUsd: number;
  /** Steps on each model. */
  stepsByModel: ReadonlyMap<string, number>;
}

/** The stored columns that make a rollout's contribution (any trajectory row has them). */
export interface TrainingFieldsRow {
  run_id: string;
  query_id: string;
  training_step: number | null;
  training_group: string | null;
  correct: boolean;
  process_score: number | null;
  cost_usd: number;
  all_largest_usd: number;
}

/** The contribution of a stored trajectory, or null when it is no rollout. */
export function contributionOfRow(t: TrainingFieldsRow, stepsByModel: ReadonlyMap<string, number>): TrainingContribution | null {
  if (t.training_step === null || t.training_group === null) return null;
  return {
    runId: t.run_id,
    group: t.training_group,
    queryId: t.query_id,
    step: t.training_step,
    correct: t.correct,
    processScore: t.process_score,
    costUsd: t.cost_usd,
    allLargestUsd: t.all_largest_usd,
    stepsByModel,
  };
}

/** The contribution of a line being stored, or null when it has no "training". */
export function contributionOfLine(norm: NormalizedLine): TrainingContribution | null {
  const t = norm.trajectory;
  if (t.trainingStep === null || t.trainingGroup === null) return null;
  const stepsByModel = new Map<string, number>();
  for (const s of norm.steps) stepsByModel.set(s.model, (stepsByModel.get(s.model) ?? 0) + 1);
  return {
    runId: t.runId,
    group: t.trainingGroup,
    queryId: t.queryId,
    step: t.trainingStep,
    correct: t.correct,
    processScore: t.processScore,
    costUsd: t.costUsd,
    allLargestUsd: t.allLargestUsd,
    stepsByModel,
  };
}

export class TrainingDeltas {
  private readonly rows: { c: TrainingContribution; sign: 1 | -1 }[] = [];
  /** key: run \u0000 step \u0000 model */
  private readonly models = new Map<string, number>();

  add(c: TrainingContribution | null, sign: 1 | -1 = 1): void {
    if (c === null) return;
    this.rows.push({ c, sign });
    for (const [model, steps] of c.stepsByModel) {
      const key = `${c.runId}\u0000${c.step}\u0000${model}`;
      this.models.set(key, (this.models.get(key) ?? 0) + sign * steps);
    }
  }

  get empty(): boolean {
    return this.rows.length === 0;
  }

  /**
   * Applies the deltas. `written`: runs whose run_stats row this transaction has written already
   * (RollupDeltas.apply), which therefore has its new row version.
   */
  async apply(client: SqlExecutor, written: ReadonlySet<string> = new Set()): Promise<void> {
    if (this.rows.length === 0) return;
    const rows = this.rows.splice(0);
    const models = [...this.models].filter(([, n]) => n !== 0).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    this.models.clear();
    const inputs = rows.map(({ c }) => rewardInputs(c));
    const params = [
      rows.map(({ c }) => c.runId),
      rows.map(({ c }) => c.group),
      rows.map(({ c }) => c.queryId),
      rows.map(({ c }) => c.step),
      rows.map(({ sign }) => sign),
      rows.map(({ c }) => c.correct),
      inputs.map((x) => x.process),
      rows.map(({ c }) => c.processScore !== null),
      inputs.map((x) => x.costRatio),
      rows.map(({ c }) => c.costUsd),
    ];
    const x = `unnest($1::text[], $2::text[], $3::text[], $4::int[], $5::int[], $6::bool[], $7::float8[], $8::bool[], $9::float8[], $10::float8[])
                 WITH ORDINALITY AS x(run_id, name, query_id, step, sign, correct, process, has_process, cost_ratio, cost_usd, ord)`;
    // A new group takes the inputs of its first rollout in the batch as its reference.
    await client.query(
      `INSERT INTO training_groups AS g (run_id, name, query_id, step, ref_correct, ref_process, ref_cost_ratio)
       SELECT DISTINCT ON (run_id, name) run_id, name, query_id, step, correct, process, cost_ratio
         FROM ${x} WHERE sign = 1 ORDER BY run_id, name, ord
       ON CONFLICT (run_id, name) DO NOTHING`,
      params,
    );
    // Writers lock run_stats before these rows (RollupDeltas.apply), so two of them cannot deadlock here.
    const updated = await client.query<{ pk: number; rollouts: number }>(
      `WITH d AS (
         SELECT g.pk,
                sum(x.sign)::int AS n,
                sum(CASE WHEN x.correct THEN x.sign ELSE 0 END)::int AS correct,
                sum(x.sign * x.cost_usd) AS cost_usd,
                sum(x.sign * x.process) AS process,
                sum(CASE WHEN x.has_process THEN x.sign ELSE 0 END)::int AS n_process,
                sum(x.sign * x.cost_ratio) AS cost_ratio,
                sum(CASE WHEN x.process = g.ref_process THEN x.sign ELSE 0 END)::int AS same_process,
                sum(CASE WHEN x.cost_ratio = g.ref_cost_ratio THEN x.sign ELSE 0 END)::int AS same_cost_ratio,
                sum(x.sign * (x.process - g.ref_process)) AS dp,
                sum(x.sign * (x.cost_ratio - g.ref_cost_ratio)) AS dc,
                sum(x.sign * (x.process - g.ref_process) * (x.process - g.ref_process)) AS dpp,
                sum(x.sign * (x.cost_ratio - g.ref_cost_ratio) * (x.cost_ratio - g.ref_cost_ratio)) AS dcc,
                sum(x.sign * (x.correct::int - g.ref_correct::int) * (x.process - g.ref_process)) AS dop,
                sum(x.sign * (x.correct::int - g.ref_correct::int) * (x.cost_ratio - g.ref_cost_ratio)) AS doc,
                sum(x.sign * (x.process - g.ref_process) * (x.cost_ratio - g.ref_cost_ratio)) AS dpc
           FROM ${x} JOIN training_groups g ON g.run_id = x.run_id AND g.name = x.name
          GROUP BY g.pk
       )
       UPDATE training_groups g SET
         rollouts = g.rollouts + d.n,
         correct = g.correct + d.correct,
         sum_cost_usd = g.sum_cost_usd + d.cost_usd,
         sum_process = g.sum_process + d.process,
         n_process = g.n_process + d.n_process,
         sum_cost_ratio = g.sum_cost_ratio + d.cost_ratio,
         same_process = g.same_process + d.same_process,
         same_cost_ratio = g.same_cost_ratio + d.same_cost_ratio,
         dev_process = g.dev_process + d.dp,
         dev_cost_ratio = g.dev_cost_ratio + d.dc,
         dev_process_sq = g.dev_process_sq + d.dpp,
         dev_cost_ratio_sq = g.dev_cost_ratio_sq + d.dcc,
         dev_outcome_process = g.dev_outcome_process + d.dop,
         dev_outcome_cost_ratio = g.dev_outcome_cost_ratio + d.doc,
         dev_process_cost_ratio = g.dev_process_cost_ratio + d.dpc
         FROM d WHERE g.pk = d.pk
       RETURNING g.pk, g.rollouts`,
      params,
    );
    // A group whose last rollout went is no longer stored (its name is free for another query or step).
    const gone = updated.rows.filter((r) => r.rollouts === 0).map((r) => r.pk);
    if (gone.length > 0) await client.query('DELETE FROM training_groups WHERE pk = ANY($1::int[])', [gone]);
    // The run's rollups row gets a new row version (xmin) in every transaction that moves its groups:
    // the version of the groups held in process (lib/server/queries/training-cache.ts). Writers hold
    // this row's lock already (RollupDeltas.apply writes it first); a row written in this transaction
    // has its new version already.
    const bump = [...new Set(rows.map(({ c }) => c.runId))].filter((id) => !written.has(id)).sort();
    if (bump.length > 0) await client.query('UPDATE run_stats SET trajectories = trajectories WHERE run_id = ANY($1::text[])', [bump]);
    if (models.length > 0) {
      const parts = models.map(([k]) => k.split('\u0000') as [string, string, string]);
      const r = await client.query<{ run_id: string; step: number; model: string; steps: number }>(
        `INSERT INTO training_step_models AS s (run_id, step, model, steps)
         SELECT * FROM unnest($1::text[], $2::int[], $3::text[], $4::bigint[])
         ON CONFLICT (run_id, step, model) DO UPDATE SET steps = s.steps + EXCLUDED.steps
         RETURNING run_id, step, model, steps`,
        [parts.map((p) => p[0]), parts.map((p) => Number(p[1])), parts.map((p) => p[2]), models.map(([, n]) => n)],
      );
      const empty = r.rows.filter((x) => x.steps === 0);
      if (empty.length > 0) {
        await client.query(
          `DELETE FROM training_step_models s USING unnest($1::text[], $2::int[], $3::text[]) AS x(run_id, step, model)
            WHERE s.run_id = x.run_id AND s.step = x.step AND s.model = x.model AND s.steps = 0`,
          [empty.map((x) => x.run_id), empty.map((x) => x.step), empty.map((x) => x.model)],
        );
      }
    }
  }
}

/** Steps per model of stored trajectories, by pk (for the -1 of a replaced or deleted rollout). */
export async function stepsByModelOf(client: SqlExecutor, pks: readonly number[]): Promise<Map<number, Map<string, number>>> {
  const out = new Map<number, Map<string, number>>();
  if (pks.length === 0) return out;
  const r = await client.query<{ pk: number; model: string; steps: number }>(
    'SELECT trajectory_pk AS pk, model, count(*)::int AS steps FROM steps WHERE trajectory_pk = ANY($1::int[]) GROUP BY 1, 2',
    [pks],
  );
  for (const row of r.rows) {
    let m = out.get(row.pk);
    if (!m) out.set(row.pk, (m = new Map()));
    m.set(row.model, row.steps);
  }
  return out;
}

/**
 * The training rollups of the given runs as the rollouts stored now make them, against each group's
 * stored reference inputs (a recomputation; the stored rollups must equal it up to rounding). Groups
 * that exist in only one of the two show as rows with the other side's counts at 0.
 */
export async function recomputedTrainingGroups(client: pg.PoolClient | pg.Pool, runIds: readonly string[]) {
  const r = await client.query<Record<string, number | string | boolean>>(
    `WITH t AS (
       SELECT t.run_id, t.training_group AS name, t.query_id, t.training_step AS step, t.correct,
              coalesce(t.process_score, 0) AS process, t.process_score IS NOT NULL AS has_process, t.cost_usd,
              CASE WHEN t.all_largest_usd = 0 THEN 0 ELSE t.cost_usd / t.all_largest_usd END AS cost_ratio
         FROM trajectories t WHERE t.run_id = ANY($1::text[]) AND t.training_group IS NOT NULL)
     SELECT t.run_id, t.name, min(t.query_id) AS query_id, max(t.query_id) AS query_id_max, min(t.step) AS step, max(t.step) AS step_max,
            count(*)::int AS rollouts, count(*) FILTER (WHERE t.correct)::int AS correct, sum(t.cost_usd) AS sum_cost_usd,
            sum(t.process) AS sum_process, count(*) FILTER (WHERE t.has_process)::int AS n_process, sum(t.cost_ratio) AS sum_cost_ratio,
            count(*) FILTER (WHERE t.process = g.ref_process)::int AS same_process,
            count(*) FILTER (WHERE t.cost_ratio = g.ref_cost_ratio)::int AS same_cost_ratio,
            sum(t.process - g.ref_process) AS dev_process, sum(t.cost_ratio - g.ref_cost_ratio) AS dev_cost_ratio,
            sum((t.process - g.ref_process) ^ 2) AS dev_process_sq, sum((t.cost_ratio - g.ref_cost_ratio) ^ 2) AS dev_cost_ratio_sq,
            sum((t.correct::int - g.ref_correct::int) * (t.process - g.ref_process)) AS dev_outcome_process,
            sum((t.correct::int - g.ref_correct::int) * (t.cost_ratio - g.ref_cost_ratio)) AS dev_outcome_cost_ratio,
            sum((t.process - g.ref_process) * (t.cost_ratio - g.ref_cost_ratio)) AS dev_process_cost_ratio
       FROM t LEFT JOIN training_groups g ON g.run_id = t.run_id AND g.name = t.name
      GROUP BY t.run_id, t.name ORDER BY t.run_id, t.name`,
    [runIds],
  );
  return r.rows;
}
