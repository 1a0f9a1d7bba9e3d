import 'server-only';
// Rows out of PostgreSQL through `COPY (SELECT ...) TO STDOUT`: PostgreSQL's own fastest way out, with
// no per-row protocol message to parse into values on our side. The text format's rows arrive as
// bytes in chunks; each chunk handed out here ends at a row's end, so a row is never split. The kinds
// that read it (steps) turn those bytes into their format's bytes directly (copy-text.ts).
//
// COPY takes no bind parameters, so the statement's values are written into it as quoted literals
// (pg's own escapeLiteral over pg's own text form of each value). A quoted literal has no type until
// PostgreSQL infers one from where it stands, exactly as it infers a parameter's, so the statement
// means what the parameterized one means. This is the one place routelens puts values into SQL text.
import pg from 'pg';
import type { Sql } from '@/lib/server/sql';
import { CopyOutStream } from './copy-out';
import { prepareExportConnection, resetExportConnection } from './stream';

const { escapeLiteral } = pg;
/** How much of the COPY may be read ahead of the formatting (a Readable's default is 16 KB). */
const COPY_BUFFER_BYTES = 1 << 20;
/** pg's text form of a parameter value (arrays as array literals, dates, JSON), as it would send it. */
const { prepareValue } = (pg as unknown as { utils: { prepareValue(v: unknown): string | Buffer | null } }).utils;

/** The statement with each $n replaced by its value as a quoted literal (NULL for null). */
export function inlineValues(q: Sql): string {
  const values = q.values as unknown[];
  const used = new Set<number>();
  const text = q.text.replace(/\$(\d+)/g, (_m, d: string) => {
    const n = Number(d);
    if (n < 1 || n > values.length) throw new Error(`inlineValues: the statement names $${n} but has ${values.length} values`);
    used.add(n);
    const v = prepareValue(values[n - 1]);
    if (v === null || v === undefined) return 'NULL';
    if (typeof v !== 'string') throw new Error(`inlineValues: $${n} is binary, which a COPY statement cannot carry`);
    if (v.includes('\0')) throw new Error(`inlineValues: $${n} holds a NUL character`);
    return escapeLiteral(v);
  });
  if (used.size !== values.length) throw new Error(`inlineValues: ${values.length - used.size} values are not named by the statement`);
  return text;
}

/**
 * `text`: PostgreSQL's text format, chunks of whole rows each ending with "\n". `csv`: its CSV format,
 * whose rows may hold line breaks inside quotes, so each chunk is whole rows as framed messages (copy-out.ts).
 */
export type CopyFormat = 'text' | 'csv';

export interface CopyOut extends AsyncIterable<Uint8Array> {
  /** Stops the COPY (if still running) and gives the connection back; safe to call more than once. */
  close(): Promise<void>;
}

/**
 * Starts `COPY (q) TO STDOUT` on a connection of its own and waits for its first bytes, so that a
 * statement that fails or a database that is down fails the caller before anything has been sent.
 * The chunks are whole rows in `format` (CopyFormat). With `before`, the COPY runs in a
 * read-only REPEATABLE READ transaction that `before` starts with its own reads (one snapshot).
 */
