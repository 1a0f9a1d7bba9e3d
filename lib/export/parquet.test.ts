// The Parquet writer of flat exports (parquet-flat.ts) read back by hyparquet: every column type, nulls,
// -0, NaN and infinities, timestamps, texts as strings and as UTF-8 bytes, values shared by a batch, row
// groups closed by rows, and the footer's statistics.
import { parquetMetadata, parquetReadObjects } from 'hyparquet';
import { describe, expect, it } from 'vitest';
import { each, same, type Batch, type Column } from './columns';
import { ParquetRowWriter } from './parquet';

const COLUMNS: Column[] = [
  { name: 'id', type: 'string', description: '' },
  { name: 'n', type: 'int', description: '' },
  { name: 'maybe_n', type: 'int', nullable: true, description: '' },
  { name: 'x', type: 'double', description: '' },
  { name: 'maybe_x', type: 'double', nullable: true, description: '' },
  { name: 'ok', type: 'bool', description: '' },
  { name: 'maybe_ok', type: 'bool', nullable: true, description: '' },
  { name: 'at', type: 'timestamp', nullable: true, description: '' },
  { name: 'note', type: 'string', nullable: true, description: '' },
  { name: 'text', type: 'string', long: true, description: '' },
  { name: 'doc', type: 'json', nullable: true, long: true, description: '' },
];

const utf8 = new TextEncoder();

function write(batches: Batch[], groupRows?: number): ArrayBuffer {
  const w = new ParquetRowWriter(COLUMNS, 'routelens test', groupRows);
  const out: Uint8Array[] = [...w.take()];
  for (const b of batches) {
    w.addBatch(b);
    out.push(...w.take());
  }
  w.finish([{ key: 'k', value: 'v' }]);
  out.push(...w.take());
  const bytes = Buffer.concat(out);
  return bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
}

/** Row r of the test's data, as the batch gives it and as the file must read back. */
function row(r: number) {
  const xs = [0.5, -0, NaN, Infinity, -Infinity, 1e-300, Number.MAX_VALUE, 2 ** 53, -1.25];
  const texts = ['', 'plain', 'é ü — 日本 🙂', 'line\nbreak\ttab "quoted"', 'x'.repeat(5000)];
  const text = texts[r % texts.length]! + r;
  return {
    id: `t${Math.floor(r / 7)}`,
    n: r % 3 === 0 ? -r - 1 : r,
    maybe_n: r % 4 === 0 ? null : 2_147_483_647 - r,
    x: xs[r % xs.length]!,
    maybe_x: r % 5 === 0 ? null : xs[(r + 3) % xs.length]!,
    ok: r % 3 !== 1,
    maybe_ok: r % 6 === 0 ? null : r % 2 === 0,
    at: r % 8 === 0 ? null : new Date(Date.UTC(2026, 0, 1) + r * 1001 - 5e11),
    note: r % 3 === 0 ? null : r % 3 === 1 ? 'up' : 'down',
    text,
    doc: r % 9 === 0 ? null : `{"r":${r},"s":"é"}`,
  };
}

type Expected = ReturnType<typeof row>;
const names = COLUMNS.map((c) => c.name) as (keyof Expected)[];

/** Rows from..to as a batch: texts alternately as strings and as bytes, timestamps as ISO text, one shared column. */
function batchOf(from: number, to: number): Batch {
  const rows = Array.from({ length: to - from }, (_, k) => row(from + k));
  return {
    length: rows.length,
    columns: names.map((name) => {
      if (name === 'text') return each(rows.map((r, k) => (k % 2 === 0 ? utf8.encode(r.text) : r.text)));
      if (name === 'at') return each(rows.map((r) => (r.at === null ? null : (from + rows.indexOf(r)) % 2 ? r.at : r.at.toISOString())));
      return each(rows.map((r) => r[name]));
    }),
  };
}

function expectSame(got: Record<string, unknown>, want: Expected, r: number) {
  for (const name of names) {
    const g = got[name];
    const w = want[name];
    if (typeof w === 'number') expect(Object.is(g, w), `${name} of row ${r}: ${String(g)} for ${w}`).toBe(true);
    else expect(g, `${name} of row ${r}`).toEqual(w);
  }
}

