import 'server-only';
// One export, whatever its kind and format: open a cursor over the kind's statement, turn its rows
// into the kind's rows, write them in the format, count them. The three entry points (the API route,
// `npm run export`, the bench) all go through startExport.
import type pg from 'pg';
import { getPool } from '@/lib/db/pool';
import { raw, sql } from '@/lib/server/sql';
import { checkJudge } from '@/lib/server/view-settings';
import type { ExportFormat, ExportKind, ExportRequest } from '@/lib/schemas/exports';
import type { Batch, Column } from './columns';
import { csvHeader, csvRecordsEncoder } from './csv';
import { jsonLinesEncoder } from './jsonl';
import type { KindDefinition } from './kind';
import { labelsExport } from './labels';
import { buildManifest, MANIFEST_PARQUET_KEY, routelensVersion, type ExportManifest } from './manifest';
import { ParquetRowWriter } from './parquet';
import { preferencesExport } from './preferences';
import { stepsExport } from './steps';
import { stepwiseExport } from './stepwise';
import { openCursor, primed } from './stream';
import { tracesExport } from './traces';

export const KINDS: Record<ExportKind, KindDefinition<never>> = {
  traces: tracesExport,
  steps: stepsExport,
  stepwise: stepwiseExport,
  preferences: preferencesExport,
  labels: labelsExport,
};

/** Text is handed out in chunks of about this many characters: fewer, larger writes. */
const TEXT_CHUNK = 64 * 1024;

export interface ExportRun {
  manifest: ExportManifest;
  columns: Column[];
  /** The export's bytes, pulled; each pull reads only as many rows as it needs. */
  chunks: AsyncIterable<Uint8Array>;
  /** Rows written so far (all of them once `chunks` is done). */
  rows(): number;
  /** Stops early: closes the cursor and releases the connection. */
  close(): Promise<void>;
}

async function* textChunks(batches: AsyncIterable<Batch>, head: string, encode: (batch: Batch) => string, counter: { n: number }): AsyncGenerator<Uint8Array> {
  let buf = head;
  for await (const batch of batches) {
    buf += encode(batch);
    counter.n += batch.length;
    if (buf.length >= TEXT_CHUNK) {
      yield Buffer.from(buf, 'utf8');
      buf = '';
    }
  }
  if (buf.length > 0) yield Buffer.from(buf, 'utf8');
}

interface FormatOptions {
  parquetRowGroupRows?: number;
}

async function* parquetChunks(
  batches: AsyncIterable<Batch>,
  columns: Column[],
  manifest: ExportManifest,
  counter: { n: number },
  opts: FormatOptions,
): AsyncGenerator<Uint8Array> {
  const writer = new ParquetRowWriter(columns, `routelens version ${routelensVersion()}`, opts.parquetRowGroupRows);
  yield* writer.take();
  for await (const batch of batches) {
    writer.addBatch(batch);
    counter.n += batch.length;
    yield* writer.take();
  }
  writer.finish([{ key: MANIFEST_PARQUET_KEY, value: JSON.stringify({ ...manifest, rows: counter.n }) }]);
  yield* writer.take();
}

function formatted(
  format: ExportFormat,
  rows: AsyncIterable<Batch>,
  def: KindDefinition<never>,
  columns: Column[],
  manifest: ExportManifest,
  counter: { n: number },
  opts: FormatOptions,
) {
  switch (format) {
    case 'jsonl':
      return textChunks(rows, '', def.jsonLines ?? jsonLinesEncoder(columns), counter);
    case 'csv':
      return textChunks(rows, csvHeader(columns), csvRecordsEncoder(columns), counter);
    case 'parquet':
      return parquetChunks(rows, columns, manifest, counter, opts);
  }
}

/**
 * Starts an export: takes a connection and runs the statement up to its first rows before returning,
 * so that a database that is down or a statement that fails is an error here, before any byte goes
 * out; the rest is read as `chunks` is pulled.
 */
export async function startExport(req: ExportRequest, opts: { pool?: pg.Pool; now?: Date } & FormatOptions = {}): Promise<ExportRun> {
  const def = KINDS[req.kind];
  await checkJudge(req.settings.judge, opts.pool ?? getPool());
  const ctx = { filter: req.filter, settings: req.settings };
  const columns = def.columns(req.settings);
  const manifest = buildManifest(req, columns, opts.now);
  // The comment names the statement in pg_stat_activity and the server's logs.
  const statement = sql`${raw(`/* routelens export: ${req.kind} */`)} ${def.query(ctx)}`;
  const cursor = await openCursor<never>(opts.pool ?? getPool(), statement, { batchSize: def.batchSize, rowMode: def.rowMode });
  let source;
  try {
    source = await primed(cursor);
  } catch (e) {
    await cursor.close();
    throw e;
  }
  const counter = { n: 0 };
  return {
    manifest,
    columns,
    chunks: formatted(req.settings.format, def.rows(source, ctx), def, columns, manifest, counter, opts),
    rows: () => counter.n,
    close: () => cursor.close(),
  };
}
