// Exports cannot starve the app: they stream through a small pool of their own, at most
// ROUTELENS_EXPORTS_PER_PERSON at once per person and ROUTELENS_EXPORTS_MAX in all (429 with
// Retry-After beyond), and a reader that takes nothing for ROUTELENS_EXPORT_IDLE_SECONDS is cut off
// and its connection returned. Meanwhile the app's own routes keep answering.
import { Readable } from 'node:stream';
import { beforeAll, describe, expect, it } from 'vitest';
import { closePool, getExportPool } from '@/lib/db/pool';
import { createApiKey } from '@/lib/server/api-keys';
import { createUser } from '@/lib/server/users';
import { generateTraces, serializeLine } from '@/lib/generate';
import { ingestStream } from '@/lib/ingest/pipeline';
import { call, PASSWORD, type Caller } from './helpers/api';
import { useTestDatabase } from './helpers/db';

process.env.ROUTELENS_EMBEDDED = 'false';
// The app pool is small, as on a busy server: twelve slow downloads on it would take every connection.
process.env.ROUTELENS_DB_POOL_MAX = '4';
process.env.ROUTELENS_DB_CONNECT_TIMEOUT_MS = '3000';
process.env.ROUTELENS_EXPORTS_MAX = '3';
process.env.ROUTELENS_EXPORTS_PER_PERSON = '2';
process.env.ROUTELENS_EXPORT_IDLE_SECONDS = '2';
useTestDatabase('exportlimits');

const people: Caller[] = [];
const exportsRoute = () => import('@/app/api/exports/[kind]/route').then((m) => m.GET);
const runsRoute = () => import('@/app/api/runs/route').then((m) => m.GET);

async function startDownload(as: Caller): Promise<Response> {
  return call(await exportsRoute(), { path: '/api/exports/steps?format=csv', params: { kind: 'steps' }, as });
}

const exportBusy = () => getExportPool().totalCount - getExportPool().idleCount;

async function eventually(check: () => boolean, what: string, ms = 10_000): Promise<void> {
  for (let waited = 0; waited < ms; waited += 50) {
    if (check()) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`never happened: ${what}`);
}

beforeAll(async () => {
  const lines = [...generateTraces({ seed: 5, queries: 400, steps: { min: 8, max: 12 }, textSize: 'short' })];
  const s = await ingestStream(Readable.from([Buffer.from(lines.map(serializeLine).join('\n') + '\n')]));
  expect(s.failed).toBe(0);
  for (let i = 0; i < 12; i++) {
    const u = await createUser({ username: `reader${i}`, role: 'viewer', password: PASSWORD });
    people.push({ name: u.username, apiKey: (await createApiKey(u.id, 'script')).key });
  }
}, 180_000);

describe('exports', () => {
  it('twelve slow downloads at once: at most the caps run, the others get 429, and GET /api/runs keeps answering', async () => {
    const downloads = await Promise.all(people.map((p) => startDownload(p)));
    const statuses = downloads.map((r) => r.status);
    expect(statuses.filter((s) => s === 200)).toHaveLength(3);
    expect(statuses.filter((s) => s === 429)).toHaveLength(9);
    const refused = downloads.find((r) => r.status === 429)!;
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(((await refused.json()) as { error: { message: string } }).error.message).toMatch(/ROUTELENS_EXPORTS_MAX/);
    // The running ones read a first chunk, then stall (a reader at a few bytes a second).
    const readers = downloads.filter((r) => r.status === 200).map((r) => r.body!.getReader());
    for (const r of readers) expect((await r.read()).done).toBe(false);
    expect(exportBusy()).toBe(3);
    // The app's routes are served from their own pool meanwhile.
    const runs = await runsRoute();
    for (let i = 0; i < 8; i++) expect((await call(runs, { path: '/api/runs', as: people[0] })).status).toBe(200);
    for (const r of readers) await r.cancel();
    await eventually(() => exportBusy() === 0, 'the cancelled exports give their connections back');
  });

  it('caps one person at ROUTELENS_EXPORTS_PER_PERSON, and a finished download frees its slot', async () => {
    const me = people[1]!;
    const a = await startDownload(me);
    const b = await startDownload(me);
    expect([a.status, b.status]).toEqual([200, 200]);
    const c = await startDownload(me);
    expect(c.status).toBe(429);
    expect(((await c.json()) as { error: { message: string } }).error.message).toMatch(/ROUTELENS_EXPORTS_PER_PERSON/);
    // Someone else still may.
    const other = await startDownload(people[2]!);
    expect(other.status).toBe(200);
    expect((await a.text()).split('\r\n')[0]).toMatch(/^trajectory_id,/);
    await b.body!.cancel();
    await other.body!.cancel();
    const d = await startDownload(me);
    expect(d.status).toBe(200);
    await d.body!.cancel();
  });

  it('cuts off a reader that takes nothing for the idle time, and returns its connection', async () => {
    const stalled = await Promise.all([startDownload(people[3]!), startDownload(people[4]!), startDownload(people[5]!)]);
    expect(stalled.map((r) => r.status)).toEqual([200, 200, 200]);
    const readers = stalled.map((r) => r.body!.getReader());
    await readers[0]!.read();
    expect(exportBusy()).toBe(3);
    expect((await startDownload(people[6]!)).status).toBe(429);
    // Nobody reads for longer than ROUTELENS_EXPORT_IDLE_SECONDS (2 s).
    await eventually(() => exportBusy() === 0, 'the idle exports are cut off', 15_000);
    await expect(readers[0]!.read()).rejects.toThrow(/took nothing/);
    const next = await startDownload(people[6]!);
    expect(next.status).toBe(200);
    expect((await next.text()).length).toBeGreaterThan(1000);
  });

  it('closes the export pool with the app pool', async () => {
    await closePool();
    expect(getExportPool().totalCount).toBe(0);
  });
});
