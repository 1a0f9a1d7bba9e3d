// Why scoring.md's preference rules choose one trajectory over another (or neither): the decision is
// decidePair's; each rule that ran carries what it saw, in the rules' order, for a page to put into words.
import { decidePair, type PairCandidate, type PreferencePair } from './pairs';
import type { PairSettings } from './types';

export interface OutcomeCheck {
  rule: 'outcome';
  decided: boolean;
  a_correct: boolean;
  b_correct: boolean;
}

export interface ProcessCheck {
  rule: 'process';
  decided: boolean;
  a_process_score: number | null;
  b_process_score: number | null;
  /** |A − B|; null when a process score is undefined. */
  difference: number | null;
  delta_p: number;
}

export interface CostCheck {
  rule: 'cost';
  decided: boolean;
  a_cost_usd: number;
  b_cost_usd: number;
  /** The dearer cost over the cheaper; null when the cheaper cost nothing (infinitely cheaper). */
  ratio: number | null;
  ratio_c: number;
}

export type RuleCheck = OutcomeCheck | ProcessCheck | CostCheck;

export interface PairExplanation {
  pair: PreferencePair | null;
  /** The rules in order, each with what it saw; the first that decides ends the list. */
  rules: RuleCheck[];
}

export function explainPair(a: PairCandidate, b: PairCandidate, settings: PairSettings): PairExplanation {
  const pair = decidePair(a, b, settings);
  const rules: RuleCheck[] = [{ rule: 'outcome', decided: pair?.reason === 'outcome', a_correct: a.correct, b_correct: b.correct }];
  if (pair?.reason === 'outcome') return { pair, rules };
  rules.push({
    rule: 'process',
    decided: pair?.reason === 'process',
    a_process_score: a.processScore,
    b_process_score: b.processScore,
    difference: a.processScore === null || b.processScore === null ? null : Math.abs(a.processScore - b.processScore),
    delta_p: settings.deltaP,
  });
  if (pair?.reason === 'process') return { pair, rules };
  const lo = Math.min(a.costUsd, b.costUsd);
  const hi = Math.max(a.costUsd, b.costUsd);
  rules.push({
    rule: 'cost',
    decided: pair?.reason === 'cost',
    a_cost_usd: a.costUsd,
    b_cost_usd: b.costUsd,
    ratio: a.costUsd === b.costUsd ? 1 : lo === 0 ? null : hi / lo,
    ratio_c: settings.ratioC,
  });
  return { pair, rules };
}
