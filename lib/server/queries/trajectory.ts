import 'server-only';
// GET /api/trajectories/{id}: the trajectory as the trace format writes it, with one page of its
// steps and the derived figures of scoring.md per step and for the whole, under the view's judge,
// lambda and mu (the stored figures without them).
import { costRatio, cumulativeCosts, judgmentsOfJudge, stepRubricScores, viewScores } from '@/lib/domain';
import type { StepsPage } from '@/lib/schemas/read';
import type { TraceLine } from '@/lib/schemas/trace';
import { DEFAULT_VIEW, isDefaultReward, type ViewSettings } from '@/lib/schemas/view-settings';
import { empty, queryRows, sql } from '@/lib/server/sql';
import { stepRoutingPage } from './routing';
import { criterionDefs, judgmentInputs, loadCriteria, loadJudgments } from '@/lib/db/items';
import { findTrajectory, judgmentJson, loadModels, scaleJson, type TrajectoryRecord } from './trajectory-parts';
import type { SqlExecutor } from '@/lib/db/prisma';
import { reads } from '@/lib/server/reads';

interface StepRow {
  index: number;
  model: string;
  text?: string;
  tokens_in: number;
  tokens_out: number;
  latency_ms: number | null;
  /** As the trace gave it (trace.ts validated it on ingest). */
  router: TraceLine['steps'][number]['router'] | null;
  given_cost_usd: number | null;
  cost_usd: number;
}

async function loadStepPage(db: SqlExecutor, pk: number, page: StepsPage): Promise<StepRow[]> {
  const text = page.fields === 'full' ? sql`text,` : empty;
  return queryRows<StepRow>(
    db,
    sql`SELECT index, model, ${text} tokens_in, tokens_out, latency_ms, router, given_cost_usd, cost_usd
          FROM steps
         WHERE trajectory_pk = ${pk} AND index >= ${page.steps_from} AND index < ${page.steps_from + page.steps_limit}
         ORDER BY index`,
  );
}

/**
 * The cost of the steps before the page, added in step order like every other sum of step costs, so
 * that a page's cumulative costs equal those of the whole trajectory bit for bit.
 */
async function costBefore(db: SqlExecutor, pk: number, index: number): Promise<number> {
  if (index === 0) return 0;
  const [row] = await queryRows<{ total: number | null }>(
    db,
    sql`SELECT sum(cost_usd ORDER BY index) AS total FROM steps WHERE trajectory_pk = ${pk} AND index < ${index}`,
  );
  return row?.total ?? 0;
}

interface Dimensions {
  run: { id: string; policy: string | null; meta: unknown };
  query: { id: string; benchmark: string | null; text: string; reference_answer: string | null };
  rubric: { id: string; generator: string | null } | null;
}

/** The run, query and rubric that the trajectory names, in one round trip. */
async function loadDimensions(db: SqlExecutor, t: TrajectoryRecord): Promise<Dimensions> {
  const [row] = await queryRows<Dimensions>(
    db,
    sql`SELECT json_build_object('id', r.id, 'policy', r.policy, 'meta', r.meta) AS run,
               json_build_object('id', q.id, 'benchmark', q.benchmark, 'text', q.text, 'reference_answer', q.reference_answer) AS query,
               (SELECT json_build_object('id', b.id, 'generator', b.generator) FROM rubrics b WHERE b.id = ${t.rubric_id}) AS rubric
          FROM runs r, queries q
         WHERE r.id = ${t.run_id} AND q.id = ${t.query_id}`,
  );
  return row!;
}

export async function getTrajectory(id: string, page: StepsPage, view: ViewSettings = DEFAULT_VIEW) {
  const db = reads();
  return (await trajectoryDetail(db, await findTrajectory(db, id), page, view)).detail;
}

/**
 * The trajectory `t` (read by findTrajectory) as getTrajectory answers it, with the per-step rubric
 * scores under the view's judge that it was computed from: the replay page builds its timeline from
 * the same read (lib/server/replay-initial.ts) instead of reading the trajectory a second time.
 */
export async function trajectoryDetail(db: SqlExecutor, t: TrajectoryRecord, page: StepsPage, view: ViewSettings = DEFAULT_VIEW) {
  const [{ run, query, rubric }, models, criteria, judgments, steps, before, routing] = await Promise.all([
    loadDimensions(db, t),
    loadModels(db, t.model_ids),
    loadCriteria(db, t.rubric_id),
    loadJudgments(db, t.pk),
    loadStepPage(db, t.pk, page),
    costBefore(db, t.pk, Math.min(page.steps_from, t.step_count)),
    stepRoutingPage(db, t.pk, page.steps_from, page.steps_limit),
  ]);
  const inputs = judgmentInputs(judgments);
  const defs = criterionDefs(criteria);
  const rubricScores = stepRubricScores(t.step_count, judgmentsOfJudge(inputs, view.judge), defs);
  const stored = view.judge === null && isDefaultReward(view);
  const figures = stored
    ? { processScore: t.process_score, reward: t.reward }
    : viewScores({ correct: t.correct, costUsd: t.cost_usd, allLargestUsd: t.all_largest_usd, criteria: defs, judgments: inputs }, view);
  const cumulative = cumulativeCosts([before, ...steps.map((s) => s.cost_usd)]).slice(1);
  const pageEnd = page.steps_from + page.steps_limit;

  const detail = {
    format: 'routelens.trace.v1' as const,
    id: t.id,
    run,
    query,
    models,
    steps: steps.map((s, i) => ({
      index: s.index,
      model: s.model,
      ...(s.text === undefined ? {} : { text: s.text }),
      tokens_in: s.tokens_in,
      tokens_out: s.tokens_out,
      latency_ms: s.latency_ms,
      router: s.router,
      given_cost_usd: s.given_cost_usd,
      cost_usd: s.cost_usd,
      cumulative_cost_usd: cumulative[i]!,
      rubric_score: rubricScores[s.index] ?? null,
      // Routing decisions (scoring.md): against the previous step, and the router's confidence.
      escalation: routing[i]?.escalation ?? null,
      chosen_probability: routing[i]?.chosen_probability ?? null,
      normalized_entropy: routing[i]?.normalized_entropy ?? null,
    })),
    final_answer: t.final_answer,
    correct: t.correct,
    rubric: rubric && {
      id: rubric.id,
      generator: rubric.generator,
      criteria: criteria.map((c) => ({ id: c.id, text: c.text, weight: c.weight, scale: scaleJson(c) })),
    },
    judgments: judgments.map((j) => ({ ...judgmentJson(j), score: j.judge_score })),
    // A rollout of a training run: its step and its group, the default name spelled out.
    training: t.training_step === null ? null : { step: t.training_step, group: t.training_group! },
    meta: t.meta,
    step_count: t.step_count,
    steps_total: t.step_count,
    steps_from: page.steps_from,
    steps_next: pageEnd < t.step_count ? pageEnd : null,
    fields: page.fields,
    cost_usd: t.cost_usd,
    all_largest_usd: t.all_largest_usd,
    /** The reward's cost term: cost / all-largest cost (null when that is 0). */
    cost_ratio: costRatio(t.cost_usd, t.all_largest_usd),
    savings: t.savings,
    process_score: figures.processScore,
    reward: figures.reward,
    judge: view.judge,
    lambda: view.lambda,
    mu: view.mu,
    labelled: t.labelled,
    ingested_at: t.ingested_at.toISOString(),
    updated_at: t.updated_at.toISOString(),
  };
  return { detail, rubricScores };
}

export type TrajectoryDetail = Awaited<ReturnType<typeof getTrajectory>>;
