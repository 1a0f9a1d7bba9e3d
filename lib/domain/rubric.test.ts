import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  criterionScores,
  effectiveScore,
  isOnScale,
  normalizedScore,
  processScore,
  scaleText,
  stepRubricScores,
  validateScale,
  validateWeight,
  weightedMean,
} from './rubric';
import type { CriterionDef, JudgmentInput, Scale } from './types';

const binary: Scale = { kind: 'binary' };
const ternary: Scale = { kind: 'ternary' };
const tenPoint: Scale = { kind: 'numeric', min: 0, max: 10 };

describe('validateScale', () => {
  it('accepts binary, ternary and a proper numeric range', () => {
    expect(validateScale(binary)).toBeNull();
    expect(validateScale(ternary)).toBeNull();
    expect(validateScale(tenPoint)).toBeNull();
    expect(validateScale({ kind: 'numeric', min: -1, max: 1 })).toBeNull();
  });

  it('rejects a numeric criterion with min = max', () => {
    expect(validateScale({ kind: 'numeric', min: 3, max: 3 })).toMatch(/min < max/);
  });

  it('rejects min > max, non-finite bounds and a range that overflows', () => {
    expect(validateScale({ kind: 'numeric', min: 5, max: 1 })).toMatch(/min < max/);
    expect(validateScale({ kind: 'numeric', min: 0, max: Infinity })).toMatch(/finite/);
    expect(validateScale({ kind: 'numeric', min: Number.NaN, max: 1 })).toMatch(/finite/);
    expect(validateScale({ kind: 'numeric', min: -1e308, max: 1e308 })).toMatch(/too large/);
  });
});

describe('scaleText', () => {
  it('names each kind with the scores it allows', () => {
    expect(scaleText({ kind: 'binary' })).toBe('binary (0 or 1)');
    expect(scaleText({ kind: 'ternary' })).toBe('ternary (-1, 0 or 1)');
    expect(scaleText({ kind: 'numeric', min: 1, max: 5 })).toBe('numeric (1 to 5)');
    expect(scaleText({ kind: 'numeric', min: -0.5, max: 2.5 })).toBe('numeric (-0.5 to 2.5)');
  });
});

describe('validateWeight', () => {
  it('accepts finite positive weights only', () => {
    expect(validateWeight(0.5)).toBeNull();
    expect(validateWeight(0)).toMatch(/> 0/);
    expect(validateWeight(-1)).toMatch(/> 0/);
    expect(validateWeight(Infinity)).toMatch(/finite/);
  });
});

describe('isOnScale', () => {
  it('binary is 0 or 1', () => {
    expect([0, 1].map((s) => isOnScale(s, binary))).toEqual([true, true]);
    expect([-1, 0.5, 2, Number.NaN].map((s) => isOnScale(s, binary))).toEqual([false, false, false, false]);
  });

  it('ternary is -1, 0 or 1', () => {
    expect([-1, 0, 1].map((s) => isOnScale(s, ternary))).toEqual([true, true, true]);
    expect([-0.5, 2].map((s) => isOnScale(s, ternary))).toEqual([false, false]);
  });

  it('numeric is within [min, max], bounds included, finite', () => {
    expect([0, 10, 7.5].map((s) => isOnScale(s, tenPoint))).toEqual([true, true, true]);
    expect([-0.001, 10.001, Number.NaN, Infinity].map((s) => isOnScale(s, tenPoint))).toEqual([false, false, false, false]);
  });
});

describe('normalizedScore', () => {
  it('binary s, ternary (s + 1) / 2, numeric (s - min) / (max - min)', () => {
    expect(normalizedScore(0, binary)).toBe(0);
    expect(normalizedScore(1, binary)).toBe(1);
    expect(normalizedScore(-1, ternary)).toBe(0);
    expect(normalizedScore(0, ternary)).toBe(0.5);
    expect(normalizedScore(1, ternary)).toBe(1);
    expect(normalizedScore(5, tenPoint)).toBe(0.5);
    expect(normalizedScore(-5, { kind: 'numeric', min: -10, max: 10 })).toBe(0.25);
    expect(normalizedScore(10, tenPoint)).toBe(1);
  });

  it('never returns -0', () => {
    expect(Object.is(normalizedScore(-0, binary), 0)).toBe(true);
  });

  it('throws on an off-scale score and on a degenerate scale', () => {
    expect(() => normalizedScore(2, binary)).toThrow(RangeError);
    expect(() => normalizedScore(11, tenPoint)).toThrow(/not on the numeric scale/);
    expect(() => normalizedScore(3, { kind: 'numeric', min: 3, max: 3 })).toThrow(/min < max/);
  });
});

