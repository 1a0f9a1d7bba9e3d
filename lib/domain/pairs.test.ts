import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { buildPreferencePairs, decidePair, UNBOUNDED_COST_MARGIN, validatePairSettings, type PairCandidate } from './pairs';
import { DEFAULT_PAIRS } from './types';

const t = (id: string, correct: boolean, processScore: number | null, costUsd: number): PairCandidate => ({ id, correct, processScore, costUsd });

describe('decidePair', () => {
  it('outcome: the correct one wins whatever its process score and cost, margin 1', () => {
    const right = t('a', true, 0.1, 9);
    const wrong = t('b', false, 0.9, 1);
    expect(decidePair(right, wrong)).toEqual({ chosen: 'a', rejected: 'b', reason: 'outcome', margin: 1 });
    expect(decidePair(wrong, right)).toEqual({ chosen: 'a', rejected: 'b', reason: 'outcome', margin: 1 });
  });

  it('process: the higher score wins when the difference reaches delta_p, margin |difference|', () => {
    const pair = decidePair(t('a', true, 0.5, 1), t('b', true, 0.9, 1));
    expect(pair).toMatchObject({ chosen: 'b', rejected: 'a', reason: 'process' });
    expect(pair?.margin).toBeCloseTo(0.4, 15);
  });

  it('process: a difference that prints as exactly delta_p reaches it (0.3 - 0.2 < 0.1 in doubles)', () => {
    expect(0.3 - 0.2 < 0.1).toBe(true);
    expect(decidePair(t('a', false, 0.3, 1), t('b', false, 0.2, 1))).toMatchObject({ chosen: 'a', reason: 'process' });
  });

  it('process: a smaller difference falls through to cost, or to no pair', () => {
    expect(decidePair(t('a', true, 0.55, 1), t('b', true, 0.5, 2))).toEqual({ chosen: 'a', rejected: 'b', reason: 'cost', margin: 2 });
    expect(decidePair(t('a', true, 0.55, 1), t('b', true, 0.5, 1))).toBeNull();
  });

  it('process: an undefined score on either side skips the rule', () => {
    expect(decidePair(t('a', true, null, 3), t('b', true, 0.9, 2))).toMatchObject({ chosen: 'b', reason: 'cost', margin: 1.5 });
    expect(decidePair(t('a', true, null, 1), t('b', true, null, 1))).toBeNull();
  });

  it('cost: the cheaper wins when the costlier costs at least ratio_c times as much, margin costlier / cheaper', () => {
    expect(decidePair(t('a', true, 0.5, 1.2), t('b', true, 0.5, 1))).toEqual({ chosen: 'b', rejected: 'a', reason: 'cost', margin: 1.2 });
    // priced costs: 0.0012 / 0.001 is 1.1999999999999997 in doubles, still ratio_c 1.2
    const pair = decidePair(t('a', true, 0.5, 0.0012), t('b', true, 0.5, 0.001));
    expect(pair).toMatchObject({ chosen: 'b', rejected: 'a', reason: 'cost' });
    expect(pair?.margin).toBeCloseTo(1.2, 12);
    expect(decidePair(t('a', true, 0.5, 1.1), t('b', true, 0.5, 1))).toBeNull();
  });

  it('cost: a free trajectory beats a paid one with the finite, JSON-safe unbounded margin', () => {
    const pair = decidePair(t('paid', true, null, 0.01), t('free', true, null, 0));
    expect(pair).toEqual({ chosen: 'free', rejected: 'paid', reason: 'cost', margin: UNBOUNDED_COST_MARGIN });
    expect(JSON.parse(JSON.stringify(pair))).toEqual(pair);
    expect(decidePair(t('a', true, null, 0), t('b', true, null, 0))).toBeNull();
  });

  it('ties never decide, even at delta_p = 0 and ratio_c = 1', () => {
    const loose = { deltaP: 0, ratioC: 1, cap: null };
    expect(decidePair(t('a', true, 0.5, 1), t('b', true, 0.5, 1), loose)).toBeNull();
    expect(decidePair(t('a', false, 0.5, 1), t('b', false, 0.6, 1), loose)).toMatchObject({ chosen: 'b', reason: 'process' });
    expect(decidePair(t('a', false, null, 1), t('b', false, null, 1.0001), loose)).toMatchObject({ chosen: 'a', reason: 'cost' });
  });

  it('refuses settings that contradict the rules', () => {
    expect(validatePairSettings(DEFAULT_PAIRS)).toBeNull();
    expect(validatePairSettings({ deltaP: -0.1, ratioC: 1.2, cap: null })).toMatch(/delta_p/);
    expect(validatePairSettings({ deltaP: 0.1, ratioC: 0.9, cap: null })).toMatch(/ratio_c/);
    expect(validatePairSettings({ deltaP: 0.1, ratioC: 1.2, cap: 1.5 })).toMatch(/cap/);
    expect(() => decidePair(t('a', true, 0, 1), t('b', true, 0, 1), { deltaP: Number.NaN, ratioC: 1.2, cap: null })).toThrow(RangeError);
  });
});

