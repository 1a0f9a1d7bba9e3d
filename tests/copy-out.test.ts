// CopyOutStream against a real PostgreSQL: the rows' bytes of a `COPY ... TO STDOUT` exactly as
// pg-copy-streams reads them (message headers taken out inside each socket chunk, whatever the rows'
// sizes and wherever the chunks split them), notices among the rows left out, the row count, and an
// error in the middle failing the stream with PostgreSQL's message while the connection goes on.
import pg from 'pg';
import { to as copyTo } from 'pg-copy-streams';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CopyOutStream } from '@/lib/export/copy-out';
import { useTestDatabase } from './helpers/db';

const db = useTestDatabase('copyout');
let client: pg.Client;

beforeAll(async () => {
  client = new pg.Client({ connectionString: db.url });
  await client.connect();
  // Rows of every size: empty, a few bytes, around a socket chunk's 64 KB, and far larger than one.
  await client.query(`CREATE TABLE copy_out_t AS
    SELECT n, repeat(chr(97 + n % 26), CASE WHEN n % 500 = 7 THEN 70000 + n WHEN n = 3 THEN 1000000 ELSE n % 300 END) AS s,
           CASE WHEN n % 4 = 0 THEN NULL ELSE n / 7.0 END AS x, E'tab\\there' AS e
      FROM generate_series(0, 20000) n`);
  await client.query(`CREATE FUNCTION copy_out_noisy(n int) RETURNS int LANGUAGE plpgsql AS $$
    BEGIN IF n % 1000 = 0 THEN RAISE NOTICE 'row %', n; END IF; RETURN n; END $$`);
  await client.query(`CREATE FUNCTION copy_out_fails_at(n int, at int) RETURNS int LANGUAGE plpgsql AS $$
    BEGIN IF n = at THEN RAISE EXCEPTION 'row % is not wanted', n; END IF; RETURN n; END $$`);
});

afterAll(async () => {
  await client.end();
});

async function read(stream: NodeJS.ReadableStream): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of stream as AsyncIterable<Buffer>) chunks.push(c);
  return Buffer.concat(chunks);
}

async function viaCopyOutStream(text: string, highWaterMark?: number) {
  const stream = client.query(new CopyOutStream(text, highWaterMark ? { highWaterMark } : undefined));
  const bytes = await read(stream);
  return { bytes, rows: stream.rowCount };
}

async function viaPgCopyStreams(text: string) {
  const stream = client.query(copyTo(text));
  const bytes = await read(stream);
  return { bytes, rows: stream.rowCount };
}

