// What every benchmark records, and the file a full run commits.
//
// A benchmark returns a BenchOutput: the figures its table quotes, and a Samples with every
// measurement (by series, in its unit) and, for each measured series, the baseline series it is set
// against. `measureInterleaved` takes the samples of a figure and its baseline in alternating rounds,
// so that a burst of load from elsewhere falls on both; figures are medians of per-round ratios.
//
// bench/run.ts (npm run bench) wraps each benchmark's output in a BenchRecord (when it ran, the load
// average before and after, its options) and writes a ResultFile: bench/results/<date>-<short sha>.json
// for a full run (committed, quoted by BENCHMARKS.md), bench/out/ for --quick and for a file run alone.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';

export const RESULTS_DIR = path.join(import.meta.dirname, 'results');
export const OUT_DIR = path.join(import.meta.dirname, 'out');

// ---------------------------------------------------------------- statistics

export function median(xs: readonly number[]): number {
  if (xs.length === 0) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

/** The nearest-rank percentile of ascending values (p in 0..100). */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}

export const round = (x: number, digits = 2): number => {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
};

// ---------------------------------------------------------------- samples

export interface Series {
  /** 's', 'ms', 'rows/s', 'MB', ... */
  unit: string;
  values: number[];
  /** The series this one is measured against, in the same run (absent for baselines themselves). */
  baseline?: string;
  /** For a rate (rows/s, requests/s) more is better; for a time or a size less is. */
  higher_is_better?: boolean;
}

/** Every measurement of one benchmark, by series name. */
export class Samples {
  readonly series: Record<string, Series> = {};

  /** Declares a series (its unit and baseline) before or without adding values. */
  define(name: string, opts: { unit: string; baseline?: string; higherIsBetter?: boolean }): this {
    const s = (this.series[name] ??= { unit: opts.unit, values: [] });
    s.unit = opts.unit;
    if (opts.baseline !== undefined) s.baseline = opts.baseline;
    if (opts.higherIsBetter) s.higher_is_better = true;
    return this;
  }

  add(name: string, value: number, opts: { unit?: string; baseline?: string; higherIsBetter?: boolean } = {}): this {
    const s = this.series[name];
    if (!s) this.define(name, { unit: opts.unit ?? 's', baseline: opts.baseline, higherIsBetter: opts.higherIsBetter });
    else if (opts.baseline !== undefined) s.baseline = opts.baseline;
    this.series[name]!.values.push(value);
    return this;
  }

  values(name: string): number[] {
    const s = this.series[name];
    if (!s) throw new Error(`no series named ${name}`);
    return s.values;
  }

  median(name: string): number {
    return median(this.values(name));
  }

  /**
   * How name compares with its baseline, as "speed relative to the baseline" (1 = as fast, 0.5 = half
   * as fast): the median over rounds of baseline/value for times, value/baseline for rates. Rounds
   * pair the i-th value of each series (measureInterleaved takes them so); unequal lengths fall back
   * to the ratio of the medians.
   */
  ratio(name: string, baseline = this.series[name]?.baseline): number {
    if (!baseline) throw new Error(`series ${name} has no baseline`);
    const a = this.values(name);
    const b = this.values(baseline);
    const higher = this.series[name]!.higher_is_better === true;
    const r = (x: number, base: number) => (higher ? x / base : base / x);
    if (a.length !== b.length || a.length === 0) return r(median(a), median(b));
    return median(a.map((x, i) => r(x, b[i]!)));
  }

  toJSON(): Record<string, Series> {
    return this.series;
  }
}

/**
 * rounds × every runner, one after another, the order rotated each round so that neither the
 * baseline nor the figure always goes first; each runner returns one value for its series.
 */
