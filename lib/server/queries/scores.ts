import 'server-only';
// GET /api/trajectories/{id}/scores: the rubric figures of scoring.md for one trajectory, from its
// judgments with the newest human label of each, under the view's judge, lambda and mu.
import { costRatio, judgmentsOfJudge, stepRubricScores, viewScores } from '@/lib/domain';
import type { ViewSettings } from '@/lib/schemas/view-settings';
import { criterionDefs, judgmentInputs, loadCriteria, loadJudgments } from '@/lib/db/items';
import { findTrajectory, judgmentJson, scaleJson } from './trajectory-parts';
import { reads } from '@/lib/server/reads';

export async function trajectoryScores(id: string, view: ViewSettings) {
  const db = reads();
  const t = await findTrajectory(db, id);
  const [criteria, judgments] = await Promise.all([loadCriteria(db, t.rubric_id), loadJudgments(db, t.pk)]);
  const defs = criterionDefs(criteria);
  const inputs = judgmentInputs(judgments);
  const figures = viewScores({ correct: t.correct, costUsd: t.cost_usd, allLargestUsd: t.all_largest_usd, criteria: defs, judgments: inputs }, view);
  const inView = judgmentsOfJudge(inputs, view.judge);
  const steps = stepRubricScores(t.step_count, inView, defs);
  const counts = new Map<string, number>();
  for (const j of inView) counts.set(j.criterion, (counts.get(j.criterion) ?? 0) + 1);

  return {
    id: t.id,
    steps: steps.map((rubric_score, index) => ({ index, rubric_score })),
    criteria: figures.criterionScores.map((c, i) => ({
      id: c.id,
      weight: c.weight,
      score: c.score,
      text: criteria[i]!.text,
      scale: scaleJson(criteria[i]!),
      judgments: counts.get(c.id) ?? 0,
    })),
    process_score: figures.processScore,
    reward: figures.reward,
    judge: view.judge,
    lambda: view.lambda,
    mu: view.mu,
    correct: t.correct,
    cost_usd: t.cost_usd,
    all_largest_usd: t.all_largest_usd,
    /** The reward's cost term: cost / all-largest cost (null when that is 0). */
    cost_ratio: costRatio(t.cost_usd, t.all_largest_usd),
    judgments: judgments.map(judgmentJson),
  };
}
