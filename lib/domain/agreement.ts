import { bootstrapIntervals, type Interval } from './bootstrap';
import { isOnScale, normalizedScore } from './rubric';
import type { Label, Scale } from './types';

function assertPaired(a: readonly unknown[], b: readonly unknown[], what: string): void {
  if (a.length !== b.length) throw new Error(`${what}: the two sides have ${a.length} and ${b.length} values`);
}

function assertFinite(values: readonly number[], what: string): void {
  for (const v of values) if (!Number.isFinite(v)) throw new RangeError(`${what}: ${v} is not a finite number`);
}

/** SameValueZero, the equality that Map keys use, so agreement and marginal counts never disagree. */
function sameLabel(x: Label, y: Label): boolean {
  return x === y || (Number.isNaN(x) && Number.isNaN(y));
}

function counts<T>(values: readonly T[]): Map<T, number> {
  const byValue = new Map<T, number>();
  for (const v of values) byValue.set(v, (byValue.get(v) ?? 0) + 1);
  return byValue;
}

function agreements(a: readonly Label[], b: readonly Label[]): number {
  let agree = 0;
  a.forEach((x, i) => {
    if (sameLabel(x, b[i] as Label)) agree += 1;
  });
  return agree;
}

/** Share of items (0..1, not 0..100) on which both sides gave the same label; `null` for no items. */
export function percentAgreement(a: readonly Label[], b: readonly Label[]): number | null {
  assertPaired(a, b, 'percentAgreement');
  if (a.length === 0) return null;
  return agreements(a, b) / a.length;
}

/**
 * (po - pe) / (1 - pe), evaluated on integer counts — (n·agree - Σ ca·cb) / (n² - Σ ca·cb) — so it is
 * exact up to the final division. pe = 1 only when both sides used one and the same label throughout:
 * that is perfect agreement and kappa is 1 (the limit most tools report), not 0/0.
 */
export function cohensKappa(a: readonly Label[], b: readonly Label[]): number | null {
  assertPaired(a, b, 'cohensKappa');
  const n = a.length;
  if (n === 0) return null;
  const agree = agreements(a, b);
  const countsB = counts(b);
  let chance = 0;
  for (const [label, countA] of counts(a)) chance += countA * (countsB.get(label) ?? 0);
  const denominator = n * n - chance;
  if (denominator === 0) return agree === n ? 1 : null;
  return (n * agree - chance) / denominator;
}

export function meanAbsoluteDifference(a: readonly number[], b: readonly number[]): number | null {
  assertPaired(a, b, 'meanAbsoluteDifference');
  assertFinite(a, 'meanAbsoluteDifference');
  assertFinite(b, 'meanAbsoluteDifference');
  if (a.length === 0) return null;
  let total = 0;
  a.forEach((x, i) => {
    total += Math.abs(x - (b[i] as number));
  });
  return total / a.length;
}

/** 1-based ranks; tied values share the mean of the ranks they span. */
export function averageRanks(values: readonly number[]): number[] {
  const order = values.map((value, index) => ({ value, index })).sort((x, y) => x.value - y.value);
  const ranks: number[] = new Array<number>(values.length).fill(0);
  let start = 0;
  while (start < order.length) {
    let end = start;
    while (end + 1 < order.length && order[end + 1]?.value === order[start]?.value) end += 1;
    const rank = (start + end) / 2 + 1;
    for (let k = start; k <= end; k++) ranks[order[k]?.index as number] = rank;
    start = end + 1;
  }
  return ranks;
}

