// Exports stream: bytes go out before the last row is read, Parquet leaves by row groups, and a client
// that goes away gives its database connection back. And the HTTP surface: headers, the manifest,
// a 400 that names the bad parameter, the viewer role.
import { Readable } from 'node:stream';
import pg from 'pg';
import { beforeAll, describe, expect, it } from 'vitest';
import { GET } from '@/app/api/exports/[kind]/route';
import { getExportPool } from '@/lib/db/pool';
import { startExport } from '@/lib/export/run';
import { MANIFEST_PARQUET_KEY } from '@/lib/export/manifest';
import { generateTraces, serializeLine } from '@/lib/generate';
import { ingestStream } from '@/lib/ingest/pipeline';
import { deleteRun } from '@/lib/server/deletion';
import { parseExportRequest } from '@/lib/schemas/exports';
import { useTestDatabase } from './helpers/db';
import { request, signedIn } from './helpers/api';
import { bytesOf, parseJsonl, readParquet } from './helpers/export';
import { baseLine, ingestText, jsonl } from './helpers/trace';

const db = useTestDatabase('exportstream');

let totalSteps = 0;
let trajectories = 0;

function call(kind: string, query = ''): Promise<Response> {
  return GET(new Request(`http://localhost/api/exports/${kind}${query ? `?${query}` : ''}`), { params: Promise.resolve({ kind }) });
}

/** The export pool's connections that are checked out (the export's own, while it runs). */
const busy = () => getExportPool().totalCount - getExportPool().idleCount;

/** Waits (bounded) for a condition that another part of the process brings about. */
async function eventually(check: () => Promise<boolean> | boolean, what: string): Promise<void> {
  for (let i = 0; i < 200; i++) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error(`never happened: ${what}`);
}

async function exportBackends(): Promise<number> {
  const c = new pg.Client({ connectionString: db.url });
  await c.connect();
  try {
    const r = await c.query(
      `SELECT count(*)::int AS n FROM pg_stat_activity
        WHERE datname = current_database() AND pid <> pg_backend_pid() AND state <> 'idle' AND query LIKE '/* routelens export: steps */%'`,
    );
    return r.rows[0].n as number;
  } finally {
    await c.end();
  }
}

beforeAll(async () => {
  process.env.ROUTELENS_EMBEDDED = 'true';
  const lines = [...generateTraces({ seed: 11, queries: 600, steps: { min: 8, max: 12 }, textSize: 'short' })];
  trajectories = lines.length;
  totalSteps = lines.reduce((n, l) => n + l.steps.length, 0);
  const s = await ingestStream(Readable.from([Buffer.from(lines.map(serializeLine).join('\n') + '\n')]));
  expect(s.stored).toBe(trajectories);
});

