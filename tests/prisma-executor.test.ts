// fromPrismaTx answers like pg's pool: int8, count(*) and numeric as numbers, timestamps as Dates,
// JSON parsed, arrays element by element, rowCount of writes, so helpers taking an SqlExecutor
// give the same answers inside a Prisma transaction as on a pg client.
import { describe, expect, it } from 'vitest';
import { getPool } from '@/lib/db/pool';
import { fromPrismaTx, getPrisma } from '@/lib/db/prisma';
import { useTestDatabase } from './helpers/db';

useTestDatabase('executor');

const ROW = `SELECT 12345678901::int8 AS big, count(*) AS n, 1.25::numeric AS dec, 2.5::float8 AS f, 7::int AS i,
                    '2026-12-03T07:00:00.123Z'::timestamptz AS ts, '2026-12-03T07:00:00'::timestamp AS ts_local,
                    '{"b":1,"a":[2]}'::jsonb AS j, ARRAY[1,2]::int[] AS arr, ARRAY[3,4]::int8[] AS arr8,
                    ARRAY[1.5]::numeric[] AS arrdec, NULL::int8 AS nothing, true AS flag, $1::text AS txt
               FROM generate_series(1, 3)`;

describe('fromPrismaTx', () => {
  it('maps BigInt, Decimal and timestamps as pg does', async () => {
    const viaPg = (await getPool().query(ROW, ['x'])).rows;
    const viaPrisma = await getPrisma().$transaction(async (tx) => (await fromPrismaTx(tx).query(ROW, ['x'])).rows);
    expect(viaPrisma).toEqual(viaPg);
    expect(viaPrisma[0]).toMatchObject({ big: 12345678901, n: 3, dec: 1.25, arr8: ['3', '4'] });
    expect(viaPrisma[0]!.ts).toBeInstanceOf(Date);
  });

  it('gives the rowCount of writes and the rows of reads that start with WITH', async () => {
    const counts = await getPrisma().$transaction(async (tx) => {
      const db = fromPrismaTx(tx);
      await db.query('CREATE TEMP TABLE x_exec (v int) ON COMMIT DROP');
      const ins = await db.query('INSERT INTO x_exec SELECT generate_series(1, 4)');
      const del = await db.query('DELETE FROM x_exec WHERE v > $1', [2]);
      const ret = await db.query<{ v: number }>('UPDATE x_exec SET v = v + 10 RETURNING v');
      const w = await db.query<{ s: number }>('WITH a AS (SELECT v FROM x_exec) SELECT sum(v) AS s FROM a');
      // A write in a WITH whose main statement is a SELECT answers the SELECT's rows (FOR UPDATE and
      // words in strings are no writes); a WITH whose main statement writes gives its count.
      const wrote = await db.query<{ n: number; t: string }>(
        "WITH w AS (INSERT INTO x_exec VALUES (100)) SELECT (SELECT count(*) FROM x_exec) AS n, 'update (' AS t",
      );
      const locked = await db.query<{ v: number }>('SELECT v FROM (SELECT v FROM x_exec WHERE v = 11 FOR UPDATE) l');
      const both = await db.query('WITH d AS (DELETE FROM x_exec WHERE v = 100) DELETE FROM x_exec WHERE v = 11');
      return {
        ins: ins.rowCount,
        del: del.rowCount,
        ret: ret.rows.map((r) => r.v).sort(),
        s: w.rows[0]!.s,
        wrote: wrote.rows,
        locked: locked.rows,
        both: both.rowCount,
      };
    });
    expect(counts).toEqual({ ins: 4, del: 2, ret: [11, 12], s: 23, wrote: [{ n: 2, t: 'update (' }], locked: [{ v: 11 }], both: 1 });
  });
});