/** Pearson's r of the average ranks; `null` with fewer than 2 items or when a side is constant. */
export function spearmanRho(a: readonly number[], b: readonly number[]): number | null {
  assertPaired(a, b, 'spearmanRho');
  assertFinite(a, 'spearmanRho');
  assertFinite(b, 'spearmanRho');
  const n = a.length;
  if (n < 2) return null;
  const meanRank = (n + 1) / 2; // the mean of average ranks is always (n + 1) / 2
  const ra = averageRanks(a);
  const rb = averageRanks(b);
  let sxy = 0;
  let sxx = 0;
  let syy = 0;
  ra.forEach((x, i) => {
    const dx = x - meanRank;
    const dy = (rb[i] as number) - meanRank;
    sxy += dx * dy;
    sxx += dx * dx;
    syy += dy * dy;
  });
  if (sxx === 0 || syy === 0) return null;
  // Ranks are multiples of 1/2, so the sums are exact; only the square root can push |rho| past 1.
  return Math.max(-1, Math.min(1, sxy / Math.sqrt(sxx * syy)));
}

export type AlphaLevel = 'nominal' | 'interval';

export interface AlphaResult {
  /** `null` when no item is pairable or every pairable value is the same (no expected disagreement). */
  alpha: number | null;
  /** Items with at least two values: the ones alpha rests on. */
  items: number;
}

/** Sum of the disagreement over ordered pairs of distinct positions: Σ_{i≠j} [v_i ≠ v_j]. */
function nominalDisagreement(values: readonly Label[]): number {
  let same = 0;
  for (const c of counts(values).values()) same += c * c;
  return values.length * values.length - same;
}

/** Σ_{i≠j} (v_i - v_j)², as 2m·Σ(v - mean)²; exactly 0 for identical values (the mean may round). */
function intervalDisagreement(values: readonly number[]): number {
  const m = values.length;
  if (values.every((v) => v === values[0])) return 0;
  let total = 0;
  for (const v of values) total += v;
  const mean = total / m;
  let squares = 0;
  for (const v of values) squares += (v - mean) * (v - mean);
  return 2 * m * squares;
}

/**
 * Krippendorff's alpha = 1 - D_o / D_e with the coincidence-matrix definitions, rewritten on sums of
 * pair disagreements: alpha = 1 - (n - 1) · Σ_u D_u / (m_u - 1) / D_all, where n counts pairable
 * values, m_u the values of item u, D_u and D_all the ordered-pair disagreement within u and over all
 * pairable values. Items with fewer than two values cannot be paired and are left out.
 */
export function krippendorffAlpha(units: readonly (readonly (Label | null)[])[], level: 'nominal'): AlphaResult;
export function krippendorffAlpha(units: readonly (readonly (number | null)[])[], level: AlphaLevel): AlphaResult;
export function krippendorffAlpha(units: readonly (readonly (Label | null)[])[], level: AlphaLevel): AlphaResult {
  const pairable = units.map((u) => u.filter((v): v is Label => v !== null)).filter((u) => u.length >= 2);
  if (level === 'interval') {
    for (const u of pairable) {
      if (u.some((v) => typeof v !== 'number' || !Number.isFinite(v))) {
        throw new RangeError('krippendorffAlpha: interval values must be finite numbers');
      }
    }
  }
  const disagreement = level === 'nominal' ? nominalDisagreement : (vs: readonly Label[]) => intervalDisagreement(vs as number[]);
  const items = pairable.length;
  const all = pairable.flat();
  const expected = disagreement(all);
  if (items === 0 || expected === 0) return { alpha: null, items };
  let observed = 0;
  for (const u of pairable) observed += disagreement(u) / (u.length - 1);
  return { alpha: 1 - ((all.length - 1) * observed) / expected, items };
}

/**
 * The category a binary or ternary score falls in. The kind is part of it so that, pooled over
 * criteria, a binary 0 ("fails") and a ternary 0 ("neutral") are not the same category.
 */
export function categoryOf(score: number, scale: Scale): string {
  if (!isOnScale(score, scale)) throw new RangeError(`score ${score} is not on the ${scale.kind} scale`);
  return `${scale.kind}:${score}`;
}

export interface JudgeHumanItem {
  judge: number;
  /** The newest human label's score. */
  human: number;
  scale: Scale;
}

export interface CategoricalAgreement {
  n: number;
  percentAgreement: number | null;
  kappa: number | null;
}

