// Percentile bootstrap intervals over items, seeded so that the same data always gives the same
// interval. Every agreement figure depends on its items only through a table of counts (how many items
// fall in each (judge, human) cell), so a resample of n items is one multinomial draw over the cells —
// exactly the distribution of resampling the items, at a cost that grows with the cells, not the items.

/** Resamples per interval. */
export const BOOTSTRAP_RESAMPLES = 1_000;

/** Every interval starts from this seed: the interval is a function of the data alone. */
export const BOOTSTRAP_SEED = 0x5eed_2026;

/** The intervals' coverage. */
export const BOOTSTRAP_LEVEL = 0.95;

/**
 * At most this many binomial draws per interval: over that many cells (numeric figures whose scores
 * are nearly all distinct) the number of resamples shrinks, never below BOOTSTRAP_MIN_RESAMPLES.
 */
export const BOOTSTRAP_WORK = 4_000_000;
export const BOOTSTRAP_MIN_RESAMPLES = 200;

/** sfc32, a small fast generator with 128 bits of state; doubles carry 53 random bits. */
export class SeededRandom {
  private a: number;
  private b: number;
  private c: number;
  private d: number;

  constructor(seed: number) {
    this.a = 0x9e3779b9;
    this.b = 0x243f6a88;
    this.c = 0xb7e15162;
    this.d = seed >>> 0;
    for (let i = 0; i < 15; i++) this.next32();
  }

  next32(): number {
    const t = (((this.a + this.b) | 0) + this.d) | 0;
    this.d = (this.d + 1) | 0;
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.c + (this.c << 3)) | 0;
    this.c = (this.c << 21) | (this.c >>> 11);
    this.c = (this.c + t) | 0;
    return t >>> 0;
  }

  /** A double in [0, 1). */
  next(): number {
    const hi = this.next32() >>> 5; // 27 bits
    const lo = this.next32() >>> 6; // 26 bits
    return (hi * 67108864 + lo) / 9007199254740992;
  }
}

/** Binomial(n, p) by inversion, for n·p small (numpy's random_binomial_inversion). */
function binomialInversion(rng: SeededRandom, n: number, p: number): number {
  const q = 1 - p;
  const qn = Math.exp(n * Math.log(q));
  const np = n * p;
  const bound = Math.min(n, np + 10 * Math.sqrt(np * q + 1));
  let x = 0;
  let px = qn;
  let u = rng.next();
  while (u > px) {
    x++;
    if (x > bound) {
      x = 0;
      px = qn;
      u = rng.next();
    } else {
      u -= px;
      px = ((n - x + 1) * p * px) / (x * q);
    }
  }
  return x;
}

/** Stirling's correction term of BTPE's exact bound (module level: no closure per draw). */
function stirling(v: number): number {
  const v2 = v * v;
  return (13680 - (462 - (132 - (99 - 140 / v2) / v2) / v2) / v2) / v / 166320;
}

/** Binomial(n, p) for p <= 0.5 and n·p > 30: Kachitvichyanukul and Schmeiser's BTPE (as numpy has it). */
function binomialBtpe(rng: SeededRandom, n: number, p: number): number {
  const r = p;
  const q = 1 - r;
  const fm = n * r + r;
  const m = Math.floor(fm);
  const p1 = Math.floor(2.195 * Math.sqrt(n * r * q) - 4.6 * q) + 0.5;
  const xm = m + 0.5;
  const xl = xm - p1;
  const xr = xm + p1;
  const c = 0.134 + 20.5 / (15.3 + m);
  let a = (fm - xl) / (fm - xl * r);
  const laml = a * (1 + a / 2);
  a = (xr - fm) / (xr * q);
  const lamr = a * (1 + a / 2);
  const p2 = p1 * (1 + 2 * c);
  const p3 = p2 + c / laml;
  const p4 = p3 + c / lamr;
  const nrq = n * r * q;
  for (;;) {
    const u = rng.next() * p4;
    let v = rng.next();
    let y: number;
    if (u <= p1) return Math.floor(xm - p1 * v + u);
    if (u <= p2) {
      const x = xl + (u - p1) / c;
      v = v * c + 1 - Math.abs(m - x + 0.5) / p1;
      if (v > 1) continue;
      y = Math.floor(x);
    } else if (u <= p3) {
      y = Math.floor(xl + Math.log(v) / laml);
      if (y < 0 || v === 0) continue;
      v = v * (u - p2) * laml;
    } else {
      y = Math.floor(xr - Math.log(v) / lamr);
      if (y > n || v === 0) continue;
      v = v * (u - p3) * lamr;
    }
    const k = Math.abs(y - m);
    if (!(k > 20 && k < nrq / 2 - 1)) {
      // Explicit evaluation of f(y) / f(m).
      const s = r / q;
      const as = s * (n + 1);
      let f = 1;
      if (m < y) for (let i = m + 1; i <= y; i++) f *= as / i - s;
      else if (m > y) for (let i = y + 1; i <= m; i++) f /= as / i - s;
      if (v > f) continue;
      return y;
    }
    // Squeeze on log f(y) / f(m), then the exact bound with Stirling's corrections.
    const rho = (k / nrq) * ((k * (k / 3 + 0.625) + 0.16666666666666666) / nrq + 0.5);
    const t = (-k * k) / (2 * nrq);
    const logV = Math.log(v);
    if (logV < t - rho) return y;
    if (logV > t + rho) continue;
    const x1 = y + 1;
    const f1 = m + 1;
    const z = n + 1 - m;
    const w = n - y + 1;
    const bound =
      xm * Math.log(f1 / x1) +
      (n - m + 0.5) * Math.log(z / w) +
      (y - m) * Math.log((w * r) / (x1 * q)) +
      stirling(f1) +
      stirling(z) +
      stirling(x1) +
      stirling(w);
    if (logV > bound) continue;
    return y;
  }
}

