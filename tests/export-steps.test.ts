// The `steps` export reads PostgreSQL's COPY text and writes JSON Lines and CSV from its bytes: every
// value must come out exactly as the string path (JSON.stringify, csvField) would write the value it
// stands for, whatever it holds, and the statement's values must mean what they mean as parameters.
import pg from 'pg';
import { to as copyTo } from 'pg-copy-streams';
import { beforeAll, describe, expect, it } from 'vitest';
import { cumulativeCosts } from '@/lib/domain';
import { inlineValues, openCopyOut } from '@/lib/export/copy';
import { ByteSink, csvText, decodeBytes, decodeNumber, decodeText, jsonNumber, jsonRaw, jsonString, scanRow } from '@/lib/export/copy-text';
import { csvField } from '@/lib/export/csv';
import { startExport } from '@/lib/export/run';
import { parseExportRequest } from '@/lib/schemas/exports';
import { sql } from '@/lib/server/sql';
import { useTestDatabase } from './helpers/db';
import { bytesOf, escapeCorpus, parseCsv, parseJsonl, readParquet } from './helpers/export';
import { baseLine, ingestText, jsonl } from './helpers/trace';

const db = useTestDatabase('exportsteps');

const CORPUS = escapeCorpus(20_000);

async function copyRows(q: string): Promise<Uint8Array> {
  const c = new pg.Client({ connectionString: db.url });
  await c.connect();
  try {
    const parts: Buffer[] = [];
    for await (const chunk of c.query(copyTo(`COPY (${q}) TO STDOUT`)) as AsyncIterable<Buffer>) parts.push(chunk);
    return new Uint8Array(Buffer.concat(parts));
  } finally {
    await c.end();
  }
}

describe('COPY text to JSON and CSV bytes', () => {
  it('every string comes out as JSON.stringify, csvField and itself would have it', async () => {
    await db.pool().query('CREATE TABLE copy_corpus (n int, s text, j json, x float8)');
    for (const [n, s] of CORPUS.entries()) {
      await db.pool().query('INSERT INTO copy_corpus VALUES ($1, $2, $3, $4)', [n, s, JSON.stringify({ s, n }), n / 7]);
    }
    await db.pool().query('INSERT INTO copy_corpus VALUES ($1, NULL, NULL, NULL)', [CORPUS.length]);
    await db.pool().query('SET extra_float_digits = 3');
    const src = await copyRows('SELECT s, j, x FROM copy_corpus ORDER BY n');
    const bounds = new Int32Array(6);
    const write = (f: (sink: ByteSink, s: Uint8Array, a: number, b: number) => void, a: number, b: number) => {
      const sink = new ByteSink(16);
      f(sink, src, a, b);
      return Buffer.from(sink.take()).toString('utf8');
    };
    let pos = 0;
    for (const [n, s] of CORPUS.entries()) {
      pos = scanRow(src, pos, bounds, 3);
      const [a, b, ja, jb, xa, xb] = bounds;
      expect(write(jsonString, a!, b!)).toBe(JSON.stringify(s));
      expect(JSON.parse(write(jsonString, a!, b!))).toBe(s);
      expect(write(csvText, a!, b!)).toBe(csvField(s));
      expect(decodeText(src, a!, b!)).toBe(s);
      expect(Buffer.from(decodeBytes(src, a!, b!)).toString('utf8')).toBe(s);
      expect(JSON.parse(write(jsonRaw, ja!, jb!))).toEqual({ s, n });
      expect(decodeNumber(src, xa!, xb!)).toBe(n / 7);
      expect(write(jsonNumber, xa!, xb!)).toBe(JSON.stringify(n / 7));
    }
    pos = scanRow(src, pos, bounds, 3);
    expect([
      write(jsonString, bounds[0]!, bounds[1]!),
      write(csvText, bounds[0]!, bounds[1]!),
      write(jsonRaw, bounds[2]!, bounds[3]!),
      write(jsonNumber, bounds[4]!, bounds[5]!),
    ]).toEqual(['null', '', 'null', 'null']);
    expect(pos).toBe(src.length);
  });

  it('a statement with its values written in means what it means with them as parameters', async () => {
    const values: unknown[] = [
      "it's",
      "back\\slash \\' quote",
      "'; DROP TABLE copy_corpus; --",
      ['a', 'b"c', "d'e", null],
      0.1,
      -2.5e-7,
      true,
      3,
      null,
      '2026-01-02T03:04:05.678Z',
    ];
    const q = sql`SELECT ${values[0]}::text, ${values[1]}::text, ${values[2]}::text, ${values[3]}::text[], ${values[4]}::float8 + 0, ${values[5]}::float8,
                         ${values[6]}::bool, ${values[7]}::int, ${values[8]}::text IS NULL, ${values[9]}::timestamptz`;
    // COPY itself refuses parameters: that is why the values are written in.
    await expect(db.pool().query({ text: 'COPY (SELECT $1::text) TO STDOUT', values: ['x'] })).rejects.toThrow();
    const c = await db.pool().connect();
    try {
      await c.query("SET TimeZone = 'UTC'; SET extra_float_digits = 3");
      const direct = await c.query({ text: q.text, values: q.values as unknown[], rowMode: 'array' });
      const parts: Buffer[] = [];
      for await (const chunk of c.query(copyTo(`COPY (${inlineValues(q)}) TO STDOUT`)) as AsyncIterable<Buffer>) parts.push(chunk);
      const copied = Buffer.concat(parts).toString('utf8');
      const fields = copied.replace(/\n$/, '').split('\t');
      const d = direct.rows[0] as unknown[];
      expect(fields[0]).toBe("it's");
      expect(fields[1]).toBe("back\\\\slash \\\\' quote");
      expect(fields[2]).toBe(values[2]);
      expect(fields[3]).toBe('{a,"b\\\\"c",d\'e,NULL}');
      expect(Number(fields[4])).toBe(d[4]);
      expect(Number(fields[5])).toBe(d[5]);
      expect(fields.slice(6, 9)).toEqual(['t', '3', 't']);
      expect(new Date(fields[9]!).toISOString()).toBe(values[9]);
      // The table the injected text names is still there.
      expect((await c.query('SELECT count(*)::int AS n FROM copy_corpus')).rows[0].n).toBe(CORPUS.length + 1);
    } finally {
      c.release();
    }
    expect(() => inlineValues(sql`SELECT ${'a\u0000b'}::text`)).toThrow(/NUL/);
  });

  it('reads the COPY well ahead of a slow consumer, in chunks far larger than a socket read, each ending at a row', async () => {
    // 20,000 rows of 101 bytes: about 2 MB.
    const copy = await openCopyOut(db.pool(), sql`SELECT repeat('x', 100) FROM generate_series(1, 20000)`, '/* test */');
    const sizes: number[] = [];
    let bytes = 0;
    for await (const chunk of copy) {
      expect(chunk[chunk.length - 1]).toBe(10);
      sizes.push(chunk.length);
      bytes += chunk.length;
      // A consumer busy formatting: PostgreSQL keeps writing into the buffer meanwhile.
      await new Promise((r) => setTimeout(r, 200));
    }
    expect(bytes).toBe(20000 * 101);
    expect(Math.max(...sizes)).toBeGreaterThan(256 * 1024);
  });
});

