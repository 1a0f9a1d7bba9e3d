// Per-run rollups (run_stats, run_model_stats, run_benchmark_stats, run_benchmark_model_stats, and run_judge_stats in judge-figures.ts) move by deltas
// in the same transaction as the change that causes them, so the overview reads a handful of rows
// however many trajectories there are.
import type { SqlExecutor } from './prisma';
import { addStoredRouting, RoutingDeltas } from './routing-rollups';
import { contributionOfRow, stepsByModelOf, TrainingDeltas, type TrainingFieldsRow } from './training-rollups';
import { costRatio } from '@/lib/domain';
import { addStoredJudgeFigures, JudgeRollupDeltas } from './judge-figures';
import { AgreementDeltas, takeStoredAgreement } from './agreement-counts';
import { runAsOne, type SqlWrite } from './writes';

export interface RunDelta {
  trajectories: number;
  correct: number;
  steps: number;
  sumCostUsd: number;
  sumProcess: number;
  nProcess: number;
  sumSavings: number;
  nSavings: number;
  sumReward: number;
  sumCostRatio: number;
}

export interface ModelDelta {
  /** Trajectories with at least one step on the model. */
  trajectories: number;
  steps: number;
  tokensIn: number;
  tokensOut: number;
  costUsd: number;
}

export interface TrajectoryFiguresRow {
  /** null: no benchmark (the '' row of run_benchmark_stats). */
  benchmark: string | null;
  tokensIn: number;
  tokensOut: number;
  correct: boolean;
  stepCount: number;
  costUsd: number;
  processScore: number | null;
  savings: number | null;
  reward: number;
  allLargestUsd: number;
  /** The all-largest baseline's id (scoring.md): run_reference_models counts it when `savings` is not null. */
  allLargestModel: string;
}

/** A run's part for one benchmark (run_benchmark_stats): the run's sums, and those the overview's intervals and reference model need. */
export interface BenchmarkDelta extends RunDelta {
  tokensIn: number;
  tokensOut: number;
  sumCostSq: number;
}

const BENCHMARK_FIELDS = [
  'trajectories',
  'correct',
  'steps',
  'tokensIn',
  'tokensOut',
  'sumCostUsd',
  'sumCostSq',
  'sumProcess',
  'nProcess',
  'sumSavings',
  'nSavings',
  'sumReward',
  'sumCostRatio',
] as const;

function addModelDelta(map: Map<string, ModelDelta>, key: string, m: ModelDelta, sign: 1 | -1): void {
  let d = map.get(key);
  if (!d) {
    d = { trajectories: 0, steps: 0, tokensIn: 0, tokensOut: 0, costUsd: 0 };
    map.set(key, d);
  }
  d.trajectories += sign * m.trajectories;
  d.steps += sign * m.steps;
  d.tokensIn += sign * m.tokensIn;
  d.tokensOut += sign * m.tokensOut;
  d.costUsd += sign * m.costUsd;
}

const emptyRunDelta = (): RunDelta => ({
  trajectories: 0,
  correct: 0,
  steps: 0,
  sumCostUsd: 0,
  sumProcess: 0,
  nProcess: 0,
  sumSavings: 0,
  nSavings: 0,
  sumReward: 0,
  sumCostRatio: 0,
});

export class RollupDeltas {
  readonly runs = new Map<string, RunDelta>();
  readonly benchmarks = new Map<string, BenchmarkDelta>(); // key: runId + "\u0000" + benchmark ('' for none)
  readonly models = new Map<string, ModelDelta>(); // key: runId + "\u0000" + model
  readonly benchmarkModels = new Map<string, ModelDelta>(); // key: runId + "\u0000" + benchmark ('' for none) + "\u0000" + model
  /** run_reference_models: trajectories with savings by baseline model. Key as benchmarkModels'. */
  readonly referenceModels = new Map<string, number>();
  /** The routing rollups (routing-rollups.ts), applied with these. */
  readonly routing = new RoutingDeltas();
  /** Per training group and per (training step, model): training-rollups.ts. */
  readonly training = new TrainingDeltas();
  /** run_judge_stats: a trajectory's share is added by its caller (judge-figures.ts). */
  readonly judges = new JudgeRollupDeltas();
  /** GET /api/agreement's counts (agreement-counts.ts). */
  readonly agreement = new AgreementDeltas();

