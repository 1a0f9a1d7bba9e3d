import 'server-only';
// GET /api/routing: scoring.md's routing figures over the trajectories the list's filters select.
// Each trajectory's contribution is stored (trajectory_routing), so the figures are sums:
// - no filter, or only `run`: the per-run rollups (run_routing_stats, run_routing_model_stats), a
//   handful of rows however many steps the runs have;
// - any other filter: the stored contributions of the selected trajectories, summed in SQL;
// - `judge`: step scores under that judge setting are not stored, so quality by decision is computed
//   from the selected trajectories' judgments (the other figures do not read judgments).
// Either way lib/domain's routingFigures reads the sums out, as it does for routingDecisions.
import { emptyRoutingTotals, modelTotals, routingFigures, ROUTING_BINS, type ModelPrice, type RoutingFigures, type RoutingTotals } from '@/lib/domain';
import type { TrajectoryFilter } from '@/lib/schemas/filters';
import { empty, queryRows, raw, sql, type Sql } from '@/lib/server/sql';
import { judgmentInView } from '@/lib/server/view-settings';
import { normalizedCriterionScore } from './criterion-score';
import { trajectoryWhere } from './trajectory-filter';
import type { SqlExecutor } from '@/lib/db/prisma';
import { reads } from '@/lib/server/reads';

export interface RoutingAnswer {
  trajectories: number;
  steps: number;
  /** The models that took steps in the set, cheapest first (the all-largest price order). */
  models: string[];
  position_profile: { bin: number; steps: number; share_by_model: Record<string, number | null> }[];
  switches: {
    mean_switches: number | null;
    mean_escalations: number | null;
    mean_deescalations: number | null;
    share_escalating: number | null;
    by_escalations: { escalations: '0' | '1' | '2' | '3+'; trajectories: number; accuracy: number | null }[];
  };
  confidence: { steps: number; chosen_probability: number[]; normalized_entropy: number[]; share_not_argmax: number | null };
  quality: {
    by_model: { model: string; scored_steps: number; mean_step_score: number | null }[];
    by_chosen_probability: { bin: number; scored_steps: number; mean_step_score: number | null }[];
  };
  /** The judge setting of the quality figures (null: every judgment). */
  judge: string | null;
  /** Where the sums came from: the per-run rollups, or the selected trajectories' contributions. */
  source: 'rollups' | 'trajectories';
}

export function routingAnswer(f: RoutingFigures, judge: string | null, source: RoutingAnswer['source']): RoutingAnswer {
  return {
    trajectories: f.trajectories,
    steps: f.steps,
    models: f.models,
    position_profile: f.positionProfile.map((b) => ({ bin: b.bin, steps: b.steps, share_by_model: b.shareByModel })),
    switches: {
      mean_switches: f.switches.meanSwitches,
      mean_escalations: f.switches.meanEscalations,
      mean_deescalations: f.switches.meanDeescalations,
      share_escalating: f.switches.shareEscalating,
      by_escalations: f.switches.byEscalations,
    },
    confidence: {
      steps: f.confidence.steps,
      chosen_probability: f.confidence.chosenProbability,
      normalized_entropy: f.confidence.normalizedEntropy,
      share_not_argmax: f.confidence.shareNotArgmax,
    },
    quality: {
      by_model: f.quality.byModel.map((m) => ({ model: m.model, scored_steps: m.scoredSteps, mean_step_score: m.meanStepScore })),
      by_chosen_probability: f.quality.byChosenProbability.map((b) => ({ bin: b.bin, scored_steps: b.scoredSteps, mean_step_score: b.meanStepScore })),
    },
    judge,
    source,
  };
}

const BINS = Array.from({ length: ROUTING_BINS }, (_, b) => b);
/** ARRAY[f(1), ..., f(10)]: one sum per bin (the indexes are constants of this module, not input). */
const perBin = (f: (i: number) => string): Sql => raw(`ARRAY[${BINS.map((b) => f(b + 1)).join(', ')}]`);
const nums = (v: readonly (number | string)[] | null): number[] => (v ?? []).map(Number);