describe('CopyOutStream', () => {
  it('reads the bytes pg-copy-streams reads, every row whole, with the row count', async () => {
    for (const text of [
      'COPY (SELECT n, s, x, e FROM copy_out_t ORDER BY n) TO STDOUT',
      'COPY (SELECT n, s, x FROM copy_out_t ORDER BY n) TO STDOUT (FORMAT csv)',
      'COPY (SELECT n FROM copy_out_t WHERE n < 0) TO STDOUT',
    ]) {
      const expected = await viaPgCopyStreams(text);
      const got = await viaCopyOutStream(text);
      expect(got.rows).toBe(expected.rows);
      expect(got.bytes.equals(expected.bytes)).toBe(true);
    }
    const all = await viaCopyOutStream('COPY (SELECT n, s FROM copy_out_t ORDER BY n) TO STDOUT');
    expect(all.rows).toBe(20001);
    const lines = all.bytes.toString('latin1').split('\n');
    expect(lines.length).toBe(20002);
    expect(lines[3]).toBe(`3\t${'d'.repeat(1000000)}`);
    expect(lines[20000]).toBe(`20000\t${'g'.repeat(20000 % 300)}`); // chr(97 + 20000 % 26)
  });

  it('reads slowly as well as it reads fast (a consumer behind the socket, a small buffer)', async () => {
    const text = 'COPY (SELECT n, s FROM copy_out_t ORDER BY n) TO STDOUT';
    const expected = await viaPgCopyStreams(text);
    const stream = client.query(new CopyOutStream(text, { highWaterMark: 1024 }));
    const chunks: Buffer[] = [];
    for await (const c of stream as AsyncIterable<Buffer>) {
      chunks.push(Buffer.from(c));
      if (chunks.length % 50 === 0) await new Promise((r) => setTimeout(r, 1));
    }
    expect(Buffer.concat(chunks).equals(expected.bytes)).toBe(true);
    expect(stream.rowCount).toBe(20001);
  });

  it('framed, hands out whole messages, one per row, a row the socket split joined again', async () => {
    const text = 'COPY (SELECT copy_out_noisy(n), s, x FROM copy_out_t ORDER BY n) TO STDOUT (FORMAT csv)';
    const expected = await viaCopyOutStream(text);
    for (const highWaterMark of [undefined, 1024]) {
      const stream = client.query(new CopyOutStream(text, { framed: true, ...(highWaterMark ? { highWaterMark } : {}) }));
      const rows: Buffer[] = [];
      let chunks = 0;
      for await (const c of stream as AsyncIterable<Buffer>) {
        chunks++;
        for (let m = 0; m < c.length;) {
          expect(c[m]).toBe(0x64);
          const end = m + 1 + c.readUInt32BE(m + 1);
          expect(end).toBeLessThanOrEqual(c.length);
          rows.push(Buffer.from(c.subarray(m + 5, end)));
          m = end;
        }
      }
      expect(chunks).toBeGreaterThan(1);
      expect(rows.length).toBe(20001);
      expect(rows.every((r) => r[r.length - 1] === 10)).toBe(true);
      expect(Buffer.concat(rows).equals(expected.bytes)).toBe(true);
      expect(stream.rowCount).toBe(20001);
    }
  });

  it('leaves out the notices that come among the rows', async () => {
    const notices: string[] = [];
    const onNotice = (m: { message?: string }) => notices.push(m.message ?? '');
    client.on('notice', onNotice);
    try {
      const got = await viaCopyOutStream('COPY (SELECT copy_out_noisy(n), x FROM copy_out_t ORDER BY n) TO STDOUT');
      const expected = await viaCopyOutStream('COPY (SELECT n, x FROM copy_out_t ORDER BY n) TO STDOUT');
      expect(got.bytes.equals(expected.bytes)).toBe(true);
      expect(got.rows).toBe(20001);
    } finally {
      client.removeListener('notice', onNotice);
    }
  });

  it('fails with PostgreSQL’s error in the middle of the rows, and the connection goes on', async () => {
    const stream = client.query(new CopyOutStream('COPY (SELECT copy_out_fails_at(n, 15000), s FROM copy_out_t ORDER BY n) TO STDOUT'));
    let bytes = 0;
    const failed = await (async () => {
      try {
        for await (const c of stream as AsyncIterable<Buffer>) bytes += c.length;
      } catch (e) {
        return e as Error;
      }
      return null;
    })();
    expect(failed?.message).toBe('row 15000 is not wanted');
    expect(bytes).toBeGreaterThan(0);
    expect((await client.query<{ one: number }>('SELECT 1 AS one')).rows[0]!.one).toBe(1);
    // The next COPY on the same connection reads whole.
    const again = await viaCopyOutStream('COPY (SELECT n FROM copy_out_t ORDER BY n) TO STDOUT');
    expect(again.rows).toBe(20001);
    expect(again.bytes.toString().split('\n')[20000]).toBe('20000');
  });

  it('fails at once for a statement PostgreSQL refuses', async () => {
    await expect(viaCopyOutStream('COPY (SELECT no_such_column FROM copy_out_t) TO STDOUT')).rejects.toThrow(/no_such_column/);
    expect((await client.query('SELECT 2 AS two')).rows[0].two).toBe(2);
  });
});
