import { describe, expect, it } from 'vitest';
import { figuresByJudge, judgeOf, judgmentsOfJudge, viewScores } from './judges';
import { capProblem, deltaPProblem, judgeNameProblem, ratioCProblem, rewardWeightProblem } from './settings';
import type { CriterionDef, JudgmentInput } from './types';

const criteria: CriterionDef[] = [
  { id: 'c1', weight: 3, scale: { kind: 'binary' } },
  { id: 'c2', weight: 1, scale: { kind: 'numeric', min: 0, max: 4 } },
];
const judgments: JudgmentInput[] = [
  { criterion: 'c1', steps: [0], judgeScore: 1, judge: 'v2' },
  { criterion: 'c1', steps: [0], judgeScore: 0, judge: 'v3', humanScore: 1 },
  { criterion: 'c2', steps: [], judgeScore: 2 },
  { criterion: 'c2', steps: [1], judgeScore: null, humanScore: 4 },
];

describe('the judge setting', () => {
  it('names a judgment’s judge: its own, "judge" when unnamed, null when a person added it', () => {
    expect(judgments.map(judgeOf)).toEqual(['v2', 'v3', 'judge', null]);
  });

  it('keeps the judge’s judgments and people’s; without a judge, all', () => {
    expect(judgmentsOfJudge(judgments, 'v3')).toEqual([judgments[1], judgments[3]]);
    expect(judgmentsOfJudge(judgments, 'judge')).toEqual([judgments[2], judgments[3]]);
    expect(judgmentsOfJudge(judgments, 'nobody')).toEqual([judgments[3]]);
    expect(judgmentsOfJudge(judgments, null)).toEqual(judgments);
  });

  it('scores a trajectory under a judge: v3 has c1 = 1 (labelled), c2 = 1 -> process 1', () => {
    const input = { correct: false, costUsd: 1, allLargestUsd: 4, criteria, judgments };
    const v3 = viewScores(input, { judge: 'v3', lambda: 0.5, mu: 0.1 });
    expect(v3.criterionScores.map((c) => c.score)).toEqual([1, 1]);
    expect(v3.processScore).toBe(1);
    expect(v3.reward).toBeCloseTo(0.5 - 0.025, 15);
    // judge: c2 = mean(0.5, 1) = 0.75, c1 none -> process 0.75
    expect(viewScores(input, { judge: 'judge', lambda: 1, mu: 0 })).toMatchObject({ processScore: 0.75, reward: 0.75 });
    // all: c1 = mean(1, 1) = 1, c2 = 0.75 -> (3 + 0.75) / 4
    expect(viewScores(input, { judge: null, lambda: 0.5, mu: 0.1 }).processScore).toBe(3.75 / 4);
  });
});

describe('the rules of the view settings', () => {
  it('lambda and mu lie in [0, 1000]', () => {
    expect([0, 0.5, 1000].map(rewardWeightProblem)).toEqual([null, null, null]);
    expect(rewardWeightProblem(-0.01)).toMatch(/>= 0/);
    expect(rewardWeightProblem(1000.5)).toMatch(/at most 1000/);
    expect(rewardWeightProblem(Number.NaN)).toMatch(/finite/);
  });

  it('delta_p in [0, 1], ratio_c >= 1, cap an integer in [0, 1,000,000] or none', () => {
    expect([0, 1].map(deltaPProblem)).toEqual([null, null]);
    expect(deltaPProblem(1.01)).toMatch(/between 0 and 1/);
    expect(ratioCProblem(1)).toBeNull();
    expect(ratioCProblem(0.99)).toMatch(/>= 1/);
    expect([null, 0, 1_000_000].map(capProblem)).toEqual([null, null, null]);
    expect(capProblem(2.5)).toMatch(/integer/);
    expect(capProblem(1_000_001)).toMatch(/at most/);
  });

  it('judge names follow the id rules', () => {
    expect(judgeNameProblem('judge-v2')).toBeNull();
    expect(judgeNameProblem('')).toMatch(/empty/);
    expect(judgeNameProblem('x'.repeat(201))).toMatch(/200/);
    expect(judgeNameProblem('a\u0000b')).toMatch(/NUL/);
  });
});

describe('figures by judge', () => {
  it('one entry per judge that scored the trajectory, and one for people alone, first', () => {
    const f = figuresByJudge({ correct: true, costUsd: 1, allLargestUsd: 2, criteria, judgments });
    expect(f.map((x) => [x.judge, x.judgments])).toEqual([
      [null, 0],
      ['judge', 1],
      ['v2', 1],
      ['v3', 1],
    ]);
    // people alone: the added c2 judgment (4 of 4 -> 1) -> process 1; v2: c1 1, c2 1 -> 1.
    expect(f[0]).toMatchObject({ processScore: 1, reward: 1 + 0.5 - 0.05 });
    expect(f[1]!.processScore).toBe(0.75); // judge: c2 = mean(0.5, 1)
    expect(f[2]!.processScore).toBe(1);
  });
});
