// Other websites are refused, with sign-in off (where every caller is the local admin) and on: every
// write route of app/api with a foreign Origin or Sec-Fetch-Site: cross-site is a 403 that changes
// nothing; every route asked for under a foreign Host (DNS rebinding) is a 421; JSON routes take only
// application/json; scripts, which send no Origin, and this site's own pages keep working.
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { NextRequest } from 'next/server';
import { getPool } from '@/lib/db/pool';
import { createApiKey } from '@/lib/server/api-keys';
import { proxy } from '@/proxy';
import { call, signedIn, type Caller } from './helpers/api';
import { useTestDatabase } from './helpers/db';
import { storeSmallFixture } from './helpers/labels';
import { apiEndpoints, isWrite, paramsOf, pathOf, type Endpoint } from './helpers/routes';

useTestDatabase('otherwebsites');

const FOREIGN = 'http://evil.example';
// Write routes that read no body: a text/plain body cannot be refused for its type there.
const BODYLESS = new Set([
  'POST /api/auth/logout',
  'DELETE /api/api-keys/[id]',
  'DELETE /api/runs/[id]',
  'DELETE /api/trajectories/[id]',
  'POST /api/queues/[id]/items/[item]/release',
  'POST /api/ingest', // JSON Lines, not JSON: its own types (below)
  // No route: a 404 whatever the body.
  'POST /api/[...path]',
  'PUT /api/[...path]',
  'PATCH /api/[...path]',
  'DELETE /api/[...path]',
]);

let endpoints: Endpoint[];
let admin: Caller;
let adminKey: Caller;

function signIn(on: boolean) {
  process.env.ROUTELENS_EMBEDDED = on ? 'false' : 'true';
  delete process.env.ROUTELENS_AUTH;
}

beforeAll(async () => {
  endpoints = await apiEndpoints();
  await storeSmallFixture();
  signIn(true);
  const a = await signedIn('root', 'admin');
  admin = a;
  adminKey = { name: 'key', apiKey: (await createApiKey(a.userId, 'script')).key };
}, 120_000);

afterEach(() => {
  delete process.env.ROUTELENS_PUBLIC_URL;
});

async function rowCounts(): Promise<Record<string, number>> {
  const r = await getPool().query<Record<string, number>>(
    `SELECT (SELECT count(*) FROM users)::int AS users, (SELECT count(*) FROM api_keys)::int AS api_keys,
            (SELECT count(*) FROM sessions)::int AS sessions, (SELECT count(*) FROM trajectories)::int AS trajectories,
            (SELECT count(*) FROM labels)::int AS labels, (SELECT count(*) FROM annotation_queues)::int AS queues`,
  );
  return r.rows[0]!;
}

const refusedBy = async (res: Response) => ((await res.clone().json()) as { error?: { code: string; message: string } }).error;

