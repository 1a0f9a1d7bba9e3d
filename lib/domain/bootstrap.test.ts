import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  agreementCells,
  categoricalOverallOfCells,
  cohensKappa,
  judgeHumanAgreement,
  kappaOfTable,
  kindAgreement,
  kindAgreementOfCells,
  madOfTable,
  meanAbsoluteDifference,
  MIN_AGREEMENT_ITEMS,
  numericTable,
  percentOfTable,
  rhoOfTable,
  spearmanRho,
  type JudgeHumanItem,
} from './agreement';
import { binomial, bootstrapInterval, bootstrapIntervals, multinomial, SeededRandom } from './bootstrap';

function moments(draws: number[]): { mean: number; variance: number } {
  const mean = draws.reduce((s, x) => s + x, 0) / draws.length;
  const variance = draws.reduce((s, x) => s + (x - mean) ** 2, 0) / (draws.length - 1);
  return { mean, variance };
}

describe('the seeded generator and samplers', () => {
  it('gives the same doubles in [0, 1) for the same seed, others for another', () => {
    const a = new SeededRandom(7);
    const b = new SeededRandom(7);
    const xs = Array.from({ length: 1000 }, () => a.next());
    expect(xs).toEqual(Array.from({ length: 1000 }, () => b.next()));
    expect(xs.every((x) => x >= 0 && x < 1)).toBe(true);
    expect(new SeededRandom(8).next()).not.toBe(xs[0]);
    expect(moments(xs).mean).toBeCloseTo(0.5, 1);
  });

  it.each([
    [40, 0.1], // inversion
    [5000, 0.3], // BTPE
    [200, 0.9], // the mirror of BTPE at 0.1
    [100_000, 0.5],
  ])('binomial(%i, %f) has mean n·p and variance n·p·(1 - p)', (n, p) => {
    const rng = new SeededRandom(1);
    const draws = Array.from({ length: 20_000 }, () => binomial(rng, n, p));
    expect(draws.every((x) => Number.isInteger(x) && x >= 0 && x <= n)).toBe(true);
    const { mean, variance } = moments(draws);
    expect(Math.abs(mean - n * p)).toBeLessThan(4 * Math.sqrt((n * p * (1 - p)) / draws.length));
    expect(variance / (n * p * (1 - p))).toBeGreaterThan(0.95);
    expect(variance / (n * p * (1 - p))).toBeLessThan(1.05);
  });

  it('binomial at the edges, multinomial sums to n and leaves empty cells empty', () => {
    const rng = new SeededRandom(3);
    expect([binomial(rng, 0, 0.5), binomial(rng, 10, 0), binomial(rng, 10, 1)]).toEqual([0, 0, 10]);
    const out = [0, 0, 0, 0];
    for (let i = 0; i < 100; i++) {
      multinomial(rng, 50, [10, 0, 30, 10], 50, out);
      expect(out.reduce((s, x) => s + x, 0)).toBe(50);
      expect(out[1]).toBe(0);
    }
  });
});

describe('tables of counts give the same figures as the items', () => {
  const pairs = fc.array(fc.tuple(fc.integer({ min: 0, max: 2 }), fc.integer({ min: 0, max: 2 })), { minLength: 1, maxLength: 60 });

  it('percent agreement and kappa', () => {
    fc.assert(
      fc.property(pairs, (ps) => {
        const counts = new Array<number>(9).fill(0);
        for (const [a, b] of ps) counts[a * 3 + b]! += 1;
        const a = ps.map((p) => p[0]);
        const b = ps.map((p) => p[1]);
        expect(kappaOfTable(3, counts)).toBe(cohensKappa(a, b));
        expect(percentOfTable(3, counts)).toBe(ps.filter(([x, y]) => x === y).length / ps.length);
      }),
    );
  });

  it('mean absolute difference and Spearman’s rho (ties included)', () => {
    const values = fc.array(fc.tuple(fc.integer({ min: 0, max: 5 }), fc.integer({ min: 0, max: 5 })), { minLength: 1, maxLength: 60 });
    fc.assert(
      fc.property(values, (ps) => {
        const x = ps.map((p) => p[0] / 5);
        const y = ps.map((p) => p[1] / 5);
        const t = numericTable(x, y);
        expect(madOfTable(t, t.counts)).toBeCloseTo(meanAbsoluteDifference(x, y)!, 12);
        const rho = spearmanRho(x, y);
        if (rho === null) expect(rhoOfTable(t, t.counts)).toBeNull();
        else expect(rhoOfTable(t, t.counts)).toBeCloseTo(rho, 12);
      }),
    );
  });
});

