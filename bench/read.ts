// Read benchmark: a fresh database loaded with N generated trajectories of 20 steps (default 1,000,000),
// then the read routes called in-process (server time: the handler from Request to serialized body,
// no HTTP), 200 requests per scenario after a warm-up, p50 and p95 of each, against `GET /api/runs`
// in the same run. As for a team: sign-in on, every request authenticated by an API key; each
// scenario's requests go through a seeded mix of filter values, sorts, orders, deep pages (a cursor
// at a random row) and trajectories, not one URL again and again. The slowest list query is
// explained (ANALYZE, BUFFERS) into bench/out/read-explain.txt.
//
//   npx tsx --conditions=react-server bench/read.ts [--trajectories N] [--requests N] [--grid-requests N] [--keep] [--reuse DB]
//
// The database is bench/data.ts's read dataset (COPY of the ingest pipeline's own rows, rollups as
// ingest leaves them); in a run that also has the routing benchmark both measure one load of it.
import fs from 'node:fs';
import path from 'node:path';
import pg from 'pg';
import { closePool, poolConfig } from '@/lib/db/pool';
import { parseTrajectoryFilter, listParamsSchema, SORT_FIELDS, type SortField } from '@/lib/schemas/filters';
import { countQuery, encodeCursor, readPage, SORT_COLUMNS, type ItemRow } from '@/lib/server/queries/trajectory-list';
import { GET as getRuns } from '@/app/api/runs/route';
import { GET as getList } from '@/app/api/trajectories/route';
import { GET as getTrajectory } from '@/app/api/trajectories/[id]/route';
import { GET as getScores } from '@/app/api/trajectories/[id]/scores/route';
import { GET as getCost } from '@/app/api/trajectories/[id]/cost/route';
import { GET as getQuery } from '@/app/api/queries/[id]/route';
import { GET as getPairs } from '@/app/api/queries/[id]/pairs/route';
import { GET as getAgreement } from '@/app/api/agreement/route';
import { flagArg, numberArg, runIfMain, stringArg } from './cli';
import { Rng } from '@/lib/generate/rng';
import { trajectoryWhere } from '@/lib/server/queries/trajectory-filter';
import { raw, sql } from '@/lib/server/sql';
import { benchApiKey, requireSignIn } from './auth';
import { LONG_RUN, LONG_STEPS, readDataset } from './data';
import { percentile, round, Samples, type BenchOutput } from './results';

const OUT = path.join(import.meta.dirname, 'out');
const SEED = 14;

export interface BenchReadOptions {
  trajectories?: number;
  requests?: number;
  warmup?: number;
  /** Keep the database afterwards (its name is printed) instead of dropping it. */
  keep?: boolean;
  /** Measure against this already loaded database instead of creating and loading one. */
  reuse?: string;
  /** Requests per cell of the filter x sort grid (0 skips the grid). */
  gridRequests?: number;
  /** Load the dataset once for every benchmark of the run that measures it (bench/data.ts readDataset). */
  share?: boolean;
  log?: (s: string) => void;
}

export interface Timing {
  name: string;
  /** How many different URLs (filter values, sorts, pages, ids) the requests drew from. */
  distinct_urls: number;
  p50_ms: number;
  p95_ms: number;
  max_ms: number;
  requests: number;
}

export interface GridCell {
  filter: string;
  sort: string;
  p50_ms: number;
  max_ms: number;
}

export interface BenchReadResult {
  trajectories: number;
  steps: number;
  load_seconds: number | null;
  timings: Timing[];
  /** Every filter under every sort and order (first page), a few requests each. */
  grid: GridCell[];
  slowest_list: string;
  explain_file: string;
}

// ---------------------------------------------------------------- measuring

type Handler = (req: Request, ctx: { params: Promise<never> }) => Promise<Response>;

interface Call {
  path: string;
  params?: Record<string, string>;
}

/** A scenario: one route, and the seeded mix of calls its requests draw from in turn. */
interface Scenario {
  name: string;
  handler: unknown;
  calls: Call[];
}

/** Every request authenticates with the API key, as a script of a team's member would. */
let authHeaders: Record<string, string> = {};

