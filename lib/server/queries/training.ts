import 'server-only';
// The training routes (api.md "Training"): a run's per-step curve and a step's groups from the group
// rollups (training_groups, training_step_models), never from the rollouts; one group with its
// rollouts' advantages and ranks from the rollouts themselves, through lib/domain.
//
// Whether a group has a signal at lambda and mu (max - min of its rewards > 1e-12) is decided as
// lib/domain's momentsVerdict says: exactly where every input that the reward weighs is constant in
// the group (the outcome from its counts, process and cost ratio from the same_* counts); from the
// variance that the moments give where it is far above what rounding could make of a spread of
// 1e-12; and otherwise from the group's rollouts, read through the (run_id, training_group) index.
//
// With a judge setting the process scores are the judge's (and people's), which no rollup holds: the
// figures are computed on the fly by lib/domain from the rollouts and their judgments, a few thousand
// rollouts at a time (see docs/training.md for its speed).
import type pg from 'pg';
import {
  allLargestModel,
  compareIds,
  groupFigures,
  MOMENTS_RELATIVE_ERROR,
  NO_SIGNAL_TOLERANCE,
  trainingCurve as domainCurve,
  type RewardSettings,
  type TrainingRolloutInput,
} from '@/lib/domain';
import type { StepRange } from '@/lib/schemas/filters';
import type { GroupListParams, GroupSortField } from '@/lib/schemas/training';
import type { ViewSettings } from '@/lib/schemas/view-settings';
import { viewFigures } from './view-figures';
import { cachedStepRows, type CachedStepPoint } from './training-cache';
import { ApiError, notFound } from '@/lib/server/errors';
import { MAX_INT4, SORT_VALUE_FORMS } from './cursor-values';
import { empty, join, queryRows, raw, sql, type Sql } from '@/lib/server/sql';
import { queryRowsWith, reads } from '@/lib/server/reads';

async function findRun(runId: string): Promise<void> {
  if (runId.includes('\u0000') || runId.length > 200) throw notFound(`run "${runId.replaceAll('\u0000', '\\0')}"`);
  const [row] = await queryRows<{ id: string }>(reads(), sql`SELECT id FROM runs WHERE id = ${runId}`);
  if (!row) throw notFound(`run "${runId}"`);
}

/**
 * Per group of training_groups g: n, no_signal_outcome, no_signal and reward_std at lambda and mu
 * (null for a one-rollout group), as SQL select items. The rollouts are read only for a group that
 * the moments leave undecided (CASE evaluates that branch for those rows alone).
 */
function groupVerdict(s: RewardSettings): { from: Sql; items: Sql } {
  const l = sql`${s.lambda}::float8`;
  const m = sql`${s.mu}::float8`;
  const from = sql`
    CROSS JOIN LATERAL (SELECT g.correct - g.rollouts * g.ref_correct::int AS sa,
                               CASE WHEN g.ref_correct THEN g.rollouts - g.correct ELSE g.correct END AS saa) a
    CROSS JOIN LATERAL (SELECT a.sa + ${l} * g.dev_process - ${m} * g.dev_cost_ratio AS s1,
                               a.saa + ${l} * ${l} * g.dev_process_sq + ${m} * ${m} * g.dev_cost_ratio_sq
                                 + 2 * ${l} * g.dev_outcome_process - 2 * ${m} * g.dev_outcome_cost_ratio
                                 - 2 * ${l} * ${m} * g.dev_process_cost_ratio AS s2,
                               a.saa + ${l} * ${l} * g.dev_process_sq + ${m} * ${m} * g.dev_cost_ratio_sq AS scale) s
    CROSS JOIN LATERAL (SELECT (g.correct = 0 OR g.correct = g.rollouts)
                                 AND (${l} = 0 OR g.same_process = g.rollouts)
                                 AND (${m} = 0 OR g.same_cost_ratio = g.rollouts) AS flat,
                               CASE WHEN g.rollouts >= 2 THEN (s.s2 - s.s1 * s.s1 / g.rollouts) / (g.rollouts - 1) END AS variance,
                               ${MOMENTS_RELATIVE_ERROR}::float8 * s.scale / g.rollouts + ${NO_SIGNAL_TOLERANCE * NO_SIGNAL_TOLERANCE}::float8 AS threshold) v
    CROSS JOIN LATERAL (SELECT CASE WHEN g.rollouts >= 2 AND NOT v.flat AND v.variance <= v.threshold THEN
        (SELECT ARRAY[max(x.r) - min(x.r), coalesce(stddev_samp(x.r), 0)] FROM (
           SELECT t.correct::int + ${l} * coalesce(t.process_score, 0)
                  - ${m} * CASE WHEN t.all_largest_usd = 0 THEN 0 ELSE t.cost_usd / t.all_largest_usd END AS r
             FROM trajectories t WHERE t.run_id = g.run_id AND t.training_group = g.name) x)
      END AS exact) e`;
  const tol = sql`${NO_SIGNAL_TOLERANCE}::float8`;
  const items = sql`
    CASE WHEN g.rollouts >= 2 THEN g.correct = 0 OR g.correct = g.rollouts END AS no_signal_outcome,
    CASE WHEN g.rollouts < 2 THEN NULL WHEN v.flat THEN true WHEN v.variance > v.threshold THEN false ELSE e.exact[1] <= ${tol} END AS no_signal,
    CASE WHEN g.rollouts < 2 THEN NULL WHEN v.flat THEN 0 WHEN v.variance > v.threshold THEN sqrt(v.variance)
         WHEN e.exact[1] <= ${tol} THEN 0 ELSE e.exact[2] END AS reward_std,
    (g.rollouts >= 2 AND NOT v.flat AND v.variance <= v.threshold) AS from_rollouts`;
  return { from, items };
}

