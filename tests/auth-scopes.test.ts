// API keys with a scope. Every route of app/api, called with a key of each narrow scope owned by an
// admin: `ingest` reaches POST /api/ingest and the run routes (GET /api/runs...) and gets 403 on
// every other route; `read` reaches the viewer's reads; `label` those and the annotator's routes.
// A scope never lifts a key above its owner's role. Keys made before scopes existed become `full`.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiKey, listApiKeys } from '@/lib/server/api-keys';
import type { KeyScope } from '@/lib/schemas/users';
import { createUser } from '@/lib/server/users';
import { bodyOf, call, json, signedIn, type Caller } from './helpers/api';
import { useTestDatabase } from './helpers/db';
import { apiEndpoints, isWrite, paramsOf, pathOf, type Endpoint } from './helpers/routes';
import { baseLine, jsonl } from './helpers/trace';
import { databaseBefore } from './helpers/upgrade';
import { runCli } from './helpers/cli';

process.env.ROUTELENS_EMBEDDED = 'false';
const db = useTestDatabase('authscopes');

/** What each narrow scope may call, written out from docs/api.md rather than from the code. */
const EXPECTED: Record<Exclude<KeyScope, 'full'>, (e: Endpoint) => boolean> = {
  ingest: (e) => e.key === 'POST /api/ingest' || (e.method === 'GET' && (e.route === '/api/runs' || e.route.startsWith('/api/runs/'))),
  read: (e) => !isWrite(e) && e.role === 'viewer',
  label: (e) => (!isWrite(e) && e.role === 'viewer') || e.role === 'annotator',
};

let endpoints: Endpoint[] = [];
let admin: Caller & { userId: number };
const keyOf: Partial<Record<KeyScope, Caller>> = {};

beforeAll(async () => {
  endpoints = (await apiEndpoints()).filter((e) => e.role !== 'public');
  admin = await signedIn('scope-admin', 'admin');
  for (const scope of ['ingest', 'read', 'label', 'full'] as const) {
    keyOf[scope] = { name: `${scope} key`, apiKey: (await createApiKey(admin.userId, `${scope} job`, scope)).key };
  }
}, 120_000);