  addTrajectory(runId: string, t: TrajectoryFiguresRow, sign: 1 | -1 = 1): void {
    const d = this.run(runId);
    d.trajectories += sign;
    d.correct += t.correct ? sign : 0;
    d.steps += sign * t.stepCount;
    d.sumCostUsd += sign * t.costUsd;
    if (t.processScore !== null) {
      d.sumProcess += sign * t.processScore;
      d.nProcess += sign;
    }
    if (t.savings !== null) {
      d.sumSavings += sign * t.savings;
      d.nSavings += sign;
    }
    d.sumReward += sign * t.reward;
    d.sumCostRatio += sign * (costRatio(t.costUsd, t.allLargestUsd) ?? 0);
    const key = `${runId}\u0000${t.benchmark ?? ''}`;
    let b = this.benchmarks.get(key);
    if (!b) this.benchmarks.set(key, (b = { ...emptyRunDelta(), tokensIn: 0, tokensOut: 0, sumCostSq: 0 }));
    b.trajectories += sign;
    b.correct += t.correct ? sign : 0;
    b.steps += sign * t.stepCount;
    b.tokensIn += sign * t.tokensIn;
    b.tokensOut += sign * t.tokensOut;
    b.sumCostUsd += sign * t.costUsd;
    b.sumCostSq += sign * t.costUsd * t.costUsd;
    if (t.processScore !== null) {
      b.sumProcess += sign * t.processScore;
      b.nProcess += sign;
    }
    if (t.savings !== null) {
      b.sumSavings += sign * t.savings;
      b.nSavings += sign;
    }
    b.sumReward += sign * t.reward;
    b.sumCostRatio += sign * (costRatio(t.costUsd, t.allLargestUsd) ?? 0);
    if (t.savings !== null) {
      const refKey = `${key}\u0000${t.allLargestModel}`;
      this.referenceModels.set(refKey, (this.referenceModels.get(refKey) ?? 0) + sign);
    }
  }

  private run(runId: string): RunDelta {
    let d = this.runs.get(runId);
    if (!d) {
      d = emptyRunDelta();
      this.runs.set(runId, d);
    }
    return d;
  }

  /** A model's part of the run's trajectories of one benchmark (null: none): in run_model_stats and run_benchmark_model_stats. */
  addModel(runId: string, benchmark: string | null, model: string, m: ModelDelta, sign: 1 | -1 = 1): void {
    addModelDelta(this.models, `${runId}\u0000${model}`, m, sign);
    addModelDelta(this.benchmarkModels, `${runId}\u0000${benchmark ?? ''}\u0000${model}`, m, sign);
  }

  get empty(): boolean {
    return (
      this.runs.size === 0 &&
      this.benchmarks.size === 0 &&
      this.models.size === 0 &&
      this.benchmarkModels.size === 0 &&
      this.referenceModels.size === 0 &&
      this.routing.empty &&
      this.training.empty &&
      this.judges.empty &&
      this.agreement.empty
    );
  }