export interface TrainingStepPoint {
  step: number;
  rollouts: number;
  groups: number;
  accuracy: number;
  mean_cost_usd: number;
  mean_process_score: number | null;
  mean_reward: number;
  step_share_by_model: Record<string, number>;
  mean_group_reward_std: number | null;
  no_signal_share_outcome: number | null;
  no_signal_share: number | null;
}

export interface TrainingCurve {
  run: string;
  judge: string | null;
  lambda: number;
  mu: number;
  /** The costliest model that the run's rollouts used (scoring.md's all-largest order), for the large-model share. */
  large_model: string | null;
  steps: TrainingStepPoint[];
}

/** One training step's sums, as the SQL evaluation and the held columns (training-cache.ts) both give them. */
type StepRow = CachedStepPoint;

const ratio = (a: number, b: number) => (b === 0 ? null : a / b);

/**
 * A query over a run's groups, without JIT: the planner counts the rollout subqueries of groupVerdict
 * for every group though CASE runs them for almost none, so at 125,000 groups the estimate passes the
 * JIT thresholds and compiling took 3.8 s of a 4.1 s curve (bench/training.ts); the plan itself runs
 * in about 0.3 s.
 */
function groupRows<T extends pg.QueryResultRow>(q: Sql): Promise<T[]> {
  return queryRowsWith<T>('SET LOCAL jit = off', q);
}

/**
 * The curve's points but the model shares, from the group rollups (any lambda and mu, no judge): from
 * the run's group columns held in process (training-cache.ts), the same doubles as pointsFromRollupsSql.
 */
async function pointsFromRollups(runId: string, s: RewardSettings): Promise<Omit<TrainingStepPoint, 'step_share_by_model'>[]> {
  const rows = await cachedStepRows(runId, s);
  return rows === null ? pointsFromRollupsSql(runId, s) : rows.map((r) => stepPoint(r, s));
}

/** The same points evaluated in PostgreSQL over training_groups (the reference the held columns are tested against). */
export async function pointsFromRollupsSql(runId: string, s: RewardSettings): Promise<Omit<TrainingStepPoint, 'step_share_by_model'>[]> {
  const v = groupVerdict(s);
  const rows = await groupRows<StepRow>(
    sql`SELECT step, sum(rollouts)::int AS rollouts, count(*)::int AS groups, sum(correct)::int AS correct,
               sum(sum_cost_usd) AS sum_cost_usd, sum(sum_process) AS sum_process, sum(n_process)::int AS n_process,
               sum(sum_cost_ratio) AS sum_cost_ratio, count(*) FILTER (WHERE rollouts >= 2)::int AS multi,
               avg(reward_std) FILTER (WHERE rollouts >= 2) AS mean_std,
               count(*) FILTER (WHERE no_signal_outcome)::int AS no_signal_outcome,
               count(*) FILTER (WHERE no_signal)::int AS no_signal
          FROM (SELECT g.step, g.rollouts, g.correct, g.sum_cost_usd, g.sum_process, g.n_process, g.sum_cost_ratio, ${v.items}
                  FROM training_groups g ${v.from} WHERE g.run_id = ${runId}) x
         GROUP BY step ORDER BY step`,
  );
  return rows.map((r) => stepPoint(r, s));
}

