// PostgreSQL COPY text format: one row per line, columns separated by tabs, \N for null.
import type pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { numberText } from '@/lib/domain/number-text';

const SPECIAL = /[\\\n\r\t]/;

export function copyText(v: string | null): string {
  if (v === null) return '\\N';
  if (!SPECIAL.test(v)) return v;
  return v.replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/\r/g, '\\r').replace(/\t/g, '\\t');
}

export function copyNumber(v: number | null): string {
  return v === null ? '\\N' : numberText(v);
}

/** An int[] literal for COPY: {1,2,3}. */
export function copyIntArray(v: readonly number[]): string {
  return `{${v.join(',')}}`;
}

/** A float8[] literal for COPY, NULL for a null element: {0.5,NULL,1e-7}. */
export function copyDoubleArray(v: readonly (number | null)[]): string {
  let out = '{';
  for (let i = 0; i < v.length; i++) {
    const x = v[i]!;
    out += (i > 0 ? ',' : '') + (x === null ? 'NULL' : numberText(x));
  }
  return out + '}';
}

/** A text[] literal for COPY. Elements are quoted, so any id survives. */
export function copyTextArray(v: readonly string[]): string {
  const inner = v.map((s) => `"${s.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`).join(',');
  return copyText(`{${inner}}`);
}

/** `COPY table (columns) FROM STDIN<options>` on the client, and a promise of its end (or its error). */
function copyIn(client: pg.PoolClient, table: string, columns: readonly string[], options: string) {
  const stream = client.query(copyFrom(`COPY ${table} (${columns.map((c) => `"${c}"`).join(', ')}) FROM STDIN${options}`));
  const done = new Promise<void>((resolve, reject) => {
    stream.on('finish', () => resolve());
    stream.on('error', reject);
  });
  return { stream, done };
}

/** Bytes of COPY data sent at a time: the first chunk, and the most. */
const FIRST_CHUNK_BYTES = 1 << 15;
const CHUNK_BYTES = 1 << 20;
/** Room past CHUNK_BYTES, so that most rows fit in the chunk they start in. */
const SLACK_BYTES = 1 << 16;

/**
 * Streams rows into `COPY table (columns) FROM STDIN` on the given client (inside the caller's
 * transaction). rows yields lines already in COPY text format, without their "\n". Each row is
 * written as UTF-8 straight into the chunk being filled (no string of the whole chunk, no second
 * copy when it is sent); a chunk goes to the stream once full, and a fresh one is filled meanwhile.
 */
export async function copyRows(client: pg.PoolClient, table: string, columns: readonly string[], rows: Iterable<string>): Promise<number> {
  const { stream, done } = copyIn(client, table, columns, '');
  // The first chunk is small, so that PostgreSQL has rows to work on as soon as the COPY starts
  // rather than after a whole chunk is rendered; each next one twice the last, up to CHUNK_BYTES.
  let limit = FIRST_CHUNK_BYTES;
  let chunk = Buffer.allocUnsafe(limit + SLACK_BYTES);
  let at = 0;
  let n = 0;
  const send = async () => {
    const full = chunk.subarray(0, at);
    limit = Math.min(CHUNK_BYTES, limit * 2);
    chunk = Buffer.allocUnsafe(limit + SLACK_BYTES);
    at = 0;
    if (!stream.write(full)) await Promise.race([new Promise<void>((r) => stream.once('drain', () => r())), done]);
  };
  for (const row of rows) {
    // UTF-8 takes at most 3 bytes per UTF-16 code unit; the 1 is the row's "\n".
    const most = row.length * 3 + 1;
    if (at + most > chunk.length) {
      if (at > 0) await send();
      if (most > chunk.length) chunk = Buffer.allocUnsafe(most);
    }
    at += chunk.write(row, at);
    chunk[at++] = 0x0a;
    n++;
    if (at >= limit) await send();
  }
  if (at > 0) stream.write(chunk.subarray(0, at));
  stream.end();
  await done;
  return n;
}

const OID_INT4 = 23;
const OID_TEXT = 25;
const OID_FLOAT8 = 701;
const BINARY_HEADER = Buffer.from('PGCOPY\n\xff\r\n\0\0\0\0\0\0\0\0\0', 'latin1');

