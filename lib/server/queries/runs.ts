import 'server-only';
// GET /api/runs: every run's figures from the rollups (run_stats, run_model_stats, and run_judge_stats
// under a judge; run_benchmark_stats and run_benchmark_model_stats for one benchmark), a handful of
// rows however many trajectories are stored. The mean reward at other lambda and mu comes from the
// same sums (meanCombinedReward).
import { meanCombinedReward, meanInterval, mergeBreakdowns, savingsVsModel, wilsonInterval, type ModelBreakdown } from '@/lib/domain';
import { DEFAULT_VIEW, isDefaultReward, type ViewSettings } from '@/lib/schemas/view-settings';
import { ApiError } from '@/lib/server/errors';
import { empty, queryRows, sql } from '@/lib/server/sql';
import { benchmarksLike } from './trajectory-filter';
import { reads } from '@/lib/server/reads';

interface RunRow {
  id: string;
  policy: string | null;
  meta: unknown;
  created_at: Date;
  trajectories: number | null;
  correct: number | null;
  steps: number | null;
  sum_cost_usd: number | null;
  sum_process: number | null;
  n_process: number | null;
  sum_savings: number | null;
  n_savings: number | null;
  sum_reward: number | null;
  sum_cost_ratio: number | null;
  sum_cost_sq: number | null;
  tokens_in: number | null;
  tokens_out: number | null;
  hidden: boolean;
}

interface RunModelRow {
  run_id: string;
  model: string;
  steps: number;
  tokens_in: number;
  tokens_out: number;
  cost_usd: number;
  params_b: number | null;
  usd_per_mtok_in: number | null;
  usd_per_mtok_out: number | null;
}

export interface RunModel {
  id: string;
  params_b: number | null;
  usd_per_mtok_in: number | null;
  usd_per_mtok_out: number | null;
  steps: number;
  tokens_in: number;
  tokens_out: number;
  cost_usd: number;
  /** Of the run's steps. */
  step_share: number | null;
  /** Of the run's cost (scoring.md's breakdown by model, summed over the run). */
  cost_share: number | null;
}

export interface RunSummary {
  id: string;
  policy: string | null;
  meta: unknown;
  created_at: string;
  trajectories: number;
  correct: number;
  accuracy: number | null;
  mean_cost_usd: number | null;
  total_cost_usd: number;
  mean_process_score: number | null;
  n_process_score: number;
  mean_savings: number | null;
  mean_reward: number | null;
  steps: number;
  step_share_by_model: Record<string, number>;
  cost_by_model: Record<string, number>;
  models: RunModel[];
  /** Training steps that the run's rollouts were sampled at (0 for a run without `training`). */
  training_steps: number;
  /** 95% intervals (scoring.md "Intervals"): Wilson on accuracy, Student's t on the mean cost. */
  accuracy_ci: [number, number] | null;
  mean_cost_ci: [number, number] | null;
  /** The run's tokens priced at the reference model, and 1 - cost / that (scoring.md's counterfactual cost); null without a reference. */
  reference_cost_usd: number | null;
  savings_vs_reference: number | null;
  /**
   * What `mean_savings` is against: the all-largest baselines (scoring.md) of the run's trajectories
   * that have savings, with how many trajectories each, most first (equal counts by id).
   */
  savings_baselines: { model: string; trajectories: number }[];
  hidden: boolean;
}

export interface RunsOptions {
  /** Only the trajectories of this benchmark (matched without case): the figures from run_benchmark_stats. */
  benchmark?: string;
  /** A model id: every run's savings against it. */
  reference?: string;
}

type Reference = { id: string; usdPerMtokIn: number; usdPerMtokOut: number } | null;

function referenceFigures(r: RunRow, n: number, reference: Reference) {
  if (!reference || n === 0) return { reference_cost_usd: null, savings_vs_reference: null };
  const v = savingsVsModel(r.sum_cost_usd ?? 0, r.tokens_in ?? 0, r.tokens_out ?? 0, reference);
  return { reference_cost_usd: v.counterfactualUsd, savings_vs_reference: v.savings };
}

const ratio = (part: number, whole: number): number | null => (whole === 0 ? null : part / whole);

