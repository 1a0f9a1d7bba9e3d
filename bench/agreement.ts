// Agreement by judge (#11): GET /api/agreement?by=judge over `items` labelled items that 5 judges
// scored, against the pooled GET /api/agreement in the same run (the baseline), and the per-judge series
// over label weeks. Server time in-process (the handler from Request to serialized body), sign-in on.
//
//   npm run bench -- --only agreement [--quick]
//   npx tsx --conditions=react-server bench/agreement.ts [--items 100000] [--requests 30] [--keep]
//
// Data: generated trajectories (20 steps, a rubric per query) ingested as usual, then one item per
// (trajectory, criterion, step) with a judgment of each of the 5 judges and one human label, written
// in bulk by SQL (seeded): judges agree with the label more often the higher their number, so the
// leaderboard has something to rank. Labels are dated over 8 weeks.
import fs from 'node:fs';
import path from 'node:path';
import { Readable } from 'node:stream';
import pg from 'pg';
import { GET as getAgreement } from '@/app/api/agreement/route';
import { rebuildAgreementCounts } from '@/lib/db/agreement-counts';
import { closePool, poolConfig } from '@/lib/db/pool';
import { createTestDatabase, prepareTestServer } from '@/lib/db/testing';
import { generateTraces } from '@/lib/generate';
import { ingestStream } from '@/lib/ingest/pipeline';
import { benchApiKey, requireSignIn } from './auth';
import { flagArg, numberArg, runIfMain } from './cli';
import { percentile, round, Samples, type BenchOutput } from './results';

const OUT = path.join(import.meta.dirname, 'out');
const STEPS = 20;
const JUDGES = 5;

export interface BenchAgreementOptions {
  items?: number;
  requests?: number;
  warmup?: number;
  keep?: boolean;
  log?: (s: string) => void;
}

export interface AgreementTiming {
  name: string;
  p50_ms: number;
  p95_ms: number;
  max_ms: number;
}

export interface BenchAgreementResult {
  items: number;
  judgments: number;
  judges: number;
  rubrics: number;
  timings: AgreementTiming[];
  /** p95 of by=judge over p95 of the pooled agreement (lower is better; 1 = as fast). */
  by_judge_p95_ratio: number;
  series_p95_ratio: number;
  explain_file: string;
}

/** Items, judgments and labels in bulk: one item per (trajectory, criterion, step) up to `items`. */
async function addJudgedItems(pool: pg.Pool, items: number): Promise<void> {
  await pool.query('SELECT setseed(0.42)');
  await pool.query(`CREATE TEMP TABLE bench_items AS
    SELECT t.pk, c.id AS criterion_id, k AS step, c.kind, c.scale_min, c.scale_max
      FROM trajectories t
      JOIN criteria c ON c.rubric_id = t.rubric_id
      CROSS JOIN generate_series(0, t.step_count - 1) k
     ORDER BY t.pk, c.position, k
     LIMIT ${Number(items)}`);
  await pool.query(`INSERT INTO items (trajectory_pk, criterion_id, steps, version)
    SELECT b.pk, b.criterion_id, ARRAY[1000 + b.step], 1 FROM bench_items b`);
  // A human score per item, then each judge's: the human's with probability 0.5 + 0.1 * judge, else drawn.
  await pool.query(`CREATE TEMP TABLE bench_scored AS
    SELECT i.id AS item_id, i.trajectory_pk, i.criterion_id, i.steps, b.kind, b.scale_min, b.scale_max,
           (CASE b.kind WHEN 'binary' THEN floor(random() * 2) WHEN 'ternary' THEN floor(random() * 3) - 1
                        ELSE b.scale_min + (b.scale_max - b.scale_min) * floor(random() * 5) / 4 END)::float8 AS human
      FROM items i JOIN bench_items b ON b.pk = i.trajectory_pk AND b.criterion_id = i.criterion_id AND i.steps = ARRAY[1000 + b.step]`);
  await pool.query(`INSERT INTO judgments (trajectory_pk, position, item_id, criterion_id, steps, judge_score, judge)
    SELECT s.trajectory_pk, 100000 + (row_number() OVER (PARTITION BY s.trajectory_pk ORDER BY s.item_id, g))::int, s.item_id, s.criterion_id, s.steps,
           CASE WHEN random() < 0.5 + 0.1 * g THEN s.human
                WHEN s.kind = 'binary' THEN floor(random() * 2)
                WHEN s.kind = 'ternary' THEN floor(random() * 3) - 1
                ELSE s.scale_min + (s.scale_max - s.scale_min) * floor(random() * 5) / 4 END,
           'bench-judge-v' || g
      FROM bench_scored s CROSS JOIN generate_series(1, ${JUDGES}) g`);
  await pool.query(`INSERT INTO labels (item_id, version, score, author, created_at)
    SELECT s.item_id, 1, s.human, CASE WHEN s.item_id % 2 = 0 THEN 'bench-ann' ELSE 'bench-cy' END,
           timestamptz '2026-09-07 09:00Z' + (s.item_id % 56) * interval '1 day'
      FROM bench_scored s`);
  // A second person on one item in ten (between-people figures).
  await pool.query(`INSERT INTO labels (item_id, version, score, author, created_at)
    SELECT s.item_id, 2, s.human, 'bench-dee', timestamptz '2026-11-02 09:00Z' FROM bench_scored s WHERE s.item_id % 10 = 0`);
  await pool.query('UPDATE items SET version = 2 WHERE id IN (SELECT item_id FROM bench_scored WHERE item_id % 10 = 0)');
  await pool.query('DROP TABLE bench_items; DROP TABLE bench_scored');
  // Written around the label and ingest paths: the agreement counts are counted afresh.
  const client = await pool.connect();
  try {
    await rebuildAgreementCounts(client);
  } finally {
    client.release();
  }
}

