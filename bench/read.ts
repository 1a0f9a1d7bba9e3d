// Read benchmark: a fresh database loaded with N generated trajectories of 20 steps (default 1,000,000),
// then the read routes called in-process (server time: the handler from Request to serialized body,
// no HTTP), 200 requests per scenario after a warm-up, p50 and p95 of each. The slowest list query is
// explained (ANALYZE, BUFFERS) into bench/out/read-explain.txt.
//
//   npx tsx --conditions=react-server bench/read.ts [--trajectories N] [--requests N] [--grid-requests N] [--keep] [--reuse DB]
//
// Loading takes the ingest pipeline's own rows (normalizeLine and the COPY row writers of
// lib/ingest/store.ts) and streams them through three concurrent COPYs, with foreign-key triggers off
// for the load (session_replication_role = replica: the generated rows are consistent by construction)
// and nothing dropped or rebuilt; the run rollups are summed on the way, as ingest does.
import fs from 'node:fs';
import path from 'node:path';
import { setImmediate as yieldToIo } from 'node:timers/promises';
import { Readable } from 'node:stream';
import pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { closePool, poolConfig } from '@/lib/db/pool';
import { RollupDeltas } from '@/lib/db/rollups';
import { createTestDatabase, prepareTestServer } from '@/lib/db/testing';
import { DEMO_RUNS, generateTraces, renderJsonl, type TraceLine } from '@/lib/generate';
import { normalizeLine, type NormalizedLine } from '@/lib/ingest/normalize';
import { ingestStream } from '@/lib/ingest/pipeline';
import {
  addToRollups,
  insertDims,
  ITEM_COLUMNS,
  itemCopyRows,
  JUDGMENT_COLUMNS,
  judgmentCopyRows,
  STEP_COLUMNS,
  stepCopyRows,
  TRAJECTORY_COLUMNS,
  trajectoryCopyRows,
  withItemIds,
  type Dims,
} from '@/lib/ingest/store';
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
import { Samples, type BenchOutput } from './results';

const OUT = path.join(import.meta.dirname, 'out');
const STEPS_PER_TRAJECTORY = 20;
/** Trajectories per query and run: 20 samples of each query by each of the 3 demo runs. */
const PER_QUERY = 20;
const LONG_STEPS = 2_000;
const LONG_RUN = 'bench-long';

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
  log?: (s: string) => void;
}

export interface Timing {
  name: string;
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

// ---------------------------------------------------------------- loading

interface CopySink {
  write(text: string): Promise<void>;
  end(): Promise<void>;
}

/** Buffers ahead (up to 64 MB) so that generation and PostgreSQL's COPY overlap. */
function openCopy(client: pg.ClientBase, table: string, columns: readonly string[]): CopySink {
  const stream = client.query(copyFrom(`COPY ${table} (${columns.map((c) => `"${c}"`).join(', ')}) FROM STDIN`));
  const done = new Promise<void>((resolve, reject) => {
    stream.on('finish', () => resolve());
    stream.on('error', reject);
  });
  done.catch(() => undefined);
  return {
    async write(text) {
      stream.write(text);
      if (stream.writableLength > 64 << 20) await Promise.race([new Promise((r) => stream.once('drain', r)), done]);
    },
    async end() {
      stream.end();
      await done;
    },
  };
}

const join = (rows: Iterable<string>) => {
  let out = '';
  for (const r of rows) out += r + '\n';
  return out;
};

function remember<T>(id: string, value: T, seen: Map<string, T>, fresh: Map<string, T>): void {
  if (seen.has(id)) return;
  seen.set(id, value);
  fresh.set(id, value);
}

/** Collects the models, run, query and rubric of a line that no earlier line named. */
function freshDims(norm: NormalizedLine, seen: Dims, fresh: Dims): void {
  for (const m of norm.models) remember(m.id, m, seen.models, fresh.models);
  remember(norm.run.id, norm.run, seen.runs, fresh.runs);
  remember(norm.query.id, norm.query, seen.queries, fresh.queries);
  if (norm.rubric) remember(norm.rubric.id, norm.rubric, seen.rubrics, fresh.rubrics);
}

const emptyDims = (): Dims => ({ models: new Map(), runs: new Map(), queries: new Map(), rubrics: new Map() });

async function connect(url: string): Promise<pg.Client> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  await c.query("SET session_replication_role = 'replica'");
  await c.query('SET synchronous_commit = off');
  return c;
}

