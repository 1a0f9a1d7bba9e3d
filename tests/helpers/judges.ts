// Generated traces scored by several judges: each judgment of the generator's judge is kept, every
// fourth becomes the unnamed judge's, and judge-v3 scores the same items again, differing on some.
import type { CriterionDef, JudgmentInput } from '@/lib/domain';
import type { TraceLine } from '@/lib/generate';

type Judgment = NonNullable<TraceLine['judgments']>[number];
type Scale = NonNullable<TraceLine['rubric']>['criteria'][number]['scale'];

function otherScore(score: number, scale: Scale, k: number): number {
  if (k % 3 !== 0) return score;
  if (scale.kind === 'binary') return 1 - score;
  if (scale.kind === 'ternary') return score === 1 ? 0 : score + 1;
  return score === scale.max ? scale.min : scale.max;
}

export function withJudges(lines: readonly TraceLine[]): TraceLine[] {
  let k = 0;
  return lines.map((l) => {
    if (!l.judgments || !l.rubric) return l;
    const scales = new Map(l.rubric.criteria.map((c) => [c.id, c.scale]));
    const judgments: Judgment[] = [];
    for (const j of l.judgments) {
      k++;
      const { judge: _judge, ...unnamed } = j;
      judgments.push(k % 4 === 0 ? unnamed : j);
      judgments.push({ ...j, judge: 'judge-v3', score: otherScore(j.score, scales.get(j.criterion)!, k) });
    }
    return { ...l, judgments };
  });
}

export const criteriaOf = (l: TraceLine): CriterionDef[] => (l.rubric?.criteria ?? []).map((c) => ({ id: c.id, weight: c.weight, scale: c.scale }));

export const judgmentsOf = (l: TraceLine): JudgmentInput[] =>
  (l.judgments ?? []).map((j) => ({ criterion: j.criterion, steps: j.steps ?? [], judgeScore: j.score, judge: j.judge ?? null }));
