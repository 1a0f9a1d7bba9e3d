import 'server-only';
// One export, whatever its kind and format: open a cursor over the kind's statement, turn its rows
// into the kind's rows, write them in the format, count them. The three entry points (the API route,
// `npm run export`, the bench) all go through startExport.
import type pg from 'pg';
import { getPool } from '@/lib/db/pool';
import { raw, sql } from '@/lib/server/sql';
import { checkJudge } from '@/lib/server/view-settings';
import { checkFilterRun } from '@/lib/server/queries/filter-values';
import type { ExportFormat, ExportKind, ExportRequest } from '@/lib/schemas/exports';
import type { Batch, Column } from './columns';
import { csvHeader, csvRecordsEncoder } from './csv';
import { jsonLinesEncoder } from './jsonl';
import { openCopyOut, type CopyOut } from './copy';
import { ByteSink } from './copy-text';
import type { CopyEncoder, CopyKindDefinition, KindDefinition } from './kind';
import { labelsExport } from './labels';
import { buildManifest, MANIFEST_PARQUET_KEY, routelensVersion, type ExportManifest } from './manifest';
import { ParquetRowWriter } from './parquet';
import { preferencesExport } from './preferences';
import { stepsExport } from './steps';
import { stepwiseExport } from './stepwise';
import { openCursor, primed } from './stream';
import { tracesExport } from './traces';

export const KINDS: Record<ExportKind, KindDefinition<never> | CopyKindDefinition> = {
  traces: tracesExport,
  steps: stepsExport,
  stepwise: stepwiseExport,
  preferences: preferencesExport,
  labels: labelsExport,
};

/** Text is handed out in chunks of about this many characters: fewer, larger writes. */
const TEXT_CHUNK = 64 * 1024;
/** Bytes made from COPY rows go out in chunks of about this many bytes. */
const COPY_CHUNK = 256 * 1024;

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

async function* copyTextChunks(
  copy: CopyOut,
  head: string,
  encoder: Extract<CopyEncoder, { text: unknown }>,
  counter: { n: number },
): AsyncGenerator<Uint8Array> {
  const sink = new ByteSink(COPY_CHUNK + (COPY_CHUNK >> 1));
  sink.text(head);
  for await (const chunk of copy) {
    counter.n += encoder.text(chunk, sink);
    if (sink.length >= COPY_CHUNK) yield sink.take();
  }
  if (sink.length > 0) yield sink.take();
}

async function* copyBatches(copy: CopyOut, encoder: Extract<CopyEncoder, { batches: unknown }>): AsyncGenerator<Batch> {
  for await (const chunk of copy) yield* encoder.batches(chunk);
  yield* encoder.finish();
}

interface FormatOptions {
  parquetRowGroupRows?: number;
}

/**
 * Parquet of any source: each item feeds the writer (a batch of rows, or a COPY chunk that a kind such
 * as steps writes into the writer's cells itself) and says how many rows it added.
 */
async function* parquetChunks<T>(
  source: AsyncIterable<T>,
  add: (writer: ParquetRowWriter, item: T) => number,
  columns: Column[],
  manifest: ExportManifest,
  counter: { n: number },
  opts: FormatOptions,
): AsyncGenerator<Uint8Array> {
  const writer = new ParquetRowWriter(columns, `routelens version ${routelensVersion()}`, opts.parquetRowGroupRows);
  yield* writer.take();
  for await (const item of source) {
    counter.n += add(writer, item);
    yield* writer.take();
  }
  writer.finish([{ key: MANIFEST_PARQUET_KEY, value: JSON.stringify({ ...manifest, rows: counter.n }) }]);
  yield* writer.take();
}

const addBatch = (writer: ParquetRowWriter, batch: Batch): number => {
  writer.addBatch(batch);
  return batch.length;
};

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
      return parquetChunks(rows, addBatch, columns, manifest, counter, opts);
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
  // A mistyped run id is a 400 naming the runs, not an empty file that looks like a result.
  await checkFilterRun(req.filter, opts.pool ?? getPool());
  const ctx = { filter: req.filter, settings: req.settings, trajectories: req.trajectories };
  const columns = def.columns(req.settings);
  const manifest = buildManifest(req, columns, opts.now);
  if ('check' in def) await def.check?.(ctx, opts.pool ?? getPool());
  const counter = { n: 0 };
  // The comment names the statement in pg_stat_activity and the server's logs.
  const comment = `/* routelens export: ${req.kind} */`;
  const pool = opts.pool ?? getPool();
  if ('copyQuery' in def) {
    let prefetched: unknown;
    const prefetch = def.prefetch;
    const copy = await openCopyOut(
      pool,
      def.copyQuery(ctx),
      comment,
      prefetch && (async (client) => void (prefetched = await prefetch(client, ctx))),
      def.copyFormat?.(ctx),
    );
    const encoder = def.encoder(ctx, columns, prefetched);
    const format = req.settings.format;
    const chunks =
      'text' in encoder
        ? copyTextChunks(copy, format === 'csv' ? csvHeader(columns) : '', encoder, counter)
        : 'parquet' in encoder
          ? parquetChunks(copy, (writer, chunk) => encoder.parquet(chunk, writer), columns, manifest, counter, opts)
          : parquetChunks(copyBatches(copy, encoder), addBatch, columns, manifest, counter, opts);
    return { manifest, columns, chunks, rows: () => counter.n, close: () => copy.close() };
  }
  const statement = sql`${raw(comment)} ${def.query(ctx)}`;
  const cursor = await openCursor<never>(pool, statement, { batchSize: def.batchSize, rowMode: def.rowMode });
  let source;
  try {
    source = await primed(cursor);
  } catch (e) {
    await cursor.close();
    throw e;
  }
  return {
    manifest,
    columns,
    chunks: formatted(req.settings.format, def.rows(source, ctx), def, columns, manifest, counter, opts),
    rows: () => counter.n,
    close: () => cursor.close(),
  };
}