describe('API key scopes', () => {
  it('walks every route of app/api with every narrow scope', async () => {
    expect(endpoints.length).toBeGreaterThan(20);
    const allowedToIngest: string[] = [];
    for (const scope of ['ingest', 'read', 'label'] as const) {
      for (const e of endpoints) {
        const res = await call(e.handler, { method: e.method, path: pathOf(e.route), params: paramsOf(e.route), as: keyOf[scope] });
        const body = await bodyOf(res);
        if (EXPECTED[scope](e)) {
          expect([401, 403], `${e.key} with a ${scope} key (${res.status}: ${body})`).not.toContain(res.status);
          if (scope === 'ingest') allowedToIngest.push(e.key);
        } else {
          expect(res.status, `${e.key} with a ${scope} key (${body})`).toBe(403);
          expect(((await res.json()) as { error: { message: string } }).error.message).toMatch(new RegExp(`${scope} scope`));
        }
      }
    }
    expect(allowedToIngest).toContain('POST /api/ingest');
    expect(allowedToIngest).toContain('GET /api/runs');
  });

  it('lets an ingest key store traces and read the runs, and nothing else', async () => {
    const ingest = await import('@/app/api/ingest/route');
    const res = await call(ingest.POST, {
      method: 'POST',
      path: '/api/ingest',
      body: jsonl([baseLine('scoped/0')]),
      headers: { 'content-type': 'application/x-ndjson' },
      as: keyOf.ingest,
    });
    expect(res.status, await res.clone().text()).toBe(200);
    expect(await json(res)).toMatchObject({ stored: 1 });
    const runs = await import('@/app/api/runs/route');
    const listed = await call(runs.GET, { path: '/api/runs', as: keyOf.ingest });
    expect(listed.status).toBe(200);
    expect((await json<{ runs: { id: string; trajectories: number }[] }>(listed)).runs).toContainEqual(expect.objectContaining({ id: 'r1', trajectories: 1 }));
    const list = await import('@/app/api/trajectories/route');
    expect((await call(list.GET, { path: '/api/trajectories', as: keyOf.ingest })).status).toBe(403);
    expect((await call(list.GET, { path: '/api/trajectories', as: keyOf.read })).status).toBe(200);
  });

  it('never lifts a key above its owner: an ingest key of a viewer cannot ingest', async () => {
    const viewer = await createUser({ username: 'scope-viewer', role: 'viewer', password: 'correct horse battery' });
    const key = await createApiKey(viewer.id, 'viewer ingest', 'ingest');
    const ingest = await import('@/app/api/ingest/route');
    const res = await call(ingest.POST, {
      method: 'POST',
      path: '/api/ingest',
      body: '\n',
      headers: { 'content-type': 'application/x-ndjson' },
      as: { name: 'k', apiKey: key.key },
    });
    expect(res.status).toBe(403);
    expect((await json<{ error: { message: string } }>(res)).error.message).toMatch(/admin role/);
  });

  it('takes the scope when a key is made over HTTP, shows it in the list, and refuses an unknown one', async () => {
    const keys = await import('@/app/api/api-keys/route');
    const made = await call(keys.POST, { method: 'POST', path: '/api/api-keys', body: { name: 'cluster', scope: 'ingest' }, as: admin });
    expect(made.status).toBe(201);
    expect((await json<{ api_key: { scope: string; key: string } }>(made)).api_key).toMatchObject({ scope: 'ingest', key: expect.stringMatching(/^rl_/) });
    const plain = await call(keys.POST, { method: 'POST', path: '/api/api-keys', body: { name: 'no scope given' }, as: admin });
    expect((await json<{ api_key: { scope: string } }>(plain)).api_key.scope).toBe('full');
    const bad = await call(keys.POST, { method: 'POST', path: '/api/api-keys', body: { name: 'x', scope: 'admin' }, as: admin });
    expect(bad.status).toBe(400);
    expect((await json<{ error: { message: string } }>(bad)).error.message).toMatch(/scope/);
    const list = await json<{ api_keys: { name: string; scope: string }[] }>(await call(keys.GET, { path: '/api/api-keys', as: admin }));
    expect(list.api_keys).toContainEqual(expect.objectContaining({ name: 'cluster', scope: 'ingest' }));
  });

  it('makes and lists scoped keys from the command line', async () => {
    const made = await runCli('users.ts', ['key', 'scope-admin', '--name', 'nightly', '--scope', 'ingest'], { DATABASE_URL: db.url });
    expect(made.code, made.stderr).toBe(0);
    expect(made.stdout).toMatch(/API key of scope-admin, scope ingest \(shown once\): rl_/);
    const listed = await runCli('users.ts', ['keys', 'scope-admin'], { DATABASE_URL: db.url });
    expect(listed.code, listed.stderr).toBe(0);
    expect(listed.stdout).toMatch(/\tscope-admin\tingest\tnightly\tnever used/);
    const bad = await runCli('users.ts', ['key', 'scope-admin', '--scope', 'everything'], { DATABASE_URL: db.url });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/must be one of ingest, read, label, full/);
    expect((await listApiKeys()).filter((k) => k.name === 'nightly')).toHaveLength(1);
  });
});

describe('the api_key_scopes migration', () => {
  let old: Awaited<ReturnType<typeof databaseBefore>> | null = null;
  afterAll(async () => {
    await old?.client.end();
    await old?.drop();
  });

  it('keeps every key of a database made before it, each as a full key', async () => {
    old = await databaseBefore('20261202002124_api_key_scopes');
    await old.client.query(`INSERT INTO users (username, name, role, password_hash) VALUES ('ada', 'Ada', 'admin', 'x')`);
    await old.client.query(
      `INSERT INTO api_keys (user_id, name, prefix, key_hash, last_used_at, revoked_at)
       SELECT id, 'old script', 'rl_abcdefgh', 'hash1', timestamptz '2026-11-30T10:00:00Z', NULL::timestamptz FROM users UNION ALL
       SELECT id, 'revoked one', 'rl_ijklmnop', 'hash2', NULL, timestamptz '2026-11-29T09:00:00Z' FROM users`,
    );
    const before = (await old.client.query('SELECT * FROM api_keys ORDER BY id')).rows as Record<string, unknown>[];
    expect(await old.migrate()).toContain('20261202002124_api_key_scopes');
    const after = (await old.client.query('SELECT * FROM api_keys ORDER BY id')).rows as Record<string, unknown>[];
    expect(after).toEqual(before.map((k) => ({ ...k, scope: 'full' })));
  });
});