// ---------------------------------------------------------------- the export

const HOSTILE_RUN = `it's a "run" \\ with, commas`;
const TEXTS = ['=HYPERLINK("http://evil.example/","x")', '+1', '', 'tab\tand\\n, "quotes"\r\nÜnïcödé ✓', '\\N', '@SUM(A1)', '$$x$$', 'plain'];

function hostileLine(): Record<string, unknown> {
  const line = baseLine(`${HOSTILE_RUN}/q/0`, { run: { id: HOSTILE_RUN, policy: 'roro' } });
  line.steps = TEXTS.map((text, index) => ({
    index,
    model: index % 3 === 1 ? 'large' : 'small',
    text,
    tokens_in: 10 + index,
    tokens_out: 5 + index,
    ...(index % 2 === 0 ? { latency_ms: 100.25 + index } : {}),
    ...(index !== 2 ? { router: { probs: index % 3 === 1 ? { large: 0.6, small: 0.4 } : { small: 0.9, large: 0.1 } } } : {}),
  }));
  line.judgments = [{ criterion: 'c1', steps: [1, 4], score: 1 }];
  return line;
}

/** One trajectory of 3,000 steps, long enough to cross many COPY chunks. */
function longLine(): Record<string, unknown> {
  const line = baseLine('long/q/0', { run: { id: 'long', policy: 'roro' } });
  line.steps = Array.from({ length: 3000 }, (_, index) => ({
    index,
    model: index % 7 === 0 ? 'large' : 'small',
    text: `Step ${index}: ${'ab, "c"\\d '.repeat(index % 40)}`,
    tokens_in: 100 + index,
    tokens_out: 50 + (index % 13),
    router: { probs: { small: 0.5, large: 0.5 } },
  }));
  line.judgments = [
    { criterion: 'c1', steps: [0, 2999], score: 1 },
    { criterion: 'c2', steps: [1500], score: 7 },
  ];
  return line;
}

async function exportOf(format: 'jsonl' | 'csv' | 'parquet', params: Record<string, string>) {
  const run = await startExport(parseExportRequest('steps', new URLSearchParams({ ...params, format })));
  return { bytes: await bytesOf(run.chunks), rows: run.rows(), columns: run.columns };
}