describe('effectiveScore', () => {
  it('is the human label when there is one, else the judge score', () => {
    expect(effectiveScore({ criterion: 'c', steps: [], judgeScore: 1, humanScore: 0 })).toBe(0);
    expect(effectiveScore({ criterion: 'c', steps: [], judgeScore: 1, humanScore: null })).toBe(1);
    expect(effectiveScore({ criterion: 'c', steps: [], judgeScore: 1 })).toBe(1);
    expect(effectiveScore({ criterion: 'c', steps: [], judgeScore: null, humanScore: -1 })).toBe(-1);
    expect(effectiveScore({ criterion: 'c', steps: [], judgeScore: null })).toBeNull();
  });
});

describe('weightedMean', () => {
  it('is null for no terms and survives weights whose sum overflows', () => {
    expect(weightedMean([])).toBeNull();
    expect(
      weightedMean([
        { weight: 3, value: 1 },
        { weight: 1, value: 0 },
      ]),
    ).toBe(0.75);
    expect(
      weightedMean([
        { weight: 1e308, value: 1 },
        { weight: 1e308, value: 0 },
      ]),
    ).toBe(0.5);
  });
});

// c1: binary, weight 2; c2: numeric 0..10, weight 1; c3: ternary, weight 1 (never judged below).
const criteria: CriterionDef[] = [
  { id: 'c1', weight: 2, scale: binary },
  { id: 'c2', weight: 1, scale: tenPoint },
  { id: 'c3', weight: 1, scale: ternary },
];
const judgments: JudgmentInput[] = [
  { criterion: 'c1', steps: [0, 1], judgeScore: 1 }, // 1
  { criterion: 'c2', steps: [1], judgeScore: 4 }, // 0.4
  { criterion: 'c2', steps: [], judgeScore: 10 }, // 1.0, whole trajectory
  { criterion: 'c1', steps: [3], judgeScore: null }, // no score at all: ignored
];

describe('stepRubricScores', () => {
  it('is the weighted mean over the judgments naming each step, null where none does', () => {
    // step 0: c1 only -> 1; step 1: (2*1 + 1*0.4) / 3 = 0.8; steps 2 and 3: no scored judgment
    const scores = stepRubricScores(4, judgments, criteria);
    expect(scores[0]).toBe(1);
    expect(scores[1]).toBeCloseTo(0.8, 15);
    expect(scores[2]).toBeNull();
    expect(scores[3]).toBeNull();
  });

  it('leaves whole-trajectory judgments out', () => {
    const whole: JudgmentInput[] = [{ criterion: 'c2', steps: [], judgeScore: 10 }];
    expect(stepRubricScores(2, whole, criteria)).toEqual([null, null]);
  });

  it('weights several judgments of one step, of one or several criteria', () => {
    const several: JudgmentInput[] = [
      { criterion: 'c1', steps: [0], judgeScore: 0 }, // 0, weight 2
      { criterion: 'c1', steps: [0], judgeScore: 1 }, // 1, weight 2
      { criterion: 'c3', steps: [0], judgeScore: 1 }, // 1, weight 1
      { criterion: 'c2', steps: [0], judgeScore: 5 }, // 0.5, weight 1
    ];
    // (2*0 + 2*1 + 1*1 + 1*0.5) / 6 = 3.5 / 6
    expect(stepRubricScores(1, several, criteria)[0]).toBeCloseTo(3.5 / 6, 15);
  });

  it('counts a step listed twice in one judgment once', () => {
    const twice: JudgmentInput[] = [
      { criterion: 'c1', steps: [0, 0], judgeScore: 1 },
      { criterion: 'c2', steps: [0], judgeScore: 0 },
    ];
    expect(stepRubricScores(1, twice, criteria)[0]).toBeCloseTo(2 / 3, 15);
  });

  it('uses the human label instead of the judge score', () => {
    const relabelled: JudgmentInput[] = [{ criterion: 'c1', steps: [0], judgeScore: 1, humanScore: 0 }];
    expect(stepRubricScores(1, relabelled, criteria)).toEqual([0]);
  });

  it('is all null with no judgments, and [] with no steps', () => {
    expect(stepRubricScores(3, [], criteria)).toEqual([null, null, null]);
    expect(stepRubricScores(0, [], criteria)).toEqual([]);
  });

  it('throws on a step outside the trajectory and on an unknown criterion', () => {
    expect(() => stepRubricScores(2, [{ criterion: 'c1', steps: [2], judgeScore: 1 }], criteria)).toThrow(/step 2/);
    expect(() => stepRubricScores(2, [{ criterion: 'zz', steps: [0], judgeScore: 1 }], criteria)).toThrow(/"zz"/);
    expect(() => stepRubricScores(2, [], [criteria[0]!, criteria[0]!])).toThrow(/defined twice/);
  });
});

