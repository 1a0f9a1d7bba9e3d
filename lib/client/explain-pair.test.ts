import { describe, expect, it } from 'vitest';
import { DEFAULT_PAIRS } from '@/lib/domain';
import { explainPair } from './explain-pair';

const t = (id: string, correct: boolean, processScore: number | null, costUsd: number) => ({ id, correct, processScore, costUsd });

describe('explainPair', () => {
  it('stops at the outcome when one is correct', () => {
    const e = explainPair(t('a', false, 0.9, 1), t('b', true, 0.1, 5), DEFAULT_PAIRS);
    expect(e.pair).toMatchObject({ chosen: 'b', rejected: 'a', reason: 'outcome' });
    expect(e.lines.map((l) => [l.rule, l.decided])).toEqual([['outcome', true]]);
    expect(e.lines[0]!.text).toBe('B is correct and A is not');
  });

  it('goes on to the process score, then to the cost', () => {
    const byProcess = explainPair(t('a', true, 0.8, 1), t('b', true, 0.5, 1), DEFAULT_PAIRS);
    expect(byProcess.pair?.reason).toBe('process');
    expect(byProcess.lines.map((l) => l.decided)).toEqual([false, true]);
    const byCost = explainPair(t('a', true, 0.8, 1), t('b', true, 0.75, 1.5), DEFAULT_PAIRS);
    expect(byCost.pair).toMatchObject({ chosen: 'a', reason: 'cost' });
    expect(byCost.lines.map((l) => l.rule)).toEqual(['outcome', 'process', 'cost']);
    expect(byCost.lines[2]!.text).toContain('1.50×');
  });

  it('names the higher score first, whichever side has it', () => {
    const bHigher = explainPair(t('a', true, 0.511, 1), t('b', true, 1, 1), DEFAULT_PAIRS);
    expect(bHigher.lines[1]!.text).toMatch(/^B scores higher, 1\.000 vs 0\.511:/);
    const aHigher = explainPair(t('a', true, 0.9, 1), t('b', true, 0.2, 1), DEFAULT_PAIRS);
    expect(aHigher.lines[1]!.text).toMatch(/^A scores higher, 0\.900 vs 0\.200:/);
  });

  it('says why no rule decides', () => {
    const e = explainPair(t('a', true, null, 1), t('b', true, 0.5, 1.1), DEFAULT_PAIRS);
    expect(e.pair).toBeNull();
    expect(e.lines.every((l) => !l.decided)).toBe(true);
    expect(e.lines[1]!.text).toContain('undefined');
  });
});