describe('buildPreferencePairs', () => {
  const query = [
    t('t1', true, 0.9, 2), // correct
    t('t2', true, 0.4, 1), // correct
    t('t3', false, 0.8, 1), // wrong
    t('t4', false, 0.2, 3), // wrong
  ];

  it('pairs every two trajectories that a rule decides, outcome first, then by margin', () => {
    expect(buildPreferencePairs(query)).toEqual([
      { chosen: 't1', rejected: 't3', reason: 'outcome', margin: 1 },
      { chosen: 't1', rejected: 't4', reason: 'outcome', margin: 1 },
      { chosen: 't2', rejected: 't3', reason: 'outcome', margin: 1 },
      { chosen: 't2', rejected: 't4', reason: 'outcome', margin: 1 },
      { chosen: 't3', rejected: 't4', reason: 'process', margin: 0.8 - 0.2 },
      { chosen: 't1', rejected: 't2', reason: 'process', margin: 0.9 - 0.4 },
    ]);
  });

  it('keeps the first `cap` pairs, and none with cap 0', () => {
    const capped = buildPreferencePairs(query, { ...DEFAULT_PAIRS, cap: 5 });
    expect(capped).toHaveLength(5);
    expect(capped.at(-1)).toMatchObject({ chosen: 't3', rejected: 't4', reason: 'process' });
    expect(buildPreferencePairs(query, { ...DEFAULT_PAIRS, cap: 0 })).toEqual([]);
  });

  it('orders cost pairs by ratio, larger first, and breaks equal margins by chosen then rejected id', () => {
    const costs = [t('x', true, null, 3), t('y', true, null, 1), t('w', true, null, 2), t('z', true, null, 6)];
    // y<z 6, w<z 3, y<x 3, x<z 2, y<w 2, w<x 1.5; equal margins: smaller chosen id first
    expect(buildPreferencePairs(costs)).toEqual([
      { chosen: 'y', rejected: 'z', reason: 'cost', margin: 6 },
      { chosen: 'w', rejected: 'z', reason: 'cost', margin: 3 },
      { chosen: 'y', rejected: 'x', reason: 'cost', margin: 3 },
      { chosen: 'x', rejected: 'z', reason: 'cost', margin: 2 },
      { chosen: 'y', rejected: 'w', reason: 'cost', margin: 2 },
      { chosen: 'w', rejected: 'x', reason: 'cost', margin: 1.5 },
    ]);
  });

  it('breaks ties in a stated, literal order', () => {
    const tied = [t('b', true, 0.6, 1), t('a', true, 0.6, 1), t('c', false, 0.6, 1), t('d', false, 0.6, 1)];
    expect(buildPreferencePairs(tied)).toEqual([
      { chosen: 'a', rejected: 'c', reason: 'outcome', margin: 1 },
      { chosen: 'a', rejected: 'd', reason: 'outcome', margin: 1 },
      { chosen: 'b', rejected: 'c', reason: 'outcome', margin: 1 },
      { chosen: 'b', rejected: 'd', reason: 'outcome', margin: 1 },
    ]);
  });

  it('gives no pairs for fewer than two trajectories and refuses a repeated id', () => {
    expect(buildPreferencePairs([])).toEqual([]);
    expect(buildPreferencePairs([t('a', true, 1, 1)])).toEqual([]);
    expect(() => buildPreferencePairs([t('a', true, 1, 1), t('a', false, 0, 1)])).toThrow(/"a" appears twice/);
  });
});

const candidateArb = (id: string) =>
  fc.record({
    id: fc.constant(id),
    correct: fc.boolean(),
    processScore: fc.option(fc.constantFrom(0, 0.1, 0.2, 0.3, 0.5, 0.75, 1, 1 / 3), { nil: null }),
    costUsd: fc.constantFrom(0, 0.001, 0.0012, 0.5, 1, 1.2, 2, 3),
  });
const queryArb = fc
  .uniqueArray(fc.string({ minLength: 1, maxLength: 4 }), { maxLength: 9 })
  .chain((ids) => fc.tuple(...ids.map(candidateArb)))
  .map((list) => [...list] as PairCandidate[]);
const settingsArb = fc.record({
  deltaP: fc.constantFrom(0, 0.1, 0.25),
  ratioC: fc.constantFrom(1, 1.2, 2),
  cap: fc.option(fc.nat({ max: 10 }), { nil: null }),
});

describe('properties', () => {
  it('decidePair is antisymmetric: both argument orders give the same record', () => {
    fc.assert(
      fc.property(candidateArb('a'), candidateArb('b'), settingsArb, (a, b, s) => {
        expect(decidePair(a, b, s)).toEqual(decidePair(b, a, s));
      }),
    );
  });

  it('buildPreferencePairs does not depend on the input order', () => {
    fc.assert(
      fc.property(
        queryArb.chain((q) => fc.tuple(fc.constant(q), fc.shuffledSubarray(q, { minLength: q.length, maxLength: q.length }))),
        settingsArb,
        ([q, shuffled], s) => {
          expect(buildPreferencePairs(shuffled, s)).toEqual(buildPreferencePairs(q, s));
        },
      ),
    );
  });

  it('every pair is what decidePair says, at most one per unordered pair, with a sane margin', () => {
    fc.assert(
      fc.property(queryArb, settingsArb, (q, s) => {
        const pairs = buildPreferencePairs(q, s);
        const keys = new Set(pairs.map((p) => [p.chosen, p.rejected].sort().join('\u0000')));
        expect(keys.size).toBe(pairs.length);
        if (s.cap !== null) expect(pairs.length).toBeLessThanOrEqual(s.cap);
        const byId = new Map(q.map((c) => [c.id, c]));
        for (const p of pairs) {
          expect(decidePair(byId.get(p.chosen)!, byId.get(p.rejected)!, s)).toEqual(p);
          if (p.reason === 'outcome') expect(p.margin).toBe(1);
          if (p.reason === 'process') expect(p.margin > 0 && p.margin <= 1).toBe(true);
          if (p.reason === 'cost') expect(Number.isFinite(p.margin) && p.margin > 1).toBe(true);
        }
      }),
    );
  });
});
