// The labelling keys: which key picks which score on each kind of scale.
import { describe, expect, it } from 'vitest';
import { scaleChoices, scoreForKey } from '@/lib/client/scale-keys';

describe('scale keys', () => {
  it('offers one button per value of small scales, none for wide or fractional ones', () => {
    expect(scaleChoices({ kind: 'binary' })).toEqual([0, 1]);
    expect(scaleChoices({ kind: 'ternary' })).toEqual([-1, 0, 1]);
    expect(scaleChoices({ kind: 'numeric', min: 1, max: 5 })).toEqual([1, 2, 3, 4, 5]);
    expect(scaleChoices({ kind: 'numeric', min: 0, max: 10 })).toHaveLength(11);
    expect(scaleChoices({ kind: 'numeric', min: 0, max: 100 })).toBeNull();
    expect(scaleChoices({ kind: 'numeric', min: 0, max: 0.5 })).toBeNull();
  });

  it('maps 0/1 on binary, -/0/+ on ternary, and nothing off the scale', () => {
    const binary = { kind: 'binary' } as const;
    expect(scoreForKey('1', binary, null, '').score).toBe(1);
    expect(scoreForKey('0', binary, null, '').score).toBe(0);
    expect(scoreForKey('2', binary, null, '').score).toBeNull();
    const ternary = { kind: 'ternary' } as const;
    expect(['-', '0', '+', '1', 'x'].map((k) => scoreForKey(k, ternary, null, '').score)).toEqual([-1, 0, 1, 1, null]);
  });

  it('reads numbers of more than one digit on a numeric scale, and steps with + and -', () => {
    const scale = { kind: 'numeric', min: 0, max: 10 } as const;
    const one = scoreForKey('1', scale, null, '');
    expect(one).toEqual({ score: 1, buffer: '1' });
    expect(scoreForKey('0', scale, one.score, one.buffer).score).toBe(10);
    expect(scoreForKey('7', scale, 10, '10')).toEqual({ score: 7, buffer: '7' });
    expect(scoreForKey('+', scale, 10, '').score).toBe(10);
    expect(scoreForKey('-', scale, 10, '').score).toBe(9);
    expect(scoreForKey('+', scale, null, '').score).toBe(0);
    const likert = { kind: 'numeric', min: 1, max: 5 } as const;
    expect(scoreForKey('0', likert, null, '').score).toBeNull();
    expect(scoreForKey('5', likert, null, '').score).toBe(5);
  });
});
