// Export benchmark: N steps (default 1,000,000) exported as `steps` in JSON Lines and Parquet, each in
// a child process that writes to /dev/null and reports its rows per second, time to first byte and
// peak memory (sampled RSS and the kernel's maxRSS), against PostgreSQL's own
// `COPY (SELECT ...) TO STDOUT` of the stored columns that the export reads, in the same run.
//
//   npx tsx --conditions=react-server bench/export.ts [--steps N] [--rounds R]
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import { Readable } from 'node:stream';
import pg from 'pg';
import { to as copyTo } from 'pg-copy-streams';
import { closePool } from '@/lib/db/pool';
import { createTestDatabase, prepareTestServer } from '@/lib/db/testing';
import { generateTraces, serializeLine } from '@/lib/generate';
import { ingestStream } from '@/lib/ingest/pipeline';
import { isMain, numberArg, runIfMain } from './cli';
import { measureInterleaved, round, Samples, type BenchOutput } from './results';

const STEPS_PER_TRAJECTORY = 20;
const SAMPLE_MS = 20;

export interface ExportFigures {
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
  copy: { seconds: number; rowsPerSecond: number; bytes: number };
  jsonl: ExportFigures;
  parquet: ExportFigures;
}

/** The stored columns that the `steps` export reads, in its order; COPY cannot derive the rest. */
const COPY_SQL = `COPY (
  SELECT t.id, t.run_id, t.query_id, s.index, s.model, s.tokens_in, s.tokens_out, s.cost_usd,
         t.correct, t.process_score, t.cost_usd, t.all_largest_usd
    FROM trajectories t JOIN steps s ON s.trajectory_pk = t.pk
   ORDER BY t.pk, s.index) TO STDOUT`;