function stepPoint(r: StepRow, s: RewardSettings): Omit<TrainingStepPoint, 'step_share_by_model'> {
  return {
    step: r.step,
    rollouts: r.rollouts,
    groups: r.groups,
    accuracy: r.correct / r.rollouts,
    mean_cost_usd: r.sum_cost_usd / r.rollouts,
    mean_process_score: ratio(r.sum_process, r.n_process),
    mean_reward: (r.correct + s.lambda * r.sum_process - s.mu * r.sum_cost_ratio) / r.rollouts,
    mean_group_reward_std: r.multi === 0 ? null : r.mean_std,
    no_signal_share_outcome: ratio(r.no_signal_outcome, r.multi),
    no_signal_share: ratio(r.no_signal, r.multi),
  };
}

/** GET /api/runs/{id}/training: the per-step figures of scoring.md, steps in order. */
export async function trainingCurve(runId: string, s: ViewSettings): Promise<TrainingCurve> {
  await findRun(runId);
  const [points, models] = await Promise.all([
    s.judge === null ? pointsFromRollups(runId, s) : pointsUnderJudge(runId, s),
    queryRows<{ step: number; model: string; steps: number; usd_per_mtok_in: number | null; usd_per_mtok_out: number | null }>(
      reads(),
      sql`SELECT s.step, s.model, s.steps, m.usd_per_mtok_in, m.usd_per_mtok_out
            FROM training_step_models s LEFT JOIN models m ON m.id = s.model WHERE s.run_id = ${runId} ORDER BY s.step, s.model`,
    ),
  ]);
  const byStep = new Map<number, { model: string; steps: number }[]>();
  const prices = new Map<string, { id: string; usdPerMtokIn: number; usdPerMtokOut: number }>();
  for (const m of models) {
    const list = byStep.get(m.step) ?? [];
    list.push(m);
    byStep.set(m.step, list);
    prices.set(m.model, { id: m.model, usdPerMtokIn: m.usd_per_mtok_in ?? 0, usdPerMtokOut: m.usd_per_mtok_out ?? 0 });
  }
  return {
    run: runId,
    judge: s.judge,
    lambda: s.lambda,
    mu: s.mu,
    large_model: prices.size === 0 ? null : allLargestModel([...prices.values()]).id,
    steps: points.map((p) => {
      const ms = byStep.get(p.step) ?? [];
      const total = ms.reduce((a, m) => a + m.steps, 0);
      return { ...p, step_share_by_model: Object.fromEntries(ms.map((m) => [m.model, total === 0 ? 0 : m.steps / total])) };
    }),
  };
}

// ---------------------------------------------------------------- under a judge, from the rollouts

interface RolloutRow {
  pk: number;
  id: string;
  step: number;
  grp: string;
  correct: boolean;
  cost_usd: number;
  all_largest_usd: number;
  rubric_id: string | null;
  process_score: number | null;
  reward: number;
}

/** Rollouts are read and scored this many at a time (whole steps; a step larger than this alone). */
const JUDGE_CHUNK = 20_000;

