// Hostile input, fuzzed: thousands of mutated trace lines and random bodies. Every line is either
// stored whole (and then valid) or refused with a line number, a path and a message; the HTTP route
// never answers 5xx; nothing partial is ever stored.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { gzipSync } from 'node:zlib';
import { DEMO_RUNS, generateTraces } from '@/lib/generate';
import { traceLineSchema } from '@/lib/schemas/trace';
import { useTestDatabase } from './helpers/db';
import { ingestText, jsonl, type Json } from './helpers/trace';
import { paths, mutate } from './helpers/mutations';

const db = useTestDatabase('fuzz');
process.env.ROUTELENS_EMBEDDED = 'true';

const SEEDS = [...generateTraces({ seed: 4, queries: 12, runs: DEMO_RUNS.map((r) => ({ ...r, id: `fz-${r.id}` })), steps: { min: 2, max: 6 } })];

const hostileString = fc.oneof(
  fc.string(),
  fc.constantFrom(
    "'; DROP TABLE trajectories; --",
    '" OR 1=1 --',
    '<script>alert(1)</script>',
    '<img src=x onerror=alert(1)>',
    '\\href{javascript:alert(1)}{x}',
    '\u0000',
    '\ud800',
    'x'.repeat(300),
    '',
    '../../etc/passwd',
  ),
);
const hostileValue = fc.oneof(
  hostileString,
  fc.integer(),
  fc.double(),
  fc.constantFrom(1e308, -1e308, Number.MAX_SAFE_INTEGER, -0, 0.5, -1, 2, 20001),
  fc.boolean(),
  fc.constant(null),
  fc.array(fc.integer(), { maxLength: 4 }),
  fc.dictionary(fc.string({ maxLength: 5 }), fc.integer(), { maxKeys: 3 }),
);

describe('fuzzed trace lines', () => {
  it('stores each mutated line whole or refuses it with its line, path and message', async () => {
    const mutations = fc.sample(
      fc.record({
        seed: fc.nat(SEEDS.length - 1),
        pick: fc.nat(),
        op: fc.constantFrom('delete' as const, 'set' as const, 'add' as const),
        value: hostileValue,
        key: fc.oneof(fc.string({ maxLength: 8 }), fc.constantFrom('extra', 'meta', 'steps', 'score')),
        twice: fc.boolean(),
      }),
      { numRuns: 2000, seed: 20261126 },
    );
    const lines: Json[] = mutations.map((m, i) => {
      const base = { ...(structuredClone(SEEDS[m.seed]!) as unknown as Json), id: `fz/${i}` };
      const ps = paths(base).filter((p) => !(p.length === 1 && p[0] === 'id'));
      let out = mutate(base, ps[m.pick % ps.length]!, m.op, m.value, m.key);
      if (m.twice) out = mutate(out, ps[(m.pick * 7 + 3) % ps.length]!, 'set', m.value, m.key);
      return { ...out, id: `fz/${i}` };
    });
    const s = await ingestText(jsonl(lines), { maxErrors: 10_000 });
    expect(s.lines).toBe(lines.length);
    expect(s.stored + s.unchanged + s.failed).toBe(lines.length);
    // A useful fuzz both breaks lines and leaves some valid.
    expect(s.failed).toBeGreaterThan(lines.length / 10);
    expect(s.stored).toBeGreaterThan(20);
    const failedLines = new Set(s.errors.map((e) => e.line));
    for (const e of s.errors) {
      expect(e.message.length).toBeGreaterThan(3);
      expect(e.path === '' || e.path.startsWith('/')).toBe(true);
    }
    const stored = await db.pool().query<{ id: string; step_count: number; steps: number; judgments: number }>(
      `SELECT t.id, t.step_count, (SELECT count(*) FROM steps s WHERE s.trajectory_pk = t.pk) AS steps,
              (SELECT count(*) FROM judgments j WHERE j.trajectory_pk = t.pk) AS judgments
         FROM trajectories t WHERE t.id LIKE 'fz/%'`,
    );
    const byId = new Map(stored.rows.map((r) => [r.id, r]));
    lines.forEach((line, i) => {
      const row = byId.get(`fz/${i}`);
      if (failedLines.has(i + 1)) {
        expect(row, `line ${i + 1} failed but is stored`).toBeUndefined();
        return;
      }
      // Stored lines are valid trace v1 lines, stored whole.
      const parsed = traceLineSchema.safeParse(line);
      expect(parsed.success, `line ${i + 1} is stored but invalid`).toBe(true);
      expect(row, `line ${i + 1} is neither stored nor failed`).toBeDefined();
      expect(row!.steps).toBe(row!.step_count);
      expect(row!.step_count).toBe((line.steps as unknown[]).length);
      expect(row!.judgments).toBe(((line.judgments as unknown[] | undefined) ?? []).length);
    });
    // The database is intact after the SQL-looking strings.
    expect((await db.pool().query('SELECT count(*) AS n FROM trajectories')).rows[0].n).toBeGreaterThan(0);
  });
});

describe('fuzzed request bodies', () => {
  it('POST /api/ingest answers 200, 207, 400 or 413, never 5xx, whatever the bytes', async () => {
    const { POST } = await import('@/app/api/ingest/route');
    const bodies = fc.sample(
      fc.oneof(
        fc.uint8Array({ maxLength: 2000 }),
        fc.string({ maxLength: 500 }).map((s) => new TextEncoder().encode(s)),
        fc.uint8Array({ maxLength: 500 }).map((b) => new Uint8Array(gzipSync(b))),
        fc.uint8Array({ maxLength: 500 }).map((b) => {
          const gz = gzipSync(b);
          return new Uint8Array(gz.subarray(0, Math.max(2, gz.length >> 1)));
        }),
        fc.jsonValue().map((v) => new TextEncoder().encode(JSON.stringify(v) + '\n')),
      ),
      { numRuns: 400, seed: 7 },
    );
    for (const body of bodies) {
      const r = await POST(new Request('http://localhost/api/ingest', { method: 'POST', body }), { params: Promise.resolve({}) });
      expect([200, 207, 400, 413], `status ${r.status} for ${Buffer.from(body).toString('hex').slice(0, 80)}`).toContain(r.status);
      const j = await r.json();
      if (r.status === 207) expect(j.errors.length).toBeGreaterThan(0);
    }
  });
});