describe('streaming', () => {
  it('the first bytes leave before the last row is read', async () => {
    const run = await startExport(parseExportRequest('steps', new URLSearchParams({ format: 'jsonl' })));
    const it = run.chunks[Symbol.asyncIterator]();
    const first = await it.next();
    expect(first.done).toBe(false);
    expect(run.rows()).toBeGreaterThan(0);
    expect(run.rows()).toBeLessThan(totalSteps);
    await it.return?.();
    await run.close();
    await eventually(() => busy() === 0, 'the connection goes back to the pool');
  });

  it('Parquet goes out by row groups, each before the rows after it are read', async () => {
    const run = await startExport(parseExportRequest('steps', new URLSearchParams({ format: 'parquet' })), { parquetRowGroupRows: 5000 });
    const rowsAtChunk: number[] = [];
    const parts: Uint8Array[] = [];
    for await (const chunk of run.chunks) {
      parts.push(chunk);
      rowsAtChunk.push(run.rows());
    }
    // The header alone, then each row group as it fills (a trajectory's steps are read together, so
    // a few rows of the next group may already be in), then the last group and the footer.
    expect(rowsAtChunk[0]).toBe(0);
    expect(rowsAtChunk[1]).toBeGreaterThanOrEqual(5000);
    expect(rowsAtChunk[1]).toBeLessThan(10000);
    expect(rowsAtChunk[2]).toBeGreaterThanOrEqual(10000);
    expect(rowsAtChunk[2]).toBeLessThan(15000);
    const file = await readParquet(Buffer.concat(parts));
    expect(file.groupRows.slice(0, -1).every((n) => n === 5000)).toBe(true);
    expect(file.rowGroups).toBe(Math.ceil(totalSteps / 5000));
    expect(file.rows.length).toBe(totalSteps);
    expect(JSON.parse(file.kv[MANIFEST_PARQUET_KEY]!).rows).toBe(totalSteps);
  });

  it('a client that disconnects mid-way releases its database connection', async () => {
    const res = await call('steps', 'format=jsonl');
    expect(res.status).toBe(200);
    const reader = res.body!.getReader();
    const first = await reader.read();
    expect(first.done).toBe(false);
    // While the client is reading, the export holds one connection and its statement is open.
    expect(busy()).toBe(1);
    expect(await exportBackends()).toBe(1);
    await reader.cancel();
    await eventually(() => busy() === 0, 'the pool has every connection idle again');
    await eventually(async () => (await exportBackends()) === 0, 'no backend still runs the export');
    // And the released connection works for the next request.
    const again = await call('steps', 'format=csv&run=all-small');
    expect((await again.text()).split('\r\n')[0]).toMatch(/^trajectory_id,/);
  });

  it('a database that fails mid-way cuts the body short and frees the connection', async () => {
    // Mid-way must mean the COPY is still running when its backend dies: a COPY that PostgreSQL has
    // finished writing into the sockets' buffers (this file's steps are about 4 MB of CSV, which a fast
    // machine writes before the kill) is whole, and its export may rightly end whole. So the export
    // here is of a run of its own whose steps come to about 48 MB, more than the export's buffer and the
    // sockets' together hold: once its backend waits to write to the client (ClientWrite), the COPY
    // cannot end before the reader reads, and that is when it is killed.
    const wide = baseLine('wide/q/0', { run: { id: 'wide', policy: 'roro' }, judgments: [] });
    wide.steps = Array.from({ length: 48 }, (_, index) => ({
      index,
      model: index % 2 ? 'large' : 'small',
      text: `${index} ${'x'.repeat(1_000_000)}`,
      tokens_in: 10,
      tokens_out: 5,
    }));
    expect((await ingestText(jsonl([wide]))).stored).toBe(1);
    try {
      const res = await call('steps', 'format=csv&run=wide');
      const reader = res.body!.getReader();
      expect((await reader.read()).done).toBe(false);
      const admin = new pg.Client({ connectionString: db.url });
      await admin.connect();
      try {
        const EXPORT = `datname = current_database() AND pid <> pg_backend_pid() AND query LIKE '/* routelens export: steps */%'`;
        await eventually(
          async () => (await admin.query(`SELECT 1 FROM pg_stat_activity WHERE ${EXPORT} AND state = 'active' AND wait_event = 'ClientWrite'`)).rowCount === 1,
          'the export backend waits to write the rest of the COPY to the client',
        );
        const killed = await admin.query(`SELECT pg_terminate_backend(pid) AS ok FROM pg_stat_activity WHERE ${EXPORT}`);
        expect(killed.rows).toEqual([{ ok: true }]);
      } finally {
        await admin.end();
      }
      const drain = async () => {
        for (;;) if ((await reader.read()).done) return 'complete';
      };
      await expect(drain()).rejects.toThrow();
      await eventually(() => busy() === 0, 'the broken connection leaves the pool');
      expect(parseJsonl(await (await call('steps', 'run=all-small')).text()).length).toBeGreaterThan(0);
    } finally {
      await deleteRun('wide');
    }
  });

  it('a client that reads to the end gets every row, and the connection back in the pool', async () => {
    const res = await call('steps');
    const rows = parseJsonl(await res.text());
    expect(rows.length).toBe(totalSteps);
    expect(busy()).toBe(0);
  });
});

