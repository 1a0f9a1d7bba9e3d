// A typecheck fixture, never run: `tsc --noEmit` (npm run typecheck) compiles it. The browser's
// response types are the server's (lib/client/types.ts through lib/server/json.ts), so each positive
// read below breaks the typecheck when the server renames or retypes the field, and each read marked
// as an expected error breaks it when a field of that name appears: a rename on the server fails
// here and in the pages that read it, not on a page in the browser.
import type { CostResponse, PairsResponse, QueryDetail, RunSummary, ScoresResponse, StepDetail, TrajectoryDetail } from '@/lib/client/types';
import type { JudgmentState, LabelEvent, QueueItem, UserRow } from '@/lib/client/label-types';
import type { AgreementResponse, DisagreementItem } from '@/components/agreement/types';
import type { CompareResponse } from '@/components/compare/use-compare-pair';

declare const t: TrajectoryDetail;
declare const step: StepDetail;
declare const scores: ScoresResponse;
declare const cost: CostResponse;
declare const run: RunSummary;
declare const query: QueryDetail;
declare const pairs: PairsResponse;
declare const label: LabelEvent;
declare const judgment: JudgmentState;
declare const item: QueueItem;
declare const user: UserRow;
declare const agreement: AgreementResponse;
declare const disagreement: DisagreementItem;
declare const compare: CompareResponse;

export const reads = {
  cost: t.cost_usd satisfies number,
  reward: t.reward satisfies number,
  steps: t.step_count satisfies number,
  // A Date on the server is an ISO string in the browser.
  ingested: t.ingested_at satisfies string,
  cumulative: step.cumulative_cost_usd satisfies number,
  probs: step.router?.probs satisfies Record<string, number> | undefined,
  processScore: scores.process_score satisfies number | null,
  byModel: cost.by_model[0]?.share satisfies number | null | undefined,
  meanReward: run.mean_reward satisfies number | null,
  queryRuns: query.runs[0]?.mean_reward satisfies number | null | undefined,
  pairMargin: pairs.pairs[0]?.margin satisfies number | undefined,
  labelledAt: label.created_at satisfies string,
  newest: judgment.newest_label?.score satisfies number | undefined,
  leasedUntil: item.leased_until satisfies string | null,
  disabled: user.disabled_at satisfies string | null,
  alpha: agreement.overall.people.nominal.alpha satisfies number | null,
  human: disagreement.human_score satisfies number,
  chosen: compare.pair?.chosen satisfies string | undefined,
  ruleDecided: compare.rules[0]?.decided satisfies boolean | undefined,
};

export const missing = {
  // @ts-expect-error the trajectory's cost is cost_usd: a client reading `cost` fails the typecheck
  cost: t.cost,
  // @ts-expect-error a label belongs to its item (item_id), not to a judgment
  judgment: label.judgment_id,
  // @ts-expect-error a run's mean reward is mean_reward
  reward: run.reward,
  // @ts-expect-error the labelled-at time is created_at
  labelledAt: label.labelled_at,
  // @ts-expect-error the compare answer lists its rules' checks as rules
  lines: compare.lines,
};