  /**
   * Writes every rollup and forgets the deltas. A run's rollup rows are shared by every change of the
   * run (each label of it moves them), and each is locked from its write to the commit: so run_stats
   * first, alone (every writer takes the rows of its runs there first, in run order, so two writers
   * cannot deadlock on the rows after it), then every other rollup's upserts as one statement, the
   * training groups, and the clean-ups that must see those upserts as one statement. Labels of one
   * run wait on each other for these few round trips, not one per table.
   */
  async apply(client: SqlExecutor): Promise<void> {
    const upserts: SqlWrite[] = [];
    const cleanups: SqlWrite[] = [];
    const written = new Set(this.runs.keys());
    if (this.runs.size > 0) {
      const ids = [...this.runs.keys()].sort();
      const col = (f: keyof RunDelta) => ids.map((id) => this.runs.get(id)![f]);
      await client.query(
        `INSERT INTO run_stats AS s (run_id, trajectories, correct, steps, sum_cost_usd, sum_process, n_process, sum_savings, n_savings, sum_reward,
                                     sum_cost_ratio)
         SELECT * FROM unnest($1::text[], $2::int[], $3::int[], $4::bigint[], $5::float8[], $6::float8[], $7::int[], $8::float8[], $9::int[], $10::float8[],
                              $11::float8[])
         ON CONFLICT (run_id) DO UPDATE SET
           trajectories = s.trajectories + EXCLUDED.trajectories,
           correct = s.correct + EXCLUDED.correct,
           steps = s.steps + EXCLUDED.steps,
           sum_cost_usd = s.sum_cost_usd + EXCLUDED.sum_cost_usd,
           sum_process = s.sum_process + EXCLUDED.sum_process,
           n_process = s.n_process + EXCLUDED.n_process,
           sum_savings = s.sum_savings + EXCLUDED.sum_savings,
           n_savings = s.n_savings + EXCLUDED.n_savings,
           sum_reward = s.sum_reward + EXCLUDED.sum_reward,
           sum_cost_ratio = s.sum_cost_ratio + EXCLUDED.sum_cost_ratio`,
        [
          ids,
          col('trajectories'),
          col('correct'),
          col('steps'),
          col('sumCostUsd'),
          col('sumProcess'),
          col('nProcess'),
          col('sumSavings'),
          col('nSavings'),
          col('sumReward'),
          col('sumCostRatio'),
        ],
      );
      // A run left with no trajectories has sums of exactly 0 (not the rounding left by subtracting
      // doubles), as after a fresh ingest of what remains.
      cleanups.push({
        text: `UPDATE run_stats SET sum_cost_usd = 0, sum_process = 0, sum_savings = 0, sum_reward = 0, sum_cost_ratio = 0
          WHERE run_id = ANY($1::text[]) AND trajectories = 0`,
        values: [ids],
      });
    }
    if (this.models.size > 0) {
      const keys = [...this.models.keys()].sort();
      const parts = keys.map((k) => k.split('\u0000') as [string, string]);
      const col = (f: keyof ModelDelta) => keys.map((k) => this.models.get(k)![f]);
      upserts.push({
        text: `INSERT INTO run_model_stats AS s (run_id, model, steps, tokens_in, tokens_out, cost_usd, trajectories)
         SELECT * FROM unnest($1::text[], $2::text[], $3::bigint[], $4::bigint[], $5::bigint[], $6::float8[], $7::int[])
         ON CONFLICT (run_id, model) DO UPDATE SET
           trajectories = s.trajectories + EXCLUDED.trajectories,
           steps = s.steps + EXCLUDED.steps,
           tokens_in = s.tokens_in + EXCLUDED.tokens_in,
           tokens_out = s.tokens_out + EXCLUDED.tokens_out,
           cost_usd = s.cost_usd + EXCLUDED.cost_usd`,
        values: [parts.map((p) => p[0]), parts.map((p) => p[1]), col('steps'), col('tokensIn'), col('tokensOut'), col('costUsd'), col('trajectories')],
      });
      // A model that no trajectory of the run uses any more has no row, as after a fresh ingest of what remains.
      cleanups.push({
        text: `DELETE FROM run_model_stats s USING unnest($1::text[], $2::text[]) AS x(run_id, model)
          WHERE s.run_id = x.run_id AND s.model = x.model AND s.trajectories = 0`,
        values: [parts.map((p) => p[0]), parts.map((p) => p[1])],
      });
    }
    if (this.benchmarks.size > 0) {
      const keys = [...this.benchmarks.keys()].sort();
      const parts = keys.map((k) => k.split('\u0000') as [string, string]);
      const col = (f: (typeof BENCHMARK_FIELDS)[number]) => keys.map((k) => this.benchmarks.get(k)![f]);
      upserts.push({
        text: `INSERT INTO run_benchmark_stats AS s (run_id, benchmark, trajectories, correct, steps, tokens_in, tokens_out, sum_cost_usd, sum_cost_sq,
                                               sum_process, n_process, sum_savings, n_savings, sum_reward, sum_cost_ratio)
         SELECT * FROM unnest($1::text[], $2::text[], $3::int[], $4::int[], $5::bigint[], $6::bigint[], $7::bigint[], $8::float8[], $9::float8[],
                              $10::float8[], $11::int[], $12::float8[], $13::int[], $14::float8[], $15::float8[])
         ON CONFLICT (run_id, benchmark) DO UPDATE SET
           trajectories = s.trajectories + EXCLUDED.trajectories,
           correct = s.correct + EXCLUDED.correct,
           steps = s.steps + EXCLUDED.steps,
           tokens_in = s.tokens_in + EXCLUDED.tokens_in,
           tokens_out = s.tokens_out + EXCLUDED.tokens_out,
           sum_cost_usd = s.sum_cost_usd + EXCLUDED.sum_cost_usd,
           sum_cost_sq = s.sum_cost_sq + EXCLUDED.sum_cost_sq,
           sum_process = s.sum_process + EXCLUDED.sum_process,
           n_process = s.n_process + EXCLUDED.n_process,
           sum_savings = s.sum_savings + EXCLUDED.sum_savings,
           n_savings = s.n_savings + EXCLUDED.n_savings,
           sum_reward = s.sum_reward + EXCLUDED.sum_reward,
           sum_cost_ratio = s.sum_cost_ratio + EXCLUDED.sum_cost_ratio`,
        values: [parts.map((p) => p[0]), parts.map((p) => p[1]), ...BENCHMARK_FIELDS.map(col)],
      });
      // A benchmark that no trajectory of the run has any more has no row, as after a fresh ingest.
      cleanups.push({
        text: `DELETE FROM run_benchmark_stats s USING unnest($1::text[], $2::text[]) AS x(run_id, benchmark)
          WHERE s.run_id = x.run_id AND s.benchmark = x.benchmark AND s.trajectories = 0`,
        values: [parts.map((p) => p[0]), parts.map((p) => p[1])],
      });
      this.benchmarks.clear();
    }
    if (this.benchmarkModels.size > 0) {
      // In key order (the same order of row locks for every writer).
      const keys = [...this.benchmarkModels.keys()].sort();
      const parts = keys.map((k) => k.split('\u0000') as [string, string, string]);
      const col = (f: keyof ModelDelta) => keys.map((k) => this.benchmarkModels.get(k)![f]);
      const [runs, benchmarks, models] = [0, 1, 2].map((i) => parts.map((p) => p[i]));
      upserts.push({
        text: `INSERT INTO run_benchmark_model_stats AS s (run_id, benchmark, model, trajectories, steps, tokens_in, tokens_out, cost_usd)
         SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::int[], $5::bigint[], $6::bigint[], $7::bigint[], $8::float8[])
         ON CONFLICT (run_id, benchmark, model) DO UPDATE SET
           trajectories = s.trajectories + EXCLUDED.trajectories,
           steps = s.steps + EXCLUDED.steps,
           tokens_in = s.tokens_in + EXCLUDED.tokens_in,
           tokens_out = s.tokens_out + EXCLUDED.tokens_out,
           cost_usd = s.cost_usd + EXCLUDED.cost_usd`,
        values: [runs, benchmarks, models, col('trajectories'), col('steps'), col('tokensIn'), col('tokensOut'), col('costUsd')],
      });
      // A model that no trajectory of the run's benchmark uses any more has no row, as after a fresh ingest.
      cleanups.push({
        text: `DELETE FROM run_benchmark_model_stats s USING unnest($1::text[], $2::text[], $3::text[]) AS x(run_id, benchmark, model)
          WHERE s.run_id = x.run_id AND s.benchmark = x.benchmark AND s.model = x.model AND s.trajectories = 0`,
        values: [runs, benchmarks, models],
      });
      this.benchmarkModels.clear();
    }
    const references = [...this.referenceModels].filter(([, n]) => n !== 0).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    this.referenceModels.clear();
    if (references.length > 0) {
      // In key order (the same order of row locks for every writer).
      const parts = references.map(([k]) => k.split('\u0000') as [string, string, string]);
      const [runs, benchmarks, models] = [0, 1, 2].map((i) => parts.map((p) => p[i]));
      upserts.push({
        text: `INSERT INTO run_reference_models AS s (run_id, benchmark, model, trajectories)
         SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::int[])
         ON CONFLICT (run_id, benchmark, model) DO UPDATE SET trajectories = s.trajectories + EXCLUDED.trajectories`,
        values: [runs, benchmarks, models, references.map(([, n]) => n)],
      });
      // A baseline that no trajectory of the run's benchmark has any more has no row, as after a fresh ingest.
      cleanups.push({
        text: `DELETE FROM run_reference_models s USING unnest($1::text[], $2::text[], $3::text[]) AS x(run_id, benchmark, model)
          WHERE s.run_id = x.run_id AND s.benchmark = x.benchmark AND s.model = x.model AND s.trajectories = 0`,
        values: [runs, benchmarks, models],
      });
    }
    this.runs.clear();
    this.models.clear();
    for (const w of [this.routing.writes(), this.judges.writes(), this.agreement.writes()]) {
      upserts.push(...w.upserts);
      cleanups.push(...w.cleanups);
    }
    // Each table once in each statement: one statement may not write a row twice, and a clean-up
    // must see the upserts (a later statement).
    await runAsOne(client, upserts);
    // After run_stats, as every writer does: their row locks order any two writers the same way.
    await this.training.apply(client, written);
    await runAsOne(client, cleanups);
  }
}