async function callOnce(s: Scenario, c: Call): Promise<number> {
  const t0 = performance.now();
  const res = await (s.handler as Handler)(new Request(`http://localhost${c.path}`, { headers: authHeaders }), {
    params: Promise.resolve((c.params ?? {}) as never),
  });
  const body = await res.text();
  const ms = performance.now() - t0;
  if (res.status !== 200) throw new Error(`${s.name} ${c.path}: ${res.status} ${body.slice(0, 300)}`);
  return ms;
}

async function measure(s: Scenario, requests: number, warmup: number, samples?: Samples): Promise<Timing> {
  // The warm-up takes the calls from the far end of the mix, so the measured ones are not all warm.
  for (let i = 0; i < warmup; i++) await callOnce(s, s.calls[(s.calls.length - 1 - i + s.calls.length * warmup) % s.calls.length]!);
  const times: number[] = [];
  for (let i = 0; i < requests; i++) times.push(await callOnce(s, s.calls[i % s.calls.length]!));
  if (samples) samples.define(s.name, { unit: 'ms', baseline: s.name === 'runs' ? undefined : 'runs' }).series[s.name]!.values = times.map((x) => round(x));
  times.sort((a, b) => a - b);
  return {
    name: s.name,
    p50_ms: round(percentile(times, 50)),
    p95_ms: round(percentile(times, 95)),
    max_ms: round(times[times.length - 1]!),
    requests,
    distinct_urls: new Set(s.calls.map((c) => `${c.path} ${JSON.stringify(c.params ?? {})}`)).size,
  };
}

/** A cursor at a random row of the filtered set, in this order: where a page of a deep scroll would end. */
async function randomCursor(pool: pg.Pool, rng: Rng, maxPk: number, qs: string, sort: SortField, order: 'asc' | 'desc'): Promise<string | null> {
  const col = SORT_COLUMNS[sort];
  const filter = parseTrajectoryFilter(new URLSearchParams(qs));
  for (let attempt = 0; attempt < 2; attempt++) {
    const from = attempt === 0 ? rng.int(1, maxPk) : 1;
    const q = sql`SELECT t.${raw(col.column)}::text AS v, t.pk FROM trajectories t ${trajectoryWhere(filter, [sql`t.pk >= ${from}`])} ORDER BY t.pk LIMIT 1`;
    const row = (await pool.query({ text: q.text, values: q.values as unknown[] })).rows[0];
    if (row) return encodeCursor({ sort, order, value: row.v, pk: row.pk });
  }
  return null;
}

/** Values the filters draw from: what this database holds. */
interface Pools {
  runs: string[];
  benchmarks: string[];
  models: string[];
  queries: string[];
  ids: string[];
  costs: number[];
  words: string[];
  maxPk: number;
}

async function valuePools(pool: pg.Pool, rng: Rng): Promise<Pools> {
  const col = async <T>(q: string, values: unknown[] = []) => (await pool.query(q, values)).rows.map((r) => Object.values(r)[0] as T);
  const maxPk = (await col<number>(`SELECT max(pk)::int FROM trajectories`))[0]!;
  const pks = Array.from({ length: 400 }, () => rng.int(1, maxPk));
  return {
    runs: await col<string>(`SELECT id FROM runs WHERE id <> $1 ORDER BY id`, [LONG_RUN]),
    benchmarks: await col<string>(`SELECT DISTINCT benchmark FROM queries WHERE benchmark IS NOT NULL ORDER BY 1`),
    models: await col<string>(`SELECT id FROM models ORDER BY id`),
    queries: await col<string>(`SELECT query_id FROM trajectories WHERE pk = ANY($1::int[]) AND run_id <> $2 ORDER BY pk`, [pks.slice(0, 200), LONG_RUN]),
    ids: await col<string>(`SELECT id FROM trajectories WHERE pk = ANY($1::int[]) AND run_id <> $2`, [pks, LONG_RUN]),
    costs: await col<number>(
      `SELECT percentile_disc(ARRAY[0.05, 0.2, 0.4, 0.6, 0.8, 0.95]) WITHIN GROUP (ORDER BY cost_usd) FROM trajectories TABLESAMPLE SYSTEM (5)`,
    ).then((r) => (r[0] as unknown as number[]) ?? [0.001, 0.01]),
    words: ['triangle', 'probability', 'integer', 'prime', 'sum', 'circle', 'remainder', 'area'],
    maxPk,
  };
}