/** The run's rollouts that `where` selects, with their process score under the view, in step order. */
async function* rolloutsUnderJudge(runId: string, view: ViewSettings, where: Sql): AsyncGenerator<TrainingRolloutInput[]> {
  const db = reads();
  const counts = await queryRows<{ step: number; n: number }>(
    db,
    sql`SELECT g.step, sum(g.rollouts)::int AS n FROM training_groups g WHERE g.run_id = ${runId} ${where} GROUP BY g.step ORDER BY g.step`,
  );
  for (let i = 0; i < counts.length;) {
    let j = i;
    let n = 0;
    while (j < counts.length && (j === i || n + counts[j]!.n <= JUDGE_CHUNK)) n += counts[j++]!.n;
    const [from, to] = [counts[i]!.step, counts[j - 1]!.step];
    i = j;
    const rows = await queryRows<RolloutRow>(
      db,
      sql`SELECT t.pk, t.id, t.training_step AS step, t.training_group AS grp, t.correct, t.cost_usd, t.all_largest_usd, t.rubric_id,
                 t.process_score, t.reward
            FROM trajectories t
           WHERE t.run_id = ${runId} AND t.training_step BETWEEN ${from} AND ${to}
             AND t.training_group IN (SELECT g.name FROM training_groups g WHERE g.run_id = ${runId} AND g.step BETWEEN ${from} AND ${to} ${where})
           ORDER BY t.id COLLATE "C"`,
    );
    const figures = await viewFigures(db, rows, view);
    yield rows.map((r) => ({
      id: r.id,
      step: r.step,
      group: r.grp,
      correct: r.correct,
      processScore: figures.get(r.pk)!.processScore,
      costUsd: r.cost_usd,
      allLargestUsd: r.all_largest_usd,
      stepsByModel: {},
    }));
  }
}

/** The curve's points but the model shares, under a judge: lib/domain on the rollouts, chunk by chunk. */
async function pointsUnderJudge(runId: string, view: ViewSettings): Promise<Omit<TrainingStepPoint, 'step_share_by_model'>[]> {
  const out: Omit<TrainingStepPoint, 'step_share_by_model'>[] = [];
  for await (const rollouts of rolloutsUnderJudge(runId, view, empty)) {
    for (const d of domainCurve(rollouts, view)) {
      out.push({
        step: d.step,
        rollouts: d.rollouts,
        groups: d.groups,
        accuracy: d.accuracy,
        mean_cost_usd: d.meanCostUsd,
        mean_process_score: d.meanProcessScore,
        mean_reward: d.meanReward,
        mean_group_reward_std: d.meanGroupRewardStd,
        no_signal_share_outcome: d.noSignalShareOutcome,
        no_signal_share: d.noSignalShare,
      });
    }
  }
  return out;
}

// ---------------------------------------------------------------- a step's groups

export interface GroupListItem {
  group: string;
  query_id: string;
  step: number;
  rollouts: number;
  accuracy: number;
  reward_std: number | null;
  no_signal_outcome: boolean | null;
  no_signal: boolean | null;
}

interface GroupRow extends GroupListItem {
  pk: number;
  sort_key: string | null;
}

const SORT_EXPR: Record<GroupSortField, { expr: string; type: string; nullable: boolean }> = {
  group: { expr: 'name', type: 'text', nullable: false },
  step: { expr: 'step', type: 'int4', nullable: false },
  rollouts: { expr: 'rollouts', type: 'int4', nullable: false },
  accuracy: { expr: 'accuracy', type: 'float8', nullable: false },
  reward_std: { expr: 'reward_std', type: 'float8', nullable: true },
};

const badCursor = () => new ApiError('invalid_parameter', 'parameter "cursor": is not a cursor of this list');

function decodeGroupCursor(text: string, p: GroupListParams): { value: string | null; pk: number } {
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(text, 'base64url').toString('utf8'));
  } catch {
    throw badCursor();
  }
  if (!Array.isArray(parsed) || parsed.length !== 4 || parsed[0] !== p.sort || parsed[1] !== p.order) throw badCursor();
  const [, , value, pk] = parsed as unknown[];
  const col = SORT_EXPR[p.sort];
  if (!Number.isSafeInteger(pk) || (pk as number) < 1 || (pk as number) > MAX_INT4) throw badCursor();
  if (value === null ? !col.nullable : typeof value !== 'string' || !SORT_VALUE_FORMS[col.type]!(value)) throw badCursor();
  return { value: value as string | null, pk: pk as number };
}

function stepCondition(step: StepRange | undefined): Sql {
  return step === undefined ? empty : sql`AND g.step BETWEEN ${step.from} AND ${step.to}`;
}