/** Trajectories are read this many at a time (one array parameter each). */
const STORED_CHUNK = 10_000;

/**
 * Adds the share of stored trajectories in every rollup, with `sign`: -1 before they are replaced or
 * deleted (their old contribution leaves), +1 for figures changed in place. The one place that reads a
 * stored trajectory's contribution: ingest's lines add theirs with addToRollups (lib/ingest/store.ts),
 * computed from the line; a new rollup adds its part in both. Locks the trajectories' rows (FOR UPDATE),
 * so a concurrent relabel cannot move their figures in between.
 */
export async function addStoredToRollups(client: SqlExecutor, pks: readonly number[], deltas: RollupDeltas, sign: 1 | -1): Promise<void> {
  for (let i = 0; i < pks.length; i += STORED_CHUNK) {
    const chunk = pks.slice(i, i + STORED_CHUNK);
    const rows = await client.query<TrajectoryFiguresRow & TrainingFieldsRow & { runId: string; pk: number }>(
      `SELECT pk, run_id AS "runId", correct, step_count AS "stepCount", cost_usd AS "costUsd", process_score AS "processScore",
              savings, reward, run_id, query_id, process_score, cost_usd, all_largest_usd, training_step, training_group,
              all_largest_usd AS "allLargestUsd", benchmark, tokens_in AS "tokensIn", tokens_out AS "tokensOut",
              (SELECT m.id FROM models m WHERE m.id = ANY(t.model_ids)
                ORDER BY m.usd_per_mtok_out DESC, m.usd_per_mtok_in DESC, m.id COLLATE "C" LIMIT 1) AS "allLargestModel"
         FROM trajectories t WHERE pk = ANY($1::int[]) ORDER BY pk FOR UPDATE OF t`,
      [chunk],
    );
    for (const t of rows.rows) deltas.addTrajectory(t.runId, t, sign);
    const rollouts = rows.rows.filter((t) => t.training_step !== null);
    const byModel = await stepsByModelOf(
      client,
      rollouts.map((t) => t.pk),
    );
    for (const t of rollouts) deltas.training.add(contributionOfRow(t, byModel.get(t.pk) ?? new Map()), sign);
    const models = await client.query<ModelDelta & { runId: string; benchmark: string | null; model: string }>(
      `SELECT t.run_id AS "runId", t.benchmark, s.model, count(DISTINCT s.trajectory_pk)::int AS trajectories, count(*)::int AS steps,
              sum(s.tokens_in) AS "tokensIn", sum(s.tokens_out) AS "tokensOut", sum(s.cost_usd) AS "costUsd"
         FROM steps s JOIN trajectories t ON t.pk = s.trajectory_pk
        WHERE s.trajectory_pk = ANY($1::int[])
        GROUP BY t.run_id, t.benchmark, s.model`,
      [chunk],
    );
    for (const m of models.rows) deltas.addModel(m.runId, m.benchmark, m.model, m, sign);
    await addStoredRouting(client, chunk, deltas.routing, sign);
    await addStoredJudgeFigures(client, chunk, deltas.judges, sign);
    // The agreement counts: a trajectory's stored part leaves before it is replaced or deleted (the
    // new part of a replaced one comes in with recomputeTrajectory).
    if (sign === -1) await takeStoredAgreement(client, chunk, deltas.agreement);
  }
}
