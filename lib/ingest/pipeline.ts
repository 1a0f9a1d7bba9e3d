// The ingest pipeline that both entry points (npm run ingest, POST /api/ingest) drive: bytes in,
// lines parsed and validated one by one, valid lines stored in batches (one transaction each), a
// summary out. Parsing of the next batch overlaps the database work of the previous one; at most two
// batches are in memory, so memory stays flat however large the input. A batch goes to the database
// as soon as the previous one is committed, once it holds MIN_BATCH_SHARE of the limits: the database
// does not wait for a full batch to be parsed, and batches are as large as parsing gets while the
// database works, up to the limits.
import type pg from 'pg';
import { getPool, withTransaction } from '@/lib/db/pool';
import { isConnectionError } from '@/lib/db/connection-errors';
import { costFigureProblem } from '@/lib/domain';
import { firstProblem } from '@/lib/schemas/trace';
import { parseTraceLine } from '@/lib/schemas/trace-fast';
import { decodedChunks, decodeUtf8, InputDecodeError, MAX_LINE_BYTES, splitLines } from './lines';
import { normalizeLine } from './normalize';
import { storeBatch, type BatchLine, type LineOutcome } from './store';

export interface LineError {
  line: number;
  id: string | null;
  path: string;
  message: string;
}

export interface IngestSummary {
  stored: number;
  unchanged: number;
  replaced: number;
  failed: number;
  errors: LineError[];
  /** Errors beyond maxErrors are counted here rather than listed. */
  errors_omitted: number;
  lines: number;
}

export interface IngestProgress {
  lines: number;
  bytes: number;
  stored: number;
  unchanged: number;
  replaced: number;
  failed: number;
}

export interface IngestOptions {
  replace?: boolean;
  pool?: pg.Pool;
  /** Limit on the decompressed input, in bytes (a gzip bomb stops here). */
  maxDecodedBytes?: number;
  maxLineBytes?: number;
  /** A batch is written once it holds this many steps or lines, whichever comes first. */
  batchSteps?: number;
  batchLines?: number;
  maxErrors?: number;
  onProgress?: (p: IngestProgress) => void;
}

const DEFAULTS = { batchSteps: 50_000, batchLines: 2_000, maxErrors: 1_000 };

/**
 * The least a batch holds, as a fraction of the limits (but the last one): the first batch is this
 * size, since nothing is stored while it is parsed.
 */
const MIN_BATCH_SHARE = 1 / 8;

/**
 * Parsing gives way to the event loop this often (ms), so that the database's answers to the batch
 * being written are read within about this long: each statement of a batch waits for one.
 */
const PARSE_SLICE_MS = 1;

/** Steps per batch (one transaction): ROUTELENS_INGEST_BATCH_STEPS, else 50,000. */
function defaultBatchSteps(): number {
  const v = Number(process.env.ROUTELENS_INGEST_BATCH_STEPS);
  return Number.isInteger(v) && v > 0 ? v : DEFAULTS.batchSteps;
}

export function emptySummary(): IngestSummary {
  return { stored: 0, unchanged: 0, replaced: 0, failed: 0, errors: [], errors_omitted: 0, lines: 0 };
}

function idOf(value: unknown): string | null {
  if (value && typeof value === 'object' && !Array.isArray(value)) {
    const id = (value as Record<string, unknown>).id;
    if (typeof id === 'string') return id.slice(0, 200);
  }
  return null;
}

const BLANK = /^[ \t\r]*$/;

/** Parses and validates one line; a LineError says why it cannot be stored. */
export function parseLine(lineNo: number, bytes: Buffer): BatchLine | LineError | null {
  let text: string;
  try {
    text = decodeUtf8(bytes);
  } catch {
    return { line: lineNo, id: null, path: '', message: 'the line is not valid UTF-8' };
  }
  if (BLANK.test(text)) return null;
  if (text.charCodeAt(0) === 0xfeff) {
    return { line: lineNo, id: null, path: '', message: 'the line starts with a byte-order mark, which trace files must not have' };
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    return { line: lineNo, id: null, path: '', message: `not valid JSON: ${(e as Error).message}` };
  }
  if (!value || typeof value !== 'object' || Array.isArray(value)) {
    return { line: lineNo, id: null, path: '', message: 'a line must be one JSON object (one trajectory)' };
  }
  const parsed = parseTraceLine(value);
  if (!parsed.success) {
    const p = firstProblem(parsed.error, value);
    return { line: lineNo, id: idOf(value), path: p.path, message: p.message };
  }
  // parsed.data is the parsed value itself when its keys come in the schema's order: then the content
  // hash can be taken of the bytes as read (normalizeLine).
  const norm = normalizeLine(parsed.data, { bytes, text, asParsed: parsed.data === value });
  const t = norm.trajectory;
  const cost = costFigureProblem(
    {
      steps: norm.steps,
      costUsd: t.costUsd,
      allLargestUsd: t.allLargestUsd,
      allLargestModel: t.allLargestModel,
    },
    (id) => parsed.data.models.findIndex((m) => m.id === id),
  );
  if (cost) return { line: lineNo, id: t.id, path: cost.path, message: cost.message };
  return { lineNo, norm };
}

