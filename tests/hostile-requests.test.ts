// Requests a stranger can send that once reached PostgreSQL as errors (500): a NUL in a run or
// trajectory id that a write route hands to Prisma, and ids beyond PostgreSQL's integer range in JSON
// bodies. Each is a 4xx that names what is wrong, and nothing is written.
import { beforeAll, describe, expect, it } from 'vitest';
import { call, json, signedIn, type Caller } from './helpers/api';
import { useTestDatabase } from './helpers/db';
import { judgmentsOf, storeSmallFixture } from './helpers/labels';

process.env.ROUTELENS_EMBEDDED = 'false';
const db = useTestDatabase('reviewhostile');

let admin: Caller & { userId: number };
const BEYOND_INT4 = 2 ** 31;
type ErrorBody = { error: { code: string; message: string } };

beforeAll(async () => {
  await storeSmallFixture();
  admin = await signedIn('root', 'admin');
}, 120_000);

async function counts(): Promise<string> {
  const r = await db.pool().query(
    `SELECT (SELECT count(*) FROM runs) r, (SELECT count(*) FROM trajectories) t, (SELECT count(*) FROM api_keys) k,
              (SELECT count(*) FROM labels) l, (SELECT count(*) FROM queue_assignments) a`,
  );
  return JSON.stringify(r.rows[0]);
}

describe('a NUL in a path id of a write route', () => {
  it('is a 400 for PATCH and DELETE of a run and DELETE of a trajectory, never a 500', async () => {
    const runs = await import('@/app/api/runs/[id]/route');
    const trajectories = await import('@/app/api/trajectories/[id]/route');
    const before = await counts();
    const id = 'all-small\u0000x';
    for (const [name, res] of [
      ['PATCH run', await call(runs.PATCH, { method: 'PATCH', params: { id }, body: { hidden: true }, as: admin })],
      ['DELETE run', await call(runs.DELETE, { method: 'DELETE', params: { id }, as: admin })],
      ['DELETE trajectory', await call(trajectories.DELETE, { method: 'DELETE', params: { id }, as: admin })],
    ] as const) {
      const body = await json<ErrorBody>(res.clone());
      expect(res.status, `${name}: ${JSON.stringify(body)}`).toBe(400);
      expect(body.error.code).toBe('bad_request');
      expect(body.error.message).toMatch(/NUL/);
    }
    expect(await counts()).toBe(before);
  });
});