describe('Parquet of flat columns', () => {
  it('reads back every value: nulls, -0, NaN, infinities, timestamps, texts as strings and bytes, over several row groups', async () => {
    const total = 2_345;
    const batches: Batch[] = [];
    for (let from = 0; from < total; from += 317) batches.push(batchOf(from, Math.min(total, from + 317)));
    const file = write(batches, 500);
    const meta = parquetMetadata(file);
    expect(meta.row_groups.map((g) => Number(g.num_rows))).toEqual([500, 500, 500, 500, 345]);
    expect(meta.key_value_metadata).toEqual([{ key: 'k', value: 'v' }]);
    const rows = (await parquetReadObjects({ file })) as Record<string, unknown>[];
    expect(rows.length).toBe(total);
    rows.forEach((got, r) => expectSame(got, row(r), r));
  });

  it('spreads a value shared by a batch over its rows', async () => {
    const b = batchOf(0, 30);
    b.columns[0] = same('shared');
    b.columns[3] = same(-0);
    b.columns[4] = same(null);
    const rows = (await parquetReadObjects({ file: write([b]) })) as Record<string, unknown>[];
    rows.forEach((got, r) => expectSame(got, { ...row(r), id: 'shared', x: -0, maybe_x: null as unknown as number }, r));
  });

  it('writes short texts as a dictionary, long ones PLAIN, with statistics where they say something', () => {
    const meta = parquetMetadata(write([batchOf(0, 100)]));
    const chunk = (name: string) => meta.row_groups[0]!.columns.find((c) => c.meta_data!.path_in_schema[0] === name)!.meta_data!;
    expect(chunk('id').encodings).toContain('RLE_DICTIONARY');
    expect(chunk('text').encodings).toEqual(['PLAIN']);
    expect(chunk('text').statistics).toEqual({ null_count: 0n });
    expect(chunk('maybe_n').statistics).toMatchObject({ null_count: 25n, min_value: 2_147_483_647 - 99, max_value: 2_147_483_647 - 1 });
    expect(chunk('x').statistics).toMatchObject({ null_count: 0n, min_value: -Infinity, max_value: Infinity });
    expect(chunk('note').statistics).toMatchObject({ null_count: 34n, min_value: 'down', max_value: 'up' });
    expect(chunk('ok').statistics).toMatchObject({ min_value: false, max_value: true });
  });

  it('writes repeated numbers as a dictionary and mostly distinct ones PLAIN, each read back as it was', async () => {
    const columns: Column[] = [
      { name: 'per_trajectory', type: 'double', nullable: true, description: '' },
      { name: 'distinct', type: 'double', description: '' },
      { name: 'index', type: 'int', description: '' },
      { name: 'zeros', type: 'double', description: '' },
    ];
    const n = 12_500;
    const values = [
      Array.from({ length: n }, (_, r) => (r % 50 === 7 ? null : [0.1, NaN, 3, 0, Infinity][Math.floor(r / 20) % 5]!)),
      Array.from({ length: n }, (_, r) => r / 7),
      Array.from({ length: n }, (_, r) => r % 20),
      // -0 among zeros: a group with -0 goes PLAIN, the next one may go as a dictionary again.
      Array.from({ length: n }, (_, r) => (r === 10 ? -0 : r % 3 === 0 ? 0 : 1)),
    ];
    const w = new ParquetRowWriter(columns, 'routelens test', 2500);
    const out: Uint8Array[] = [...w.take()];
    for (let from = 0; from < n; from += 700) {
      w.addBatch({ length: Math.min(700, n - from), columns: values.map((v) => each(v.slice(from, from + 700))) });
      out.push(...w.take());
    }
    w.finish([]);
    out.push(...w.take());
    const bytes = Buffer.concat(out);
    const file = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
    const encodings = (name: string) =>
      parquetMetadata(file).row_groups.map((g) => g.columns.find((c) => c.meta_data!.path_in_schema[0] === name)!.meta_data!.encodings.join('/'));
    expect(encodings('per_trajectory')).toEqual(Array(5).fill('PLAIN/RLE_DICTIONARY'));
    expect(encodings('distinct')).toEqual(Array(5).fill('PLAIN'));
    expect(encodings('index')).toEqual(Array(5).fill('PLAIN/RLE_DICTIONARY'));
    expect(encodings('zeros')[0]).toBe('PLAIN');
    expect(encodings('zeros')[4]).toBe('PLAIN/RLE_DICTIONARY');
    const rows = (await parquetReadObjects({ file })) as Record<string, unknown>[];
    rows.forEach((got, r) =>
      columns.forEach((c, k) => expect(Object.is(got[c.name], values[k]![r]), `${c.name} of row ${r}: ${String(got[c.name])}`).toBe(true)),
    );
  });

  it('reads COPY text fields straight into the columns: escapes in short and long texts, \\N, numbers, booleans, repeated and same-length names', async () => {
    const columns: Column[] = [
      { name: 'text', type: 'string', long: true, nullable: true, description: '' },
      { name: 'model', type: 'string', description: '' },
      { name: 'x', type: 'double', nullable: true, description: '' },
      { name: 'n', type: 'int', description: '' },
      { name: 'ok', type: 'bool', nullable: true, description: '' },
    ];
    // As COPY writes them: \\ for a backslash, \n \t \r \b \f \v for control characters, \N for null.
    const rows: [string, string, string, string, string][] = [
      ['plain text', 'a', '0.5', '1', 't'],
      ['line\\none\\ttab \\\\ back\\r\\b\\f\\v', 'b\\tc', '-0', '-2147483648', 'f'],
      ['\\N', 'a', '\\N', '0', '\\N'],
      ['', 'é', '1e-300', '2147483647', 't'],
      ['日本語 🙂 '.repeat(40) + '\\\\', 'a', 'NaN', '7', 't'],
      ['x'.repeat(70_000), 'a', 'Infinity', '8', 'f'],
      ['y'.repeat(60) + '\\n' + 'z'.repeat(10), 'ab', '2', '9', 't'],
      ['short\\tx', 'ac', '3', '10', 't'],
    ];
    const want = [
      ['plain text', 'a', 0.5, 1, true],
      ['line\none\ttab \\ back\r\b\f\v', 'b\tc', -0, -2147483648, false],
      [null, 'a', null, 0, null],
      ['', 'é', 1e-300, 2147483647, true],
      ['日本語 🙂 '.repeat(40) + '\\', 'a', NaN, 7, true],
      ['x'.repeat(70_000), 'a', Infinity, 8, false],
      ['y'.repeat(60) + '\n' + 'z'.repeat(10), 'ab', 2, 9, true],
      ['short\tx', 'ac', 3, 10, true],
    ];
    const w = new ParquetRowWriter(columns, 'routelens test', 4);
    const out: Uint8Array[] = [...w.take()];
    for (const r of rows) {
      const src = utf8.encode('>' + r.join('\t') + '<');
      let a = 1;
      r.forEach((f, k) => {
        const b = a + utf8.encode(f).length;
        w.cells[k]!.field(src, a, b);
        a = b + 1;
      });
      w.endRow();
      out.push(...w.take());
    }
    w.finish([]);
    out.push(...w.take());
    const bytes = Buffer.concat(out);
    const file = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
    expect(parquetMetadata(file).row_groups.map((g) => Number(g.num_rows))).toEqual([4, 4]);
    const got = (await parquetReadObjects({ file })) as Record<string, unknown>[];
    got.forEach((g, r) =>
      columns.forEach((c, k) => expect(Object.is(g[c.name], want[r]![k]) || g[c.name] === want[r]![k], `${c.name} of row ${r}`).toBe(true)),
    );
  });

  it('writes an empty export as a file with no row groups', async () => {
    const file = write([]);
    expect(parquetMetadata(file).row_groups).toEqual([]);
    expect(await parquetReadObjects({ file })).toEqual([]);
  });

  it('refuses a null in a required column and a number that is no 32-bit integer', () => {
    const withValue = (c: number, v: unknown) => {
      const b = batchOf(0, 3);
      b.columns[c] = each([row(0)[names[c]!], v, row(2)[names[c]!]]);
      return b;
    };
    const w = () => new ParquetRowWriter(COLUMNS, 'routelens test');
    expect(() => w().addBatch(withValue(1, null))).toThrow(/column n is required/);
    expect(() => w().addBatch(withValue(1, 1.5))).toThrow(/column n cannot hold number 1.5/);
    expect(() => w().addBatch(withValue(1, 2 ** 31))).toThrow(/column n cannot hold/);
    expect(() => w().addBatch(withValue(9, null))).toThrow(/column text is required/);
    expect(() => w().addBatch(withValue(7, 'not a date'))).toThrow(/column at cannot hold/);
  });
});
