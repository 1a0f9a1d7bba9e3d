// The trajectory list's filters, fuzzed with hostile values (SQL injection, huge numbers, unicode,
// garbage cursors): every request answers 200 with items that honour the filters, or 400 naming the
// parameter; never 5xx, and the database is untouched.
import fs from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { useTestDatabase } from './helpers/db';
import { ingestText } from './helpers/trace';

const db = useTestDatabase('fuzzfilters');
process.env.ROUTELENS_EMBEDDED = 'true';

const KEYS = [
  'run',
  'query',
  'benchmark',
  'correct',
  'model',
  'min_cost',
  'max_cost',
  'labelled',
  'q',
  'escalations',
  'off_argmax',
  'sort',
  'order',
  'cursor',
  'limit',
] as const;

const hostile = fc.oneof(
  fc.string({ maxLength: 30 }),
  fc.constantFrom(
    "' OR 1=1 --",
    "'; DROP TABLE trajectories; --",
    '1; DELETE FROM runs',
    '%',
    '_',
    '\\',
    '%_\\%',
    'true',
    'false',
    'TRUE',
    '1',
    '0',
    '-1',
    '1e308',
    '1e999',
    'NaN',
    'Infinity',
    '0x10',
    '',
    'all-small',
    'qwen3-32b',
    'MATH500',
    'id',
    'cost',
    'reward',
    'process_score',
    'asc',
    'desc',
    'eyJ4IjoxfQ',
    'W1wiaWRcIixcImFzY1wiLG51bGwsMV0',
    '\u0000',
    '😀',
    'x'.repeat(600),
    '2',
    '3+',
    '3',
  ),
  fc.double().map(String),
  fc.integer().map(String),
);

beforeAll(async () => {
  const file = path.join(import.meta.dirname, 'fixtures', 'small.jsonl');
  const s = await ingestText(fs.readFileSync(file, 'utf8'));
  expect(s.failed).toBe(0);
});

describe('GET /api/trajectories under fuzzed filters', () => {
  it('answers 200 honouring the filters, or 400 naming the parameter — never 5xx', async () => {
    const { GET } = await import('@/app/api/trajectories/route');
    const before = (await db.pool().query('SELECT count(*) AS n FROM trajectories')).rows[0].n as number;
    const cases = fc.sample(fc.dictionary(fc.constantFrom(...KEYS), hostile, { maxKeys: 4 }), { numRuns: 1000, seed: 42 });
    let ok = 0;
    let bad = 0;
    for (const params of cases) {
      const url = `http://localhost/api/trajectories?${new URLSearchParams(params).toString()}`;
      const r = await GET(new Request(url), { params: Promise.resolve({}) });
      expect([200, 400], `${r.status} for ${url}`).toContain(r.status);
      const body = await r.json();
      if (r.status === 400) {
        bad++;
        expect(body.error.code).toBe('invalid_parameter');
        const named = KEYS.filter((k) => body.error.message.includes(`"${k}"`));
        expect(named.length, `the 400 for ${url} names no parameter: ${body.error.message}`).toBeGreaterThan(0);
        continue;
      }
      ok++;
      expect(Array.isArray(body.items)).toBe(true);
      // An empty value means "no filter", as in a form left blank.
      for (const k of Object.keys(params) as (keyof typeof params)[]) if (params[k] === '') delete params[k];
      for (const it of body.items) {
        if (params.correct === 'true') expect(it.correct).toBe(true);
        if (params.correct === 'false') expect(it.correct).toBe(false);
        if (params.run !== undefined) expect(it.run_id).toBe(params.run);
        if (params.min_cost !== undefined) expect(it.cost_usd).toBeGreaterThanOrEqual(Number(params.min_cost));
        if (params.max_cost !== undefined) expect(it.cost_usd).toBeLessThanOrEqual(Number(params.max_cost));
      }
    }
    // Values PostgreSQL itself cannot take (NUL in text) are refused by the parameter's check.
    for (const k of ['run', 'query', 'benchmark', 'model', 'q'] as const) {
      const r = await GET(new Request(`http://localhost/api/trajectories?${k}=a%00b`), { params: Promise.resolve({}) });
      expect(r.status, k).toBe(400);
      expect((await r.json()).error.message).toContain(`"${k}"`);
    }
    expect(ok).toBeGreaterThan(50);
    expect(bad).toBeGreaterThan(50);
    expect((await db.pool().query('SELECT count(*) AS n FROM trajectories')).rows[0].n).toBe(before);
  });
});