/** Generates and COPYs n trajectories of 20 steps; returns the number of steps written. */
async function loadTrajectories(url: string, n: number, log: (s: string) => void): Promise<number> {
  const clients = await Promise.all([connect(url), connect(url), connect(url), connect(url), connect(url)]);
  const [dimsClient, tc, sc, jc, ic] = clients as [pg.Client, pg.Client, pg.Client, pg.Client, pg.Client];
  try {
    const trajectories = openCopy(tc, 'trajectories', TRAJECTORY_COLUMNS);
    const steps = openCopy(sc, 'steps', STEP_COLUMNS);
    const items = openCopy(ic, 'items', ITEM_COLUMNS);
    const judgments = openCopy(jc, 'judgments', JUDGMENT_COLUMNS);
    let nextItem = 1;
    const seen = emptyDims();
    const deltas = new RollupDeltas();
    const queries = Math.ceil(n / (DEMO_RUNS.length * PER_QUERY));
    let batch: { pk: number; norm: NormalizedLine }[] = [];
    let fresh = emptyDims();
    let pk = 0;
    let stepCount = 0;
    const t0 = performance.now();
    const flush = async () => {
      await insertDims(dimsClient as unknown as pg.PoolClient, fresh);
      fresh = emptyDims();
      const numbered = withItemIds(batch, nextItem);
      nextItem = numbered.next;
      await Promise.all([
        trajectories.write(join(trajectoryCopyRows(batch))),
        steps.write(join(stepCopyRows(batch))),
        items.write(join(itemCopyRows(numbered.lines))),
        judgments.write(join(judgmentCopyRows(numbered.lines))),
      ]);
      batch = [];
      await yieldToIo(); // let the sockets drain while the next batch is generated
    };
    for (const line of generateTraces({ seed: 42, queries, trajectoriesPerQueryPerRun: PER_QUERY, steps: STEPS_PER_TRAJECTORY, limit: n })) {
      const norm = normalizeLine(line as Parameters<typeof normalizeLine>[0]);
      freshDims(norm, seen, fresh);
      addToRollups(deltas, norm, 1);
      batch.push({ pk: ++pk, norm });
      stepCount += norm.steps.length;
      if (batch.length === 250) await flush();
      if (pk % 100_000 === 0) log(`  ${pk.toLocaleString('en')} trajectories generated (${((performance.now() - t0) / 1000).toFixed(0)} s)`);
    }
    await flush();
    await Promise.all([trajectories.end(), steps.end(), items.end(), judgments.end()]);
    await dimsClient.query(`SELECT setval(pg_get_serial_sequence('trajectories', 'pk'), $1)`, [pk]);
    await dimsClient.query(`SELECT setval(pg_get_serial_sequence('items', 'id'), $1)`, [nextItem]);
    await deltas.apply(dimsClient as unknown as pg.PoolClient);
    return stepCount;
  } finally {
    await Promise.all(clients.map((c) => c.end()));
  }
}

/**
 * Human labels on 1% of the trajectories (a second person on half of those), as the label route
 * would write them. Each label repeats the judge's score, so the stored figures stay what they are
 * and only `labelled` and the versions move, exactly as recomputing would leave them.
 */
async function addLabels(client: pg.Client): Promise<void> {
  await client.query(`
    INSERT INTO labels (item_id, version, score, author)
    SELECT j.item_id, v.version, j.judge_score, v.author
      FROM judgments j JOIN trajectories t ON t.pk = j.trajectory_pk
     CROSS JOIN (VALUES (1, 'bench-alice'), (2, 'bench-bob')) AS v(version, author)
     WHERE j.position = 0 AND t.pk % 100 = 0 AND (v.version = 1 OR t.pk % 200 = 0)`);
  await client.query(`
    UPDATE items i SET version = l.version
      FROM (SELECT item_id, max(version) AS version FROM labels GROUP BY item_id) l WHERE l.item_id = i.id`);
  await client.query(`UPDATE trajectories SET labelled = true WHERE pk IN (SELECT i.trajectory_pk FROM labels l JOIN items i ON i.id = l.item_id)`);
}

