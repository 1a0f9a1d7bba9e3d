// copyRows against a real PostgreSQL: rows written as UTF-8 into chunks arrive whole and in order,
// whatever their size and characters (multi-byte text across chunk boundaries, a row larger than a
// chunk, COPY escapes, nulls).
import { describe, expect, it } from 'vitest';
import { withTransaction } from '@/lib/db/pool';
import { copyNumber, copyRows, copyText } from '@/lib/ingest/copy';
import { useTestDatabase } from './helpers/db';

const db = useTestDatabase('copyrows');

describe('copyRows', () => {
  it('stores every row exactly, across chunks and for a row larger than a chunk', async () => {
    const texts: (string | null)[] = [];
    for (let i = 0; i < 30_000; i++) texts.push(`${i} é—漢字 😀 ${'x'.repeat(i % 97)}${i % 5 === 0 ? '\ttab\\slash\nnl\rcr' : ''}`);
    texts.push(null, '', '😀'.repeat(700_000), `a${'é'.repeat(600_000)}b`, 'last');
    await db.pool().query('CREATE TABLE copy_rows_t (n int, s text, x float8)');
    const n = await withTransaction(
      (c) =>
        copyRows(
          c,
          'copy_rows_t',
          ['n', 's', 'x'],
          texts.map((s, i) => `${i}\t${copyText(s)}\t${copyNumber(i % 3 === 0 ? null : i / 7)}`),
        ),
      db.pool(),
    );
    expect(n).toBe(texts.length);
    const r = await db.pool().query<{ n: number; s: string | null; x: number | null }>('SELECT n, s, x FROM copy_rows_t ORDER BY n');
    expect(r.rows.length).toBe(texts.length);
    r.rows.forEach((row, i) => {
      expect(row.n).toBe(i);
      expect(row.x).toBe(i % 3 === 0 ? null : i / 7);
    });
    expect(r.rows.map((row) => row.s)).toEqual(texts);
  });
});