/** A draw from Binomial(n, p), n a non-negative integer, p in [0, 1]. */
export function binomial(rng: SeededRandom, n: number, p: number): number {
  if (n === 0 || p <= 0) return 0;
  if (p >= 1) return n;
  if (p > 0.5) return n - binomial(rng, n, 1 - p);
  return n * p <= 30 ? binomialInversion(rng, n, p) : binomialBtpe(rng, n, p);
}

/** Draws n items over cells with the given counts' shares into `out` (conditional binomials). */
export function multinomial(rng: SeededRandom, n: number, counts: readonly number[], total: number, out: number[]): void {
  let left = n;
  let mass = total;
  for (let i = 0; i < counts.length; i++) {
    const c = counts[i]!;
    if (left === 0 || c === 0) {
      out[i] = 0;
    } else if (i === counts.length - 1 || c >= mass) {
      out[i] = left;
    } else {
      out[i] = binomial(rng, left, c / mass);
    }
    left -= out[i]!;
    mass -= c;
  }
}

export interface Interval {
  low: number;
  high: number;
}

/** Type-7 quantile (linear between order statistics) of sorted values. */
function quantile(sorted: ArrayLike<number>, q: number): number {
  const h = (sorted.length - 1) * q;
  const lo = Math.floor(h);
  const hi = Math.ceil(h);
  return sorted[lo]! + (h - lo) * (sorted[hi]! - sorted[lo]!);
}

/**
 * The percentile interval of a statistic of items, from their table of counts: `statistic` reads a
 * resampled table of the same cells. `null` when the items are too few to resample or the statistic is
 * undefined in more than half of the resamples (a constant side, for kappa or rho).
 */
export function bootstrapInterval(
  counts: readonly number[],
  statistic: (resampled: readonly number[]) => number | null,
  opts: { resamples?: number; seed?: number; level?: number } = {},
): Interval | null {
  return bootstrapIntervals(counts, [statistic], opts)[0]!;
}

/**
 * bootstrapInterval of several statistics of the same items from one set of resamples: each interval
 * equals bootstrapInterval of its statistic alone (same seed, same resamples), at the cost of one.
 */
export function bootstrapIntervals(
  counts: readonly number[],
  statistics: readonly ((resampled: readonly number[]) => number | null)[],
  opts: { resamples?: number; seed?: number; level?: number } = {},
): (Interval | null)[] {
  const n = counts.reduce((s, c) => s + c, 0);
  if (n < 2) return statistics.map(() => null);
  const cells = counts.length;
  const wanted = opts.resamples ?? BOOTSTRAP_RESAMPLES;
  const resamples = Math.max(Math.min(wanted, BOOTSTRAP_MIN_RESAMPLES), Math.min(wanted, Math.floor(BOOTSTRAP_WORK / Math.max(1, cells))));
  const rng = new SeededRandom(opts.seed ?? BOOTSTRAP_SEED);
  const level = opts.level ?? BOOTSTRAP_LEVEL;
  const out = new Array<number>(cells).fill(0);
  // One typed buffer of resamples per statistic, filled in place and sorted numerically (no comparator:
  // finite doubles, where a typed sort orders as (x, y) => x - y does up to ±0, which print alike).
  const stats = statistics.length;
  const values = new Float64Array(stats * resamples);
  const kept = new Array<number>(stats).fill(0);
  for (let r = 0; r < resamples; r++) {
    multinomial(rng, n, counts, n, out);
    for (let s = 0; s < stats; s++) {
      const v = statistics[s]!(out);
      if (v !== null && Number.isFinite(v)) values[s * resamples + kept[s]!++] = v;
    }
  }
  const tail = (1 - level) / 2;
  const intervals: (Interval | null)[] = [];
  for (let s = 0; s < stats; s++) {
    const m = kept[s]!;
    if (m * 2 < resamples) {
      intervals.push(null);
      continue;
    }
    const vs = values.subarray(s * resamples, s * resamples + m).sort();
    intervals.push({ low: quantile(vs, tail), high: quantile(vs, 1 - tail) });
  }
  return intervals;
}
