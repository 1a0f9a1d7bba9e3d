// PostgreSQL COPY text format: one row per line, columns separated by tabs, \N for null.
import type pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';

const SPECIAL = /[\\\n\r\t]/;

export function copyText(v: string | null): string {
  if (v === null) return '\\N';
  if (!SPECIAL.test(v)) return v;
  return v.replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/\r/g, '\\r').replace(/\t/g, '\\t');
}

export function copyNumber(v: number | null): string {
  return v === null ? '\\N' : String(v);
}

/** An int[] literal for COPY: {1,2,3}. */
export function copyIntArray(v: readonly number[]): string {
  return `{${v.join(',')}}`;
}

/** A text[] literal for COPY. Elements are quoted, so any id survives. */
export function copyTextArray(v: readonly string[]): string {
  const inner = v.map((s) => `"${s.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`).join(',');
  return copyText(`{${inner}}`);
}

/** Bytes of COPY data sent at a time. */
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
  const stream = client.query(copyFrom(`COPY ${table} (${columns.map((c) => `"${c}"`).join(', ')}) FROM STDIN`));
  const done = new Promise<void>((resolve, reject) => {
    stream.on('finish', () => resolve());
    stream.on('error', reject);
  });
  let chunk = Buffer.allocUnsafe(CHUNK_BYTES + SLACK_BYTES);
  let at = 0;
  let n = 0;
  const send = async () => {
    const full = chunk.subarray(0, at);
    chunk = Buffer.allocUnsafe(CHUNK_BYTES + SLACK_BYTES);
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
    if (at >= CHUNK_BYTES) await send();
  }
  if (at > 0) stream.write(chunk.subarray(0, at));
  stream.end();
  await done;
  return n;
}