/** Costliest model first (the breakdown's order), with prices and shares of steps and of cost. */
function runModels(rows: RunModelRow[], steps: number): RunModel[] {
  const used = rows.filter((m) => m.steps > 0);
  const breakdown = mergeBreakdowns([
    used.map((m): ModelBreakdown => ({ model: m.model, steps: m.steps, tokensIn: m.tokens_in, tokensOut: m.tokens_out, costUsd: m.cost_usd, share: null })),
  ]);
  const byId = new Map(used.map((m) => [m.model, m]));
  return breakdown.map((b) => {
    const m = byId.get(b.model)!;
    return {
      id: b.model,
      params_b: m.params_b,
      usd_per_mtok_in: m.usd_per_mtok_in,
      usd_per_mtok_out: m.usd_per_mtok_out,
      steps: b.steps,
      tokens_in: b.tokensIn,
      tokens_out: b.tokensOut,
      cost_usd: b.costUsd,
      step_share: ratio(b.steps, steps),
      cost_share: b.share,
    };
  });
}

function runSummary(
  r: RunRow,
  modelRows: RunModelRow[],
  view: ViewSettings,
  trainingSteps: number,
  reference: Reference,
  baselines: RunSummary['savings_baselines'],
): RunSummary {
  const n = r.trajectories ?? 0;
  const meanReward = isDefaultReward(view)
    ? ratio(r.sum_reward ?? 0, n)
    : meanCombinedReward({ trajectories: n, correct: r.correct ?? 0, sumProcess: r.sum_process ?? 0, sumCostRatio: r.sum_cost_ratio ?? 0 }, view);
  const steps = r.steps ?? 0;
  const models = runModels(modelRows, steps);
  return {
    id: r.id,
    policy: r.policy,
    meta: r.meta,
    created_at: r.created_at.toISOString(),
    trajectories: n,
    correct: r.correct ?? 0,
    accuracy: ratio(r.correct ?? 0, n),
    mean_cost_usd: ratio(r.sum_cost_usd ?? 0, n),
    total_cost_usd: n === 0 ? 0 : (r.sum_cost_usd ?? 0),
    mean_process_score: ratio(r.sum_process ?? 0, r.n_process ?? 0),
    n_process_score: r.n_process ?? 0,
    mean_savings: ratio(r.sum_savings ?? 0, r.n_savings ?? 0),
    mean_reward: meanReward,
    steps,
    step_share_by_model: Object.fromEntries(models.map((m) => [m.id, m.step_share ?? 0])),
    cost_by_model: Object.fromEntries(models.map((m) => [m.id, m.cost_usd])),
    models,
    training_steps: trainingSteps,
    accuracy_ci: wilsonInterval(r.correct ?? 0, n),
    mean_cost_ci: meanInterval(n, r.sum_cost_usd ?? 0, r.sum_cost_sq ?? 0),
    ...referenceFigures(r, n, reference),
    savings_baselines: baselines,
    hidden: r.hidden,
  };
}

/**
 * With a judge, the process and reward sums are the judge's (run_judge_stats); the rest is the run's.
 * With a benchmark, every figure comes from run_benchmark_stats, and a judge's sums from the stored
 * per-(trajectory, judge) figures of that benchmark's trajectories.
 */