interface SetRow {
  trajectories: number;
  steps: number;
  switches: number;
  escalations: number;
  deescalations: number;
  trajectories_by_escalations: (number | string)[] | null;
  correct_by_escalations: (number | string)[] | null;
  router_steps: number;
  not_argmax: number;
  chosen_histogram: (number | string)[] | null;
  entropy_histogram: (number | string)[] | null;
  scored_by_bin: (number | string)[] | null;
  score_sum_by_bin: number[] | null;
}

interface ModelRow {
  model: string;
  position_steps: (number | string)[];
  scored_steps: number;
  score_sum: number;
}

function addSetRow(t: RoutingTotals, r: SetRow): void {
  const add = (into: number[], from: readonly (number | string)[] | null) => nums(from).forEach((v, i) => (into[i] = (into[i] ?? 0) + v));
  t.trajectories += Number(r.trajectories ?? 0);
  t.steps += Number(r.steps ?? 0);
  t.switches += Number(r.switches ?? 0);
  t.escalations += Number(r.escalations ?? 0);
  t.deescalations += Number(r.deescalations ?? 0);
  add(t.trajectoriesByEscalations, r.trajectories_by_escalations);
  add(t.correctByEscalations, r.correct_by_escalations);
  t.routerSteps += Number(r.router_steps ?? 0);
  t.notArgmax += Number(r.not_argmax ?? 0);
  add(t.chosenProbabilityHistogram, r.chosen_histogram);
  add(t.normalizedEntropyHistogram, r.entropy_histogram);
  add(t.scoredByBin, r.scored_by_bin);
  add(t.scoreSumByBin, r.score_sum_by_bin);
}

function addModelRow(t: RoutingTotals, r: ModelRow): void {
  const m = modelTotals(t, r.model);
  nums(r.position_steps).forEach((v, i) => (m.positionSteps[i]! += v));
  m.scoredSteps += Number(r.scored_steps);
  m.scoreSum += Number(r.score_sum);
}

/** The sums of one run, or of every run, from the rollups. */
export async function rollupTotals(db: SqlExecutor, run: string | undefined): Promise<RoutingTotals> {
  const where = run === undefined ? empty : sql`WHERE run_id = ${run}`;
  const [sets, models] = await Promise.all([
    queryRows<SetRow>(db, sql`SELECT * FROM run_routing_stats ${where}`),
    queryRows<ModelRow>(db, sql`SELECT model, position_steps, scored_steps, score_sum FROM run_routing_model_stats ${where}`),
  ]);
  const t = emptyRoutingTotals();
  for (const r of sets) addSetRow(t, r);
  for (const m of models) addModelRow(t, m);
  return t;
}

/**
 * The sums of the trajectories a filter selects, from their stored contributions: one scan, grouped
 * by the trajectory's models list (a handful of distinct lists), so that the per-model sums are plain
 * sums of array elements at fixed indexes instead of a second scan that unnests every row's models
 * (at 100,000 selected trajectories that second scan cost more than the first). `width` is how many
 * models a trajectory can have: at most as many as the most a run has in its rollups; a trajectory
 * stored meanwhile with more is seen (max cardinality) and the query runs again wider.
 */
export async function filteredTotals(db: SqlExecutor, filter: TrajectoryFilter): Promise<RoutingTotals> {
  const [bound] = await queryRows<{ k: number | null }>(
    db,
    sql`SELECT max(n)::int AS k FROM (SELECT count(*) AS n FROM run_routing_model_stats GROUP BY run_id) x`,
  );
  let width = Math.max(1, bound?.k ?? 1);
  for (;;) {
    const rows = await filteredRows(db, filter, width);
    const seen = Math.max(0, ...rows.map((r) => Number(r.width)));
    if (seen > width) {
      width = seen;
      continue;
    }
    const t = emptyRoutingTotals();
    for (const r of rows) {
      addSetRow(t, r);
      const positions = nums(r.position_steps);
      const scored = nums(r.scored_by_model);
      const scoreSum = nums(r.score_sum_by_model);
      r.models.forEach((model, k) =>
        addModelRow(t, {
          model,
          position_steps: positions.slice(k * ROUTING_BINS, (k + 1) * ROUTING_BINS),
          scored_steps: scored[k] ?? 0,
          score_sum: scoreSum[k] ?? 0,
        }),
      );
    }
    return t;
  }
}