describe('ids beyond PostgreSQL integers in JSON bodies', () => {
  it('POST /api/api-keys with such a user_id is a 400 naming user_id', async () => {
    const { POST } = await import('@/app/api/api-keys/route');
    const before = await counts();
    for (const userId of [BEYOND_INT4, 2 ** 40, Number.MAX_SAFE_INTEGER]) {
      const res = await call(POST, { method: 'POST', body: { name: 'script', user_id: userId }, as: admin });
      const body = await json<ErrorBody>(res.clone());
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(body.error.message).toMatch(/"user_id"/);
    }
    expect(await counts()).toBe(before);
  });

  it('POST /api/judgments/{id}/revert with such a label_id is a 400 naming label_id', async () => {
    const t = (await db.pool().query<{ id: string }>('SELECT t.id FROM trajectories t JOIN judgments j ON j.trajectory_pk = t.pk ORDER BY t.pk LIMIT 1'))
      .rows[0]!;
    const [j] = await judgmentsOf(t.id);
    const { POST } = await import('@/app/api/judgments/[id]/revert/route');
    const before = await counts();
    for (const labelId of [BEYOND_INT4, 2 ** 40]) {
      const res = await call(POST, { method: 'POST', params: { id: String(j!.id) }, body: { label_id: labelId, expected_version: j!.version }, as: admin });
      const body = await json<ErrorBody>(res.clone());
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(body.error.message).toMatch(/"label_id"/);
    }
    expect(await counts()).toBe(before);
  });

  it('POST /api/queues/{id}/next with such an item in skip is a 400 naming skip', async () => {
    const queues = await import('@/app/api/queues/route');
    const made = await call(queues.POST, { method: 'POST', body: { name: 'q', filters: {}, rule: { rule: 'all' } }, as: admin });
    expect(made.status).toBe(201);
    const queueId = String((await json<{ queue: { id: number } }>(made)).queue.id);
    const { POST } = await import('@/app/api/queues/[id]/next/route');
    const before = await counts();
    for (const skip of [[BEYOND_INT4], [1, 2 ** 40]]) {
      const res = await call(POST, { method: 'POST', params: { id: queueId }, body: { skip }, as: admin });
      const body = await json<ErrorBody>(res.clone());
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(body.error.message).toMatch(/"skip/);
    }
    expect(await counts()).toBe(before);
    // The largest item id PostgreSQL can hold is still a valid (unknown) item to pass over.
    const ok = await call(POST, { method: 'POST', params: { id: queueId }, body: { skip: [BEYOND_INT4 - 1] }, as: admin });
    expect(ok.status, await ok.clone().text()).toBe(200);
  });
});

describe("reads that another website's page makes the browser send", () => {
  // With sign-in off every caller is the local admin, so a page of any site could make the browser start
  // exports and queries (an <img>, an <iframe>, a no-cors fetch): it cannot read the answers, but it can
  // keep the export slots and the database busy, and time the answers. Fetch Metadata names such requests.
  const subresources: Record<string, string>[] = [
    { 'sec-fetch-site': 'cross-site', 'sec-fetch-mode': 'no-cors', 'sec-fetch-dest': 'image' },
    { 'sec-fetch-site': 'cross-site', 'sec-fetch-mode': 'navigate', 'sec-fetch-dest': 'iframe' },
    { 'sec-fetch-site': 'cross-site', 'sec-fetch-mode': 'cors', 'sec-fetch-dest': 'empty' },
    // Another port of localhost is the same site, not the same origin.
    { 'sec-fetch-site': 'same-site', 'sec-fetch-mode': 'no-cors', 'sec-fetch-dest': 'script' },
  ];

  it('are refused with 403 before any work starts, with sign-in off and on', async () => {
    const exports = await import('@/app/api/exports/[kind]/route');
    const list = await import('@/app/api/trajectories/route');
    for (const embedded of ['true', 'false']) {
      process.env.ROUTELENS_EMBEDDED = embedded;
      try {
        for (const headers of subresources) {
          for (const [name, res] of [
            ['export', await call(exports.GET, { path: '/api/exports/steps?format=parquet', params: { kind: 'steps' }, headers, as: admin })],
            ['list', await call(list.GET, { path: '/api/trajectories?q=secret', headers, as: admin })],
          ] as const) {
            const body = await json<ErrorBody>(res.clone());
            expect(res.status, `${name} ${embedded} ${JSON.stringify(headers)}: ${JSON.stringify(body)}`).toBe(403);
            expect(body.error.code).toBe('forbidden');
            expect(body.error.message).toMatch(/another website/);
          }
        }
      } finally {
        process.env.ROUTELENS_EMBEDDED = 'false';
      }
    }
  });

  it('still answer scripts, this site, a typed address and a link followed from another site', async () => {
    const list = await import('@/app/api/trajectories/route');
    const schema = await import('@/app/api/schemas/trace.v1.json/route');
    for (const headers of [
      {},
      { 'sec-fetch-site': 'same-origin', 'sec-fetch-mode': 'cors', 'sec-fetch-dest': 'empty' },
      { 'sec-fetch-site': 'none', 'sec-fetch-mode': 'navigate', 'sec-fetch-dest': 'document' },
      { 'sec-fetch-site': 'cross-site', 'sec-fetch-mode': 'navigate', 'sec-fetch-dest': 'document' },
    ] as Record<string, string>[]) {
      const res = await call(list.GET, { path: '/api/trajectories?limit=1', headers, as: admin });
      expect(res.status, `${JSON.stringify(headers)}: ${await res.clone().text()}`).toBe(200);
    }
    // The trace format's schema is public: any page may fetch it.
    const res = await call(schema.GET, { headers: subresources[0] });
    expect(res.status).toBe(200);
  });
});

describe('a JSON body without Content-Length', () => {
  it('is cut off at the 1 MiB limit with a 413, not read whole first (sign-in needs no credentials)', async () => {
    const { POST } = await import('@/app/api/auth/login/route');
    const chunk = new Uint8Array(64 * 1024).fill(0x20);
    const total = 64 * 1024 * 1024;
    let pulled = 0;
    const body = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (pulled >= total) return controller.close();
        pulled += chunk.byteLength;
        controller.enqueue(chunk);
      },
    });
    const req = new Request('http://localhost/api/auth/login', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body,
      duplex: 'half',
    } as RequestInit);
    const res = await POST(req, { params: Promise.resolve({}) });
    const answer = await json<ErrorBody>(res.clone());
    expect(res.status, JSON.stringify(answer)).toBe(413);
    expect(answer.error.code).toBe('payload_too_large');
    expect(pulled).toBeLessThanOrEqual(2 * 1024 * 1024);
  });

  it('counts the limit in bytes, as docs/limits.md says', async () => {
    const { POST } = await import('@/app/api/users/route');
    // 600,000 two-byte characters: 1.2 MB of UTF-8, within 1 MiB of characters.
    const res = await call(POST, { method: 'POST', body: JSON.stringify({ username: 'x', role: 'viewer', name: 'é'.repeat(600_000) }), as: admin });
    expect(res.status, await res.clone().text()).toBe(413);
  });
});

