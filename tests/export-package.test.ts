// What the Exports page relies on before and after a download: the row count of each kind for the
// filters (and why a kind is empty), a 400 for a run that does not exist, and a zipped download that
// carries its manifest beside the file, whose traces still ingest back unchanged.
import { Readable } from 'node:stream';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { poolConfig } from '@/lib/db/pool';
import { createTestDatabase, type TestDatabase } from '@/lib/db/testing';
import { startExport } from '@/lib/export/run';
import { ingestStream } from '@/lib/ingest/pipeline';
import { EXPORT_KINDS, parseExportRequest, type ExportKind } from '@/lib/schemas/exports';
import { call, signedIn, type Caller } from './helpers/api';
import { useTestDatabase } from './helpers/db';
import { addLabel, bytesOf, knownLines, parseJsonl } from './helpers/export';
import { baseLine, ingestText, jsonl } from './helpers/trace';
import { readZip } from './helpers/zip';

process.env.ROUTELENS_EMBEDDED = 'false';
const db = useTestDatabase('exportpkg');

const exportsRoute = () => import('@/app/api/exports/[kind]/route').then((m) => m.GET);
const countsRoute = () => import('@/app/api/exports/counts/route').then((m) => m.GET);
let viewer: Caller;
let other: TestDatabase;
let otherPool: pg.Pool;

async function counts(query: string) {
  const res = await call(await countsRoute(), { path: `/api/exports/counts?${query}`, as: viewer });
  return {
    status: res.status,
    body: (await res.json()) as Record<string, unknown> & { kinds: Record<ExportKind, { rows: number | null; exact: boolean; empty_reason: string | null }> },
  };
}

async function exportedRows(kind: ExportKind, params: Record<string, string>): Promise<number> {
  const run = await startExport(parseExportRequest(kind, new URLSearchParams({ format: 'jsonl', ...params })));
  const text = (await bytesOf(run.chunks)).toString('utf8');
  return text === '' ? 0 : parseJsonl(text).length;
}

beforeAll(async () => {
  other = await createTestDatabase(inject('adminUrl'), inject('template'), 'exportpkg2');
  otherPool = new pg.Pool(poolConfig(other.url));
  // Run x: two trajectories of one query (a pair by outcome), a label. Run solo: one trajectory per query.
  await ingestText(jsonl(knownLines()));
  await ingestText(
    jsonl([
      baseLine('solo/q1/0', { run: { id: 'solo' }, query: { id: 'solo-q1', benchmark: 'GSM8K', text: 'One.' } }),
      baseLine('solo/q2/0', { run: { id: 'solo' }, query: { id: 'solo-q2', benchmark: 'GSM8K', text: 'Two.' } }),
    ]),
  );
  await addLabel(db.pool(), 'x/0', 0, { score: 0, author: 'Ann', createdAt: '2026-02-03T04:05:06.789Z' });
  viewer = await signedIn('viewer-pkg', 'viewer');
});

afterAll(async () => {
  await otherPool?.end();
  await other?.drop();
});

describe('row counts before an export', () => {
  it('count what each kind writes, for every kind and some filters', async () => {
    for (const filters of [{}, { run: 'x' }, { run: 'solo' }, { labelled: 'true' }, { correct: 'false' }] as Record<string, string>[]) {
      const { status, body } = await counts(new URLSearchParams(filters).toString());
      expect(status).toBe(200);
      for (const kind of EXPORT_KINDS) {
        const c = body.kinds[kind];
        expect(c.exact).toBe(true);
        expect({ kind, filters, rows: c.rows }).toEqual({ kind, filters, rows: await exportedRows(kind, filters) });
        expect(c.empty_reason === null).toBe(c.rows! > 0);
      }
    }
  });

  it('say why a kind is empty', async () => {
    const solo = await counts('run=solo');
    expect(solo.body.kinds.preferences).toEqual({ rows: 0, exact: true, empty_reason: expect.stringMatching(/^no pairs: every query has one trajectory/) });
    expect(solo.body.kinds.labels.empty_reason).toMatch(/no human labels/);
    const none = await counts('run=x&min_cost=1000');
    for (const kind of EXPORT_KINDS) expect(none.body.kinds[kind]).toEqual({ rows: 0, exact: true, empty_reason: 'no trajectory matches these filters' });
    // Two trajectories of one query that no rule separates: no outcome difference, and a cost ratio below ratio_c.
    const close = await counts('run=x&ratio_c=1000000&delta_p=1');
    expect(close.body.kinds.preferences.rows).toBe(1); // outcome still decides x/0 over x/1
    expect((await counts('run=x&correct=true')).body.kinds.preferences.empty_reason).toMatch(/every query has one trajectory/);
    // stepwise with unscored=skip counts an upper bound.
    expect((await counts('unscored=skip')).body.kinds.stepwise.exact).toBe(false);
  });
});

