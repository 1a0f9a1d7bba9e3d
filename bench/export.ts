// Export benchmark: N steps (default 1,000,000; 20 per trajectory, with human labels on 7% of the
// judgments so that the label lookups run) exported as `steps` in JSON Lines, CSV and Parquet, each in
// a child process (bench/export-child.ts, bundled as Next bundles the server that runs the export
// route) that writes to /dev/null and reports its rows per second, time to first byte and
// peak memory (sampled RSS and the kernel's maxRSS), against PostgreSQL's own
// `COPY (SELECT ...) TO STDOUT` of the stored columns that the export reads (text format; CSV format
// for the CSV export), in the same run, in alternating rounds. The columns the export derives
// (cumulative cost, rubric score, reward, routing figures) have no stored column for COPY to read.
//
//   npx tsx --conditions=react-server bench/export.ts [--steps N] [--rounds R]
import { spawn } from 'node:child_process';
import path from 'node:path';
import { Readable } from 'node:stream';
import { build } from 'esbuild';
import pg from 'pg';
import { to as copyTo } from 'pg-copy-streams';
import { closePool } from '@/lib/db/pool';
import { createTestDatabase, prepareTestServer } from '@/lib/db/testing';
import { generateTraces, serializeLine } from '@/lib/generate';
import { withHumanLabels } from './data';
import { ingestStream } from '@/lib/ingest/pipeline';
import { numberArg, runIfMain } from './cli';
import type { ChildReport } from './export-child';
import { measureInterleaved, round, Samples, type BenchOutput } from './results';

const STEPS_PER_TRAJECTORY = 20;

type Format = 'jsonl' | 'csv' | 'parquet';
const FORMATS: Format[] = ['jsonl', 'csv', 'parquet'];
/** Each format's goal, as its speed over its baseline's (issue 14). */
export const GOALS: Record<Format, number> = { jsonl: 0.6, csv: 0.8, parquet: 0.4 };
export const RSS_GOAL_MB = 300;
/** The share of judgments that people labelled. */
const LABELLED_SHARE = 0.07;

export interface ExportFigures {
  /** Which COPY this format is measured against. */
  baseline: 'copy text' | 'copy csv';
  goal: number;
  meets_goal: boolean;
  seconds: number;
  rowsPerSecond: number;
  /** rowsPerSecond / COPY's rows per second. */
  ratioToCopy: number;
  firstByteMs: number;
  bytes: number;
  /** Peak resident memory of the exporting process, sampled every 20 ms. */
  peakRssMb: number;
  /** The kernel's high-water mark (process.resourceUsage().maxRSS). */
  maxRssMb: number;
  /** Resident memory after start-up, before the export began. */
  baseRssMb: number;
}

export interface ExportBenchResult {
  steps: number;
  trajectories: number;
  rounds: number;
  labels: { judgments: number; labelled: number; labels: number };
  copy: { seconds: number; rowsPerSecond: number; bytes: number };
  copyCsv: { seconds: number; rowsPerSecond: number; bytes: number };
  jsonl: ExportFigures;
  csv: ExportFigures;
  parquet: ExportFigures;
}

/** The stored columns that the `steps` export reads, in its order, per step; COPY cannot derive the rest. */
const SELECT = `SELECT t.id, t.run_id, t.query_id, s.index, s.model, s.text, s.tokens_in, s.tokens_out, s.latency_ms, s.router -> 'probs', s.cost_usd,
         t.correct, t.process_score, t.cost_usd, t.all_largest_usd
    FROM trajectories t JOIN steps s ON s.trajectory_pk = t.pk
   ORDER BY t.pk, s.index`;
const COPY_SQL = { text: `COPY (${SELECT}) TO STDOUT`, csv: `COPY (${SELECT}) TO STDOUT (FORMAT csv)` };

async function load(url: string, steps: number, log: (s: string) => void): Promise<{ trajectories: number; labels: ExportBenchResult['labels'] }> {
  const trajectories = Math.max(1, Math.round(steps / STEPS_PER_TRAJECTORY));
  const { lines, counts } = withHumanLabels(generateTraces({ seed: 3, limit: trajectories, steps: STEPS_PER_TRAJECTORY }), LABELLED_SHARE);
  const bytes = Readable.from(
    (function* () {
      for (const line of lines) yield Buffer.from(serializeLine(line) + '\n');
    })(),
  );
  process.env.DATABASE_URL = url;
  const t0 = performance.now();
  const s = await ingestStream(bytes);
  await closePool();
  if (s.failed > 0 || s.stored !== trajectories) throw new Error(`ingest stored ${s.stored} of ${trajectories}: ${JSON.stringify(s.errors.slice(0, 2))}`);
  log(
    `  ingested ${trajectories} trajectories in ${((performance.now() - t0) / 1000).toFixed(1)} s; ${counts.labelled} of ${counts.judgments} judgments labelled`,
  );
  return { trajectories, labels: counts };
}

async function copyOut(url: string, sqlText: string): Promise<{ seconds: number; rows: number; bytes: number }> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    // As the export's connection is set (stream.ts): doubles as their shortest exact text, no JIT.
    await client.query('SET jit = off; SET extra_float_digits = 3');
    const t0 = performance.now();
    let bytes = 0;
    const stream = client.query(copyTo(sqlText));
    for await (const chunk of stream as AsyncIterable<Buffer>) bytes += chunk.length;
    const seconds = (performance.now() - t0) / 1000;
    // The count COPY reports (CSV rows may hold line breaks), known once its command has completed.
    await client.query('SELECT 1');
    return { seconds, rows: stream.rowCount, bytes };
  } finally {
    await client.end();
  }
}