/** The list's filters, each a family of query strings drawn with seeded values. */
function filterFamilies(p: Pools): [string, (rng: Rng) => string][] {
  const cost = (rng: Rng) => rng.pick(p.costs).toPrecision(3);
  return [
    ['none', () => ''],
    ['run', (rng) => `run=${encodeURIComponent(rng.pick(p.runs))}`],
    ['query', (rng) => `query=${encodeURIComponent(rng.pick(p.queries))}`],
    ['benchmark', (rng) => `benchmark=${encodeURIComponent(rng.pick(p.benchmarks))}`],
    ['correct', (rng) => `correct=${rng.chance(0.5)}`],
    ['model', (rng) => `model=${encodeURIComponent(rng.pick(p.models))}`],
    ['min_cost', (rng) => `min_cost=${cost(rng)}`],
    ['max_cost', (rng) => `max_cost=${cost(rng)}`],
    [
      'cost range',
      (rng) => {
        const [a, b] = [rng.pick(p.costs), rng.pick(p.costs)].sort((x, y) => x - y);
        return `min_cost=${a!.toPrecision(3)}&max_cost=${b!.toPrecision(3)}`;
      },
    ],
    ['labelled', (rng) => `labelled=${rng.chance(0.5)}`],
    ['q', (rng) => `q=${rng.pick(p.words)}`],
    ['run+correct', (rng) => `run=${encodeURIComponent(rng.pick(p.runs))}&correct=${rng.chance(0.5)}`],
  ];
}

const DISTINCT_CALLS = 50;

async function listScenarios(pool: pg.Pool, p: Pools, rng: Rng): Promise<Scenario[]> {
  const out: Scenario[] = [];
  const orders = ['asc', 'desc'] as const;
  for (const [name, draw] of filterFamilies(p)) {
    // First pages: a value, a sort and an order drawn for each call.
    const first: Call[] = Array.from({ length: DISTINCT_CALLS }, () => {
      const qs = draw(rng);
      return { path: `/api/trajectories?${qs}${qs ? '&' : ''}sort=${rng.pick(SORT_FIELDS)}&order=${rng.pick(orders)}` };
    });
    out.push({ name: `list ${name}`, handler: getList, calls: first });
    // Deep pages: a cursor at a random row of the filtered set.
    const deep: Call[] = [];
    for (let i = 0; i < DISTINCT_CALLS * 3 && deep.length < DISTINCT_CALLS; i++) {
      const qs = draw(rng);
      const sort = rng.pick(SORT_FIELDS);
      const order = rng.pick(orders);
      const cursor = await randomCursor(pool, rng, p.maxPk, qs, sort, order);
      if (cursor !== null) deep.push({ path: `/api/trajectories?${qs}${qs ? '&' : ''}sort=${sort}&order=${order}&cursor=${cursor}` });
    }
    if (deep.length === 0) throw new Error(`list ${name}: no filter value selects anything in this database`);
    out.push({ name: `list ${name}, deep page`, handler: getList, calls: deep });
  }
  return out;
}

const GRID_FILTERS = [
  '',
  'run=roro-s800',
  'benchmark=MATH500',
  'correct=false',
  'correct=true',
  'model=qwen3-8b',
  'model=qwen3-32b',
  'min_cost=0.01',
  'max_cost=0.0025',
  'min_cost=0.003&max_cost=0.004',
  'labelled=true',
  'labelled=false',
  'q=triangle',
  'run=outcome-rl&correct=false',
  'benchmark=GSM8K&correct=true',
];

/** The first page of every filter under every sort and order: where a combination would be slow. */
async function measureGrid(requests: number, log: (s: string) => void): Promise<GridCell[]> {
  const cells: GridCell[] = [];
  for (const filter of GRID_FILTERS) {
    for (const sort of SORT_FIELDS) {
      for (const order of ['asc', 'desc']) {
        const path = `/api/trajectories?${filter}&sort=${sort}&order=${order}`;
        const t = await measure({ name: path, handler: getList, calls: [{ path }] }, requests, 1);
        cells.push({ filter: filter || '(none)', sort: `${sort} ${order}`, p50_ms: t.p50_ms, max_ms: t.max_ms });
      }
    }
    const row = cells.slice(-SORT_FIELDS.length * 2);
    log(`  grid ${filter || '(none)'}: ${row.map((c) => c.p50_ms.toFixed(0)).join(' ')} ms`);
  }
  return cells;
}