describe('criterionScores and processScore', () => {
  it('means every scored judgment of a criterion, whole-trajectory ones included', () => {
    expect(criterionScores(judgments, criteria)).toEqual([
      { id: 'c1', weight: 2, score: 1 },
      { id: 'c2', weight: 1, score: 0.7 }, // (0.4 + 1) / 2
      { id: 'c3', weight: 1, score: null },
    ]);
  });

  it('weights criterion scores over the criteria that have one', () => {
    // (2*1 + 1*0.7) / 3; c3 has no judgment and does not count
    expect(processScore(judgments, criteria)).toBeCloseTo(0.9, 15);
  });

  it('is null with no judgments, or only unscored ones', () => {
    expect(processScore([], criteria)).toBeNull();
    expect(processScore([{ criterion: 'c1', steps: [], judgeScore: null }], criteria)).toBeNull();
    expect(criterionScores([], criteria).map((c) => c.score)).toEqual([null, null, null]);
    expect(processScore([], [])).toBeNull();
  });

  it('counts a human-only judgment', () => {
    expect(processScore([{ criterion: 'c3', steps: [], judgeScore: null, humanScore: 0 }], criteria)).toBe(0.5);
  });
});

const scaleArb: fc.Arbitrary<Scale> = fc.oneof(
  fc.constant<Scale>({ kind: 'binary' }),
  fc.constant<Scale>({ kind: 'ternary' }),
  fc
    .tuple(fc.double({ min: -1e6, max: 1e6, noNaN: true }), fc.double({ min: 1e-6, max: 1e6, noNaN: true }))
    .map(([min, span]): Scale => ({ kind: 'numeric', min, max: min + span }))
    .filter((s) => s.kind === 'numeric' && s.min < s.max),
);

function scoreOn(scale: Scale): fc.Arbitrary<number> {
  switch (scale.kind) {
    case 'binary':
      return fc.constantFrom(0, 1);
    case 'ternary':
      return fc.constantFrom(-1, 0, 1);
    case 'numeric':
      return fc.oneof(fc.constant(scale.min), fc.constant(scale.max), fc.double({ min: scale.min, max: scale.max, noNaN: true }));
  }
}

const rubricArb = fc
  .array(fc.tuple(scaleArb, fc.double({ min: 1e-3, max: 1e3, noNaN: true })), { minLength: 1, maxLength: 5 })
  .map((list): CriterionDef[] => list.map(([scale, weight], i) => ({ id: `c${i}`, weight, scale })));

const caseArb = fc.tuple(rubricArb, fc.integer({ min: 1, max: 12 })).chain(([crits, stepCount]) => {
  const judgment = fc.constantFrom(...crits).chain((c) =>
    fc.record({
      criterion: fc.constant(c.id),
      steps: fc.array(fc.nat({ max: stepCount - 1 }), { maxLength: 4 }),
      judgeScore: fc.option(scoreOn(c.scale), { nil: null }),
      humanScore: fc.option(scoreOn(c.scale), { nil: null }),
    }),
  );
  return fc.record({ crits: fc.constant(crits), stepCount: fc.constant(stepCount), judgments: fc.array(judgment, { maxLength: 20 }) });
});

const inUnit = (x: number | null) => x === null || (x >= 0 && x <= 1);

describe('properties', () => {
  it('normalized scores lie in [0, 1]', () => {
    fc.assert(
      fc.property(
        scaleArb.chain((scale) => fc.tuple(fc.constant(scale), scoreOn(scale))),
        ([scale, score]) => {
          const n = normalizedScore(score, scale);
          expect(n).toBeGreaterThanOrEqual(0);
          expect(n).toBeLessThanOrEqual(1);
        },
      ),
    );
  });

  it('step, criterion and process scores lie in [0, 1] or are null, never NaN', () => {
    fc.assert(
      fc.property(caseArb, ({ crits, stepCount, judgments: js }) => {
        const steps = stepRubricScores(stepCount, js, crits);
        expect(steps).toHaveLength(stepCount);
        expect(steps.every(inUnit)).toBe(true);
        expect(criterionScores(js, crits).every((c) => inUnit(c.score))).toBe(true);
        const process = processScore(js, crits);
        expect(inUnit(process)).toBe(true);
        const scored = js.filter((j) => effectiveScore(j) !== null);
        expect(process === null).toBe(scored.length === 0);
      }),
    );
  });

  it('a step score is null exactly when no scored judgment names the step', () => {
    fc.assert(
      fc.property(caseArb, ({ crits, stepCount, judgments: js }) => {
        const steps = stepRubricScores(stepCount, js, crits);
        steps.forEach((score, k) => {
          const named = js.some((j) => effectiveScore(j) !== null && j.steps.includes(k));
          expect(score === null).toBe(!named);
        });
      }),
    );
  });
});