describe('the steps export', () => {
  beforeAll(async () => {
    const s = await ingestText(jsonl([baseLine(), hostileLine(), longLine()]));
    expect(s.stored).toBe(3);
  });

  it('carries each step’s text, latency and router probabilities as the trace gave them, in every format', async () => {
    const line = hostileLine();
    const steps = line.steps as { text: string; latency_ms?: number; router?: { probs: Record<string, number> } }[];
    const params = { run: HOSTILE_RUN };
    const j = parseJsonl((await exportOf('jsonl', params)).bytes.toString('utf8'));
    expect(j.map((r) => r.text)).toEqual(TEXTS);
    expect(j.map((r) => r.latency_ms)).toEqual(steps.map((s) => s.latency_ms ?? null));
    expect(j.map((r) => r.router_probs)).toEqual(steps.map((s) => s.router?.probs ?? null));
    expect(j.every((r) => r.run_id === HOSTILE_RUN && r.trajectory_id === line.id)).toBe(true);
    // Key order is the stored one (json keeps it).
    expect(Object.keys(j[1]!.router_probs as object)).toEqual(['large', 'small']);

    const csv = await exportOf('csv', params);
    const { header, records } = parseCsv(csv.bytes.toString('utf8'));
    expect(header).toEqual(csv.columns.map((c) => c.name));
    const at = (name: string) => header.indexOf(name);
    // Each text cell is exactly what csvField makes of the text (spreadsheet escaping included).
    expect(records.map((r) => r[at('text')])).toEqual(TEXTS.map((t) => parseCsv(`h\r\n${csvField(t)}\r\n`).records[0]![0]));
    expect(records.map((r) => (r[at('latency_ms')] === null ? null : Number(r[at('latency_ms')])))).toEqual(steps.map((s) => s.latency_ms ?? null));
    expect(records.map((r) => (r[at('router_probs')] === null ? null : JSON.parse(r[at('router_probs')]!)))).toEqual(steps.map((s) => s.router?.probs ?? null));
    expect(records.every((r) => r[at('run_id')] === HOSTILE_RUN)).toBe(true);

    const p = await readParquet((await exportOf('parquet', params)).bytes);
    expect(p.rows.map((r) => r.text)).toEqual(TEXTS);
    expect(p.rows.map((r) => r.latency_ms ?? null)).toEqual(steps.map((s) => s.latency_ms ?? null));
    expect(p.rows.map((r) => (r.router_probs == null ? null : JSON.parse(r.router_probs as string)))).toEqual(steps.map((s) => s.router?.probs ?? null));
  });

  it('the CSV text of every cell is csvField’s, byte for byte', async () => {
    const text = (await exportOf('csv', { run: HOSTILE_RUN })).bytes.toString('utf8');
    for (const t of TEXTS) expect(text).toContain(`,${csvField(t)},`);
  });

  it('a trajectory that spans many COPY chunks keeps its running cost and scores', async () => {
    const line = longLine();
    const j = parseJsonl((await exportOf('jsonl', { run: 'long' })).bytes.toString('utf8'));
    expect(j.length).toBe(3000);
    expect(j.map((r) => r.step_index)).toEqual(Array.from({ length: 3000 }, (_, i) => i));
    expect(j.map((r) => r.cumulative_cost_usd)).toEqual(cumulativeCosts(j.map((r) => r.cost_usd as number)));
    expect(j.map((r) => r.text)).toEqual((line.steps as { text: string }[]).map((s) => s.text));
    expect([j[0]!.rubric_score, j[1]!.rubric_score, j[1500]!.rubric_score, j[2999]!.rubric_score]).toEqual([1, null, 0.7, 1]);
    const p = await readParquet((await exportOf('parquet', { run: 'long' })).bytes);
    expect(p.rows.map((r) => r.cumulative_cost_usd)).toEqual(j.map((r) => r.cumulative_cost_usd));
    expect(p.rows.map((r) => r.text)).toEqual(j.map((r) => r.text));
  });

  it('filters with quotes and backslashes select exactly their trajectories', async () => {
    for (const format of ['jsonl', 'csv', 'parquet'] as const) {
      const e = await exportOf(format, { run: HOSTILE_RUN });
      expect(e.rows).toBe(TEXTS.length);
    }
    // A run name that reads as SQL is only an unknown run: refused by name, nothing exported.
    await expect(exportOf('jsonl', { run: "r1' OR '1'='1" })).rejects.toThrow(/no run is named "r1' OR '1'='1"/);
    expect((await exportOf('jsonl', { q: "it's" })).rows).toBe(0);
    expect((await exportOf('jsonl', { q: '$x$' })).rows).toBe(2 + TEXTS.length + 3000);
    expect((await exportOf('jsonl', { run: 'r1' })).rows).toBe(2);
  });
});