export async function measureInterleaved(
  samples: Samples,
  rounds: number,
  runners: { name: string; run: () => Promise<number>; unit?: string; baseline?: string; higherIsBetter?: boolean }[],
  log?: (s: string) => void,
): Promise<void> {
  for (const r of runners) samples.define(r.name, { unit: r.unit ?? 's', baseline: r.baseline, higherIsBetter: r.higherIsBetter });
  for (let round_ = 0; round_ < rounds; round_++) {
    for (let k = 0; k < runners.length; k++) {
      const r = runners[(k + round_) % runners.length]!;
      const v = await r.run();
      samples.add(r.name, v);
      log?.(`  round ${round_ + 1}/${rounds}: ${r.name} ${v.toFixed(3)} ${samples.series[r.name]!.unit}`);
    }
  }
}

/** What a benchmark returns: the figures its table quotes, and every sample behind them. */
export interface BenchOutput<F = unknown> {
  figures: F;
  samples: Samples;
}

// ---------------------------------------------------------------- machine and load

export interface Machine {
  cpu_model: string;
  cores: number;
  memory_gib: number;
  node: string;
  postgres: string | null;
  platform: string;
  hostname: string;
}

/** The machine; the PostgreSQL version is asked of url (the server the benchmarks use) when given. */
export async function describeMachine(url?: string): Promise<Machine> {
  let postgres: string | null = null;
  if (url) {
    const c = new pg.Client({ connectionString: url });
    try {
      await c.connect();
      postgres = (await c.query<{ v: string }>('SELECT version() AS v')).rows[0]!.v;
    } catch {
      postgres = null;
    } finally {
      await c.end().catch(() => undefined);
    }
  }
  const cpus = os.cpus();
  return {
    cpu_model: cpus[0]?.model.trim() ?? 'unknown',
    cores: cpus.length,
    memory_gib: round(os.totalmem() / 2 ** 30, 1),
    node: process.version,
    postgres,
    platform: `${os.platform()} ${os.release()} ${os.arch()}`,
    hostname: os.hostname(),
  };
}

export interface Load {
  /** 1, 5 and 15 minute load averages. */
  loadavg: [number, number, number];
  at: string;
}

export function loadNow(): Load {
  const [a, b, c] = os.loadavg();
  return { loadavg: [round(a!), round(b!), round(c!)], at: new Date().toISOString() };
}

/** True when the 1-minute load average is above the core count: the figures are not to be trusted. */
export function overloaded(load: Load, cores = os.cpus().length): boolean {
  return load.loadavg[0] > cores;
}

export function loadWarning(load: Load, when: string, cores = os.cpus().length): string | null {
  return overloaded(load, cores) ? `load average ${load.loadavg.join(' ')} ${when} is above the ${cores} cores: these figures were taken under load` : null;
}

// ---------------------------------------------------------------- records and files

export interface BenchRecord {
  name: string;
  quick: boolean;
  options: Record<string, unknown>;
  started_at: string;
  seconds: number;
  load_before: Load;
  load_after: Load;
  overloaded: boolean;
  warnings: string[];
  error?: string;
  figures: unknown;
  samples: Record<string, Series>;
  /** Each measured series and its baseline. */
  baselines: Record<string, string>;
}

export interface ResultFile {
  format: 'routelens-bench/1';
  date: string;
  commit: { sha: string; short: string; dirty: boolean };
  command: string;
  quick: boolean;
  machine: Machine;
  load_before: Load;
  load_after: Load;
  overloaded: boolean;
  warnings: string[];
  benchmarks: Record<string, BenchRecord>;
}

