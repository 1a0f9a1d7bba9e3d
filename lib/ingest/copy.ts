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

const FLUSH_AT = 1 << 20;

/**
 * Streams rows into `COPY table (columns) FROM STDIN` on the given client (inside the caller's
 * transaction). rows yields lines already in COPY text format, without their "\n".
 */
export async function copyRows(client: pg.PoolClient, table: string, columns: readonly string[], rows: Iterable<string>): Promise<number> {
  const stream = client.query(copyFrom(`COPY ${table} (${columns.map((c) => `"${c}"`).join(', ')}) FROM STDIN`));
  const done = new Promise<void>((resolve, reject) => {
    stream.on('finish', () => resolve());
    stream.on('error', reject);
  });
  let buf = '';
  let n = 0;
  for (const row of rows) {
    buf += row + '\n';
    n++;
    if (buf.length >= FLUSH_AT) {
      if (!stream.write(buf)) await Promise.race([new Promise<void>((r) => stream.once('drain', () => r())), done]);
      buf = '';
    }
  }
  if (buf) stream.write(buf);
  stream.end();
  await done;
  return n;
}