async function timeCall(query: string, headers: Record<string, string>): Promise<number> {
  const t0 = performance.now();
  const res = await getAgreement(new Request(`http://127.0.0.1/api/agreement${query}`, { headers }), { params: Promise.resolve({}) });
  if (res.status !== 200) throw new Error(`/api/agreement${query} answered ${res.status}: ${await res.text()}`);
  await res.text();
  return performance.now() - t0;
}

function timing(name: string, values: number[]): AgreementTiming {
  const sorted = [...values].sort((a, b) => a - b);
  return { name, p50_ms: round(percentile(sorted, 50)), p95_ms: round(percentile(sorted, 95)), max_ms: round(sorted.at(-1) ?? 0) };
}

export async function benchAgreement(opts: BenchAgreementOptions = {}): Promise<BenchOutput<BenchAgreementResult>> {
  const items = opts.items ?? 100_000;
  const requests = opts.requests ?? 30;
  const warmup = opts.warmup ?? 3;
  const log = opts.log ?? ((s: string) => console.error(s));
  const server = await prepareTestServer();
  const db = await createTestDatabase(server.adminUrl, server.template, 'benchagree');
  const savedUrl = process.env.DATABASE_URL;
  process.env.DATABASE_URL = db.url;
  const restoreAuth = requireSignIn();
  const pool = new pg.Pool(poolConfig(db.url));
  try {
    // Enough trajectories for the items: 3 criteria per rubric (the generator's) x 20 steps each.
    const trajectories = Math.max(1, Math.ceil(items / (3 * STEPS)));
    log(`agreement bench: database ${db.name}; ${trajectories} trajectories, ${items.toLocaleString('en')} items x ${JUDGES} judges`);
    const lines = generateTraces({
      seed: 77,
      queries: Math.max(1, Math.ceil(trajectories / 3)),
      trajectoriesPerQueryPerRun: 1,
      steps: { min: STEPS, max: STEPS },
      textSize: 'short',
      limit: trajectories,
    });
    const s = await ingestStream(
      Readable.from(
        (function* () {
          for (const l of lines) yield Buffer.from(JSON.stringify(l) + '\n');
        })(),
      ),
    );
    if (s.failed > 0) throw new Error(`agreement bench: ${s.failed} lines failed: ${JSON.stringify(s.errors).slice(0, 500)}`);
    await addJudgedItems(pool, items);
    await pool.query('VACUUM (ANALYZE)');
    const counts = (
      await pool.query<{ items: number; judgments: number; rubrics: number }>(
        `SELECT (SELECT count(DISTINCT item_id) FROM labels)::int AS items, (SELECT count(*) FROM judgments j WHERE j.item_id IN (SELECT item_id FROM labels))::int AS judgments,
                (SELECT count(DISTINCT rubric_id) FROM trajectories)::int AS rubrics`,
      )
    ).rows[0]!;
    log(`agreement bench: ${counts.items} labelled items, ${counts.judgments} judgments, ${counts.rubrics} rubrics`);
    const headers = (await benchApiKey('viewer', 'bench-agreement')).headers;
    const scenarios = [
      { name: 'agreement (pooled)', query: '' },
      { name: 'agreement by judge', query: '?by=judge' },
      { name: 'agreement by judge over weeks', query: '?by=judge&over=week' },
    ];
    for (const sc of scenarios) for (let i = 0; i < warmup; i++) await timeCall(sc.query, headers);
    const samples = new Samples();
    for (const sc of scenarios) samples.define(sc.name, { unit: 'ms', baseline: sc.query === '' ? undefined : scenarios[0]!.name });
    // Interleaved, so load on the shared machine falls on every scenario alike.
    for (let r = 0; r < requests; r++) {
      for (let k = 0; k < scenarios.length; k++) {
        const sc = scenarios[(k + r) % scenarios.length]!;
        samples.add(sc.name, await timeCall(sc.query, headers));
      }
    }
    const timings = scenarios.map((sc) => timing(sc.name, samples.values(sc.name)));
    for (const t of timings) log(`  ${t.name}: p50 ${t.p50_ms} ms, p95 ${t.p95_ms} ms`);
    fs.mkdirSync(OUT, { recursive: true });
    const explainFile = path.join(OUT, 'agreement-explain.txt');
    const { storedCellsQuery } = await import('@/lib/server/queries/agreement');
    const q = storedCellsQuery({}, null, true);
    // With the settings the route gives the query (countingRows in lib/server/queries/agreement.ts).
    const client = await pool.connect();
    let plan: pg.QueryResult;
    try {
      await client.query('BEGIN READ ONLY');
      await client.query("SET LOCAL jit = off; SET LOCAL work_mem = '64MB'");
      plan = await client.query({ text: `EXPLAIN (ANALYZE, BUFFERS) ${q.text}`, values: q.values as unknown[] });
      await client.query('COMMIT');
    } finally {
      client.release();
    }
    fs.writeFileSync(explainFile, `${q.text}\n\n${plan.rows.map((x: Record<string, string>) => x['QUERY PLAN']).join('\n')}\n`);
    const result: BenchAgreementResult = {
      items: counts.items,
      judgments: counts.judgments,
      judges: JUDGES,
      rubrics: counts.rubrics,
      timings,
      by_judge_p95_ratio: round(timings[1]!.p95_ms / timings[0]!.p95_ms, 3),
      series_p95_ratio: round(timings[2]!.p95_ms / timings[0]!.p95_ms, 3),
      explain_file: path.relative(process.cwd(), explainFile),
    };
    console.log(
      `\nagreement benchmark: ${counts.items.toLocaleString('en')} labelled items, ${JUDGES} judges, ${requests} requests per scenario; server time in-process`,
    );
    for (const t of timings) console.log(`  ${t.name.padEnd(32)} p50 ${String(t.p50_ms).padStart(8)} ms  p95 ${String(t.p95_ms).padStart(8)} ms`);
    console.log(`  by judge / pooled, p95: ${result.by_judge_p95_ratio}; EXPLAIN (ANALYZE, BUFFERS) of the cells query in ${result.explain_file}`);
    return { figures: result, samples };
  } finally {
    await pool.end();
    await closePool();
    if (opts.keep) log(`agreement bench: database kept: ${db.url}`);
    else await db.drop();
    await server.stop();
    restoreAuth();
    if (savedUrl === undefined) delete process.env.DATABASE_URL;
    else process.env.DATABASE_URL = savedUrl;
  }
}

const cliOptions = { items: numberArg('--items'), requests: numberArg('--requests'), keep: flagArg('--keep') };
runIfMain(import.meta.filename, 'agreement', cliOptions, () =>
  benchAgreement(flagArg('--quick') ? { items: 3_000, requests: 5, warmup: 1, keep: cliOptions.keep } : cliOptions),
);