/** GET /api/runs/{id}/groups: the groups of a step (or of a range, or all), one keyset page. */
export async function listGroups(runId: string, p: GroupListParams): Promise<{ items: GroupListItem[]; next_cursor: string | null; total: number }> {
  await findRun(runId);
  if (p.judge !== null) return listGroupsUnderJudge(runId, p);
  const v = groupVerdict(p);
  const col = SORT_EXPR[p.sort];
  const key = raw(`x.${col.expr}`);
  const dir = raw(p.order === 'asc' ? 'ASC' : 'DESC');
  const cmp = raw(p.order === 'asc' ? '>' : '<');
  const filters: Sql[] = [];
  if (p.no_signal_outcome !== undefined) filters.push(sql`x.no_signal_outcome IS NOT DISTINCT FROM ${p.no_signal_outcome}`);
  if (p.no_signal !== undefined) filters.push(sql`x.no_signal IS NOT DISTINCT FROM ${p.no_signal}`);
  const after: Sql[] = [];
  if (p.cursor !== undefined) {
    const c = decodeGroupCursor(p.cursor, p);
    const typed = raw(col.type);
    if (c.value === null) after.push(sql`${key} IS NULL AND x.pk ${cmp} ${c.pk}`);
    else if (col.nullable) after.push(sql`(${key} IS NULL OR (${key}, x.pk) ${cmp} (${c.value}::${typed}, ${c.pk}))`);
    else after.push(sql`(${key}, x.pk) ${cmp} (${c.value}::${typed}, ${c.pk})`);
  }
  const where = (extra: Sql[]) => (extra.length ? sql`WHERE ${join(extra, ' AND ')}` : empty);
  // Without a step (or over a range) the page ranks every group of the run: no JIT either (groupRows).
  const rows = await groupRows<GroupRow & { total: number }>(
    sql`WITH x AS MATERIALIZED (
          SELECT g.pk, g.name, g.query_id, g.step, g.rollouts, g.correct::float8 / g.rollouts AS accuracy, ${v.items}
            FROM training_groups g ${v.from} WHERE g.run_id = ${runId} ${stepCondition(p.step)}),
        f AS (SELECT * FROM x ${where(filters)})
        SELECT x.*, ${key}::text AS sort_key, (SELECT count(*) FROM f)::int AS total
          FROM f x ${where(after)}
         ORDER BY ${key} ${dir} NULLS LAST, x.pk ${dir}
         LIMIT ${p.limit + 1}`,
  );
  let total = rows[0]?.total;
  if (total === undefined) {
    const [c] = await groupRows<{ n: number }>(
      sql`WITH x AS (SELECT g.pk, ${v.items} FROM training_groups g ${v.from} WHERE g.run_id = ${runId} ${stepCondition(p.step)})
          SELECT count(*)::int AS n FROM x ${where(filters)}`,
    );
    total = c?.n ?? 0;
  }
  const page = rows.slice(0, p.limit);
  const last = page[page.length - 1];
  return {
    items: page.map((r) => ({
      group: (r as unknown as { name: string }).name,
      query_id: r.query_id,
      step: r.step,
      rollouts: r.rollouts,
      accuracy: r.accuracy,
      reward_std: r.reward_std,
      no_signal_outcome: r.no_signal_outcome,
      no_signal: r.no_signal,
    })),
    next_cursor: rows.length > p.limit && last ? Buffer.from(JSON.stringify([p.sort, p.order, last.sort_key, last.pk])).toString('base64url') : null,
    total,
  };
}