interface FilteredRow extends SetRow {
  models: string[];
  width: number;
  position_steps: (number | string)[];
  scored_by_model: (number | string)[];
  score_sum_by_model: number[];
}

function filteredRows(db: SqlExecutor, filter: TrajectoryFilter, width: number): Promise<FilteredRow[]> {
  const byEscalations = (extra: string) =>
    raw(`ARRAY[${['= 0', '= 1', '= 2', '>= 3'].map((c) => `count(*) FILTER (WHERE r.escalations ${c}${extra})`).join(', ')}]`);
  // Sums of elements 1..n of an array column (the indexes are constants of this module, not input).
  const sums = (column: string, n: number): Sql => raw(`ARRAY[${Array.from({ length: n }, (_, i) => `coalesce(sum(r.${column}[${i + 1}]), 0)`).join(', ')}]`);
  return queryRows<FilteredRow>(
    db,
    sql`SELECT r.models, max(cardinality(r.models)) AS width,
               count(*) AS trajectories, sum(t.step_count) AS steps, sum(r.switches) AS switches,
               sum(r.escalations) AS escalations, sum(r.deescalations) AS deescalations,
               ${byEscalations('')} AS trajectories_by_escalations,
               ${byEscalations(' AND t.correct')} AS correct_by_escalations,
               sum(r.router_steps) AS router_steps, sum(r.not_argmax) AS not_argmax,
               ${perBin((i) => `sum(r.chosen_histogram[${i}])`)} AS chosen_histogram,
               ${perBin((i) => `sum(r.entropy_histogram[${i}])`)} AS entropy_histogram,
               ${perBin((i) => `sum(r.scored_by_bin[${i}])`)} AS scored_by_bin,
               ${perBin((i) => `sum(r.score_sum_by_bin[${i}])`)} AS score_sum_by_bin,
               ${sums('position_steps', width * ROUTING_BINS)} AS position_steps,
               ${sums('scored_by_model', width)} AS scored_by_model,
               ${sums('score_sum_by_model', width)} AS score_sum_by_model
          FROM trajectories t JOIN trajectory_routing r ON r.trajectory_pk = t.pk
          ${trajectoryWhere(filter)}
         GROUP BY r.models`,
  );
}

/**
 * Step rubric scores under a judge setting (scoring.md): only that judge's judgments and the ones
 * people added enter, each at its effective score (the newest human label, else the judge's score).
 */
function judgedStepScores(filter: TrajectoryFilter, judge: string): Sql {
  return sql`
    SELECT x.pk, x.step, sum(x.weight * x.v) / sum(x.weight) AS score
      FROM (
        SELECT j.trajectory_pk AS pk, k.step, c.weight,
               ${normalizedCriterionScore(sql`e.score`)} AS v
          FROM trajectories t
          JOIN judgments j ON j.trajectory_pk = t.pk
          JOIN criteria c ON c.rubric_id = t.rubric_id AND c.id = j.criterion_id
          CROSS JOIN LATERAL (
            SELECT coalesce((SELECT nl.score FROM newest_label(j.item_id) nl), j.judge_score) AS score
          ) e
          CROSS JOIN LATERAL (SELECT DISTINCT u AS step FROM unnest(j.steps) AS u) k
          ${trajectoryWhere(filter, [judgmentInView(judge), sql`cardinality(j.steps) > 0`])}
      ) x
     WHERE x.v IS NOT NULL
     GROUP BY x.pk, x.step`;
}

