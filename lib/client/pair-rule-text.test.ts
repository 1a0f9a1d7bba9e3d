import { describe, expect, it } from 'vitest';
import { DEFAULT_PAIRS, explainPair } from '@/lib/domain';
import { pairRuleText } from './pair-rule-text';

const t = (id: string, correct: boolean, processScore: number | null, costUsd: number) => ({ id, correct, processScore, costUsd });
const words = (e: ReturnType<typeof explainPair>) => e.rules.map((r) => pairRuleText(r));

describe('pairRuleText', () => {
  it('says which side is correct when the outcome decides', () => {
    expect(words(explainPair(t('a', false, 0.9, 1), t('b', true, 0.1, 5), DEFAULT_PAIRS))).toEqual(['B is correct and A is not']);
  });

  it('names the higher score first, whichever side has it', () => {
    expect(words(explainPair(t('a', true, 0.511, 1), t('b', true, 1, 1), DEFAULT_PAIRS))[1]).toMatch(
      /^B scores higher, 1\.000 vs 0\.511: difference 0\.489 ≥ Δp 0\.1$/,
    );
    expect(words(explainPair(t('a', true, 0.9, 1), t('b', true, 0.2, 1), DEFAULT_PAIRS))[1]).toMatch(/^A scores higher, 0\.900 vs 0\.200:/);
  });

  it('puts the cost ratio into words, an infinitely cheaper side too', () => {
    expect(words(explainPair(t('a', true, 0.8, 1), t('b', true, 0.75, 1.5), DEFAULT_PAIRS))[2]).toContain('B costs 1.50× ≥ ratio 1.2');
    expect(words(explainPair(t('a', true, 0.8, 0), t('b', true, 0.75, 1.5), DEFAULT_PAIRS))[2]).toContain('B costs infinitely more ≥ ratio 1.2');
  });

  it('says why no rule decides', () => {
    const w = words(explainPair(t('a', true, null, 1), t('b', true, 0.5, 1.1), DEFAULT_PAIRS));
    expect(w[1]).toContain('undefined');
    expect(w[2]).toContain('< ratio 1.2');
  });
});
