import { describe, expect, it } from 'vitest';
import { itemsOf, judgeName } from './items';
import type { ScoredJudgment } from './types';

const j = (id: number, item: number, judge: string | null, score: number | null, steps: number[] = [1], human: number | null = null): ScoredJudgment => ({
  id,
  item_id: item,
  criterion: `c${item}`,
  steps,
  judge_score: score,
  effective_score: human ?? score,
  source: human === null ? 'judge' : 'human',
  labelled_by: human === null ? null : 'ann',
  labelled_by_name: human === null ? null : 'ann',
  labelled_at: null,
  label_on_earlier_content: false,
  version: human === null ? 0 : 1,
  rationale: null,
  label_rationale: null,
  judge,
});

describe('itemsOf', () => {
  it("puts every judge of one item together, in first-seen order, people's judgments last", () => {
    const items = itemsOf([j(1, 7, 'judge-v2', 1, [3, 2]), j(2, 8, null, 0), j(3, 7, null, null, [2, 3, 3]), j(4, 7, 'judge-v3', 0, [2, 3])]);
    expect(items.map((i) => i.itemId)).toEqual([7, 8]);
    expect(items[0]!.judgments.map((x) => x.id)).toEqual([1, 4, 3]);
    expect(items[0]!.steps).toEqual([2, 3]);
    expect(items[0]!.lead.id).toBe(1);
    expect(items[0]!.labelled).toBe(false);
  });

  it('marks an item labelled when its judgments carry a human label', () => {
    const [item] = itemsOf([j(1, 5, 'a', 1, [0], 0), j(2, 5, 'b', 0, [0], 0)]);
    expect(item!.labelled).toBe(true);
  });

  it('names the unnamed judge "judge" and a person\'s judgment as such', () => {
    expect(judgeName({ judge: null, judge_score: 1 })).toBe('judge');
    expect(judgeName({ judge: 'judge-v3', judge_score: 0 })).toBe('judge-v3');
    expect(judgeName({ judge: null, judge_score: null })).toBe('added by a person');
  });
});