export interface NumericAgreement {
  n: number;
  /** Of normalized scores, so criteria with different ranges can be pooled. */
  meanAbsoluteDifference: number | null;
  spearmanRho: number | null;
}

export interface JudgeHumanAgreement {
  /** Binary and ternary items. */
  categorical: CategoricalAgreement;
  /** Numeric items. */
  numeric: NumericAgreement;
}

/**
 * Judge vs newest human label over judgments that have both. Called with one criterion's items one
 * side is empty (n 0, figures null); called with all items it gives the overall figures of both kinds.
 */
export function judgeHumanAgreement(items: readonly JudgeHumanItem[]): JudgeHumanAgreement {
  const categorical = items.filter((it) => it.scale.kind !== 'numeric');
  const numeric = items.filter((it) => it.scale.kind === 'numeric');
  const judgeLabels = categorical.map((it) => categoryOf(it.judge, it.scale));
  const humanLabels = categorical.map((it) => categoryOf(it.human, it.scale));
  const judgeValues = numeric.map((it) => normalizedScore(it.judge, it.scale));
  const humanValues = numeric.map((it) => normalizedScore(it.human, it.scale));
  return {
    categorical: {
      n: categorical.length,
      percentAgreement: percentAgreement(judgeLabels, humanLabels),
      kappa: cohensKappa(judgeLabels, humanLabels),
    },
    numeric: {
      n: numeric.length,
      meanAbsoluteDifference: meanAbsoluteDifference(judgeValues, humanValues),
      spearmanRho: spearmanRho(judgeValues, humanValues),
    },
  };
}

export interface PeopleItem {
  scale: Scale;
  /** Each person's newest label on this judgment; `null` where a person gave none. */
  scores: readonly (number | null)[];
}

export interface PeopleAgreement {
  /** Nominal alpha over binary and ternary items. */
  nominal: AlphaResult;
  /** Interval alpha over numeric items, on normalized scores. */
  interval: AlphaResult;
}

/** Between people: Krippendorff's alpha per level, with the number of items each rests on. */
export function peopleAgreement(items: readonly PeopleItem[]): PeopleAgreement {
  const nominalUnits = items.filter((it) => it.scale.kind !== 'numeric').map((it) => it.scores.map((s) => (s === null ? null : categoryOf(s, it.scale))));
  const intervalUnits = items.filter((it) => it.scale.kind === 'numeric').map((it) => it.scores.map((s) => (s === null ? null : normalizedScore(s, it.scale))));
  return { nominal: krippendorffAlpha(nominalUnits, 'nominal'), interval: krippendorffAlpha(intervalUnits, 'interval') };
}

// ---- Agreement by scale kind, with bootstrap intervals (the judge leaderboard) ----

/**
 * Below this many items a figure is shown as "—" with its n, never as a number: on 3 items kappa is
 * 1.000 or 0.000 by chance. Intervals are computed only from this many items on.
 */
export const MIN_AGREEMENT_ITEMS = 10;

/** The category index of a binary (0, 1) or ternary (-1, 0, 1) score. */
function categoryIndex(score: number, scale: Scale): number {
  if (!isOnScale(score, scale)) throw new RangeError(`score ${score} is not on the ${scale.kind} scale`);
  return scale.kind === 'ternary' ? score + 1 : score === 0 ? 0 : 1;
}

/** Percent agreement of a k×k table of counts (row: judge, column: person), cell a·k + b. */
export function percentOfTable(k: number, counts: readonly number[]): number | null {
  let n = 0;
  let agree = 0;
  for (let a = 0; a < k; a++) {
    for (let b = 0; b < k; b++) n += counts[a * k + b]!;
    agree += counts[a * k + a]!;
  }
  return n === 0 ? null : agree / n;
}