describe('bootstrap intervals', () => {
  it('are seeded: the same counts give the same interval, whatever came before', () => {
    const counts = [30, 5, 8, 57];
    const kappa = (c: readonly number[]) => kappaOfTable(2, c);
    const first = bootstrapInterval(counts, kappa);
    bootstrapInterval([1, 2, 3, 4], kappa);
    expect(bootstrapInterval(counts, kappa)).toEqual(first);
    expect(first!.low).toBeLessThan(kappaOfTable(2, counts)!);
    expect(first!.high).toBeGreaterThan(kappaOfTable(2, counts)!);
  });

  it('cover a proportion as the normal approximation does on many items', () => {
    // 400 items, 320 agree: p = 0.8, standard error 0.02, so roughly [0.761, 0.839].
    const interval = bootstrapInterval([320, 80], (c) => c[0]! / (c[0]! + c[1]!))!;
    expect(interval.low).toBeGreaterThan(0.75);
    expect(interval.low).toBeLessThan(0.772);
    expect(interval.high).toBeGreaterThan(0.828);
    expect(interval.high).toBeLessThan(0.85);
  });

  it('are null where the statistic is mostly undefined or the items too few', () => {
    expect(bootstrapInterval([5, 0, 0, 0], (c) => (c[1] === 0 ? null : 1))).toBeNull();
    expect(bootstrapInterval([1], () => 1)).toBeNull();
  });
});

describe('agreement by scale kind', () => {
  const bin = (judge: number, human: number, times: number): JudgeHumanItem[] =>
    Array.from({ length: times }, () => ({ judge, human, scale: { kind: 'binary' } }));

  it('binary, by hand: 6 (1,1), 2 (0,0), 1 (1,0), 1 (0,1)', () => {
    const items = [...bin(1, 1, 6), ...bin(0, 0, 2), ...bin(1, 0, 1), ...bin(0, 1, 1)];
    const f = kindAgreement('binary', items);
    // agree 8 of 10; chance = 7·7 + 3·3 = 58 -> kappa = (10·8 - 58) / (100 - 58) = 22 / 42.
    expect(f).toMatchObject({ kind: 'binary', n: 10, percentAgreement: 0.8, kappa: 22 / 42 });
    if (f.kind === 'numeric') throw new Error('binary');
    expect(f.kappaInterval!.low).toBeLessThan(22 / 42);
    expect(f.kappaInterval!.high).toBeLessThanOrEqual(1);
    expect(f.percentAgreementInterval!.high).toBeLessThanOrEqual(1);
  });

  it(`no intervals below ${MIN_AGREEMENT_ITEMS} items; the figure itself is still there`, () => {
    const f = kindAgreement('binary', bin(1, 1, MIN_AGREEMENT_ITEMS - 1));
    expect(f).toMatchObject({ n: 9, percentAgreement: 1, kappa: 1, kappaInterval: null, percentAgreementInterval: null });
  });

  it('ternary and numeric, by hand', () => {
    const ternary: JudgeHumanItem[] = [
      { judge: -1, human: -1, scale: { kind: 'ternary' } },
      { judge: 0, human: 1, scale: { kind: 'ternary' } },
      { judge: 1, human: 1, scale: { kind: 'ternary' } },
      { judge: 1, human: 0, scale: { kind: 'ternary' } },
    ];
    // agree 2 of 4; rows (judge) -1:1, 0:1, 1:2; cols (human) -1:1, 0:1, 1:2; chance = 1 + 1 + 4 = 6 -> (8 - 6) / (16 - 6) = 0.2
    expect(kindAgreement('ternary', ternary)).toMatchObject({ n: 4, percentAgreement: 0.5, kappa: 0.2 });
    const scale = { kind: 'numeric' as const, min: 0, max: 10 };
    const numeric: JudgeHumanItem[] = [
      { judge: 0, human: 2, scale },
      { judge: 5, human: 5, scale },
      { judge: 10, human: 6, scale },
    ];
    // |0 - 0.2| + 0 + |1 - 0.6| = 0.6 -> 0.2; ranks identical -> rho 1
    const f = kindAgreement('numeric', numeric);
    expect(f).toMatchObject({ kind: 'numeric', n: 3, spearmanRho: 1 });
    if (f.kind !== 'numeric') throw new Error('numeric');
    expect(f.meanAbsoluteDifference).toBeCloseTo(0.2, 15);
  });
});