export async function ingestStream(source: AsyncIterable<Uint8Array>, opts: IngestOptions = {}): Promise<IngestSummary> {
  const pool = opts.pool ?? getPool();
  const batchSteps = opts.batchSteps ?? defaultBatchSteps();
  const batchLines = opts.batchLines ?? DEFAULTS.batchLines;
  const maxErrors = opts.maxErrors ?? DEFAULTS.maxErrors;
  const summary = emptySummary();
  let bytes = 0;

  const fail = (e: LineError) => {
    summary.failed++;
    if (summary.errors.length < maxErrors) summary.errors.push(e);
    else summary.errors_omitted++;
  };
  const record = (o: LineOutcome) => {
    if (o.outcome === 'failed') fail({ line: o.lineNo, id: o.id, path: o.path, message: o.message });
    else summary[o.outcome]++;
  };
  const progress = () =>
    opts.onProgress?.({
      lines: summary.lines,
      bytes,
      stored: summary.stored,
      unchanged: summary.unchanged,
      replaced: summary.replaced,
      failed: summary.failed,
    });

  const write = async (lines: BatchLine[]): Promise<void> => {
    let outcomes: LineOutcome[];
    try {
      outcomes = await withTransaction((c) => storeBatch(c, lines, { replace: opts.replace ?? false }), pool);
    } catch (e) {
      if (isConnectionError(e)) throw e;
      // Something the checks did not foresee: store line by line, so only the guilty line fails.
      outcomes = [];
      for (const line of lines) {
        try {
          outcomes.push(...(await withTransaction((c) => storeBatch(c, [line], { replace: opts.replace ?? false }), pool)));
        } catch (err) {
          if (isConnectionError(err)) throw err;
          outcomes.push({
            lineNo: line.lineNo,
            id: line.norm.trajectory.id,
            outcome: 'failed',
            path: '',
            message: `the database refused the line: ${(err as Error).message}`,
          });
        }
      }
    }
    outcomes.sort((a, b) => a.lineNo - b.lineNo).forEach(record);
    progress();
  };

  let batch: BatchLine[] = [];
  let batchIds = new Set<string>();
  let steps = 0;
  const minSteps = Math.max(1, Math.ceil(batchSteps * MIN_BATCH_SHARE));
  const minLines = Math.max(1, Math.ceil(batchLines * MIN_BATCH_SHARE));
  let inFlight: Promise<void> = Promise.resolve();
  /** Whether a batch is being written (inFlight has not settled). */
  let writing = false;
  const flush = async () => {
    if (batch.length === 0) return;
    const lines = batch;
    batch = [];
    batchIds = new Set();
    steps = 0;
    await inFlight;
    writing = true;
    inFlight = write(lines).finally(() => (writing = false));
    // A rejected write must surface at the next await, not as an unhandled rejection.
    inFlight.catch(() => undefined);
  };

  const chunks = decodedChunks(source, { maxBytes: opts.maxDecodedBytes, onCompressedBytes: (n) => (bytes += n) });
  let lastLine = 0;
  // Parsing runs in microtasks that would starve the socket of the batch being written; a macrotask
  // turn every PARSE_SLICE_MS lets that write's round trips go on while the next batch is parsed.
  let turnAt = performance.now();
  try {
    for await (const raw of splitLines(chunks, opts.maxLineBytes ?? MAX_LINE_BYTES)) {
      lastLine = raw.lineNo;
      if (performance.now() - turnAt > PARSE_SLICE_MS) {
        await new Promise<void>((r) => setImmediate(r));
        turnAt = performance.now();
      }
      if (raw.tooLong !== undefined) {
        summary.lines++;
        fail({ line: raw.lineNo, id: null, path: '', message: `the line is ${raw.tooLong} bytes long; the limit is ${opts.maxLineBytes ?? MAX_LINE_BYTES}` });
        continue;
      }
      const r = parseLine(raw.lineNo, raw.bytes!);
      if (r === null) continue;
      summary.lines++;
      if ('message' in r) {
        fail(r);
        continue;
      }
      // The same trajectory twice in a batch is decided against the first one once it is stored.
      if (batchIds.has(r.norm.trajectory.id)) await flush();
      batch.push(r);
      batchIds.add(r.norm.trajectory.id);
      steps += r.norm.steps.length;
      const full = steps >= batchSteps || batch.length >= batchLines;
      if (full || (!writing && (steps >= minSteps || batch.length >= minLines))) await flush();
    }
  } catch (e) {
    if (!(e instanceof InputDecodeError)) {
      await flush().catch(() => undefined);
      await inFlight.catch(() => undefined);
      throw e;
    }
    summary.lines++;
    fail({ line: lastLine + 1, id: null, path: '', message: e.message });
  }
  await flush();
  await inFlight;
  summary.errors.sort((a, b) => a.line - b.line);
  return summary;
}
