// scoring.md's judge setting: which judgments enter a figure when a view names a judge.
import { combinedReward } from './reward';
import { criterionScores, processScoreOf, type CriterionScore } from './rubric';
import { UNNAMED_JUDGE } from './settings';
import { DEFAULT_REWARD, type CriterionDef, type JudgmentInput, type RewardSettings } from './types';

export interface JudgedInput {
  judgeScore: number | null;
  judge?: string | null;
}

/**
 * The judge a judgment belongs to: its judge's name, the unnamed judge's name when the trace gave
 * none, and `null` for a judgment that a person added (it has no judge score).
 */
export function judgeOf(j: JudgedInput): string | null {
  if (j.judgeScore === null) return null;
  return j.judge ?? UNNAMED_JUDGE;
}

/**
 * With a judge, only that judge's judgments and the judgments that people added; without one
 * (`null`), every judgment.
 */
export function judgmentsOfJudge<T extends JudgedInput>(judgments: readonly T[], judge: string | null): T[] {
  if (judge === null) return [...judgments];
  return judgments.filter((j) => {
    const of = judgeOf(j);
    return of === null || of === judge;
  });
}

export interface ViewScoresInput {
  correct: boolean;
  costUsd: number;
  allLargestUsd: number;
  criteria: readonly CriterionDef[];
  judgments: readonly JudgmentInput[];
}

export interface ViewScores {
  criterionScores: CriterionScore[];
  processScore: number | null;
  reward: number;
}

/** A trajectory's criterion scores, process score and reward under a view's judge, lambda and mu. */
export function viewScores(input: ViewScoresInput, view: { judge: string | null } & RewardSettings): ViewScores {
  const criteria = criterionScores(judgmentsOfJudge(input.judgments, view.judge), input.criteria);
  const processScore = processScoreOf(criteria);
  const reward = combinedReward(
    { correct: input.correct, processScore, costUsd: input.costUsd, allLargestUsd: input.allLargestUsd },
    { lambda: view.lambda, mu: view.mu },
  );
  return { criterionScores: criteria, processScore, reward };
}

export interface JudgeFigures {
  /** The judge, or `null` for the figures of people's judgments alone (any judge that did not score it). */
  judge: string | null;
  /** The judge's judgments of the trajectory (0 for `null`). */
  judgments: number;
  processScore: number | null;
  /** At the default lambda and mu. */
  reward: number;
}

/**
 * A trajectory's figures under every judge that scored it, and under none (people's judgments only,
 * which is what every other judge's view of it is), by judge name; the `null` entry first.
 */
export function figuresByJudge(input: ViewScoresInput): JudgeFigures[] {
  const counts = new Map<string, number>();
  for (const j of input.judgments) {
    const judge = judgeOf(j);
    if (judge !== null) counts.set(judge, (counts.get(judge) ?? 0) + 1);
  }
  const judges = [...counts.keys()].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  return [null, ...judges].map((judge) => {
    // "No judge" is the view of a judge with no judgments here: a name that no judgment has.
    const view = viewScores(input, { judge: judge ?? NO_JUDGE, ...DEFAULT_REWARD });
    return { judge, judgments: judge === null ? 0 : counts.get(judge)!, processScore: view.processScore, reward: view.reward };
  });
}

/** Not a judge name (names are 1..200 characters): selects people's judgments alone. */
const NO_JUDGE = '';
