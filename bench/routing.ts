// Routing benchmark (issue 15): GET /api/routing on the read benchmark's dataset (bench/data.ts, 1M
// trajectories x 20 steps by default; one load for both when a run has read and routing), server
// time of the route handler in process, sign-in on and every request authenticated by an API key.
//
// - one run's figures (and every run's), answered from the routing rollups: goal p95 < 100 ms;
// - a filter selecting about 100,000 trajectories (a tenth of the dataset: a cost window between two
//   neighbouring deciles, seeded, each window once in turn), summed from the stored per-trajectory
//   contributions: goal p95 < 1.5 s;
// both against GET /api/runs, the three taken in alternating rounds so that load falls on all of them.
// EXPLAIN (ANALYZE, BUFFERS) of the filtered queries goes to bench/out/routing-explain.txt.
//
//   npx tsx --conditions=react-server bench/routing.ts [--trajectories N] [--rounds N] [--keep] [--reuse DB]
import fs from 'node:fs';
import path from 'node:path';
import pg from 'pg';
import { closePool, poolConfig } from '@/lib/db/pool';
import { Rng } from '@/lib/generate/rng';
import { parseTrajectoryFilter } from '@/lib/schemas/filters';
import { filteredTotals } from '@/lib/server/queries/routing';
import { GET as getRuns } from '@/app/api/runs/route';
import { GET as getRouting } from '@/app/api/routing/route';
import { benchApiKey, requireSignIn } from './auth';
import { flagArg, numberArg, runIfMain, stringArg } from './cli';
import { LONG_RUN, readDataset } from './data';
import { percentile, round, Samples, type BenchOutput } from './results';

const OUT = path.join(import.meta.dirname, 'out');
export const GOAL_RUN_MS = 100;
export const GOAL_FILTER_MS = 1500;
/** The share of the dataset the filter selects. */
const FILTER_SHARE = 0.1;

export interface BenchRoutingOptions {
  trajectories?: number;
  /** Rounds; each takes RUNS_PER_ROUND GET /api/runs, as many one-run figures, and one filtered request. */
  rounds?: number;
  warmup?: number;
  share?: boolean;
  keep?: boolean;
  reuse?: string;
  log?: (s: string) => void;
}

const PER_ROUND = 5;

export interface RoutingTiming {
  p50_ms: number;
  p95_ms: number;
  max_ms: number;
  requests: number;
  /** p95 over GET /api/runs's p95 in the same run. */
  p95_vs_runs: number;
  goal_ms?: number;
  meets_goal?: boolean;
}

export interface BenchRoutingResult {
  trajectories: number;
  runs: RoutingTiming;
  one_run: RoutingTiming & { source: string };
  filter: RoutingTiming & { source: string; selected_mean: number; selected_min: number; selected_max: number; windows: string[] };
  explain_file: string;
}

type Handler = (req: Request, ctx: { params: Promise<never> }) => Promise<Response>;

