import 'server-only';
// The training curve's group rollups held in process (docs/training.md "Speed"): per run, the columns
// of training_groups that the curve reads, as typed arrays in (step, pk) order, loaded with one query
// and evaluated in JS at any lambda and mu exactly as the SQL of training.ts does (same operations in
// the same order, so the answers are the same doubles).
//
// A run's arrays are valid for one version: the xmin of its run_stats row. Every transaction that
// moves a training group (ingest, replace, relabel, removal) also updates that row (RollupDeltas.apply
// writes run_stats for every run it touches), which gives it a new xmin; the version is read before
// the groups, so arrays are never kept under a newer version than their data. At most CACHED_RUNS
// runs are held (least recently used first out): 125,000 groups take about 17 MB.
import { databaseUrl } from '@/lib/db/pool';
import { MOMENTS_RELATIVE_ERROR, NO_SIGNAL_TOLERANCE, type RewardSettings } from '@/lib/domain';
import { queryRows, sql } from '@/lib/server/sql';
import { reads } from '@/lib/server/reads';

export const CACHED_RUNS = 4;

interface Columns {
  version: string;
  n: number;
  /** Index of each step's first group, and the steps in order. */
  stepStart: number[];
  steps: number[];
  names: string[];
  rollouts: Int32Array;
  correct: Int32Array;
  sameProcess: Int32Array;
  sameCostRatio: Int32Array;
  nProcess: Int32Array;
  refCorrect: Uint8Array;
  sumCostUsd: Float64Array;
  sumProcess: Float64Array;
  sumCostRatio: Float64Array;
  dp: Float64Array;
  dc: Float64Array;
  dpp: Float64Array;
  dcc: Float64Array;
  dop: Float64Array;
  doc: Float64Array;
  dpc: Float64Array;
}

const cache = new Map<string, Columns>();
const loading = new Map<string, Promise<Columns>>();

interface GroupRow {
  step: number;
  name: string;
  rollouts: number;
  correct: number;
  same_process: number;
  same_cost_ratio: number;
  n_process: number;
  ref_correct: boolean;
  sum_cost_usd: number;
  sum_process: number;
  sum_cost_ratio: number;
  dev_process: number;
  dev_cost_ratio: number;
  dev_process_sq: number;
  dev_cost_ratio_sq: number;
  dev_outcome_process: number;
  dev_outcome_cost_ratio: number;
  dev_process_cost_ratio: number;
}

async function load(runId: string, version: string): Promise<Columns> {
  const rows = await queryRows<GroupRow>(
    reads(),
    sql`SELECT step, name, rollouts, correct, same_process, same_cost_ratio, n_process, ref_correct, sum_cost_usd, sum_process, sum_cost_ratio,
               dev_process, dev_cost_ratio, dev_process_sq, dev_cost_ratio_sq, dev_outcome_process, dev_outcome_cost_ratio, dev_process_cost_ratio
          FROM training_groups WHERE run_id = ${runId} ORDER BY step, pk`,
  );
  const n = rows.length;
  const c: Columns = {
    version,
    n,
    stepStart: [],
    steps: [],
    names: new Array<string>(n),
    rollouts: new Int32Array(n),
    correct: new Int32Array(n),
    sameProcess: new Int32Array(n),
    sameCostRatio: new Int32Array(n),
    nProcess: new Int32Array(n),
    refCorrect: new Uint8Array(n),
    sumCostUsd: new Float64Array(n),
    sumProcess: new Float64Array(n),
    sumCostRatio: new Float64Array(n),
    dp: new Float64Array(n),
    dc: new Float64Array(n),
    dpp: new Float64Array(n),
    dcc: new Float64Array(n),
    dop: new Float64Array(n),
    doc: new Float64Array(n),
    dpc: new Float64Array(n),
  };
  rows.forEach((r, i) => {
    if (i === 0 || r.step !== rows[i - 1]!.step) {
      c.stepStart.push(i);
      c.steps.push(r.step);
    }
    c.names[i] = r.name;
    c.rollouts[i] = r.rollouts;
    c.correct[i] = r.correct;
    c.sameProcess[i] = r.same_process;
    c.sameCostRatio[i] = r.same_cost_ratio;
    c.nProcess[i] = r.n_process;
    c.refCorrect[i] = r.ref_correct ? 1 : 0;
    c.sumCostUsd[i] = r.sum_cost_usd;
    c.sumProcess[i] = r.sum_process;
    c.sumCostRatio[i] = r.sum_cost_ratio;
    c.dp[i] = r.dev_process;
    c.dc[i] = r.dev_cost_ratio;
    c.dpp[i] = r.dev_process_sq;
    c.dcc[i] = r.dev_cost_ratio_sq;
    c.dop[i] = r.dev_outcome_process;
    c.doc[i] = r.dev_outcome_cost_ratio;
    c.dpc[i] = r.dev_process_cost_ratio;
  });
  c.stepStart.push(n);
  return c;
}

/** The run's group columns at the current version (null: the run has no rollups row, so no groups). */
async function columns(runId: string): Promise<Columns | null> {
  const [v] = await queryRows<{ v: string }>(reads(), sql`SELECT xmin::text AS v FROM run_stats WHERE run_id = ${runId}`);
  const key = `${databaseUrl()}\u0000${runId}`;
  if (!v) {
    cache.delete(key);
    return null;
  }
  const held = cache.get(key);
  if (held && held.version === v.v) {
    cache.delete(key);
    cache.set(key, held);
    return held;
  }
  const lk = `${key}\u0000${v.v}`;
  let p = loading.get(lk);
  if (!p) {
    p = load(runId, v.v).finally(() => loading.delete(lk));
    loading.set(lk, p);
  }
  const c = await p;
  const now = cache.get(key);
  if (!now || now.version !== c.version) {
    cache.delete(key);
    cache.set(key, c);
    while (cache.size > CACHED_RUNS) cache.delete(cache.keys().next().value!);
  }
  return c;
}