for (const mode of ['off', 'on'] as const) {
  describe(`with sign-in ${mode}`, () => {
    const callers = (): Caller[] => (mode === 'on' ? [admin, adminKey] : [{ name: 'local' }]);

    it('refuses every write from another website (foreign Origin, Origin null, Sec-Fetch-Site: cross-site) and changes nothing', async () => {
      signIn(mode === 'on');
      const writes = endpoints.filter(isWrite);
      expect(writes.length).toBeGreaterThanOrEqual(12);
      const before = await rowCounts();
      const foreign: Record<string, string>[] = [
        { origin: FOREIGN },
        { origin: 'null' },
        { origin: 'http://localhost:9999' },
        { 'sec-fetch-site': 'cross-site' },
        { origin: FOREIGN, 'sec-fetch-site': 'cross-site', 'content-type': 'text/plain' },
      ];
      for (const e of writes) {
        for (const as of callers()) {
          for (const headers of foreign) {
            const res = await call(e.handler, { method: e.method, path: pathOf(e.route), params: paramsOf(e.route), body: {}, headers, as });
            expect(res.status, `${e.key} as ${as.name} with ${JSON.stringify(headers)}`).toBe(403);
            expect((await refusedBy(res))?.message, e.key).toMatch(/another website/);
          }
        }
      }
      expect(await rowCounts()).toEqual(before);
    });

    it('refuses the request of the report: a no-cors text/plain POST /api/users from another site makes no admin', async () => {
      signIn(mode === 'on');
      const { POST } = await import('@/app/api/users/route');
      const as = callers()[0]!;
      const res = await call(POST, {
        method: 'POST',
        path: '/api/users',
        body: JSON.stringify({ username: 'intruder', role: 'admin', password: 'long enough password' }),
        headers: { origin: FOREIGN, 'content-type': 'text/plain' },
        as,
      });
      expect(res.status).toBe(403);
      expect((await getPool().query("SELECT 1 FROM users WHERE username = 'intruder'")).rowCount).toBe(0);
      // Without an Origin (a script), text/plain is still no JSON body.
      const plain = await call(POST, {
        method: 'POST',
        path: '/api/users',
        body: JSON.stringify({ username: 'intruder', role: 'admin', password: 'long enough password' }),
        headers: { 'content-type': 'text/plain' },
        as,
      });
      expect(plain.status).toBe(415);
      expect((await getPool().query("SELECT 1 FROM users WHERE username = 'intruder'")).rowCount).toBe(0);
    });

    it('answers 421 to every route asked for under another name (DNS rebinding), reads included', async () => {
      signIn(mode === 'on');
      for (const e of endpoints) {
        for (const host of ['evil.example', 'evil.example:3000', 'localhost.evil.example', '127.0.0.1.nip.io']) {
          const res = await call(e.handler, { method: e.method, path: pathOf(e.route), params: paramsOf(e.route), headers: { host }, as: callers()[0] });
          expect(res.status, `${e.key} Host: ${host}`).toBe(421);
          expect((await refusedBy(res))?.code).toBe('misdirected_request');
        }
      }
    });

    it('lets scripts (no Origin) and this site (same Origin, loopback names, ROUTELENS_PUBLIC_URL) through', async () => {
      signIn(mode === 'on');
      const me = endpoints.find((e) => e.key === 'GET /api/auth/me')!;
      for (const host of ['localhost:3000', '127.0.0.1:3000', '[::1]:3000', 'routelens.localhost']) {
        expect((await call(me.handler, { headers: { host }, as: callers()[0] })).status, host).toBe(200);
      }
      const { POST } = await import('@/app/api/queues/route');
      const body = { name: `q-${mode}`, filters: {}, rule: { rule: 'all' } };
      for (const headers of [{}, { origin: 'http://localhost' }, { origin: 'http://localhost', 'sec-fetch-site': 'same-origin' }] as Record<string, string>[]) {
        const res = await call(POST, { method: 'POST', path: '/api/queues', body, headers, as: callers()[0] });
        expect(res.status, `${JSON.stringify(headers)}: ${await res.clone().text()}`).toBe(201);
      }
      process.env.ROUTELENS_PUBLIC_URL = 'https://routelens.example.org';
      const pub = { host: 'routelens.example.org', origin: 'https://routelens.example.org' };
      expect((await call(me.handler, { headers: { host: pub.host }, as: callers()[0] })).status).toBe(200);
      expect((await call(POST, { method: 'POST', path: '/api/queues', body, headers: pub, as: callers()[0] })).status).toBe(201);
      // Behind a proxy that passes its own upstream Host, the public origin may still write.
      expect(
        (await call(POST, { method: 'POST', path: '/api/queues', body, headers: { host: '127.0.0.1:3000', origin: pub.origin }, as: callers()[0] })).status,
      ).toBe(201);
      expect(
        (await call(POST, { method: 'POST', path: '/api/queues', body, headers: { host: pub.host, origin: 'https://evil.example' }, as: callers()[0] })).status,
      ).toBe(403);
    });

    it('takes only application/json on JSON routes (415 for text/plain and form types)', async () => {
      signIn(mode === 'on');
      const json = endpoints.filter((e) => isWrite(e) && !BODYLESS.has(e.key));
      expect(json.length).toBeGreaterThanOrEqual(8);
      for (const e of json) {
        for (const type of ['text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x']) {
          const res = await call(e.handler, {
            method: e.method,
            path: pathOf(e.route),
            params: paramsOf(e.route),
            body: '{"username":"x","password":"y"}',
            headers: { 'content-type': type },
            as: callers()[0],
          });
          expect(res.status, `${e.key} with ${type}`).toBe(415);
        }
      }
    });

    it('takes JSON Lines and gzip on ingest, and refuses the types a form can send', async () => {
      signIn(mode === 'on');
      const { POST } = await import('@/app/api/ingest/route');
      for (const type of ['text/plain;charset=UTF-8', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x']) {
        const res = await call(POST, { method: 'POST', path: '/api/ingest', body: '\n', headers: { 'content-type': type }, as: callers()[0] });
        expect(res.status, type).toBe(415);
      }
      for (const type of ['application/x-ndjson', 'application/jsonl', 'application/json']) {
        const res = await call(POST, { method: 'POST', path: '/api/ingest', body: '\n', headers: { 'content-type': type }, as: callers()[0] });
        expect(res.status, type).toBe(200);
      }
    });
  });
}

describe('pages and exports (proxy.ts, before any page renders)', () => {
  const ask = (path: string, headers: Record<string, string>, method = 'GET') => proxy(new NextRequest(`http://localhost:3000${path}`, { method, headers }));

  it('serves no page, prefetch, page data or export to a foreign Host', async () => {
    for (const path of ['/', '/runs', '/trajectories/x?_rsc=1', '/api/exports/traces?format=jsonl', '/api/runs']) {
      for (const extra of [{}, { 'next-router-prefetch': '1' }, { rsc: '1' }] as Record<string, string>[]) {
        const res = ask(path, { host: 'evil.example:3000', ...extra });
        expect(res.status, `${path} ${JSON.stringify(extra)}`).toBe(421);
      }
    }
  });

  it('refuses a page-level write from another site, and lets this site through with its CSP', async () => {
    expect(ask('/runs', { host: 'localhost:3000', origin: FOREIGN }, 'POST').status).toBe(403);
    const ok = ask('/runs', { host: 'localhost:3000' });
    expect(ok.status).toBe(200);
    expect(ok.headers.get('content-security-policy')).toMatch(/script-src 'self' 'nonce-/);
    expect(ask('/api/runs', { host: '127.0.0.1:3000' }).status).toBe(200);
  });
});