async function otherScenarios(p: Pools, longIds: string[], rng: Rng): Promise<Scenario[]> {
  const n = DISTINCT_CALLS;
  const many = (f: () => Call): Call[] => Array.from({ length: n }, f);
  const longCall =
    (q = '') =>
    () => ({ path: `/x${q}`, params: { id: rng.pick(longIds) } });
  return [
    { name: 'runs', handler: getRuns, calls: [{ path: '/api/runs' }] },
    { name: 'trajectory (20 steps)', handler: getTrajectory, calls: Array.from({ length: 200 }, () => ({ path: '/x', params: { id: rng.pick(p.ids) } })) },
    { name: 'trajectory (2,000 steps)', handler: getTrajectory, calls: many(longCall()) },
    { name: 'trajectory (2,000 steps, light)', handler: getTrajectory, calls: many(longCall('?fields=light')) },
    {
      name: 'trajectory (2,000 steps, a page of 100)',
      handler: getTrajectory,
      calls: many(() => ({ path: `/x?steps_from=${rng.int(0, LONG_STEPS - 100)}&steps_limit=100`, params: { id: rng.pick(longIds) } })),
    },
    {
      name: 'scores (2,000 steps)',
      handler: getScores,
      calls: many(() => ({ path: `/x?lambda=${rng.int(0, 20) / 10}&mu=${rng.int(0, 10) / 20}`, params: { id: rng.pick(longIds) } })),
    },
    { name: 'cost (2,000 steps)', handler: getCost, calls: many(longCall()) },
    { name: 'query page (60 trajectories)', handler: getQuery, calls: many(() => ({ path: '/x', params: { id: rng.pick(p.queries) } })) },
    { name: 'pairs (60 trajectories)', handler: getPairs, calls: many(() => ({ path: '/x', params: { id: rng.pick(p.queries) } })) },
    { name: 'agreement (all runs)', handler: getAgreement, calls: [{ path: '/api/agreement' }] },
    { name: 'agreement (one run)', handler: getAgreement, calls: p.runs.map((r) => ({ path: `/api/agreement?run=${encodeURIComponent(r)}` })) },
  ];
}

/** EXPLAIN (ANALYZE, BUFFERS) of every query that one list request runs: the page's, then the count. */
async function explainList(pool: pg.Pool, pathAndQuery: string): Promise<string> {
  const params = new URL(`http://bench.local${pathAndQuery}`).searchParams;
  const filter = parseTrajectoryFilter(params);
  const list = listParamsSchema.parse(Object.fromEntries([...params].filter(([k]) => ['sort', 'order', 'cursor', 'limit'].includes(k))));
  const out: string[] = [pathAndQuery];
  await readPage(filter, list, async (q) => {
    const values = q.values as unknown[];
    const plan = await pool.query({ text: `EXPLAIN (ANALYZE, BUFFERS) ${q.text}`, values });
    out.push(`${q.text}\n\nvalues: ${JSON.stringify(values)}\n\n${plan.rows.map((x) => x['QUERY PLAN']).join('\n')}`);
    return (await pool.query({ text: q.text, values })).rows as ItemRow[];
  });
  const count = countQuery(filter);
  const plan = await pool.query({ text: `EXPLAIN (ANALYZE, BUFFERS) ${count.text}`, values: count.values as unknown[] });
  out.push(
    `-- the total, counted alongside the page:\n${count.text}\n\nvalues: ${JSON.stringify(count.values)}\n\n${plan.rows.map((x) => x['QUERY PLAN']).join('\n')}`,
  );
  return out.join('\n\n') + '\n';
}

function table(timings: Timing[]): string {
  const w = Math.max(...timings.map((t) => t.name.length));
  const head = `${'scenario'.padEnd(w)}  ${'p50 ms'.padStart(8)}  ${'p95 ms'.padStart(8)}  ${'max ms'.padStart(8)}`;
  const rows = timings.map(
    (t) => `${t.name.padEnd(w)}  ${t.p50_ms.toFixed(2).padStart(8)}  ${t.p95_ms.toFixed(2).padStart(8)}  ${t.max_ms.toFixed(2).padStart(8)}`,
  );
  return [head, '-'.repeat(head.length), ...rows].join('\n');
}

