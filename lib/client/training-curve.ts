// The training page's curves as drawn: the route's per-step figures (computed by lib/domain on the
// server) grouped into at most MAX_POINTS consecutive buckets, so that a run of thousands of steps draws
// a few hundred points per series and a slider move redraws only what changed.
import type { TrainingStepPoint } from '@/lib/server/queries/training';

export type { TrainingCurve, TrainingStepPoint } from '@/lib/server/queries/training';

/** Points per series on a chart, at most: beyond this a point is the mean of consecutive steps. */
export const MAX_POINTS = 300;

export interface CurveRow {
  /** The bucket's first and last training step (equal when a point is one step). */
  step: number;
  last: number;
  /** Training steps in the bucket. */
  steps: number;
  rollouts: number;
  groups: number;
  accuracy: number | null;
  mean_cost_usd: number | null;
  /** Share of the model steps taken by the run's costliest model. */
  large_share: number | null;
  mean_process_score: number | null;
  mean_reward: number | null;
  mean_group_reward_std: number | null;
  no_signal_share_outcome: number | null;
  no_signal_share: number | null;
}

export type CurveKey = Exclude<keyof CurveRow, 'step' | 'last' | 'steps' | 'rollouts' | 'groups'>;

/** The figures weighed by a step's rollouts; the rest (per-group figures) by its groups. */
const BY_ROLLOUTS: readonly CurveKey[] = ['accuracy', 'mean_cost_usd', 'large_share', 'mean_process_score', 'mean_reward'];
const BY_GROUPS: readonly CurveKey[] = ['mean_group_reward_std', 'no_signal_share_outcome', 'no_signal_share'];

function pointOf(p: TrainingStepPoint, largeModel: string | null): CurveRow {
  return {
    step: p.step,
    last: p.step,
    steps: 1,
    rollouts: p.rollouts,
    groups: p.groups,
    accuracy: p.accuracy,
    mean_cost_usd: p.mean_cost_usd,
    large_share: largeModel === null ? null : (p.step_share_by_model[largeModel] ?? 0),
    mean_process_score: p.mean_process_score,
    mean_reward: p.mean_reward,
    mean_group_reward_std: p.mean_group_reward_std,
    no_signal_share_outcome: p.no_signal_share_outcome,
    no_signal_share: p.no_signal_share,
  };
}

/** The weighted mean of the defined values (null when none is). */
function weightedMean(rows: readonly CurveRow[], key: CurveKey, weight: (r: CurveRow) => number): number | null {
  let sum = 0;
  let w = 0;
  for (const r of rows) {
    const v = r[key];
    if (v === null) continue;
    sum += v * weight(r);
    w += weight(r);
  }
  return w === 0 ? null : sum / w;
}

/**
 * One row per step while there are at most `max` steps; otherwise buckets of ceil(n / max) consecutive
 * steps, each figure the mean of its steps' figures weighted by their rollouts (accuracy, cost, shares of
 * steps, process score, reward) or by their groups (group reward std, no-signal shares).
 */
export function bucketCurve(points: readonly TrainingStepPoint[], largeModel: string | null, max = MAX_POINTS): CurveRow[] {
  const rows = points.map((p) => pointOf(p, largeModel));
  if (rows.length <= max) return rows;
  const size = Math.ceil(rows.length / max);
  const out: CurveRow[] = [];
  for (let i = 0; i < rows.length; i += size) {
    const part = rows.slice(i, i + size);
    const bucket: CurveRow = {
      step: part[0]!.step,
      last: part[part.length - 1]!.step,
      steps: part.length,
      rollouts: part.reduce((n, r) => n + r.rollouts, 0),
      groups: part.reduce((n, r) => n + r.groups, 0),
      accuracy: null,
      mean_cost_usd: null,
      large_share: null,
      mean_process_score: null,
      mean_reward: null,
      mean_group_reward_std: null,
      no_signal_share_outcome: null,
      no_signal_share: null,
    };
    for (const k of BY_ROLLOUTS) bucket[k] = weightedMean(part, k, (r) => r.rollouts);
    for (const k of BY_GROUPS) bucket[k] = weightedMean(part, k, (r) => r.groups);
    out.push(bucket);
  }
  return out;
}

/** Whether two curves draw the same on a chart of `keys`: a chart whose series did not move is not redrawn. */
export function sameSeries(a: readonly CurveRow[], b: readonly CurveRow[], keys: readonly CurveKey[]): boolean {
  if (a === b) return true;
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) {
    const x = a[i]!;
    const y = b[i]!;
    if (x.step !== y.step || x.last !== y.last || x.rollouts !== y.rollouts) return false;
    for (const k of keys) if (x[k] !== y[k]) return false;
  }
  return true;
}

/** The bucket (index) that holds a training step, or -1. */
export function bucketOf(rows: readonly CurveRow[], step: number): number {
  let lo = 0;
  let hi = rows.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const r = rows[mid]!;
    if (step < r.step) hi = mid - 1;
    else if (step > r.last) lo = mid + 1;
    else return mid;
  }
  return -1;
}