/** Cohen's kappa of a k×k table, on integer counts as cohensKappa computes it (same value, same rules). */
export function kappaOfTable(k: number, counts: readonly number[]): number | null {
  let n = 0;
  let agree = 0;
  let chance = 0;
  for (let a = 0; a < k; a++) {
    let row = 0;
    let col = 0;
    for (let b = 0; b < k; b++) {
      row += counts[a * k + b]!;
      col += counts[b * k + a]!;
    }
    n += row;
    agree += counts[a * k + a]!;
    chance += row * col;
  }
  if (n === 0) return null;
  const denominator = n * n - chance;
  if (denominator === 0) return agree === n ? 1 : null;
  return (n * agree - chance) / denominator;
}

/** Distinct (judge, person) pairs of normalized numeric scores with their counts, sorted by x then y. */
export interface NumericTable {
  /** Per cell: the rank position of its judge value among the distinct judge values, and of its person value. */
  xIndex: number[];
  yIndex: number[];
  x: number[];
  y: number[];
  counts: number[];
  distinctX: number;
  distinctY: number;
}

export function numericTable(judge: readonly number[], human: readonly number[]): NumericTable {
  assertPaired(judge, human, 'numericTable');
  return numericTableOfCells(judge.map((x, i) => ({ judge: x, human: human[i]!, n: 1 })));
}

/**
 * Builds a numeric table pair by pair: add (judge, person, n) in any order (a pair added twice is one
 * cell with the counts summed), then table() sorts by judge then person value.
 */
export class NumericTableBuilder {
  private readonly byPair = new Map<number, Map<number, number>>();
  private readonly ys = new Set<number>();

  add(x: number, y: number, n: number): void {
    if (n <= 0) return;
    let row = this.byPair.get(x);
    if (!row) this.byPair.set(x, (row = new Map()));
    row.set(y, (row.get(y) ?? 0) + n);
    this.ys.add(y);
  }

  table(): NumericTable {
    const byPair = this.byPair;
    const xs = [...byPair.keys()].sort((a, b) => a - b);
    const yRank = new Map([...this.ys].sort((a, b) => a - b).map((y, i) => [y, i]));
    const t: NumericTable = { xIndex: [], yIndex: [], x: [], y: [], counts: [], distinctX: xs.length, distinctY: yRank.size };
    for (let xi = 0; xi < xs.length; xi++) {
      const x = xs[xi]!;
      const row = byPair.get(x)!;
      const rowYs = [...row.keys()];
      if (rowYs.length > 1) rowYs.sort((a, b) => a - b);
      for (const y of rowYs) {
        t.xIndex.push(xi);
        t.yIndex.push(yRank.get(y)!);
        t.x.push(x);
        t.y.push(y);
        t.counts.push(row.get(y)!);
      }
    }
    return t;
  }
}

/** The numeric table of (judge, person) cells with counts; a pair that appears in several cells is one cell. */
export function numericTableOfCells(cells: readonly AgreementCell[]): NumericTable {
  const b = new NumericTableBuilder();
  for (const { judge: x, human: y, n } of cells) b.add(x, y, n);
  return b.table();
}

/** Mean absolute difference from a numeric table's (resampled) counts. */
export function madOfTable(t: NumericTable, counts: readonly number[]): number | null {
  let n = 0;
  let total = 0;
  for (let i = 0; i < counts.length; i++) {
    const c = counts[i]!;
    if (c === 0) continue;
    n += c;
    total += c * Math.abs(t.x[i]! - t.y[i]!);
  }
  return n === 0 ? null : total / n;
}

function averageRanksOfCounts(index: readonly number[], distinct: number, counts: readonly number[]): number[] {
  const per = new Array<number>(distinct).fill(0);
  for (let i = 0; i < counts.length; i++) per[index[i]!]! += counts[i]!;
  const rank = new Array<number>(distinct).fill(0);
  let before = 0;
  for (let v = 0; v < distinct; v++) {
    rank[v] = before + (per[v]! + 1) / 2;
    before += per[v]!;
  }
  return rank;
}

