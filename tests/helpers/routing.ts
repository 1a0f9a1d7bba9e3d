// Stored trajectories read back as lib/domain takes them, to recompute the routing figures from the
// rows (steps, router JSON, criteria, judgments and their newest labels).
import type pg from 'pg';
import { judgmentsOfJudge, routingDecisions, scaleOf, stepRubricScores, type ModelPrice, type RoutingTrajectoryInput } from '@/lib/domain';
import { routingAnswer, type RoutingAnswer } from '@/lib/server/queries/routing';

export interface StoredTrajectory extends RoutingTrajectoryInput {
  pk: number;
  id: string;
  run: string;
  benchmark: string | null;
  modelsUsed: string[];
}

/**
 * Every stored trajectory as lib/domain takes it, read from the rows (steps, router JSON, criteria,
 * judgments and their newest labels); `judge` applies scoring.md's judge setting to the step scores.
 */
export async function storedTrajectories(pool: pg.Pool | pg.Client, judge?: string): Promise<StoredTrajectory[]> {
  const prices = new Map(
    (await pool.query<{ id: string; usd_per_mtok_in: number; usd_per_mtok_out: number }>('SELECT id, usd_per_mtok_in, usd_per_mtok_out FROM models')).rows.map(
      (m): [string, ModelPrice] => [m.id, { id: m.id, usdPerMtokIn: m.usd_per_mtok_in, usdPerMtokOut: m.usd_per_mtok_out }],
    ),
  );
  const ts = await pool.query<{
    pk: number;
    id: string;
    run_id: string;
    benchmark: string | null;
    correct: boolean;
    model_ids: string[];
    models_used: string[];
    rubric_id: string | null;
  }>('SELECT pk, id, run_id, benchmark, correct, model_ids, models_used, rubric_id FROM trajectories ORDER BY pk');
  const steps = await pool.query<{ trajectory_pk: number; model: string; router: { probs?: Record<string, number> } | null }>(
    'SELECT trajectory_pk, model, router FROM steps ORDER BY trajectory_pk, index',
  );
  const criteria = await pool.query<{
    rubric_id: string;
    id: string;
    weight: number;
    kind: 'binary' | 'ternary' | 'numeric';
    scale_min: number | null;
    scale_max: number | null;
  }>('SELECT rubric_id, id, weight, kind, scale_min, scale_max FROM criteria ORDER BY rubric_id, position');
  const judgments = await pool.query<{
    trajectory_pk: number;
    criterion_id: string;
    steps: number[];
    judge_score: number | null;
    judgeScore: number | null;
    judge: string | null;
    human: number | null;
  }>(
    `SELECT j.trajectory_pk, j.criterion_id, j.steps, j.judge_score, j.judge_score AS "judgeScore", j.judge,
            (SELECT nl.score FROM newest_label(j.item_id) nl) AS human
       FROM judgments j ORDER BY j.trajectory_pk, j.position`,
  );
  const group = <T extends { trajectory_pk: number }>(rows: T[]) => {
    const m = new Map<number, T[]>();
    for (const r of rows) m.set(r.trajectory_pk, [...(m.get(r.trajectory_pk) ?? []), r]);
    return m;
  };
  const stepsOf = group(steps.rows);
  const judgmentsOf = group(judgments.rows);
  return ts.rows.map((t) => {
    const s = stepsOf.get(t.pk) ?? [];
    const crit = criteria.rows
      .filter((c) => c.rubric_id === t.rubric_id)
      .map((c) => ({ id: c.id, weight: c.weight, scale: scaleOf(c.kind, c.scale_min, c.scale_max) }));
    const js = judgmentsOfJudge(judgmentsOf.get(t.pk) ?? [], judge ?? null).map((j) => ({
      criterion: j.criterion_id,
      steps: j.steps,
      judgeScore: j.judge_score,
      humanScore: j.human,
    }));
    return {
      pk: t.pk,
      id: t.id,
      run: t.run_id,
      benchmark: t.benchmark,
      modelsUsed: t.models_used,
      models: t.model_ids.map((id) => prices.get(id)!),
      steps: s.map((x) => ({ model: x.model, probs: x.router?.probs })),
      correct: t.correct,
      stepScores: stepRubricScores(s.length, js, crit),
    };
  });
}

/** Numbers to 12 significant digits: sums in another order differ in the last bits, nothing more. */
export function rounded(v: unknown): unknown {
  if (typeof v === 'number') return Number(v.toPrecision(12));
  if (Array.isArray(v)) return v.map(rounded);
  if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, rounded(x)]));
  return v;
}

export function expectedAnswer(ts: StoredTrajectory[], source: RoutingAnswer['source'], judge: string | null = null): unknown {
  return rounded(routingAnswer(routingDecisions(ts), judge, source));
}
