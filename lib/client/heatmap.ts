// The criteria-by-steps heatmap: for each criterion and step, the criterion score of scoring.md over
// the judgments that name that step (lib/domain computes it; the newest human label counts).
import { criterionScores, type CriterionDef, type JudgmentInput } from '@/lib/domain';
import type { RubricCriterion, ScoredJudgment } from './types';

export interface HeatmapData {
  criteria: string[];
  /** Per criterion (in `criteria` order), per step: the score in [0, 1], or null where no judgment names it. */
  rows: (number | null)[][];
  /** Per criterion, the score of its whole-trajectory judgments (no steps), or null. */
  whole: (number | null)[];
}

export function judgmentInput(j: Pick<ScoredJudgment, 'criterion' | 'steps' | 'judge_score' | 'effective_score' | 'source'>): JudgmentInput {
  return { criterion: j.criterion, steps: j.steps, judgeScore: j.judge_score, humanScore: j.source === 'human' ? j.effective_score : null };
}

export function heatmapData(stepCount: number, criteria: readonly RubricCriterion[], judgments: readonly ScoredJudgment[]): HeatmapData {
  // A rubric's criteria as the server sends them are lib/domain's CriterionDef (id, weight, scale).
  const defs: readonly CriterionDef[] = criteria;
  const ids = criteria.map((c) => c.id);
  const rows = ids.map(() => new Array<number | null>(stepCount).fill(null));
  const byStep = new Map<number, JudgmentInput[]>();
  const whole: JudgmentInput[] = [];
  for (const j of judgments) {
    const input = judgmentInput(j);
    if (j.steps.length === 0) whole.push(input);
    for (const k of new Set(j.steps)) {
      if (k < 0 || k >= stepCount) continue;
      const list = byStep.get(k) ?? [];
      list.push(input);
      byStep.set(k, list);
    }
  }
  for (const [k, list] of byStep) {
    criterionScores(list, defs).forEach((c, r) => {
      rows[r]![k] = c.score;
    });
  }
  return { criteria: ids, rows, whole: criterionScores(whole, defs).map((c) => c.score) };
}