export async function benchRouting(opts: BenchRoutingOptions = {}): Promise<BenchOutput<BenchRoutingResult>> {
  const n = opts.trajectories ?? 1_000_000;
  const rounds = opts.rounds ?? 40;
  const warmup = opts.warmup ?? 3;
  const log = opts.log ?? ((s: string) => console.error(s));
  const dataset = await readDataset({ trajectories: n, log, share: opts.share, reuse: opts.reuse, keep: opts.keep });
  const savedUrl = process.env.DATABASE_URL;
  process.env.DATABASE_URL = dataset.url;
  const restoreAuth = requireSignIn();
  const pool = new pg.Pool(poolConfig(dataset.url));
  try {
    const headers = (await benchApiKey('viewer', 'bench-routing')).headers;
    const call = async (handler: unknown, url: string, source?: string[]): Promise<number> => {
      const t0 = performance.now();
      const res = await (handler as Handler)(new Request(`http://localhost${url}`, { headers }), { params: Promise.resolve({} as never) });
      const body = await res.text();
      const ms = performance.now() - t0;
      if (res.status !== 200) throw new Error(`${url}: ${res.status} ${body.slice(0, 300)}`);
      if (source) source.push((JSON.parse(body) as { source: string }).source);
      return ms;
    };
    const runIds = (await pool.query<{ id: string }>(`SELECT id FROM runs WHERE id <> $1 ORDER BY id`, [LONG_RUN])).rows.map((r) => r.id);
    // Cost deciles: each window [d_k, d_k+1) selects about a tenth of the trajectories.
    const cuts = Array.from({ length: Math.round(1 / FILTER_SHARE) + 1 }, (_, k) => round(k * FILTER_SHARE, 2));
    const deciles = (
      await pool.query<{ d: number[] }>(`SELECT percentile_disc($1::float8[]) WITHIN GROUP (ORDER BY cost_usd) AS d FROM trajectories WHERE run_id <> $2`, [
        cuts,
        LONG_RUN,
      ])
    ).rows[0]!.d;
    const windows = deciles.slice(0, -1).map((lo, k) => `min_cost=${lo}&max_cost=${deciles[k + 1]}`);
    const selected: number[] = [];
    for (const w of windows) selected.push((await filteredTotals(pool, parseTrajectoryFilter(new URLSearchParams(w)))).trajectories);
    log(`routing bench: ${windows.length} cost windows selecting ${selected.map((x) => x.toLocaleString('en')).join(', ')} trajectories`);
    const rng = new Rng(15);
    const order = windows.map((_, k) => k);
    for (let i = order.length - 1; i > 0; i--) {
      const j = rng.int(0, i);
      [order[i], order[j]] = [order[j]!, order[i]!];
    }
    const oneRunUrl = () => (rng.chance(0.2) ? '/api/routing' : `/api/routing?run=${encodeURIComponent(rng.pick(runIds))}`);
    const filterUrl = (i: number) => `/api/routing?${windows[order[i % order.length]!]}`;

    const samples = new Samples();
    samples.define('runs', { unit: 'ms' });
    samples.define('routing one run', { unit: 'ms', baseline: 'runs' });
    samples.define('routing filter ~100k', { unit: 'ms', baseline: 'runs' });
    const oneSources: string[] = [];
    const filterSources: string[] = [];
    for (let i = 0; i < warmup; i++) {
      await call(getRuns, '/api/runs');
      await call(getRouting, oneRunUrl());
      await call(getRouting, filterUrl(order.length - 1 - (i % order.length)));
    }
    for (let r = 0; r < rounds; r++) {
      const steps: [string, () => Promise<number>][] = [
        ...Array.from({ length: PER_ROUND }, (): [string, () => Promise<number>] => ['runs', () => call(getRuns, '/api/runs')]),
        ...Array.from({ length: PER_ROUND }, (): [string, () => Promise<number>] => ['routing one run', () => call(getRouting, oneRunUrl(), oneSources)]),
        ['routing filter ~100k', () => call(getRouting, filterUrl(r), filterSources)],
      ];
      // Rotated each round, so neither the baseline nor a figure always runs first.
      const k = r % steps.length;
      for (const [name, run] of [...steps.slice(k), ...steps.slice(0, k)]) samples.add(name, round(await run()));
      if ((r + 1) % 10 === 0 || r === rounds - 1) {
        log(
          `  round ${r + 1}/${rounds}: filter ${samples.values('routing filter ~100k').at(-1)!.toFixed(0)} ms, one run ${samples.values('routing one run').at(-1)!.toFixed(1)} ms, runs ${samples.values('runs').at(-1)!.toFixed(1)} ms`,
        );
      }
    }
    const stat = (name: string) => {
      const v = [...samples.values(name)].sort((a, b) => a - b);
      return { p50_ms: round(percentile(v, 50)), p95_ms: round(percentile(v, 95)), max_ms: round(v[v.length - 1]!), requests: v.length };
    };
    const runs = stat('runs');
    const withRatio = (name: string, goal: number) => {
      const s = stat(name);
      return { ...s, p95_vs_runs: round(s.p95_ms / runs.p95_ms, 1), goal_ms: goal, meets_goal: s.p95_ms < goal };
    };
    fs.mkdirSync(OUT, { recursive: true });
    const explainFile = path.join(OUT, 'routing-explain.txt');
    fs.writeFileSync(explainFile, await explainFiltered(pool, windows[order[0]!]!));
    const result: BenchRoutingResult = {
      trajectories: Number((await pool.query(`SELECT count(*) AS n FROM trajectories`)).rows[0].n),
      runs: { ...runs, p95_vs_runs: 1 },
      one_run: { ...withRatio('routing one run', GOAL_RUN_MS), source: [...new Set(oneSources)].join(',') },
      filter: {
        ...withRatio('routing filter ~100k', GOAL_FILTER_MS),
        source: [...new Set(filterSources)].join(','),
        selected_mean: Math.round(selected.reduce((a, b) => a + b, 0) / selected.length),
        selected_min: Math.min(...selected),
        selected_max: Math.max(...selected),
        windows,
      },
      explain_file: path.relative(process.cwd(), explainFile),
    };
    console.log(
      `\nrouting benchmark: ${result.trajectories.toLocaleString('en')} trajectories; GET /api/runs p95 ${runs.p95_ms} ms; ` +
        `one run (rollups) p95 ${result.one_run.p95_ms} ms (goal ${GOAL_RUN_MS}); ` +
        `filter of ~${result.filter.selected_mean.toLocaleString('en')} p95 ${result.filter.p95_ms} ms (goal ${GOAL_FILTER_MS})`,
    );
    return { figures: result, samples };
  } finally {
    await pool.end();
    await closePool();
    await dataset.release();
    restoreAuth();
    if (savedUrl === undefined) delete process.env.DATABASE_URL;
    else process.env.DATABASE_URL = savedUrl;
  }
}

/** EXPLAIN (ANALYZE, BUFFERS) of the queries filteredTotals runs for one filter. */
async function explainFiltered(pool: pg.Pool, qs: string): Promise<string> {
  const out: string[] = [`GET /api/routing?${qs}`];
  const explaining = {
    query: async (q: { text: string; values?: unknown[] } | string, values?: unknown[]) => {
      const text = typeof q === 'string' ? q : q.text;
      const vals = typeof q === 'string' ? values : (q.values ?? values);
      const plan = await pool.query({ text: `EXPLAIN (ANALYZE, BUFFERS) ${text}`, values: vals });
      out.push(`${text}\n\nvalues: ${JSON.stringify(vals)}\n\n${plan.rows.map((x: Record<string, string>) => x['QUERY PLAN']).join('\n')}`);
      return pool.query({ text, values: vals });
    },
  };
  await filteredTotals(explaining as unknown as pg.Pool, parseTrajectoryFilter(new URLSearchParams(qs)));
  return out.join('\n\n') + '\n';
}

const cliOptions = {
  trajectories: numberArg('--trajectories'),
  rounds: numberArg('--rounds'),
  keep: flagArg('--keep'),
  reuse: stringArg('--reuse'),
};
runIfMain(import.meta.filename, 'routing', cliOptions, () => benchRouting(cliOptions));