/** Spearman's rho from a numeric table's (resampled) counts: Pearson's r of the average ranks. */
export function rhoOfTable(t: NumericTable, counts: readonly number[]): number | null {
  let n = 0;
  for (const c of counts) n += c;
  if (n < 2) return null;
  const rx = averageRanksOfCounts(t.xIndex, t.distinctX, counts);
  const ry = averageRanksOfCounts(t.yIndex, t.distinctY, counts);
  const meanRank = (n + 1) / 2;
  let sxy = 0;
  let sxx = 0;
  let syy = 0;
  for (let i = 0; i < counts.length; i++) {
    const c = counts[i]!;
    if (c === 0) continue;
    const dx = rx[t.xIndex[i]!]! - meanRank;
    const dy = ry[t.yIndex[i]!]! - meanRank;
    sxy += c * dx * dy;
    sxx += c * dx * dx;
    syy += c * dy * dy;
  }
  if (sxx === 0 || syy === 0) return null;
  return Math.max(-1, Math.min(1, sxy / Math.sqrt(sxx * syy)));
}

export interface CategoricalKindFigures {
  kind: 'binary' | 'ternary';
  n: number;
  percentAgreement: number | null;
  percentAgreementInterval: Interval | null;
  kappa: number | null;
  kappaInterval: Interval | null;
}

export interface NumericKindFigures {
  kind: 'numeric';
  n: number;
  meanAbsoluteDifference: number | null;
  meanAbsoluteDifferenceInterval: Interval | null;
  spearmanRho: number | null;
  spearmanRhoInterval: Interval | null;
}

export type KindFigures = CategoricalKindFigures | NumericKindFigures;

/**
 * Items of one scale kind as counts: each distinct (judge score, newest human score) pair with the
 * number of items that have it. Binary and ternary scores are the raw scores of their scale; numeric
 * ones are normalized, so numeric criteria with different ranges pool. Every agreement figure of a
 * kind depends on its items only through these cells (SQL counts them; lib/domain computes from them).
 */
export interface AgreementCell {
  judge: number;
  human: number;
  n: number;
}

/** The cells of items of one kind (numeric scores normalized by each item's own scale). */
export function agreementCells(items: readonly JudgeHumanItem[]): AgreementCell[] {
  const byPair = new Map<string, AgreementCell>();
  for (const it of items) {
    const numeric = it.scale.kind === 'numeric';
    const judge = numeric ? normalizedScore(it.judge, it.scale) : categoryIndex(it.judge, it.scale) - (it.scale.kind === 'ternary' ? 1 : 0);
    const human = numeric ? normalizedScore(it.human, it.scale) : categoryIndex(it.human, it.scale) - (it.scale.kind === 'ternary' ? 1 : 0);
    const key = `${judge}\u0000${human}`;
    const cell = byPair.get(key);
    if (cell) cell.n += 1;
    else byPair.set(key, { judge, human, n: 1 });
  }
  return [...byPair.values()];
}

export const KIND_CATEGORIES = { binary: 2, ternary: 3 } as const;

/** Adds n items of a binary or ternary (judge score, person score) to a k×k count table (row: judge, column: person). */
export function addToCategoricalTable(kind: 'binary' | 'ternary', counts: number[], judge: number, human: number, n: number): void {
  const scale: Scale = kind === 'binary' ? BINARY : TERNARY;
  counts[categoryIndex(judge, scale) * KIND_CATEGORIES[kind] + categoryIndex(human, scale)]! += n;
}

const BINARY: Scale = { kind: 'binary' };
const TERNARY: Scale = { kind: 'ternary' };

/** The k×k count table of binary or ternary cells (row: judge, column: person). */
function categoricalTable(kind: 'binary' | 'ternary', cells: readonly AgreementCell[]): number[] {
  const k = KIND_CATEGORIES[kind];
  const counts = new Array<number>(k * k).fill(0);
  for (const c of cells) addToCategoricalTable(kind, counts, c.judge, c.human, c.n);
  return counts;
}