/** The same page under a judge: every selected group's figures by lib/domain, then filtered, sorted, paged. */
async function listGroupsUnderJudge(runId: string, p: GroupListParams) {
  const where = stepCondition(p.step);
  const groups = await queryRows<{ pk: number; name: string; query_id: string; step: number }>(
    reads(),
    sql`SELECT g.pk, g.name, g.query_id, g.step FROM training_groups g WHERE g.run_id = ${runId} ${where}`,
  );
  const members = new Map<string, TrainingRolloutInput[]>();
  for await (const chunk of rolloutsUnderJudge(runId, p, where)) for (const r of chunk) members.set(r.group, [...(members.get(r.group) ?? []), r]);
  type Row = GroupListItem & { pk: number };
  let rows: Row[] = groups.map((g) => {
    const f = groupFigures(members.get(g.name) ?? [], p);
    return {
      pk: g.pk,
      group: g.name,
      query_id: g.query_id,
      step: g.step,
      rollouts: f.n,
      accuracy: f.accuracy,
      reward_std: f.std,
      no_signal_outcome: f.noSignalOutcome,
      no_signal: f.noSignal,
    };
  });
  if (p.no_signal_outcome !== undefined) rows = rows.filter((r) => r.no_signal_outcome === p.no_signal_outcome);
  if (p.no_signal !== undefined) rows = rows.filter((r) => r.no_signal === p.no_signal);
  const total = rows.length;
  const value = (r: Row): string | number | null => r[p.sort === 'group' ? 'group' : p.sort];
  const dir = p.order === 'asc' ? 1 : -1;
  const cmp = (a: Row, b: Row): number => {
    const x = value(a);
    const y = value(b);
    if (x === null || y === null) return x === y ? dir * (a.pk - b.pk) : x === null ? 1 : -1;
    const c = typeof x === 'string' ? compareIds(x, y as string) : x - (y as number);
    return c !== 0 ? dir * Math.sign(c) : dir * (a.pk - b.pk);
  };
  rows.sort(cmp);
  let start = 0;
  if (p.cursor !== undefined) {
    const c = decodeGroupCursor(p.cursor, p);
    const at = {
      pk: c.pk,
      [p.sort === 'group' ? 'group' : p.sort]: c.value === null ? null : SORT_EXPR[p.sort].type === 'text' ? c.value : Number(c.value),
    } as unknown as Row;
    start = rows.findIndex((r) => cmp(r, at) > 0);
    if (start < 0) start = rows.length;
  }
  const page = rows.slice(start, start + p.limit);
  const last = page[page.length - 1];
  const more = start + p.limit < rows.length;
  return {
    items: page.map(({ pk: _pk, ...item }) => item),
    next_cursor:
      more && last ? Buffer.from(JSON.stringify([p.sort, p.order, value(last) === null ? null : String(value(last)), last.pk])).toString('base64url') : null,
    total,
  };
}

// ---------------------------------------------------------------- one group

export interface GroupRollout {
  id: string;
  correct: boolean;
  process_score: number | null;
  cost_usd: number;
  reward: number;
  advantage: number | null;
  scaled_advantage: number | null;
  rank: number;
  rank_outcome: number;
}

export interface GroupDetail {
  run: string;
  judge: string | null;
  group: string;
  query_id: string;
  step: number;
  lambda: number;
  mu: number;
  accuracy: number;
  mean_reward: number;
  reward_std: number | null;
  no_signal_outcome: boolean | null;
  no_signal: boolean | null;
  rollouts: GroupRollout[];
}

/** GET /api/runs/{id}/groups/{group}: the group's rollouts side by side, from the rollouts (lib/domain). */
export async function getGroup(runId: string, name: string, s: ViewSettings): Promise<GroupDetail> {
  await findRun(runId);
  if (name.includes('\u0000') || name.length > 200) throw notFound(`group "${name.replaceAll('\u0000', '\\0')}" of run "${runId}"`);
  const db = reads();
  const [g] = await queryRows<{ query_id: string; step: number }>(
    db,
    sql`SELECT query_id, step FROM training_groups WHERE run_id = ${runId} AND name = ${name}`,
  );
  if (!g) throw notFound(`group "${name}" of run "${runId}"`);
  const stored = await queryRows<Omit<RolloutRow, 'step' | 'grp'>>(
    db,
    sql`SELECT pk, id, correct, process_score, reward, cost_usd, all_largest_usd, rubric_id FROM trajectories
         WHERE run_id = ${runId} AND training_group = ${name} ORDER BY id COLLATE "C"`,
  );
  const figures = await viewFigures(db, stored, s);
  const rows = stored.map((r) => ({ ...r, process_score: figures.get(r.pk)!.processScore }));
  const f = groupFigures(
    rows.map((r) => ({ id: r.id, correct: r.correct, processScore: r.process_score, costUsd: r.cost_usd, allLargestUsd: r.all_largest_usd })),
    s,
  );
  return {
    run: runId,
    judge: s.judge,
    group: name,
    query_id: g.query_id,
    step: g.step,
    lambda: s.lambda,
    mu: s.mu,
    accuracy: f.accuracy,
    mean_reward: f.mean,
    reward_std: f.std,
    no_signal_outcome: f.noSignalOutcome,
    no_signal: f.noSignal,
    rollouts: f.rollouts.map((r, i) => ({
      id: r.id,
      correct: rows[i]!.correct,
      process_score: rows[i]!.process_score,
      cost_usd: rows[i]!.cost_usd,
      reward: r.reward,
      advantage: r.advantage,
      scaled_advantage: r.scaledAdvantage,
      rank: r.rank,
      rank_outcome: r.rankOutcome,
    })),
  };
}