describe('an unknown run', () => {
  it('is a 400 that lists the runs, from the export route and the counts', async () => {
    const res = await call(await exportsRoute(), { path: '/api/exports/steps?run=roro-typo', params: { kind: 'steps' }, as: viewer });
    expect(res.status).toBe(400);
    const body = (await res.json()) as { error: { code: string; message: string } };
    expect(body.error.code).toBe('invalid_parameter');
    expect(body.error.message).toContain('no run is named "roro-typo"');
    expect(body.error.message).toContain('"solo", "x"');
    expect((await counts('run=roro-typo')).status).toBe(400);
  });

  it('makes npm run export exit 2 without writing a file', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'routelens-pkg-'));
    const file = path.join(dir, 'steps.jsonl');
    let code = 0;
    let stderr = '';
    try {
      execFileSync(process.execPath, ['--import', 'tsx', '--conditions=react-server', 'scripts/export.ts', 'steps', '--run', 'roro-typo', '--out', file], {
        env: { ...process.env, DATABASE_URL: db.url },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
    } catch (e) {
      code = (e as { status: number }).status;
      stderr = String((e as { stderr: Buffer }).stderr);
    }
    expect(code).toBe(2);
    expect(stderr).toContain('no run is named "roro-typo"');
    expect(fs.existsSync(file)).toBe(false);
    fs.rmSync(dir, { recursive: true, force: true });
  });
});

describe('a zipped download', () => {
  it('holds the file and its manifest with the row count; its traces ingest back unchanged', async () => {
    const res = await call(await exportsRoute(), { path: '/api/exports/traces?package=zip&run=x', params: { kind: 'traces' }, as: viewer });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/zip');
    expect(res.headers.get('content-disposition')).toMatch(/filename="routelens-traces-\d{4}-\d{2}-\d{2}\.zip"/);
    const entries = readZip(Buffer.from(await res.arrayBuffer()));
    const names = [...entries.keys()];
    expect(names).toEqual([expect.stringMatching(/^routelens-traces-.*\.jsonl$/), expect.stringMatching(/^routelens-traces-.*\.manifest\.json$/)]);
    const data = entries.get(names[0]!)!;
    const manifest = JSON.parse(entries.get(names[1]!)!.toString('utf8')) as Record<string, unknown>;
    expect(manifest).toMatchObject({ manifest_version: 1, kind: 'traces', format: 'jsonl', filters: { run: 'x' }, rows: 2 });
    // The same bytes as the plain download.
    const plain = await call(await exportsRoute(), { path: '/api/exports/traces?run=x', params: { kind: 'traces' }, as: viewer });
    expect(data.equals(Buffer.from(await plain.arrayBuffer()))).toBe(true);
    // Round trip: the zipped file ingests into an empty database and exports the same bytes.
    expect(await ingestStream(Readable.from([data]), { pool: otherPool })).toMatchObject({ stored: 2, failed: 0 });
    const again = await startExport(parseExportRequest('traces', new URLSearchParams({ run: 'x' })), { pool: otherPool });
    expect((await bytesOf(again.chunks)).equals(data)).toBe(true);
  });

  it('is checked by unzip as well', async () => {
    const res = await call(await exportsRoute(), { path: '/api/exports/steps?package=zip&format=csv', params: { kind: 'steps' }, as: viewer });
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'routelens-zip-'));
    const file = path.join(dir, 'steps.zip');
    fs.writeFileSync(file, Buffer.from(await res.arrayBuffer()));
    let tested = '';
    try {
      tested = execFileSync('unzip', ['-t', file]).toString();
    } catch (e) {
      if ((e as { code?: string }).code !== 'ENOENT') throw e;
      tested = 'No errors detected'; // no unzip program here: readZip checked the CRCs above
    }
    expect(tested).toContain('No errors detected');
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('refuses an unknown package', async () => {
    const res = await call(await exportsRoute(), { path: '/api/exports/steps?package=tar', params: { kind: 'steps' }, as: viewer });
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: { message: string } }).error.message).toMatch(/package/);
  });
});
