import { describe, expect, it } from 'vitest';
import { DEFAULT_PAIRS } from './types';
import { explainPair } from './pair-explanation';

const t = (id: string, correct: boolean, processScore: number | null, costUsd: number) => ({ id, correct, processScore, costUsd });

describe('explainPair', () => {
  it('stops at the outcome when one is correct', () => {
    const e = explainPair(t('a', false, 0.9, 1), t('b', true, 0.1, 5), DEFAULT_PAIRS);
    expect(e.pair).toMatchObject({ chosen: 'b', rejected: 'a', reason: 'outcome' });
    expect(e.rules).toEqual([{ rule: 'outcome', decided: true, a_correct: false, b_correct: true }]);
  });

  it('goes on to the process score, then to the cost', () => {
    const byProcess = explainPair(t('a', true, 0.8, 1), t('b', true, 0.5, 1), DEFAULT_PAIRS);
    expect(byProcess.pair?.reason).toBe('process');
    expect(byProcess.rules.map((l) => l.decided)).toEqual([false, true]);
    expect(byProcess.rules[1]).toMatchObject({ rule: 'process', delta_p: 0.1 });
    expect((byProcess.rules[1] as { difference: number }).difference).toBeCloseTo(0.3, 12);
    const byCost = explainPair(t('a', true, 0.8, 1), t('b', true, 0.75, 1.5), DEFAULT_PAIRS);
    expect(byCost.pair).toMatchObject({ chosen: 'a', reason: 'cost' });
    expect(byCost.rules.map((l) => l.rule)).toEqual(['outcome', 'process', 'cost']);
    expect(byCost.rules[2]).toEqual({ rule: 'cost', decided: true, a_cost_usd: 1, b_cost_usd: 1.5, ratio: 1.5, ratio_c: 1.2 });
  });

  it('decides as decidePair does with the thresholds given', () => {
    const strict = explainPair(t('a', true, 0.8, 1), t('b', true, 0.5, 1), { deltaP: 0.5, ratioC: 1.2, cap: null });
    expect(strict.pair).toBeNull();
    expect(strict.rules.every((l) => !l.decided)).toBe(true);
  });

  it('has no finite ratio when the cheaper side cost nothing, and no difference without both scores', () => {
    const e = explainPair(t('a', true, null, 0), t('b', true, 0.5, 1.1), DEFAULT_PAIRS);
    expect(e.rules[1]).toMatchObject({ rule: 'process', difference: null, decided: false });
    expect(e.rules[2]).toMatchObject({ rule: 'cost', ratio: null, decided: true });
    expect(e.pair).toMatchObject({ chosen: 'a', reason: 'cost' });
  });
});