export async function openCopyOut(
  pool: pg.Pool,
  q: Sql,
  comment: string,
  before?: (client: pg.PoolClient) => Promise<void>,
  format: CopyFormat = 'text',
): Promise<CopyOut> {
  const statement = `${comment} COPY (${inlineValues(q)}) TO STDOUT${format === 'csv' ? ' (FORMAT csv)' : ''}`;
  const client = await pool.connect();
  let failure: Error | undefined;
  // A connection that dies under the COPY must end whatever waits for its next chunk (see stream.ts).
  let interrupt: ((e: Error) => void) | null = null;
  const onClientError = (e: Error) => {
    failure ??= e;
    interrupt?.(e);
  };
  client.on('error', onClientError);
  try {
    await prepareExportConnection(client);
    if (before) {
      // What `before` reads and what the COPY reads come from one snapshot.
      await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
      await before(client);
    }
  } catch (e) {
    client.release(e as Error);
    throw e;
  }
  // A large buffer lets PostgreSQL keep writing while the last chunk is formatted.
  const stream = client.query(new CopyOutStream(statement, { highWaterMark: COPY_BUFFER_BYTES, framed: format === 'csv' }));
  let finished = false;
  stream.on('error', (e: Error) => (failure ??= e));
  stream.on('end', () => (finished = true));
  const chunks = (stream as AsyncIterable<Buffer>)[Symbol.asyncIterator]();
  const nextChunk = (): Promise<IteratorResult<Buffer>> =>
    failure
      ? Promise.reject(failure)
      : new Promise((resolve, reject) => {
          interrupt = reject;
          chunks.next().then(
            (v) => ((interrupt = null), resolve(v)),
            (e: unknown) => ((interrupt = null), reject(e)),
          );
        });

  let closing: Promise<void> | null = null;
  const close = (): Promise<void> =>
    (closing ??= (async () => {
      if (!finished && !failure) {
        // A COPY cannot be stopped half-way on its connection: the connection goes, and with it
        // the backend (its next write fails). The pool opens a fresh one when it needs it.
        failure = new Error('export closed before its end');
        stream.destroy();
      }
      if (!failure && before) await client.query('COMMIT').catch((e: Error) => (failure = e));
      if (!failure) await resetExportConnection(client).catch((e: Error) => (failure = e));
      if (!failure) client.removeListener('error', onClientError);
      client.release(failure);
    })());

  // The bytes of a row that a chunk ended in the middle of, and the whole rows after that row's end
  // in the chunk that finished it. The row is joined on its own: the rest of the chunk goes out as
  // it came, with no copy of the whole chunk made to put the row's head in front of it.
  let carry: Buffer | null = null;
  let after: Buffer | null = null;
  const whole = (chunk: Buffer): Uint8Array => new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.length);
  /** The next chunk that ends at a row's end, or null at the end of the COPY. */
  const nextWhole = async (): Promise<Uint8Array | null> => {
    if (format === 'csv') {
      // Framed chunks are whole messages already.
      const r = await nextChunk();
      if (!r.done) return whole(r.value);
      if (failure) throw failure;
      return null;
    }
    if (after) {
      const rest = after;
      after = null;
      const end = rest.lastIndexOf(10);
      carry = end + 1 < rest.length ? rest.subarray(end + 1) : null;
      if (end >= 0) return whole(rest.subarray(0, end + 1));
    }
    for (;;) {
      const r = await nextChunk();
      if (r.done) {
        if (failure) throw failure;
        if (carry && carry.length > 0) throw new Error('the COPY ended in the middle of a row');
        return null;
      }
      const chunk = r.value;
      if (carry) {
        const rowEnd = chunk.indexOf(10);
        if (rowEnd < 0) {
          carry = Buffer.concat([carry, chunk]);
          continue;
        }
        const row = Buffer.concat([carry, chunk.subarray(0, rowEnd + 1)]);
        carry = null;
        if (rowEnd + 1 < chunk.length) after = chunk.subarray(rowEnd + 1);
        return whole(row);
      }
      const end = chunk.lastIndexOf(10);
      if (end < 0) {
        carry = chunk;
        continue;
      }
      carry = end + 1 < chunk.length ? chunk.subarray(end + 1) : null;
      return whole(chunk.subarray(0, end + 1));
    }
  };

  let first: Uint8Array | null;
  try {
    first = await nextWhole();
  } catch (e) {
    await close();
    throw e;
  }
  let handedOut = false;
  return {
    close,
    async *[Symbol.asyncIterator]() {
      if (handedOut) throw new Error('a COPY is read once');
      handedOut = true;
      try {
        for (let c = first; c !== null; c = await nextWhole()) yield c;
        first = null;
      } finally {
        await close();
      }
    },
  };
}
