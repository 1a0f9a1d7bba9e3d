// fromPrismaTx answers like pg's pool: int8, count(*) and numeric as numbers, timestamps as Dates,
// JSON parsed, arrays element by element, rowCount of writes, so helpers taking an SqlExecutor
// give the same answers inside a Prisma transaction as on a pg client.
import { describe, expect, it } from 'vitest';
import { getPool } from '@/lib/db/pool';
import { fromPrisma, fromPrismaTx, getPrisma } from '@/lib/db/prisma';
import { queryRowsWith, reads } from '@/lib/server/reads';
import { queryRows, sql } from '@/lib/server/sql';
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

// The values the read queries answer, one column of each kind they return. fromPrisma (outside a
// transaction, as the read side runs) must give what pg's pool gives, value for value.
const READ_VALUES = `SELECT 12345678901::int8 AS big, count(*) OVER () AS n, sum(g) OVER () AS s, avg(g) OVER () AS mean,
         0.12345678901234567890123::numeric AS fine, 123456789012345678901234567890::numeric AS huge, NULL::numeric AS no_dec,
         2.5::float8 AS f, 1.1::float4 AS f4, 'NaN'::float8 AS nan, 'Infinity'::float8 AS inf, 3::int2 AS small, 7::int AS i,
         g > 1 AS flag, NULL::bool AS no_flag, NULL::text AS no_text, NULL::int AS no_int, 'é\u0001✓ "q"'::text AS txt, 'x'::varchar AS vc,
         '2026-12-03T07:00:00.123456Z'::timestamptz AS ts, NULL::timestamptz AS no_ts, ARRAY['2026-12-03T07:00:00Z'::timestamptz] AS tss,
         '{"b":1,"a":[2],"c":null,"big":12345678901234567890}'::json AS j, '{"b":1.50,"a":[2]}'::jsonb AS jb, 'null'::jsonb AS jnull,
         '"s"'::jsonb AS jstr, NULL::jsonb AS no_json, json_build_object('g', g, 'at', '2026-12-03T07:00:00Z'::timestamptz) AS built,
         ARRAY[1.5, NULL, 2]::float8[] AS f8s, ARRAY['a', NULL, 'b,c', '"q"', '']::text[] AS texts, ARRAY[1, 2]::int4[] AS i4s,
         ARRAY[true, false]::bool[] AS bools, ARRAY[3, NULL]::int8[] AS i8s, ARRAY[1.25, NULL]::numeric[] AS decs, '{}'::int[] AS none,
         'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11'::uuid AS id, 'c'::char(2) AS padded, $1::text AS param, $2::int[] AS params
    FROM generate_series(1, 3) g ORDER BY g`;

describe('fromPrisma', () => {
  it("answers the read queries' kinds of value as the pg pool does", async () => {
    const values = ['x', [1, 2]];
    const viaPg = (await getPool().query(READ_VALUES, values)).rows;
    const viaPrisma = await fromPrisma().query(READ_VALUES, values);
    expect(viaPrisma.rows).toEqual(viaPg);
    expect(viaPrisma.rowCount).toBe(3);
    expect(viaPrisma.rows[0]).toMatchObject({ big: 12345678901, n: 3, s: 6, mean: 2, i8s: ['3', null], decs: [1.25, null], jnull: null, no_ts: null });
    expect(viaPrisma.rows[0]!.ts).toEqual(new Date('2026-12-03T07:00:00.123Z'));
    expect(Number.isNaN(viaPrisma.rows[0]!.nan)).toBe(true);
  });

  it('reads timestamp without time zone and date as UTC, as pg does in a process whose zone is UTC', async () => {
    // pg parses these two as the process's local time, Prisma as UTC; every stored time of routelens is
    // a timestamptz and the read queries format days with to_char, so neither kind reaches a reader.
    const q = "SELECT '2026-12-03T07:00:00.5'::timestamp AS local, '2026-12-03'::date AS day";
    const [row] = (await fromPrisma().query<{ local: Date; day: Date }>(q)).rows;
    expect(row).toEqual({ local: new Date('2026-12-03T07:00:00.500Z'), day: new Date('2026-12-03T00:00:00.000Z') });
    if (new Date(0).getTimezoneOffset() === 0) expect(row).toEqual((await getPool().query(q)).rows[0]);
  });

  it('gives the rowCount of a write, and refuses the columns Prisma cannot type', async () => {
    const db = fromPrisma();
    expect((await db.query('UPDATE runs SET hidden = hidden WHERE id = $1', ['none'])).rowCount).toBe(0);
    // "char", void and interval have no Prisma type: select something else (SELECT 1 FROM f(), ::text).
    await expect(db.query('SELECT relkind FROM pg_class LIMIT 1')).rejects.toThrow();
    await expect(db.query("SELECT interval '1 day' AS d")).rejects.toThrow();
    expect((await db.query('SELECT 1 AS one FROM pg_sleep(0)')).rows).toEqual([{ one: 1 }]);
  });
});

describe('the read side', () => {
  it('answers the same through Prisma and pg, and runs queryRowsWith read-only with its settings', async () => {
    const q = sql`SELECT current_setting('jit') AS jit, current_setting('work_mem') AS work_mem, current_setting('transaction_read_only') AS ro,
                         ${'x'}::text AS param, count(*) AS n FROM generate_series(1, 3)`;
    const settings = "SET LOCAL jit = off; SET LOCAL work_mem = '64MB'";
    const want = { jit: 'off', work_mem: '64MB', ro: 'on', param: 'x', n: 3 };
    expect(await queryRowsWith(settings, q, 'prisma')).toEqual([want]);
    expect(await queryRowsWith(settings, q, 'pg')).toEqual([want]);
    expect(await queryRows(reads('prisma'), q)).toEqual(await queryRows(reads('pg'), q));
  });
});