/** One trajectory of 2,000 steps through the real ingest pipeline (its own run and query). */
async function ingestLong(pool: pg.Pool): Promise<TraceLine> {
  const [line] = generateTraces({
    seed: 9,
    queries: 1,
    runs: [{ ...DEMO_RUNS[2]!, id: LONG_RUN }],
    steps: LONG_STEPS,
    judgmentsPerTrajectory: 60,
  });
  const summary = await ingestStream(Readable.from([Buffer.from(renderJsonl([line!]))]), { pool });
  if (summary.stored !== 1) throw new Error(`the long trajectory was not stored: ${JSON.stringify(summary.errors)}`);
  return line!;
}

// ---------------------------------------------------------------- measuring

type Handler = (req: Request, ctx: { params: Promise<never> }) => Promise<Response>;

interface Scenario {
  name: string;
  handler: unknown;
  path: string;
  params?: Record<string, string>;
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

async function measure(s: Scenario, requests: number, warmup: number, samples?: Samples): Promise<Timing> {
  const once = async () => {
    const t0 = performance.now();
    const res = await (s.handler as Handler)(new Request(`http://localhost${s.path}`), { params: Promise.resolve((s.params ?? {}) as never) });
    const body = await res.text();
    const ms = performance.now() - t0;
    if (res.status !== 200) throw new Error(`${s.name}: ${res.status} ${body.slice(0, 300)}`);
    return ms;
  };
  for (let i = 0; i < warmup; i++) await once();
  const times: number[] = [];
  for (let i = 0; i < requests; i++) times.push(await once());
  if (samples) samples.define(s.name, { unit: 'ms', baseline: s.name === 'runs' ? undefined : 'runs' }).series[s.name]!.values = times.map((x) => Math.round(x * 100) / 100);
  times.sort((a, b) => a - b);
  const round = (x: number) => Math.round(x * 100) / 100;
  return { name: s.name, p50_ms: round(percentile(times, 50)), p95_ms: round(percentile(times, 95)), max_ms: round(times[times.length - 1]!), requests };
}

/** A cursor in the middle of the list in this order: the row at half the set, as a page would end there. */
async function deepCursor(pool: pg.Pool, sort: SortField, order: 'asc' | 'desc', where: string, values: unknown[]): Promise<string | null> {
  const col = SORT_COLUMNS[sort];
  const dir = order === 'asc' ? 'ASC' : 'DESC';
  const n = (await pool.query(`SELECT count(*)::int AS n FROM trajectories t ${where}`, values)).rows[0].n as number;
  const r = await pool.query(
    `SELECT t.${col.column}::text AS v, t.pk FROM trajectories t ${where} ORDER BY t.${col.column} ${dir} NULLS LAST, t.pk ${dir} OFFSET $${values.length + 1} LIMIT 1`,
    [...values, Math.floor(n / 2)],
  );
  const row = r.rows[0];
  if (!row) return null;
  return encodeCursor({ sort, order, value: row.v, pk: row.pk });
}

async function listScenarios(pool: pg.Pool): Promise<Scenario[]> {
  const pick = async (q: string) => (await pool.query(q)).rows[0];
  const query = (await pick(`SELECT query_id FROM trajectories WHERE run_id <> '${LONG_RUN}' ORDER BY pk LIMIT 1 OFFSET 1000`)).query_id as string;
  const FILTERS: [string, string, string, unknown[]][] = [
    ['none', '', '', []],
    ['run', 'run=roro-s800', 'WHERE t.run_id = $1', ['roro-s800']],
    ['query', `query=${encodeURIComponent(query)}`, 'WHERE t.query_id = $1', [query]],
    ['benchmark', 'benchmark=GSM8K', 'WHERE t.benchmark = $1', ['GSM8K']],
    ['correct', 'correct=false', 'WHERE t.correct = false', []],
    ['model', 'model=qwen3-8b', "WHERE t.models_used @> ARRAY['qwen3-8b']", []],
    ['min_cost', 'min_cost=0.01', 'WHERE t.cost_usd >= 0.01', []],
    ['max_cost', 'max_cost=0.0025', 'WHERE t.cost_usd <= 0.0025', []],
    ['cost range', 'min_cost=0.003&max_cost=0.004', 'WHERE t.cost_usd >= 0.003 AND t.cost_usd <= 0.004', []],
    ['labelled', 'labelled=true', 'WHERE t.labelled = true', []],
    ['q', 'q=triangle', "WHERE t.query_id IN (SELECT id FROM queries WHERE text ILIKE '%triangle%')", []],
    ['run+correct', 'run=outcome-rl&correct=true', "WHERE t.run_id = 'outcome-rl' AND t.correct = true", []],
  ];
  const out: Scenario[] = [];
  for (const [name, qs, where, values] of FILTERS) {
    const base = `/api/trajectories?${qs}`;
    out.push({ name: `list ${name}`, handler: getList, path: base });
    const cursor = await deepCursor(pool, 'id', 'asc', where, values);
    if (cursor === null) throw new Error(`the filter ${qs} selects nothing in this database`);
    out.push({ name: `list ${name}, deep page`, handler: getList, path: `${base}&cursor=${cursor}` });
  }
  for (const sort of SORT_FIELDS.filter((s) => s !== 'id')) {
    for (const order of ['asc', 'desc'] as const) {
      const base = `/api/trajectories?sort=${sort}&order=${order}`;
      out.push({ name: `list sort=${sort} ${order}`, handler: getList, path: base });
      out.push({ name: `list sort=${sort} ${order}, deep page`, handler: getList, path: `${base}&cursor=${await deepCursor(pool, sort, order, '', [])!}` });
    }
  }
  for (const order of ['desc'] as const) {
    out.push({ name: `list sort=id ${order}`, handler: getList, path: `/api/trajectories?sort=id&order=${order}` });
  }
  out.push({ name: 'list run, sort=process_score desc', handler: getList, path: '/api/trajectories?run=roro-s800&sort=process_score&order=desc' });
  out.push({ name: 'list benchmark, sort=cost desc', handler: getList, path: '/api/trajectories?benchmark=AIME24&sort=cost&order=desc' });
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
        const t = await measure({ name: path, handler: getList, path }, requests, 1);
        cells.push({ filter: filter || '(none)', sort: `${sort} ${order}`, p50_ms: t.p50_ms, max_ms: t.max_ms });
      }
    }
    const row = cells.slice(-SORT_FIELDS.length * 2);
    log(`  grid ${filter || '(none)'}: ${row.map((c) => c.p50_ms.toFixed(0)).join(' ')} ms`);
  }
  return cells;
}