/** Replaces the quality sums of `t` by those under the judge setting, over the filter's trajectories. */
async function judgedQuality(db: SqlExecutor, filter: TrajectoryFilter, judge: string, t: RoutingTotals): Promise<void> {
  const rows = await queryRows<{ model: string; bin: number | null; scored: number; score_sum: number }>(
    db,
    sql`WITH scores AS (${judgedStepScores(filter, judge)})
        SELECT st.model, CASE WHEN p.p IS NOT NULL THEN least(${ROUTING_BINS - 1}, floor(${ROUTING_BINS} * p.p)::int) END AS bin,
               count(*) AS scored, sum(sc.score) AS score_sum
          FROM scores sc
          JOIN steps st ON st.trajectory_pk = sc.pk AND st.index = sc.step
          JOIN trajectory_routing_steps rs ON rs.trajectory_pk = sc.pk
          CROSS JOIN LATERAL (SELECT rs.chosen_probability[sc.step + 1] AS p) p
         GROUP BY 1, 2`,
  );
  for (const m of t.byModel.values()) {
    m.scoredSteps = 0;
    m.scoreSum = 0;
  }
  t.scoredByBin.fill(0);
  t.scoreSumByBin.fill(0);
  for (const r of rows) {
    const m = modelTotals(t, r.model);
    m.scoredSteps += Number(r.scored);
    m.scoreSum += Number(r.score_sum);
    if (r.bin !== null) {
      t.scoredByBin[r.bin]! += Number(r.scored);
      t.scoreSumByBin[r.bin]! += Number(r.score_sum);
    }
  }
}

async function prices(db: SqlExecutor, ids: string[]): Promise<ModelPrice[]> {
  if (ids.length === 0) return [];
  const rows = await queryRows<{ id: string; usd_per_mtok_in: number; usd_per_mtok_out: number }>(
    db,
    sql`SELECT id, usd_per_mtok_in, usd_per_mtok_out FROM models WHERE id = ANY(${ids}::text[])`,
  );
  return rows.map((r) => ({ id: r.id, usdPerMtokIn: r.usd_per_mtok_in, usdPerMtokOut: r.usd_per_mtok_out }));
}

/** Whether the rollups answer this filter: no filter at all, or one run. */
export function answeredByRollups(filter: TrajectoryFilter): boolean {
  return Object.entries(filter).every(([k, v]) => v === undefined || k === 'run');
}

export async function routingFor(filter: TrajectoryFilter, options: { judge?: string | null } = {}): Promise<RoutingAnswer> {
  const db = reads();
  const fromRollups = answeredByRollups(filter);
  const totals = fromRollups ? await rollupTotals(db, filter.run) : await filteredTotals(db, filter);
  const judge = options.judge ?? null;
  if (judge !== null) await judgedQuality(db, filter, judge, totals);
  const figures = routingFigures(totals, await prices(db, [...totals.byModel.keys()]));
  return routingAnswer(figures, judge, fromRollups ? 'rollups' : 'trajectories');
}

export interface StepRoutingValues {
  /** up: a switch to a more expensive model than the previous step's; down: to a cheaper one. */
  escalation: 'up' | 'down' | null;
  chosen_probability: number | null;
  normalized_entropy: number | null;
}

const ESCALATION_OF: Record<string, StepRoutingValues['escalation']> = { u: 'up', d: 'down' };

/** A float8[] sent as text by array_to_string(…, ',', ''): NULL elements are empty. */
function floatList(text: string): (number | null)[] {
  if (text === '') return [];
  return text.split(',').map((v) => (v === '' ? null : Number(v)));
}

/**
 * Steps [from, from + limit) of one trajectory: the per-step values lib/domain stored at ingest. The
 * two arrays come as comma-separated text, which splits several times faster than the driver parses
 * 5,000-element array literals (a light page of a 20,000-step replay); PostgreSQL writes each float
 * in its shortest exact form either way, so the numbers are the same.
 */
export async function stepRoutingPage(db: SqlExecutor, pk: number, from: number, limit: number): Promise<StepRoutingValues[]> {
  const [row] = await queryRows<{ e: string; p: string | null; h: string | null }>(
    db,
    sql`SELECT substr(escalations, ${from + 1}::int, ${limit}::int) AS e,
               array_to_string(chosen_probability[${from + 1}::int:${from + limit}::int], ',', '') AS p,
               array_to_string(normalized_entropy[${from + 1}::int:${from + limit}::int], ',', '') AS h
          FROM trajectory_routing_steps WHERE trajectory_pk = ${pk}`,
  );
  if (!row) return [];
  const p = floatList(row.p ?? '');
  const h = floatList(row.h ?? '');
  return Array.from(row.e, (c, i) => ({
    escalation: ESCALATION_OF[c] ?? null,
    chosen_probability: p[i] ?? null,
    normalized_entropy: h[i] ?? null,
  }));
}