async function load(url: string, steps: number, log: (s: string) => void): Promise<number> {
  const trajectories = Math.max(1, Math.round(steps / STEPS_PER_TRAJECTORY));
  const lines = generateTraces({ seed: 3, limit: trajectories, steps: STEPS_PER_TRAJECTORY, textSize: 'short' });
  const bytes = Readable.from(
    (function* () {
      for (const line of lines) yield Buffer.from(serializeLine(line) + '\n');
    })(),
  );
  process.env.DATABASE_URL = url;
  const t0 = performance.now();
  const s = await ingestStream(bytes);
  await closePool();
  if (s.failed > 0 || s.stored !== trajectories) throw new Error(`ingest stored ${s.stored} of ${trajectories}`);
  log(`  ingested ${trajectories} trajectories in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  return trajectories;
}

async function copyOut(url: string): Promise<{ seconds: number; rows: number; bytes: number }> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const t0 = performance.now();
    let bytes = 0;
    let rows = 0;
    for await (const chunk of client.query(copyTo(COPY_SQL)) as AsyncIterable<Buffer>) {
      bytes += chunk.length;
      for (let i = chunk.indexOf(10); i !== -1; i = chunk.indexOf(10, i + 1)) rows++;
    }
    return { seconds: (performance.now() - t0) / 1000, rows, bytes };
  } finally {
    await client.end();
  }
}

interface ChildReport {
  seconds: number;
  rows: number;
  bytes: number;
  firstByteMs: number;
  peakRss: number;
  maxRss: number;
  baseRss: number;
}

/** Runs one export in a child process of its own, so that its memory is the export's alone. */
function exportInChild(url: string, format: 'jsonl' | 'parquet'): Promise<ChildReport> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', '--conditions=react-server', import.meta.filename, '--child', format], {
      env: { ...process.env, DATABASE_URL: url },
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

/** In the child: the export into /dev/null, with RSS sampled while it runs. */
async function child(format: 'jsonl' | 'parquet'): Promise<void> {
  const { startExport } = await import('@/lib/export/run');
  const { parseExportRequest } = await import('@/lib/schemas/exports');
  const { closePool: close } = await import('@/lib/db/pool');
  const baseRss = process.memoryUsage.rss();
  let peakRss = baseRss;
  const sampler = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage.rss())), SAMPLE_MS);
  const sink = fs.createWriteStream('/dev/null');
  const t0 = performance.now();
  let firstByteMs = -1;
  let bytes = 0;
  const run = await startExport(parseExportRequest('steps', new URLSearchParams({ format })));
  for await (const chunk of run.chunks) {
    if (firstByteMs < 0) firstByteMs = performance.now() - t0;
    bytes += chunk.length;
    if (!sink.write(chunk)) await new Promise<void>((r) => sink.once('drain', () => r()));
  }
  const seconds = (performance.now() - t0) / 1000;
  clearInterval(sampler);
  peakRss = Math.max(peakRss, process.memoryUsage.rss());
  sink.end();
  await close();
  const report: ChildReport = { seconds, rows: run.rows(), bytes, firstByteMs, peakRss, maxRss: process.resourceUsage().maxRSS * 1024, baseRss };
  process.stdout.write(JSON.stringify(report));
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
    const trajectories = await load(db.url, steps, log);
    await (async () => {
      const c = new pg.Client({ connectionString: db.url });
      await c.connect();
      await c.query('VACUUM ANALYZE');
      await c.end();
    })();
    const samples = new Samples();
    let copy = { seconds: Infinity, rows: 0, bytes: 0 };
    const best: Record<'jsonl' | 'parquet', ChildReport | null> = { jsonl: null, parquet: null };
    const runners = [
      {
        name: 'copy',
        run: async () => {
          const c = await copyOut(db.url);
          if (c.seconds < copy.seconds) copy = c;
          return c.seconds;
        },
      },
      ...(['jsonl', 'parquet'] as const).map((format) => ({
        name: format,
        baseline: 'copy',
        run: async () => {
          const e = await exportInChild(db.url, format);
          log(`  ${format.padEnd(7)} ${e.seconds.toFixed(2)} s  ${e.rows} rows  first byte ${e.firstByteMs.toFixed(0)} ms  peak RSS ${mb(e.peakRss)} MB`);
          samples.add(`${format} peak RSS`, mb(e.peakRss), { unit: 'MB' });
          samples.add(`${format} first byte`, e.firstByteMs, { unit: 'ms' });
          const prev = best[format];
          best[format] = prev === null ? e : { ...(e.seconds < prev.seconds ? e : prev), peakRss: Math.max(e.peakRss, prev.peakRss), maxRss: Math.max(e.maxRss, prev.maxRss) };
          return e.seconds;
        },
      })),
    ];
    await measureInterleaved(samples, rounds, runners, log);
    for (const format of ['jsonl', 'parquet'] as const) if (best[format]!.rows !== copy.rows) throw new Error(`${format} exported ${best[format]!.rows} rows, COPY ${copy.rows}`);
    const copyRate = copy.rows / samples.median('copy');
    const figures = (format: 'jsonl' | 'parquet'): ExportFigures => {
      const e = best[format]!;
      const seconds = samples.median(format);
      return {
        seconds: round(seconds),
        rowsPerSecond: Math.round(e.rows / seconds),
        ratioToCopy: round(samples.ratio(format)),
        firstByteMs: Math.round(samples.median(`${format} first byte`)),
        bytes: e.bytes,
        peakRssMb: Math.max(...samples.values(`${format} peak RSS`)),
        maxRssMb: mb(e.maxRss),
        baseRssMb: mb(e.baseRss),
      };
    };
    return {
      figures: {
        steps: copy.rows,
        trajectories,
        copy: { seconds: round(samples.median('copy')), rowsPerSecond: Math.round(copyRate), bytes: copy.bytes },
        jsonl: figures('jsonl'),
        parquet: figures('parquet'),
      },
      samples,
    };
  } finally {
    await closePool();
    await db.drop();
    await server.stop();
  }
}


if (isMain(import.meta.filename)) {
  const childAt = process.argv.indexOf('--child');
  if (childAt >= 0) {
    child(process.argv[childAt + 1] as 'jsonl' | 'parquet').then(
      () => process.exit(0),
      (e: unknown) => {
        console.error(e);
        process.exit(1);
      },
    );
  } else {
    const cliOptions = { steps: numberArg('--steps'), rounds: numberArg('--rounds') };
    runIfMain(import.meta.filename, 'export', cliOptions, () => benchExport(cliOptions));
  }
}