/**
 * The child's bundle: routelens's code compiled into one module with the react-server conditions, as
 * Next compiles the server that runs the export route (its packages stay imports, as Next's server
 * keeps them). Run through tsx instead, the child carried tsx and esbuild (40 MB more resident memory)
 * and each module's own transform.
 */
async function childBundle(): Promise<string> {
  const out = path.join(import.meta.dirname, 'out', 'export-child.mjs');
  await build({
    entryPoints: [path.join(import.meta.dirname, 'export-child.ts')],
    outfile: out,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    packages: 'external',
    conditions: ['react-server'],
    tsconfig: path.join(import.meta.dirname, '..', 'tsconfig.json'),
    logLevel: 'warning',
  });
  return out;
}

/** Runs one export in a child process of its own, so that its memory is the export's alone. */
function exportInChild(bundle: string, url: string, format: Format): Promise<ChildReport> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--conditions=react-server', bundle, format], {
      env: { ...process.env, DATABASE_URL: url, NODE_ENV: 'production' },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.on('error', reject);
    child.on('exit', (code) => {
      if (code !== 0) return reject(new Error(`export child (${format}) exited with ${code}`));
      try {
        resolve(JSON.parse(out) as ChildReport);
      } catch (e) {
        reject(e as Error);
      }
    });
  });
}

const mb = (bytes: number) => Math.round((bytes / 2 ** 20) * 10) / 10;

export async function benchExport(opts: { steps?: number; rounds?: number; log?: (s: string) => void } = {}): Promise<BenchOutput<ExportBenchResult>> {
  const steps = opts.steps ?? 1_000_000;
  const rounds = opts.rounds ?? 3;
  const log = opts.log ?? ((s: string) => console.error(s));
  const server = await prepareTestServer();
  const db = await createTestDatabase(server.adminUrl, server.template, 'benchexport');
  try {
    log(`export bench: ${steps} steps (${STEPS_PER_TRAJECTORY} per trajectory)`);
    const { trajectories, labels } = await load(db.url, steps, log);
    await (async () => {
      const c = new pg.Client({ connectionString: db.url });
      await c.connect();
      await c.query('VACUUM ANALYZE');
      await c.end();
    })();
    const bundle = await childBundle();
    const samples = new Samples();
    const copies = { 'copy text': { seconds: Infinity, rows: 0, bytes: 0 }, 'copy csv': { seconds: Infinity, rows: 0, bytes: 0 } };
    const last: Partial<Record<Format, ChildReport>> = {};
    const baselineOf: Record<Format, 'copy text' | 'copy csv'> = { jsonl: 'copy text', csv: 'copy csv', parquet: 'copy text' };
    const runners = [
      ...(['copy text', 'copy csv'] as const).map((name) => ({
        name,
        run: async () => {
          const c = await copyOut(db.url, name === 'copy text' ? COPY_SQL.text : COPY_SQL.csv);
          if (c.seconds < copies[name].seconds) copies[name] = c;
          return c.seconds;
        },
      })),
      ...FORMATS.map((format) => ({
        name: format,
        baseline: baselineOf[format],
        run: async () => {
          const e = await exportInChild(bundle, db.url, format);
          log(`  ${format.padEnd(7)} ${e.seconds.toFixed(2)} s  ${e.rows} rows  first byte ${e.firstByteMs.toFixed(0)} ms  peak RSS ${mb(e.peakRss)} MB`);
          samples.add(`${format} peak RSS`, mb(Math.max(e.peakRss, e.maxRss)), { unit: 'MB' });
          samples.add(`${format} first byte`, e.firstByteMs, { unit: 'ms' });
          last[format] = e;
          return e.seconds;
        },
      })),
    ];
    await measureInterleaved(samples, rounds, runners, log);
    const rows = copies['copy text'].rows;
    if (copies['copy csv'].rows !== rows) throw new Error(`COPY csv wrote ${copies['copy csv'].rows} rows, COPY text ${rows}`);
    for (const format of FORMATS) if (last[format]!.rows !== rows) throw new Error(`${format} exported ${last[format]!.rows} rows, COPY ${rows}`);
    const figures = (format: Format): ExportFigures => {
      const e = last[format]!;
      const seconds = samples.median(format);
      const ratio = round(samples.ratio(format));
      const peak = Math.max(...samples.values(`${format} peak RSS`));
      return {
        baseline: baselineOf[format],
        goal: GOALS[format],
        meets_goal: ratio >= GOALS[format] && peak < RSS_GOAL_MB,
        seconds: round(seconds),
        rowsPerSecond: Math.round(e.rows / seconds),
        ratioToCopy: ratio,
        firstByteMs: Math.round(samples.median(`${format} first byte`)),
        bytes: e.bytes,
        peakRssMb: peak,
        maxRssMb: mb(e.maxRss),
        baseRssMb: mb(e.baseRss),
      };
    };
    const copyFigures = (name: 'copy text' | 'copy csv') => ({
      seconds: round(samples.median(name)),
      rowsPerSecond: Math.round(rows / samples.median(name)),
      bytes: copies[name].bytes,
    });
    const out: ExportBenchResult = {
      steps: rows,
      trajectories,
      rounds,
      labels,
      copy: copyFigures('copy text'),
      copyCsv: copyFigures('copy csv'),
      jsonl: figures('jsonl'),
      csv: figures('csv'),
      parquet: figures('parquet'),
    };
    for (const f of FORMATS) log(`export ${f}: ${out[f].ratioToCopy} of ${out[f].baseline} (goal ${GOALS[f]}), peak RSS ${out[f].peakRssMb} MB`);
    return { figures: out, samples };
  } finally {
    await closePool();
    await db.drop();
    await server.stop();
  }
}

const cliOptions = { steps: numberArg('--steps'), rounds: numberArg('--rounds') };
runIfMain(import.meta.filename, 'export', cliOptions, () => benchExport(cliOptions));