export async function listRuns(view: ViewSettings = DEFAULT_VIEW, opts: RunsOptions = {}): Promise<RunSummary[]> {
  const pool = reads();
  const judged = view.judge !== null;
  const judgeId = sql`(SELECT g.id FROM judges g WHERE g.name = ${view.judge})`;
  const inBenchmark = opts.benchmark === undefined ? empty : sql`AND b.benchmark = ANY(${benchmarksLike(opts.benchmark)})`;
  const sums = judged ? sql`j.sum_process, j.n_process, j.sum_reward` : sql`s.sum_process, s.n_process, s.sum_reward`;
  const judgeJoin = !judged
    ? empty
    : opts.benchmark === undefined
      ? sql`LEFT JOIN run_judge_stats j ON j.run_id = r.id AND j.judge_id = ${judgeId}`
      : sql`LEFT JOIN (SELECT t.run_id, sum(tj.process_score) AS sum_process, count(tj.process_score)::int AS n_process, sum(tj.reward) AS sum_reward
                         FROM trajectories t JOIN trajectory_judges tj ON tj.trajectory_pk = t.pk AND tj.judge_id = ${judgeId}
                        WHERE t.benchmark = ANY(${benchmarksLike(opts.benchmark)}) GROUP BY t.run_id) j ON j.run_id = r.id`;
  const [runs, models, reference, training, baselines] = await Promise.all([
    queryRows<RunRow>(
      pool,
      sql`SELECT r.id, r.policy, r.meta, r.created_at, r.hidden, s.trajectories, s.correct, s.steps, s.sum_cost_usd, ${sums},
                 s.n_savings, s.sum_savings, s.sum_cost_ratio, s.sum_cost_sq, s.tokens_in, s.tokens_out
            FROM runs r
            LEFT JOIN (SELECT b.run_id, sum(b.trajectories)::int AS trajectories, sum(b.correct)::int AS correct, sum(b.steps) AS steps,
                              sum(b.sum_cost_usd) AS sum_cost_usd, sum(b.sum_process) AS sum_process, sum(b.n_process)::int AS n_process,
                              sum(b.sum_reward) AS sum_reward, sum(b.n_savings)::int AS n_savings, sum(b.sum_savings) AS sum_savings,
                              sum(b.sum_cost_ratio) AS sum_cost_ratio, sum(b.sum_cost_sq) AS sum_cost_sq, sum(b.tokens_in) AS tokens_in,
                              sum(b.tokens_out) AS tokens_out
                         FROM run_benchmark_stats b WHERE true ${inBenchmark} GROUP BY b.run_id) s ON s.run_id = r.id
            ${judgeJoin}
           ${opts.benchmark === undefined ? empty : sql`WHERE s.trajectories > 0`}
           ORDER BY r.id COLLATE "C"`,
    ),
    queryRows<RunModelRow>(
      pool,
      opts.benchmark === undefined
        ? sql`SELECT s.run_id, s.model, s.steps, s.tokens_in, s.tokens_out, s.cost_usd, m.params_b, m.usd_per_mtok_in, m.usd_per_mtok_out
                FROM run_model_stats s LEFT JOIN models m ON m.id = s.model`
        : sql`SELECT s.run_id, s.model, s.steps, s.tokens_in, s.tokens_out, s.cost_usd, m.params_b, m.usd_per_mtok_in, m.usd_per_mtok_out
                FROM (SELECT b.run_id, b.model, sum(b.steps) AS steps, sum(b.tokens_in) AS tokens_in, sum(b.tokens_out) AS tokens_out, sum(b.cost_usd) AS cost_usd
                        FROM run_benchmark_model_stats b WHERE b.benchmark = ANY(${benchmarksLike(opts.benchmark)}) GROUP BY b.run_id, b.model) s
                LEFT JOIN models m ON m.id = s.model`,
    ),
    opts.reference === undefined
      ? Promise.resolve([])
      : queryRows<{ id: string; usd_per_mtok_in: number; usd_per_mtok_out: number }>(
          pool,
          sql`SELECT id, usd_per_mtok_in, usd_per_mtok_out FROM models WHERE id = ${opts.reference}`,
        ),
    // training_step_models holds a row per (step, model) that took steps: every stored training step has one.
    queryRows<{ run_id: string; steps: number }>(pool, sql`SELECT run_id, count(DISTINCT step)::int AS steps FROM training_step_models GROUP BY run_id`),
    queryRows<{ run_id: string; model: string; trajectories: number }>(
      pool,
      sql`SELECT b.run_id, b.model, sum(b.trajectories)::int AS trajectories FROM run_reference_models b WHERE true ${inBenchmark}
           GROUP BY b.run_id, b.model ORDER BY b.run_id, 3 DESC, b.model COLLATE "C"`,
    ),
  ]);
  const trainingSteps = new Map(training.map((t) => [t.run_id, t.steps]));
  if (opts.reference !== undefined && reference.length === 0) {
    throw new ApiError('invalid_parameter', `parameter "reference": no model is named ${JSON.stringify(opts.reference)}`, { parameter: 'reference' });
  }
  const ref = reference[0] ? { id: reference[0].id, usdPerMtokIn: reference[0].usd_per_mtok_in, usdPerMtokOut: reference[0].usd_per_mtok_out } : null;
  const byRun = new Map<string, RunModelRow[]>();
  for (const m of models) {
    const list = byRun.get(m.run_id) ?? [];
    list.push(m);
    byRun.set(m.run_id, list);
  }
  const baselinesByRun = new Map<string, RunSummary['savings_baselines']>();
  for (const b of baselines) {
    const list = baselinesByRun.get(b.run_id) ?? [];
    list.push({ model: b.model, trajectories: b.trajectories });
    baselinesByRun.set(b.run_id, list);
  }
  return runs.map((r) => runSummary(r, byRun.get(r.id) ?? [], view, trainingSteps.get(r.id) ?? 0, ref, baselinesByRun.get(r.id) ?? []));
}