async function otherScenarios(pool: pg.Pool, long: TraceLine): Promise<Scenario[]> {
  const short = (await pool.query(`SELECT id, query_id FROM trajectories WHERE run_id = 'roro-s800' ORDER BY pk LIMIT 1 OFFSET 5000`)).rows[0];
  return [
    { name: 'runs', handler: getRuns, path: '/api/runs' },
    { name: 'trajectory (20 steps)', handler: getTrajectory, path: '/x', params: { id: short.id } },
    { name: 'trajectory (2,000 steps)', handler: getTrajectory, path: '/x', params: { id: long.id } },
    { name: 'trajectory (2,000 steps, light)', handler: getTrajectory, path: '/x?fields=light', params: { id: long.id } },
    { name: 'trajectory (2,000 steps, page at 1,500)', handler: getTrajectory, path: '/x?steps_from=1500&steps_limit=100', params: { id: long.id } },
    { name: 'scores (2,000 steps)', handler: getScores, path: '/x?lambda=0.7&mu=0.2', params: { id: long.id } },
    { name: 'cost (2,000 steps)', handler: getCost, path: '/x', params: { id: long.id } },
    { name: 'query page (60 trajectories)', handler: getQuery, path: '/x', params: { id: short.query_id } },
    { name: 'pairs (60 trajectories)', handler: getPairs, path: '/x', params: { id: short.query_id } },
    { name: 'agreement (all runs)', handler: getAgreement, path: '/api/agreement' },
    { name: 'agreement (one run)', handler: getAgreement, path: '/api/agreement?run=roro-s800' },
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
  out.push(`-- the total, counted alongside the page:\n${count.text}\n\nvalues: ${JSON.stringify(count.values)}\n\n${plan.rows.map((x) => x['QUERY PLAN']).join('\n')}`);
  return out.join('\n\n') + '\n';
}

function table(timings: Timing[]): string {
  const w = Math.max(...timings.map((t) => t.name.length));
  const head = `${'scenario'.padEnd(w)}  ${'p50 ms'.padStart(8)}  ${'p95 ms'.padStart(8)}  ${'max ms'.padStart(8)}`;
  const rows = timings.map((t) => `${t.name.padEnd(w)}  ${t.p50_ms.toFixed(2).padStart(8)}  ${t.p95_ms.toFixed(2).padStart(8)}  ${t.max_ms.toFixed(2).padStart(8)}`);
  return [head, '-'.repeat(head.length), ...rows].join('\n');
}

export async function benchRead(opts: BenchReadOptions = {}): Promise<BenchOutput<BenchReadResult>> {
  const n = opts.trajectories ?? 1_000_000;
  const requests = opts.requests ?? 200;
  const warmup = opts.warmup ?? 20;
  const log = opts.log ?? ((s: string) => console.error(s));
  const server = await prepareTestServer();
  let url: string;
  let drop = async () => undefined as void;
  let loadSeconds: number | null = null;
  if (opts.reuse) {
    const u = new URL(server.adminUrl);
    u.pathname = `/${opts.reuse}`;
    url = u.toString();
  } else {
    const db = await createTestDatabase(server.adminUrl, server.template, 'benchread');
    url = db.url;
    drop = db.drop;
    log(`read bench: database ${db.name}`);
  }
  const savedEnv = { DATABASE_URL: process.env.DATABASE_URL, ROUTELENS_EMBEDDED: process.env.ROUTELENS_EMBEDDED, ROUTELENS_AUTH: process.env.ROUTELENS_AUTH };
  process.env.DATABASE_URL = url;
  // The local actor: the routes' own authentication is not what is measured here.
  process.env.ROUTELENS_EMBEDDED = 'true';
  delete process.env.ROUTELENS_AUTH;
  const pool = new pg.Pool(poolConfig(url));
  try {
    let long: TraceLine;
    if (opts.reuse) {
      const id = (await pool.query(`SELECT id FROM trajectories WHERE run_id = $1 LIMIT 1`, [LONG_RUN])).rows[0]?.id;
      if (!id) throw new Error(`database ${opts.reuse} has no ${LONG_RUN} trajectory: load it first (--keep)`);
      long = { id } as TraceLine;
    } else {
      const t0 = performance.now();
      log(`read bench: loading ${n.toLocaleString('en')} trajectories x ${STEPS_PER_TRAJECTORY} steps`);
      await loadTrajectories(url, n, log);
      const client = await pool.connect();
      try {
        await addLabels(client as unknown as pg.Client);
      } finally {
        client.release();
      }
      long = await ingestLong(pool);
      log(`read bench: loaded in ${((performance.now() - t0) / 1000).toFixed(0)} s; VACUUM ANALYZE`);
      await pool.query('VACUUM (ANALYZE) trajectories');
      await pool.query('ANALYZE');
      loadSeconds = (performance.now() - t0) / 1000;
      log(`read bench: ready after ${loadSeconds.toFixed(0)} s`);
    }
    const counts = (await pool.query(`SELECT (SELECT count(*) FROM trajectories)::int AS t, (SELECT sum(steps) FROM run_stats)::bigint AS s`)).rows[0];
    const scenarios = [...(await otherScenarios(pool, long)), ...(await listScenarios(pool))];
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
    fs.writeFileSync(explainFile, `slowest list scenario by p95: ${slowest.t.name} (${slowest.t.p95_ms} ms)\n\n${await explainList(pool, slowest.s.path)}`);
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
    console.log(`\nread benchmark: ${result.trajectories.toLocaleString('en')} trajectories, ${result.steps.toLocaleString('en')} steps; ${requests} requests per scenario after ${warmup} warm-up, server time in-process\n`);
    console.log(table(timings));
    if (grid.length > 0) {
      const worst = [...grid].sort((a, b) => b.p50_ms - a.p50_ms).slice(0, 5);
      console.log(`\nfilter x sort grid (${grid.length} first pages, p50 of ${opts.gridRequests ?? 5}): slowest ${worst.map((c) => `${c.filter} sort=${c.sort} ${c.p50_ms} ms`).join('; ')}`);
    }
    console.log(`\nslowest list query: ${result.slowest_list}; EXPLAIN (ANALYZE, BUFFERS) in ${result.explain_file}`);
    return { figures: result, samples };
  } finally {
    await pool.end();
    await closePool();
    if (opts.keep || opts.reuse) log(`read bench: database kept: ${url}`);
    else await drop();
    await server.stop();
    for (const [k, v] of Object.entries(savedEnv)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
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
