import { describe, expect, it } from 'vitest';
import { heatmapData } from './heatmap';
import type { RubricCriterion, ScoredJudgment } from './types';

const criteria: RubricCriterion[] = [
  { id: 'c1', text: 'crux on large', weight: 2, scale: { kind: 'binary' } },
  { id: 'c2', text: 'arithmetic small', weight: 1, scale: { kind: 'numeric', min: 0, max: 10 } },
  { id: 'c3', text: 'no waste', weight: 1, scale: { kind: 'ternary' } },
];

const j = (id: number, criterion: string, steps: number[], judge: number | null, human: number | null = null): ScoredJudgment => ({
  id,
  item_id: id,
  criterion,
  steps,
  judge_score: judge,
  effective_score: human ?? judge,
  source: human === null ? 'judge' : 'human',
  labelled_by: human === null ? null : 'ann',
  labelled_by_name: human === null ? null : 'ann',
  labelled_at: null,
  label_on_earlier_content: false,
  version: human === null ? 0 : 1,
  rationale: null,
  label_rationale: null,
  judge: null,
});

describe('heatmapData', () => {
  it('scores each criterion at each step from the judgments naming it, normalized, human labels first', () => {
    const data = heatmapData(4, criteria, [j(1, 'c1', [1], 1), j(2, 'c2', [1, 2], 5), j(3, 'c2', [2], 10), j(4, 'c3', [3], -1, 1), j(5, 'c1', [], 0)]);
    expect(data.criteria).toEqual(['c1', 'c2', 'c3']);
    expect(data.rows).toEqual([
      [null, 1, null, null],
      [null, 0.5, 0.75, null],
      [null, null, null, 1],
    ]);
    expect(data.whole).toEqual([0, null, null]);
  });

  it('leaves out judgments without any score and steps beyond the trajectory', () => {
    const data = heatmapData(2, criteria, [j(1, 'c1', [0], null), j(2, 'c1', [5], 1)]);
    expect(data.rows[0]).toEqual([null, null]);
  });
});
