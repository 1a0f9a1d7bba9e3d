// Ingest benchmark: N generated trajectories (default 10,000 of 50 steps, with rubrics and judgments)
// through the whole pipeline (parse, validate, normalize, store), against loading the same rows into
// the same tables with COPY from pre-rendered files, in the same run on the same server: interleaved
// rounds (a fresh database each), the ratio the median of the rounds' ratios.
import fs from 'node:fs';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { closePool } from '@/lib/db/pool';
import { createTestDatabase, prepareTestServer } from '@/lib/db/testing';
import { generateTraces, serializeLine } from '@/lib/generate';
import { normalizeLine, type NormalizedLine } from '@/lib/ingest/normalize';
import { ingestStream } from '@/lib/ingest/pipeline';
import { copyNumber, copyText } from '@/lib/ingest/copy';
import {
  ITEM_COLUMNS,
  JUDGMENT_COLUMNS,
  STEP_COLUMNS,
  TRAJECTORY_COLUMNS,
  itemCopyRows,
  judgmentCopyRows,
  stepCopyRows,
  trajectoryCopyRows,
  withItemIds,
} from '@/lib/ingest/store';
import { traceLineSchema } from '@/lib/schemas/trace';
import { numberArg, runIfMain } from './cli';
import { measureInterleaved, round, Samples, type BenchOutput } from './results';

const OUT = path.join(import.meta.dirname, 'out');

export interface IngestBenchResult {
  trajectories: number;
  stepsPerTrajectory: number;
  steps: number;
  judgments: number;
  fileBytes: number;
  pipelineSeconds: number;
  copySeconds: number;
  pipelineStepsPerSecond: number;
  copyStepsPerSecond: number;
  /** Median over the rounds of COPY's time / the pipeline's (1 = as fast as COPY). */
  ratio: number;
  rounds: number;
}

interface CopyFile {
  table: string;
  columns: readonly string[];
  file: string;
}

function writeLines(file: string, rows: Iterable<string>): void {
  const fd = fs.openSync(file, 'w');
  let buf = '';
  for (const r of rows) {
    buf += r + '\n';
    if (buf.length > 1 << 20) {
      fs.writeSync(fd, buf);
      buf = '';
    }
  }
  if (buf) fs.writeSync(fd, buf);
  fs.closeSync(fd);
}

/** The rows the pipeline would write, rendered once as COPY text files (not timed). */
function renderCopyFiles(lines: NormalizedLine[], dir: string): CopyFile[] {
  const items = withItemIds(
    lines.map((norm, i) => ({ pk: i + 1, norm })),
    1,
  ).lines;
  const models = new Map<string, NormalizedLine['models'][number]>();
  const runs = new Map<string, NormalizedLine['run']>();
  const queries = new Map<string, NormalizedLine['query']>();
  const rubrics = new Map<string, NonNullable<NormalizedLine['rubric']>>();
  for (const n of lines) {
    for (const m of n.models) models.set(m.id, m);
    runs.set(n.run.id, n.run);
    queries.set(n.query.id, n.query);
    if (n.rubric) rubrics.set(n.rubric.id, n.rubric);
  }
  const files: CopyFile[] = [
    {
      table: 'models',
      columns: ['id', 'params_b', 'usd_per_mtok_in', 'usd_per_mtok_out', 'content_hash'],
      file: 'models.tsv',
    },
    { table: 'runs', columns: ['id', 'policy', 'meta', 'content_hash'], file: 'runs.tsv' },
    { table: 'queries', columns: ['id', 'benchmark', 'text', 'reference_answer', 'content_hash'], file: 'queries.tsv' },
    { table: 'rubrics', columns: ['id', 'generator', 'content_hash'], file: 'rubrics.tsv' },
    { table: 'criteria', columns: ['rubric_id', 'id', 'position', 'text', 'weight', 'kind', 'scale_min', 'scale_max'], file: 'criteria.tsv' },
    { table: 'trajectories', columns: TRAJECTORY_COLUMNS, file: 'trajectories.tsv' },
    { table: 'steps', columns: STEP_COLUMNS, file: 'steps.tsv' },
    { table: 'items', columns: ITEM_COLUMNS, file: 'items.tsv' },
    { table: 'judgments', columns: JUDGMENT_COLUMNS, file: 'judgments.tsv' },
  ];
  const rows: Record<string, Iterable<string>> = {
    models: [...models.values()].map((m) => [copyText(m.id), copyNumber(m.paramsB), m.usdPerMtokIn, m.usdPerMtokOut, copyText(m.hash)].join('\t')),
    runs: [...runs.values()].map((r) => [copyText(r.id), copyText(r.policy), copyText(r.meta), copyText(r.hash)].join('\t')),
    queries: [...queries.values()].map((q) =>
      [copyText(q.id), copyText(q.benchmark), copyText(q.text), copyText(q.referenceAnswer), copyText(q.hash)].join('\t'),
    ),
    rubrics: [...rubrics.values()].map((r) => [copyText(r.id), copyText(r.generator), copyText(r.hash)].join('\t')),
    criteria: [...rubrics.values()].flatMap((r) =>
      r.criteria.map((c) =>
        [copyText(r.id), copyText(c.id), c.position, copyText(c.text), c.weight, c.kind, copyNumber(c.scaleMin), copyNumber(c.scaleMax)].join('\t'),
      ),
    ),
    trajectories: trajectoryCopyRows(items),
    steps: stepCopyRows(items),
    items: itemCopyRows(items),
    judgments: judgmentCopyRows(items),
  };
  for (const f of files) {
    f.file = path.join(dir, f.file);
    writeLines(f.file, rows[f.table]!);
  }
  return files;
}

