// The replay groups judgments by item (scoring.md: a trajectory, a criterion and a set of steps): each
// judge's score and rationale side by side, and the one human label that corrects all of them.
import type { ScoredJudgment } from './types';

export interface ItemOfJudgments {
  itemId: number;
  criterion: string;
  /** The item's steps as a set (distinct, ascending); [] = the whole trajectory. */
  steps: number[];
  /** Every judgment of the item, in the order given (judges first, then people's own judgments). */
  judgments: ScoredJudgment[];
  /** The judgment that carries the item's label state (all of them carry the same). */
  lead: ScoredJudgment;
  /** The item has a human label (its newest corrects every judge). */
  labelled: boolean;
}

/** The items of `judgments`, in the order of their first judgment; judgments without a judge's score last. */
export function itemsOf(judgments: readonly ScoredJudgment[]): ItemOfJudgments[] {
  const byItem = new Map<number, ScoredJudgment[]>();
  for (const j of judgments) {
    const list = byItem.get(j.item_id);
    if (list) list.push(j);
    else byItem.set(j.item_id, [j]);
  }
  return [...byItem.entries()].map(([itemId, list]) => {
    const ordered = [...list.filter((j) => j.judge_score !== null), ...list.filter((j) => j.judge_score === null)];
    const lead = ordered[0]!;
    return {
      itemId,
      criterion: lead.criterion,
      steps: [...new Set(lead.steps)].sort((a, b) => a - b),
      judgments: ordered,
      lead,
      labelled: list.some((j) => j.source === 'human'),
    };
  });
}

/** A judge's name as shown: the unnamed judge is "judge"; a judgment with no judge's score is a person's. */
export function judgeName(j: Pick<ScoredJudgment, 'judge' | 'judge_score'>): string {
  if (j.judge_score === null) return 'added by a person';
  return j.judge ?? 'judge';
}