/** For tests: forget every held run. */
export function clearTrainingCache(): void {
  cache.clear();
}

/** PostgreSQL's order of float8: NaN above every number. */
const pgGreater = (a: number, b: number) => (Number.isNaN(a) ? !Number.isNaN(b) : a > b);

export interface CachedStepPoint {
  step: number;
  rollouts: number;
  groups: number;
  correct: number;
  sum_cost_usd: number;
  sum_process: number;
  n_process: number;
  sum_cost_ratio: number;
  multi: number;
  mean_std: number | null;
  no_signal_outcome: number;
  no_signal: number;
}

/**
 * The per-step sums of pointsFromRollups (training.ts) from the held columns: null when the run has
 * no rollups row. Groups that the moments leave undecided are decided from their rollouts, in one query.
 */
export async function cachedStepRows(runId: string, s: RewardSettings): Promise<CachedStepPoint[] | null> {
  const c = await columns(runId);
  if (c === null) return null;
  const l = s.lambda;
  const m = s.mu;
  const tol = NO_SIGNAL_TOLERANCE;
  const tol2 = NO_SIGNAL_TOLERANCE * NO_SIGNAL_TOLERANCE;
  // Per group: 0 no verdict (one rollout), 1 no signal, 2 signal, 3 from the rollouts; and its std.
  const verdict = new Uint8Array(c.n);
  const std = new Float64Array(c.n);
  const undecided: number[] = [];
  for (let i = 0; i < c.n; i++) {
    const n = c.rollouts[i]!;
    if (n < 2) continue;
    const correct = c.correct[i]!;
    const sa = correct - n * c.refCorrect[i]!;
    const saa = c.refCorrect[i] ? n - correct : correct;
    const s1 = sa + l * c.dp[i]! - m * c.dc[i]!;
    const s2 = saa + l * l * c.dpp[i]! + m * m * c.dcc[i]! + 2 * l * c.dop[i]! - 2 * m * c.doc[i]! - 2 * l * m * c.dpc[i]!;
    const scale = saa + l * l * c.dpp[i]! + m * m * c.dcc[i]!;
    const flat = (correct === 0 || correct === n) && (l === 0 || c.sameProcess[i] === n) && (m === 0 || c.sameCostRatio[i] === n);
    if (flat) {
      verdict[i] = 1;
      std[i] = 0;
      continue;
    }
    const variance = (s2 - (s1 * s1) / n) / (n - 1);
    const threshold = (MOMENTS_RELATIVE_ERROR * scale) / n + tol2;
    if (pgGreater(variance, threshold)) {
      verdict[i] = 2;
      std[i] = Math.sqrt(variance);
    } else {
      verdict[i] = 3;
      undecided.push(i);
    }
  }
  if (undecided.length > 0) {
    const rows = await queryRows<{ name: string; spread: number | null; sd: number | null }>(
      reads(),
      sql`SELECT x.name, max(x.r) - min(x.r) AS spread, coalesce(stddev_samp(x.r), 0) AS sd FROM (
            SELECT t.training_group AS name,
                   t.correct::int + ${l}::float8 * coalesce(t.process_score, 0)
                   - ${m}::float8 * CASE WHEN t.all_largest_usd = 0 THEN 0 ELSE t.cost_usd / t.all_largest_usd END AS r
              FROM trajectories t
             WHERE t.run_id = ${runId} AND t.training_group = ANY(${undecided.map((i) => c.names[i]!)}::text[])) x
          GROUP BY x.name`,
    );
    const byName = new Map(rows.map((r) => [r.name, r]));
    for (const i of undecided) {
      const r = byName.get(c.names[i]!);
      // NULL <= tol is NULL in SQL: counted as neither, and reward_std NULL (avg skips it).
      if (!r || r.spread === null) {
        verdict[i] = 4;
        continue;
      }
      if (!pgGreater(r.spread, tol)) {
        verdict[i] = 1;
        std[i] = 0;
      } else {
        verdict[i] = 2;
        std[i] = r.sd ?? 0;
      }
    }
  }
  const out: CachedStepPoint[] = [];
  for (let k = 0; k < c.steps.length; k++) {
    let rollouts = 0;
    let correct = 0;
    let sumCost = 0;
    let sumProcess = 0;
    let nProcess = 0;
    let sumCostRatio = 0;
    let multi = 0;
    let stdSum = 0;
    let stdN = 0;
    let noOutcome = 0;
    let no = 0;
    for (let i = c.stepStart[k]!; i < c.stepStart[k + 1]!; i++) {
      const n = c.rollouts[i]!;
      rollouts += n;
      correct += c.correct[i]!;
      sumCost += c.sumCostUsd[i]!;
      sumProcess += c.sumProcess[i]!;
      nProcess += c.nProcess[i]!;
      sumCostRatio += c.sumCostRatio[i]!;
      if (n < 2) continue;
      multi++;
      if (c.correct[i] === 0 || c.correct[i] === n) noOutcome++;
      const v = verdict[i]!;
      if (v === 1) no++;
      if (v !== 4) {
        stdSum += std[i]!;
        stdN++;
      }
    }
    out.push({
      step: c.steps[k]!,
      rollouts,
      groups: c.stepStart[k + 1]! - c.stepStart[k]!,
      correct,
      sum_cost_usd: sumCost,
      sum_process: sumProcess,
      n_process: nProcess,
      sum_cost_ratio: sumCostRatio,
      multi,
      mean_std: stdN === 0 ? null : stdSum / stdN,
      no_signal_outcome: noOutcome,
      no_signal: no,
    });
  }
  return out;
}