async function copyLoad(url: string, files: CopyFile[]): Promise<number> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const t0 = performance.now();
    await client.query('BEGIN');
    for (const f of files) {
      const sink = client.query(copyFrom(`COPY ${f.table} (${f.columns.map((c) => `"${c}"`).join(', ')}) FROM STDIN`));
      await pipeline(fs.createReadStream(f.file, { highWaterMark: 1 << 20 }), sink);
    }
    await client.query('COMMIT');
    return (performance.now() - t0) / 1000;
  } finally {
    await client.end();
  }
}

export async function benchIngest(
  opts: { trajectories?: number; steps?: number; rounds?: number; log?: (s: string) => void } = {},
): Promise<BenchOutput<IngestBenchResult>> {
  const n = opts.trajectories ?? 10_000;
  const stepsPer = opts.steps ?? 50;
  const rounds = opts.rounds ?? 3;
  const log = opts.log ?? ((s: string) => console.error(s));
  fs.mkdirSync(OUT, { recursive: true });
  const dir = fs.mkdtempSync(path.join(OUT, 'ingest-'));
  const file = path.join(dir, 'traces.jsonl');

  log(`ingest bench: generating ${n} trajectories x ${stepsPer} steps ...`);
  const queries = Math.max(1, Math.ceil(n / 3));
  const normalized: NormalizedLine[] = [];
  {
    const fd = fs.openSync(file, 'w');
    let buf = '';
    for (const line of generateTraces({ seed: 7, queries, limit: n, steps: stepsPer, judgmentsPerTrajectory: { min: 4, max: 10 } })) {
      const text = serializeLine(line);
      buf += text + '\n';
      normalized.push(normalizeLine(traceLineSchema.parse(JSON.parse(text))));
      if (buf.length > 1 << 20) {
        fs.writeSync(fd, buf);
        buf = '';
      }
    }
    fs.writeSync(fd, buf);
    fs.closeSync(fd);
  }
  const fileBytes = fs.statSync(file).size;
  const steps = normalized.reduce((a, l) => a + l.steps.length, 0);
  const judgments = normalized.reduce((a, l) => a + l.judgments.length, 0);
  const files = renderCopyFiles(normalized, dir);
  normalized.length = 0;

  const server = await prepareTestServer();
  const savedUrl = process.env.DATABASE_URL;
  const samples = new Samples();
  try {
    await measureInterleaved(
      samples,
      rounds,
      [
        {
          name: 'copy',
          run: async () => {
            const b = await createTestDatabase(server.adminUrl, server.template, 'benchcopy');
            try {
              return await copyLoad(b.url, files);
            } finally {
              await b.drop();
            }
          },
        },
        {
          name: 'pipeline',
          baseline: 'copy',
          run: async () => {
            const a = await createTestDatabase(server.adminUrl, server.template, 'benchpipe');
            try {
              process.env.DATABASE_URL = a.url;
              const t0 = performance.now();
              const s = await ingestStream(fs.createReadStream(file, { highWaterMark: 1 << 20 }));
              const secs = (performance.now() - t0) / 1000;
              await closePool();
              if (s.failed > 0 || s.stored !== n) throw new Error(`pipeline stored ${s.stored} of ${n}: ${JSON.stringify(s.errors.slice(0, 3))}`);
              return secs;
            } finally {
              process.env.DATABASE_URL = savedUrl;
              await a.drop();
            }
          },
        },
      ],
      log,
    );
  } finally {
    process.env.DATABASE_URL = savedUrl;
    await server.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  }
  const pipelineSeconds = samples.median('pipeline');
  const copySeconds = samples.median('copy');
  const figures: IngestBenchResult = {
    trajectories: n,
    stepsPerTrajectory: stepsPer,
    steps,
    judgments,
    fileBytes,
    rounds,
    pipelineSeconds: round(pipelineSeconds, 3),
    copySeconds: round(copySeconds, 3),
    pipelineStepsPerSecond: Math.round(steps / pipelineSeconds),
    copyStepsPerSecond: Math.round(steps / copySeconds),
    ratio: round(samples.ratio('pipeline'), 3),
  };
  log(`ingest: pipeline ${figures.pipelineSeconds} s, COPY ${figures.copySeconds} s (medians of ${rounds}); ratio ${figures.ratio}`);
  return { figures, samples };
}

const cliOptions = { trajectories: numberArg('--trajectories'), steps: numberArg('--steps'), rounds: numberArg('--rounds') };
runIfMain(import.meta.filename, 'ingest', cliOptions, () => benchIngest(cliOptions));