describe('agreement from cells (what SQL counts)', () => {
  const rng = new SeededRandom(7);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rng.next() * xs.length)]!;
  const scale = { kind: 'numeric' as const, min: 0, max: 4 };
  const other = { kind: 'numeric' as const, min: -1, max: 1 };
  const items: JudgeHumanItem[] = [];
  for (let i = 0; i < 300; i++) {
    items.push({ judge: pick([0, 1]), human: pick([0, 1]), scale: { kind: 'binary' } });
    items.push({ judge: pick([-1, 0, 1]), human: pick([-1, 0, 1]), scale: { kind: 'ternary' } });
    items.push({ judge: pick([0, 1, 2, 3, 4]), human: pick([0, 1, 2, 3, 4]), scale });
    items.push({ judge: pick([-1, 0, 0.5, 1]), human: pick([-1, -0.5, 1]), scale: other });
  }
  const ofKind = (k: string) => items.filter((it) => it.scale.kind === k);

  it('give the item-wise figures of every kind', () => {
    const all = judgeHumanAgreement(items);
    for (const kind of ['binary', 'ternary'] as const) {
      const own = judgeHumanAgreement(ofKind(kind));
      const f = kindAgreementOfCells(kind, agreementCells(ofKind(kind)));
      expect(f).toMatchObject({ n: 300, percentAgreement: own.categorical.percentAgreement });
      if (f.kind === 'numeric') throw new Error(kind);
      expect(f.kappa).toBeCloseTo(own.categorical.kappa!, 14);
    }
    const f = kindAgreementOfCells('numeric', agreementCells(ofKind('numeric')));
    if (f.kind !== 'numeric') throw new Error('numeric');
    expect(f.n).toBe(600);
    expect(f.meanAbsoluteDifference).toBeCloseTo(all.numeric.meanAbsoluteDifference!, 14);
    expect(f.spearmanRho).toBe(all.numeric.spearmanRho);
    const overall = categoricalOverallOfCells(agreementCells(ofKind('binary')), agreementCells(ofKind('ternary')));
    expect(overall.n).toBe(600);
    expect(overall.percentAgreement).toBe(all.categorical.percentAgreement);
    expect(overall.kappa).toBeCloseTo(all.categorical.kappa!, 14);
  });

  it('do not depend on how the counts are split into cells, and leave intervals out on request', () => {
    const cells = agreementCells(ofKind('ternary'));
    const split = cells.flatMap((c) =>
      c.n > 1
        ? [
            { ...c, n: 1 },
            { ...c, n: c.n - 1 },
          ]
        : [c],
    );
    expect(kindAgreementOfCells('ternary', split)).toEqual(kindAgreementOfCells('ternary', cells));
    expect(kindAgreementOfCells('ternary', cells, { intervals: false })).toMatchObject({ kappaInterval: null, percentAgreementInterval: null });
    expect(kindAgreementOfCells('numeric', [])).toMatchObject({ n: 0, meanAbsoluteDifference: null, spearmanRho: null });
  });
});

describe('bootstrapIntervals', () => {
  it('gives each statistic the interval it has alone', () => {
    const counts = [40, 7, 5, 30];
    const share = (c: readonly number[]) => c[0]! / (c[0]! + c[1]! + c[2]! + c[3]!);
    const kappa = (c: readonly number[]) => kappaOfTable(2, c);
    expect(bootstrapIntervals(counts, [share, kappa])).toEqual([bootstrapInterval(counts, share), bootstrapInterval(counts, kappa)]);
    expect(bootstrapIntervals([1], [share, kappa])).toEqual([null, null]);
  });
});
