import 'server-only';
// GET /api/trajectories/{id}/scores: the rubric figures of scoring.md for one trajectory, from its
// judgments with the newest human label of each, and the combined reward at the caller's lambda and mu.
import { getPool } from '@/lib/db/pool';
import { combinedReward, criterionScores, processScoreOf, stepRubricScores } from '@/lib/domain';
import type { RewardParams } from '@/lib/schemas/read';
import {
  criterionDefs,
  findTrajectory,
  judgmentInputs,
  judgmentJson,
  loadCriteria,
  loadJudgments,
  scaleJson,
} from './trajectory-parts';

export async function trajectoryScores(id: string, reward: RewardParams) {
  const db = getPool();
  const t = await findTrajectory(db, id);
  const [criteria, judgments] = await Promise.all([loadCriteria(db, t.rubric_id), loadJudgments(db, t.pk)]);
  const defs = criterionDefs(criteria);
  const inputs = judgmentInputs(judgments);
  const perCriterion = criterionScores(inputs, defs);
  const process = processScoreOf(perCriterion);
  const steps = stepRubricScores(t.step_count, inputs, defs);
  const counts = new Map<string, number>();
  for (const j of judgments) counts.set(j.criterion_id, (counts.get(j.criterion_id) ?? 0) + 1);

  return {
    id: t.id,
    steps: steps.map((rubric_score, index) => ({ index, rubric_score })),
    criteria: perCriterion.map((c, i) => ({
      id: c.id,
      weight: c.weight,
      score: c.score,
      text: criteria[i]!.text,
      scale: scaleJson(criteria[i]!),
      judgments: counts.get(c.id) ?? 0,
    })),
    process_score: process,
    reward: combinedReward(
      { correct: t.correct, processScore: process, costUsd: t.cost_usd, allLargestUsd: t.all_largest_usd },
      { lambda: reward.lambda, mu: reward.mu },
    ),
    lambda: reward.lambda,
    mu: reward.mu,
    correct: t.correct,
    cost_usd: t.cost_usd,
    all_largest_usd: t.all_largest_usd,
    judgments: judgments.map(judgmentJson),
  };
}
