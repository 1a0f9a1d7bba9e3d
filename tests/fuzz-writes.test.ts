// The write routes, fuzzed with text PostgreSQL cannot store (NUL) and hostile bodies: a string field
// with a NUL is a 400 that names the field, a hostile body is a 4xx, never a 5xx; labels restored by
// ingest with a NUL are a line error with the path; nothing is written by a refused request.
import fs from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { getPool } from '@/lib/db/pool';
import { call, signedIn, type Caller } from './helpers/api';
import { useTestDatabase } from './helpers/db';
import { judgmentsOf, storeSmallFixture } from './helpers/labels';
import { apiEndpoints, isWrite, paramsOf, pathOf, type Endpoint } from './helpers/routes';
import { ingestText } from './helpers/trace';

process.env.ROUTELENS_EMBEDDED = 'false';
useTestDatabase('fuzzwrites');

interface Known {
  params: Record<string, string>;
  body: Record<string, unknown>;
  /** The string fields that the route stores or compares, as paths into body. */
  fields: string[];
}

let endpoints: Endpoint[];
let admin: Caller & { userId: number };
let known: Record<string, Known>;

const nulStrings = fc
  .tuple(fc.string({ maxLength: 20 }), fc.string({ maxLength: 20 }))
  .map(([a, b]) => `${a}\u0000${b}`)
  .filter((s) => s.trim() !== '\u0000' || s.length > 0);

function setPath(body: Record<string, unknown>, field: string, value: unknown): Record<string, unknown> {
  const copy = structuredClone(body);
  const parts = field.split('.');
  let o = copy as Record<string, unknown>;
  for (const p of parts.slice(0, -1)) o = o[p] as Record<string, unknown>;
  o[parts.at(-1)!] = value;
  return copy;
}

async function counts(): Promise<string> {
  const r = await getPool().query(
    `SELECT (SELECT count(*) FROM users) u, (SELECT count(*) FROM api_keys) k, (SELECT count(*) FROM labels) l,
            (SELECT count(*) FROM judgments) j, (SELECT count(*) FROM annotation_queues) q`,
  );
  return JSON.stringify(r.rows[0]);
}

beforeAll(async () => {
  endpoints = await apiEndpoints();
  await storeSmallFixture();
  admin = await signedIn('root', 'admin');
  const t = (await getPool().query<{ id: string; pk: number }>('SELECT t.id, t.pk FROM trajectories t JOIN judgments j ON j.trajectory_pk = t.pk LIMIT 1'))
    .rows[0]!;
  const [j] = await judgmentsOf(t.id);
  const { POST } = await import('@/app/api/judgments/[id]/labels/route');
  const labelled = await call(POST, {
    method: 'POST',
    params: { id: String(j!.id) },
    body: { score: j!.judge_score ?? 0, expected_version: j!.version },
    as: admin,
  });
  expect(labelled.status).toBe(201);
  const label = (await labelled.json()) as { label: { id: number }; version: number };
  const queues = await import('@/app/api/queues/route');
  const queue = await call(queues.POST, { method: 'POST', body: { name: 'q', filters: {}, rule: { rule: 'all' } }, as: admin });
  expect(queue.status).toBe(201);
  const queueId = String(((await queue.json()) as { queue: { id: number } }).queue.id);
  known = {
    'POST /api/auth/login': { params: {}, body: { username: 'root', password: 'wrong password' }, fields: ['username'] },
    'POST /api/users': { params: {}, body: { username: 'newbie', name: 'New', role: 'viewer' }, fields: ['username', 'name'] },
    'PATCH /api/users/[id]': { params: { id: String(admin.userId) }, body: { name: 'Root' }, fields: ['name'] },
    'POST /api/api-keys': { params: {}, body: { name: 'script' }, fields: ['name'] },
    'POST /api/judgments/[id]/labels': {
      params: { id: String(j!.id) },
      body: { score: 1, rationale: 'r', expected_version: label.version },
      fields: ['rationale'],
    },
    'POST /api/judgments/[id]/revert': {
      params: { id: String(j!.id) },
      body: { label_id: label.label.id, rationale: 'r', expected_version: label.version },
      fields: ['rationale'],
    },
    'POST /api/trajectories/[id]/judgments': {
      params: { id: t.id },
      body: { criterion: 'c1', steps: [0], score: 1, rationale: 'r' },
      fields: ['criterion', 'rationale'],
    },
    'POST /api/queues': {
      params: {},
      body: { name: 'q2', filters: { run: 'all-small' }, rule: { rule: 'all' }, guidelines: 'g', criterion: 'c1' },
      fields: ['name', 'guidelines', 'criterion', 'filters.run'],
    },
    'POST /api/queues/[id]/next': { params: { id: queueId }, body: { skip: [] }, fields: [] },
    'PATCH /api/runs/[id]': { params: { id: 'all-small' }, body: { hidden: false }, fields: [] },
  };
}, 120_000);