/** Runs one benchmark and wraps its output with when it ran and the load around it. */
export async function recordBench(
  name: string,
  opts: { quick: boolean; options?: Record<string, unknown>; log?: (s: string) => void },
  fn: () => Promise<BenchOutput>,
): Promise<BenchRecord> {
  const log = opts.log ?? ((s: string) => console.error(s));
  const load_before = loadNow();
  const warnings: string[] = [];
  const w0 = loadWarning(load_before, `before ${name}`);
  if (w0) {
    warnings.push(w0);
    log(`WARNING: ${w0}`);
  }
  log(`${name}: load average before ${load_before.loadavg.join(' ')}`);
  const t0 = performance.now();
  let out: BenchOutput | null = null;
  let error: string | undefined;
  try {
    out = await fn();
  } catch (e) {
    error = e instanceof Error ? (e.stack ?? e.message) : String(e);
  }
  const load_after = loadNow();
  const w1 = loadWarning(load_after, `after ${name}`);
  if (w1) {
    warnings.push(w1);
    log(`WARNING: ${w1}`);
  }
  log(`${name}: load average after ${load_after.loadavg.join(' ')}`);
  const series = out?.samples.series ?? {};
  return {
    name,
    quick: opts.quick,
    options: opts.options ?? {},
    started_at: load_before.at,
    seconds: round((performance.now() - t0) / 1000, 1),
    load_before,
    load_after,
    overloaded: overloaded(load_before) || overloaded(load_after),
    warnings,
    ...(error !== undefined ? { error } : {}),
    figures: out?.figures ?? null,
    samples: series,
    baselines: Object.fromEntries(Object.entries(series).flatMap(([k, s]) => (s.baseline ? [[k, s.baseline]] : []))),
  };
}

function git(args: string[]): string {
  try {
    return execFileSync('git', args, { cwd: path.join(import.meta.dirname, '..'), encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    return '';
  }
}

export function commitInfo(): ResultFile['commit'] {
  const sha = git(['rev-parse', 'HEAD']) || 'unknown';
  // A results file written by the run itself does not make the tree dirty.
  const dirty = git(['status', '--porcelain', '--untracked-files=no', '--', '.', ':(exclude)bench/results']) !== '';
  return { sha, short: sha.slice(0, 7), dirty };
}

/** Where a run's results go: committed for a full run, bench/out/ for quick runs and files run alone. */
export function resultPath(opts: { quick: boolean; alone?: string; date?: Date; short?: string }): string {
  if (opts.alone) return path.join(OUT_DIR, `${opts.alone}${opts.quick ? '-quick' : ''}.json`);
  if (opts.quick) return path.join(OUT_DIR, 'results-quick.json');
  const day = (opts.date ?? new Date()).toISOString().slice(0, 10);
  return path.join(RESULTS_DIR, `${day}-${opts.short ?? commitInfo().short}.json`);
}

/**
 * Writes a run's records. A full run at the same commit on the same day merges into the file that
 * is there (a benchmark run again replaces its record), so a run can be completed with --only.
 */
export function writeResults(
  file: string,
  run: { command: string; quick: boolean; machine: Machine; load_before: Load; load_after: Load; records: BenchRecord[] },
): ResultFile {
  const commit = commitInfo();
  let prev: ResultFile | null = null;
  if (!run.quick && fs.existsSync(file)) {
    try {
      prev = JSON.parse(fs.readFileSync(file, 'utf8')) as ResultFile;
    } catch {
      prev = null;
    }
  }
  const benchmarks: Record<string, BenchRecord> = { ...(prev?.benchmarks ?? {}) };
  for (const r of run.records) benchmarks[r.name] = r;
  const all = Object.values(benchmarks);
  const warnings = [
    ...new Set([
      ...(prev?.warnings ?? []),
      ...[loadWarning(run.load_before, 'at the start of the run'), loadWarning(run.load_after, 'at the end of the run')].filter((w): w is string => w !== null),
      ...(commit.dirty ? [`the worktree had uncommitted changes at ${commit.short}`] : []),
    ]),
  ];
  const result: ResultFile = {
    format: 'routelens-bench/1',
    date: new Date().toISOString(),
    commit,
    command: prev && prev.command !== run.command ? `${prev.command}; ${run.command}` : run.command,
    quick: run.quick,
    machine: run.machine,
    load_before: prev?.load_before ?? run.load_before,
    load_after: run.load_after,
    overloaded: all.some((r) => r.overloaded) || overloaded(run.load_before) || overloaded(run.load_after),
    warnings,
    benchmarks,
  };
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, JSON.stringify(result, null, 1) + '\n');
  return result;
}