/** kindAgreementOfCells of binary or ternary items from their k×k count table and their number n. */
export function categoricalFiguresOfTable(
  kind: 'binary' | 'ternary',
  n: number,
  counts: readonly number[],
  opts: { intervals?: boolean } = {},
): CategoricalKindFigures {
  const withIntervals = (opts.intervals ?? true) && n >= MIN_AGREEMENT_ITEMS;
  const k = KIND_CATEGORIES[kind];
  const [percent, kappa] = withIntervals ? bootstrapIntervals(counts, [(c) => percentOfTable(k, c), (c) => kappaOfTable(k, c)]) : [null, null];
  return {
    kind,
    n,
    percentAgreement: percentOfTable(k, counts),
    percentAgreementInterval: percent ?? null,
    kappa: kappaOfTable(k, counts),
    kappaInterval: kappa ?? null,
  };
}

/** kindAgreementOfCells of numeric items from their numeric table and their number n. */
export function numericFiguresOfTable(n: number, table: NumericTable, opts: { intervals?: boolean } = {}): NumericKindFigures {
  const withIntervals = (opts.intervals ?? true) && n >= MIN_AGREEMENT_ITEMS;
  const [mad, rho] = withIntervals ? bootstrapIntervals(table.counts, [(c) => madOfTable(table, c), (c) => rhoOfTable(table, c)]) : [null, null];
  return {
    kind: 'numeric',
    n,
    meanAbsoluteDifference: madOfTable(table, table.counts),
    meanAbsoluteDifferenceInterval: mad ?? null,
    spearmanRho: rhoOfTable(table, table.counts),
    spearmanRhoInterval: rho ?? null,
  };
}

/**
 * Judge vs newest human label over the cells of one scale kind (pooled across rubrics when the items
 * come from several): the figures, and from MIN_AGREEMENT_ITEMS items on their 95% bootstrap
 * intervals over items (seeded: the same items give the same interval). `intervals: false` leaves
 * the intervals out (a series over time, whose points are many).
 */
export function kindAgreementOfCells(kind: Scale['kind'], cells: readonly AgreementCell[], opts: { intervals?: boolean } = {}): KindFigures {
  let n = 0;
  for (const c of cells) n += c.n;
  if (kind === 'numeric') return numericFiguresOfTable(n, numericTableOfCells(cells), opts);
  return categoricalFiguresOfTable(kind, n, categoricalTable(kind, cells), opts);
}

/** Judge vs newest human label over items of one scale kind: kindAgreementOfCells of their cells. */
export function kindAgreement(kind: Scale['kind'], items: readonly JudgeHumanItem[]): KindFigures {
  for (const it of items) if (it.scale.kind !== kind) throw new Error(`kindAgreement(${kind}): an item has a ${it.scale.kind} scale`);
  return kindAgreementOfCells(kind, agreementCells(items));
}

/**
 * The overall categorical figures (judgeHumanAgreement's `categorical`) from binary and ternary cells:
 * one 5-category table, a binary 0 and a ternary 0 being different categories (categoryOf).
 */
export function categoricalOverallOfCells(binary: readonly AgreementCell[], ternary: readonly AgreementCell[]): CategoricalAgreement {
  return categoricalOverallOfTables(categoricalTable('binary', binary), categoricalTable('ternary', ternary));
}

/** categoricalOverallOfCells from the binary 2×2 and ternary 3×3 count tables. */
export function categoricalOverallOfTables(binary: readonly number[], ternary: readonly number[]): CategoricalAgreement {
  const counts = new Array<number>(25).fill(0);
  const add = (k: number, table: readonly number[], offset: number) => {
    table.forEach((c, cell) => {
      counts[(offset + Math.floor(cell / k)) * 5 + offset + (cell % k)]! += c;
    });
  };
  add(2, binary, 0);
  add(3, ternary, 2);
  let n = 0;
  for (const c of counts) n += c;
  return { n, percentAgreement: percentOfTable(5, counts), kappa: kappaOfTable(5, counts) };
}