describe('every write route', () => {
  it('answers a NUL in any string field it stores with a 400 that names the field, and writes nothing', async () => {
    const before = await counts();
    let cases = 0;
    for (const [key, k] of Object.entries(known)) {
      const e = endpoints.find((x) => x.key === key);
      expect(e, `${key} is no longer a route: update this table`).toBeDefined();
      for (const field of k.fields) {
        for (const value of fc.sample(nulStrings, { numRuns: 15, seed: field.length })) {
          const res = await call(e!.handler, {
            method: e!.method,
            path: pathOf(e!.route, k.params),
            params: paramsOf(e!.route, k.params),
            body: setPath(k.body, field, value),
            as: admin,
          });
          const text = await res.text();
          expect(res.status, `${key} ${field}=${JSON.stringify(value)}: ${text}`).toBe(400);
          expect(text, key).toContain(`"${field}"`);
          expect(text, key).toMatch(/NUL/);
          cases++;
        }
      }
    }
    expect(cases).toBeGreaterThan(100);
    expect(await counts()).toBe(before);
  });

  it('never answers 5xx to hostile bodies and path segments, whatever the route', async () => {
    const writes = endpoints.filter(isWrite);
    const hostileValue = fc.oneof(
      nulStrings,
      fc.string({ maxLength: 40 }),
      fc.constantFrom('\u0000', "'; DROP TABLE labels; --", '😀', 'x'.repeat(5000), '\ud800'),
      fc.double(),
      fc.integer(),
      fc.boolean(),
      fc.constant(null),
      fc.array(fc.oneof(fc.integer(), nulStrings), { maxLength: 4 }),
    );
    const keys = [
      'username',
      'name',
      'password',
      'role',
      'rationale',
      'score',
      'expected_version',
      'label_id',
      'criterion',
      'steps',
      'filters',
      'rule',
      'guidelines',
      'skip',
      'user_id',
      'overlap',
    ];
    const bodies = fc.sample(fc.dictionary(fc.constantFrom(...keys), hostileValue, { maxKeys: 6 }), { numRuns: 30, seed: 12 });
    const segments = ['1', '0', '%00', 'a\u0000b', '99999999999', '-1', 'x'.repeat(300)];
    for (const e of writes) {
      const k = known[e.key];
      for (const [i, body] of bodies.entries()) {
        const seg = segments[i % segments.length]!;
        const values = i % 2 === 0 && k ? k.params : Object.fromEntries(Object.keys(paramsOf(e.route)).map((n) => [n, seg]));
        const res = await call(e.handler, {
          method: e.method,
          path: pathOf(e.route, values),
          params: paramsOf(e.route, values),
          body: k ? { ...k.body, ...body } : body,
          as: admin,
        });
        expect(res.status, `${e.key} ${JSON.stringify(values)} ${JSON.stringify(body).slice(0, 200)}: ${await res.clone().text()}`).toBeLessThan(500);
      }
    }
  });
});

describe('labels restored by ingest', () => {
  it('with a NUL in the author, rationale or criterion are a line error naming the path, and the line is not stored', async () => {
    const line = JSON.parse(
      fs
        .readFileSync('tests/fixtures/small.jsonl', 'utf8')
        .split('\n')
        .find((l) => l.includes('"judgments"'))!,
    ) as Record<string, unknown> & {
      judgments: { criterion: string; steps?: number[] }[];
    };
    const j = line.judgments[0]!;
    const label = { version: 1, score: 1, author: 'ann', created_at: '2026-01-02T03:04:05.000Z', rationale: 'r' };
    const variants: [string, (l: typeof label) => unknown, string][] = [
      ['author', (l) => ({ ...l, author: 'a\u0000b' }), '/meta/routelens/judgments/0/labels/0/author'],
      ['rationale', (l) => ({ ...l, rationale: 'a\u0000b' }), '/meta/routelens/judgments/0/labels/0/rationale'],
    ];
    for (const [what, change, path] of variants) {
      const id = `nul-restore/${what}`;
      const bad = {
        ...line,
        id,
        meta: { routelens: { judgments: [{ index: 0, criterion: j.criterion, steps: j.steps ?? [], labels: [change(label)] }] } },
      };
      const s = await ingestText(JSON.stringify(bad) + '\n');
      expect(s.failed, what).toBe(1);
      expect(s.errors[0]!.path, what).toBe(path);
      expect(s.errors[0]!.message, what).toMatch(/NUL/);
      expect((await getPool().query('SELECT 1 FROM trajectories WHERE id = $1', [id])).rowCount).toBe(0);
    }
    const judged = {
      ...line,
      id: 'nul-restore/criterion',
      meta: { routelens: { judgments: [{ index: null, criterion: 'c\u0000x', steps: [0], labels: [label] }] } },
    };
    const s = await ingestText(JSON.stringify(judged) + '\n');
    expect(s.failed).toBe(1);
    expect(s.errors[0]!.message).toMatch(/NUL|criterion/);
  });
});