describe('GET /api/exports/{kind}', () => {
  it('is open to viewers, and to no one without credentials', async () => {
    expect(GET.routelensRole).toBe('viewer');
    delete process.env.ROUTELENS_EMBEDDED;
    try {
      expect((await call('steps')).status).toBe(401);
      const viewer = await signedIn('vera', 'viewer');
      const res = await GET(request({ path: '/api/exports/labels?format=csv', as: viewer }), { params: Promise.resolve({ kind: 'labels' }) });
      expect(res.status).toBe(200);
      expect(await res.text()).toMatch(/^label_id,item_id,/);
    } finally {
      process.env.ROUTELENS_EMBEDDED = 'true';
    }
  });

  it('answers an attachment with its type, a dated file name and the manifest', async () => {
    const res = await call('stepwise', 'format=csv&run=roro-s800&correct=true&lambda=1.5&threshold=0.6&q=%E2%9C%93%20%22x%22');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/csv; charset=utf-8; header=present');
    expect(res.headers.get('content-disposition')).toMatch(/^attachment; filename="routelens-stepwise-\d{4}-\d{2}-\d{2}\.csv"$/);
    const header = res.headers.get('x-routelens-manifest')!;
    expect(header).toMatch(/^[\x20-\x7e]+$/);
    const manifest = JSON.parse(header);
    expect(manifest).toMatchObject({
      kind: 'stepwise',
      format: 'csv',
      filters: { run: 'roro-s800', correct: 'true', q: '✓ "x"' },
      lambda: 1.5,
      mu: 0.1,
      threshold: 0.6,
      delta_p: 0.1,
      ratio_c: 1.2,
      cap: null,
      routelens_version: expect.any(String),
    });
    expect(manifest.rows).toBeUndefined();
    expect(Date.parse(manifest.created_at)).not.toBeNaN();
    await res.body?.cancel();
  });

  it('serves every format with its content type', async () => {
    const jsonl = await call('labels');
    expect(jsonl.headers.get('content-type')).toBe('application/jsonl; charset=utf-8');
    expect(await jsonl.text()).toBe('');
    const parquet = await call('preferences', 'format=parquet&cap=1');
    expect(parquet.headers.get('content-type')).toBe('application/vnd.apache.parquet');
    const bytes = await bytesOf(parquet.body!);
    expect(bytes.subarray(0, 4).toString()).toBe('PAR1');
    expect(bytes.subarray(-4).toString()).toBe('PAR1');
    expect(JSON.parse((await readParquet(bytes)).kv[MANIFEST_PARQUET_KEY]!)).toMatchObject({ kind: 'preferences', cap: 1 });
  });

  it.each([
    ['kind', 'nonsense', '', 'kind'],
    ['format', 'steps', 'format=xlsx', 'format'],
    ['lambda', 'steps', 'lambda=abc', 'lambda'],
    ['mu', 'steps', 'mu=Infinity', 'mu'],
    ['threshold', 'stepwise', 'threshold=1.5', 'threshold'],
    ['delta_p', 'preferences', 'delta_p=-1', 'delta_p'],
    ['ratio_c', 'preferences', 'ratio_c=0.5', 'ratio_c'],
    ['cap', 'preferences', 'cap=1.5', 'cap'],
    ['unscored', 'stepwise', 'unscored=maybe', 'unscored'],
    ['a filter', 'steps', 'correct=yes', 'correct'],
    ['a cost range', 'steps', 'min_cost=2&max_cost=1', 'min_cost'],
  ])('refuses a bad %s with a 400 naming it', async (_what, kind, query, name) => {
    const res = await call(kind, query);
    expect(res.status).toBe(400);
    const body = (await res.json()) as { error: { code: string; message: string } };
    expect(body.error.code).toBe('invalid_parameter');
    expect(body.error.message).toContain(`"${name}"`);
    expect(busy()).toBe(0);
  });
});