/**
 * Rows in PostgreSQL's binary COPY format, written field by field into one growing Buffer. Numbers
 * go as their 8 bytes (no text to format in Node nor to parse in PostgreSQL); a float8 is the value
 * a text COPY of String(x) would store (String is exact), with -0 written as 0 as String writes it.
 */
export class BinaryCopyRows {
  private buf = Buffer.allocUnsafe(1 << 16);
  private at = 0;

  constructor() {
    this.reserve(BINARY_HEADER.length);
    this.at += BINARY_HEADER.copy(this.buf, this.at);
  }

  private reserve(n: number): void {
    if (this.at + n <= this.buf.length) return;
    const next = Buffer.allocUnsafe(Math.max(this.buf.length * 2, this.at + n));
    this.buf.copy(next, 0, 0, this.at);
    this.buf = next;
  }

  /** Starts a row of `fields` fields. */
  row(fields: number): this {
    this.reserve(2);
    this.at = this.buf.writeInt16BE(fields, this.at);
    return this;
  }

  int4(v: number): this {
    this.reserve(8);
    this.at = this.buf.writeInt32BE(4, this.at);
    this.at = this.buf.writeInt32BE(v, this.at);
    return this;
  }

  text(v: string): this {
    const n = Buffer.byteLength(v, 'utf8');
    this.reserve(4 + n);
    this.at = this.buf.writeInt32BE(n, this.at);
    this.at += this.buf.write(v, this.at, 'utf8');
    return this;
  }

  private arrayHeader(bytes: number, length: number, hasNull: boolean, oid: number): void {
    const head = length === 0 ? 12 : 20;
    this.reserve(4 + head + bytes);
    this.at = this.buf.writeInt32BE(head + bytes, this.at);
    this.at = this.buf.writeInt32BE(length === 0 ? 0 : 1, this.at);
    this.at = this.buf.writeInt32BE(hasNull ? 1 : 0, this.at);
    this.at = this.buf.writeInt32BE(oid, this.at);
    if (length > 0) {
      this.at = this.buf.writeInt32BE(length, this.at);
      this.at = this.buf.writeInt32BE(1, this.at);
    }
  }

  int4Array(v: readonly number[]): this {
    this.arrayHeader(v.length * 8, v.length, false, OID_INT4);
    for (const x of v) {
      this.at = this.buf.writeInt32BE(4, this.at);
      this.at = this.buf.writeInt32BE(x, this.at);
    }
    return this;
  }

  float8Array(v: readonly (number | null)[]): this {
    let nulls = 0;
    for (const x of v) if (x === null) nulls++;
    this.arrayHeader(v.length * 12 - nulls * 8, v.length, nulls > 0, OID_FLOAT8);
    for (const x of v) {
      if (x === null) {
        this.at = this.buf.writeInt32BE(-1, this.at);
      } else {
        this.at = this.buf.writeInt32BE(8, this.at);
        this.at = this.buf.writeDoubleBE(x === 0 ? 0 : x, this.at);
      }
    }
    return this;
  }

  textArray(v: readonly string[]): this {
    let bytes = 0;
    const lengths = v.map((s) => Buffer.byteLength(s, 'utf8'));
    for (const n of lengths) bytes += 4 + n;
    this.arrayHeader(bytes, v.length, false, OID_TEXT);
    v.forEach((s, i) => {
      this.at = this.buf.writeInt32BE(lengths[i]!, this.at);
      this.at += this.buf.write(s, this.at, 'utf8');
    });
    return this;
  }

  /** The whole COPY data, trailer included; the writer is spent. */
  finish(): Buffer {
    this.reserve(2);
    this.at = this.buf.writeInt16BE(-1, this.at);
    return this.buf.subarray(0, this.at);
  }
}

/** Sends binary COPY data (BinaryCopyRows.finish) into `COPY table (columns) FROM STDIN (FORMAT binary)`. */
export async function copyBinary(client: pg.PoolClient, table: string, columns: readonly string[], data: Buffer): Promise<void> {
  const { stream, done } = copyIn(client, table, columns, ' (FORMAT binary)');
  stream.end(data);
  await done;
}