export async function benchRead(opts: BenchReadOptions = {}): Promise<BenchOutput<BenchReadResult>> {
  const n = opts.trajectories ?? 1_000_000;
  const requests = opts.requests ?? 200;
  const warmup = opts.warmup ?? 20;
  const log = opts.log ?? ((s: string) => console.error(s));
  const dataset = await readDataset({ trajectories: n, log, share: opts.share, reuse: opts.reuse, keep: opts.keep });
  const url = dataset.url;
  const savedUrl = process.env.DATABASE_URL;
  process.env.DATABASE_URL = url;
  // Sign-in on, as for a team: every request authenticates with an API key.
  const restoreAuth = requireSignIn();
  const pool = new pg.Pool(poolConfig(url));
  try {
    const longIds = dataset.longIds;
    const loadSeconds = dataset.loadSeconds;
    authHeaders = (await benchApiKey('viewer', 'bench-read')).headers;
    const rng = new Rng(SEED);
    const pools = await valuePools(pool, rng);
    const counts = (await pool.query(`SELECT (SELECT count(*) FROM trajectories)::int AS t, (SELECT sum(steps) FROM run_stats)::bigint AS s`)).rows[0];
    const scenarios = [...(await otherScenarios(pools, longIds, rng)), ...(await listScenarios(pool, pools, rng))];
    const timings: Timing[] = [];
    const samples = new Samples();
    for (const s of scenarios) {
      const t = await measure(s, requests, warmup, samples);
      log(`  ${t.name}: p50 ${t.p50_ms} ms, p95 ${t.p95_ms} ms`);
      timings.push(t);
    }
    const grid = (opts.gridRequests ?? 5) > 0 ? await measureGrid(opts.gridRequests ?? 5, log) : [];
    const lists = timings.map((t, i) => ({ t, s: scenarios[i]! })).filter((x) => x.s.handler === getList);
    const slowest = lists.reduce((a, b) => (b.t.p95_ms > a.t.p95_ms ? b : a));
    fs.mkdirSync(OUT, { recursive: true });
    const explainFile = path.join(OUT, 'read-explain.txt');
    fs.writeFileSync(
      explainFile,
      `slowest list scenario by p95: ${slowest.t.name} (${slowest.t.p95_ms} ms)\n\n${await explainList(pool, slowest.s.calls[0]!.path)}`,
    );
    const result: BenchReadResult = {
      trajectories: counts.t,
      steps: Number(counts.s),
      load_seconds: loadSeconds,
      timings,
      grid,
      slowest_list: slowest.t.name,
      explain_file: path.relative(process.cwd(), explainFile),
    };
    fs.writeFileSync(path.join(OUT, 'read.json'), JSON.stringify(result, null, 2));
    console.log(
      `\nread benchmark: ${result.trajectories.toLocaleString('en')} trajectories, ${result.steps.toLocaleString('en')} steps; ${requests} requests per scenario after ${warmup} warm-up, server time in-process\n`,
    );
    console.log(table(timings));
    if (grid.length > 0) {
      const worst = [...grid].sort((a, b) => b.p50_ms - a.p50_ms).slice(0, 5);
      console.log(
        `\nfilter x sort grid (${grid.length} first pages, p50 of ${opts.gridRequests ?? 5}): slowest ${worst.map((c) => `${c.filter} sort=${c.sort} ${c.p50_ms} ms`).join('; ')}`,
      );
    }
    console.log(`\nslowest list query: ${result.slowest_list}; EXPLAIN (ANALYZE, BUFFERS) in ${result.explain_file}`);
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

const cliOptions = {
  trajectories: numberArg('--trajectories') ?? numberArg('--read-trajectories'),
  requests: numberArg('--requests'),
  warmup: numberArg('--warmup'),
  keep: flagArg('--keep'),
  reuse: stringArg('--reuse'),
  gridRequests: numberArg('--grid-requests'),
};
runIfMain(import.meta.filename, 'read', cliOptions, () => benchRead(cliOptions));