describe('a path that is no route of the API', () => {
  it("answers api.md's error shape (404 not_found naming the path) to every method, not an HTML page", async () => {
    const mod = (await import('@/app/api/[...path]/route')) as Record<string, unknown>;
    for (const method of ['GET', 'POST', 'PUT', 'PATCH', 'DELETE']) {
      const res = await call(mod[method], { method, path: '/api/trajectorys?run=x', params: { path: ['trajectorys'] }, as: admin });
      expect(res.status, method).toBe(404);
      expect(res.headers.get('content-type')).toMatch(/^application\/json/);
      const body = await json<ErrorBody>(res);
      expect(body.error.code).toBe('not_found');
      expect(body.error.message).toContain('/api/trajectorys');
    }
    // Another site's page gets no more than it does from the routes that exist.
    const foreign = await call(mod.POST, { method: 'POST', path: '/api/nope', params: { path: ['nope'] }, headers: { origin: 'http://evil.example' } });
    expect(foreign.status).toBe(403);
  });
});

describe('forged values that once reached PostgreSQL', () => {
  it('a list cursor with a date or time that does not exist is a 400 naming the cursor', async () => {
    const { GET } = await import('@/app/api/trajectories/route');
    const cursor = (value: string) => Buffer.from(JSON.stringify(['ingested_at', 'asc', value, 1])).toString('base64url');
    for (const value of [
      '9999-99-99 99:99:99',
      '2026-02-30 00:00:00',
      '2025-02-29 12:00:00',
      '2026-01-01 24:00:00',
      '0000-01-01 00:00:00',
      '2026-01-01 00:00:00+16',
    ]) {
      const res = await call(GET, { path: `/api/trajectories?sort=ingested_at&order=asc&cursor=${cursor(value)}`, as: admin });
      const body = await json<ErrorBody>(res.clone());
      expect(res.status, `${value}: ${JSON.stringify(body)}`).toBe(400);
      expect(body.error.message).toMatch(/"cursor"/);
    }
    for (const value of ['2024-02-29 23:59:59.999', '2026-12-31 00:00:00+05:30', '2026-01-01 00:00:00']) {
      const res = await call(GET, { path: `/api/trajectories?sort=ingested_at&order=asc&cursor=${cursor(value)}`, as: admin });
      expect(res.status, value).toBe(200);
    }
  });

  it('a session cookie that is not valid percent-encoding is no session: 401, not a 500', async () => {
    const { GET } = await import('@/app/api/auth/me/route');
    for (const cookie of ['routelens_session=%E0%A4%A', 'routelens_session=%', 'other=1; routelens_session=%zz']) {
      const res = await call(GET, { headers: { cookie } });
      expect(res.status, cookie).toBe(401);
    }
  });
});
