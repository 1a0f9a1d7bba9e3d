// The fast path accepts a line only when the zod schema does, and then gives exactly zod's line (same
// keys in the same order, so the same content hash); everything it leaves to zod still gets zod's error.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DEMO_RUNS, generateTraces, generateTrainingTraces } from '@/lib/generate';
import { hostileLine, shortLine } from '@/e2e/special-traces';
import { BROKEN } from '@/tests/helpers/broken-lines';
import { baseLine } from '@/tests/helpers/trace';
import { traceLineSchema } from './trace';
import { fastTraceLine, parseTraceLine } from './trace-fast';
import { paths, mutate, type PathStep } from '@/tests/helpers/mutations';

function agrees(value: unknown): 'fast' | 'zod' {
  const fast = fastTraceLine(value);
  const zod = traceLineSchema.safeParse(value);
  if (fast !== null) {
    expect(zod.success).toBe(true);
    expect(JSON.stringify(fast)).toBe(JSON.stringify(zod.data));
    expect(fast).toStrictEqual(zod.data);
  }
  const viaParse = parseTraceLine(value);
  expect(viaParse.success).toBe(zod.success);
  if (!viaParse.success && !zod.success) expect(viaParse.error.issues).toEqual(zod.error.issues);
  return fast !== null ? 'fast' : 'zod';
}

const labelled = () => {
  const line = structuredClone(baseLine('fast/labelled')) as Record<string, unknown> & { judgments?: unknown[] };
  line.meta = {
    note: 'x',
    routelens: {
      items: [
        {
          criterion: (line as { rubric: { criteria: { id: string }[] } }).rubric.criteria[0]!.id,
          steps: [0],
          version: 2,
          labels: [{ version: 1, score: 1, author: 'ann', created_at: '2026-01-01T00:00:00Z' }],
        },
      ],
    },
  };
  return line;
};

const SEEDS: unknown[] = [
  ...generateTraces({ seed: 3, queries: 6, runs: DEMO_RUNS, steps: { min: 1, max: 5 }, judgmentsPerTrajectory: { min: 0, max: 6 } }),
  ...[...generateTrainingTraces({ trainingSteps: 2, queriesPerStep: 2, rolloutsPerQuery: 2, queryPool: 4 })],
  shortLine(),
  hostileLine(),
  baseLine('fast/base'),
  labelled(),
].map((l) => JSON.parse(JSON.stringify(l)));

const ODD = [
  null,
  true,
  0,
  -0,
  -1,
  1.5,
  2 ** 53,
  2 ** 31,
  1e308,
  '',
  'x',
  'x'.repeat(201),
  'a\u0000b',
  'routelens.trace.v1',
  [],
  [0],
  [99],
  {},
  { kind: 'binary' },
  { kind: 'numeric', min: 0, max: 1 },
  { probs: {} },
  { probs: { small: 1 } },
];

describe('the fast path of trace line validation', () => {
  it('takes every valid generated, special and labelled line, giving zod’s line', () => {
    for (const line of SEEDS) expect(agrees(line)).toBe('fast');
  });

  it('leaves every broken line to zod', () => {
    for (const b of BROKEN) expect(agrees(JSON.parse(JSON.stringify(b.line)))).toBe('zod');
  });

  it('agrees with zod on keys that JavaScript treats specially', () => {
    for (const text of ['{"__proto__": {"x": 1}}', '{"__proto__": 1}', '{"constructor": 1, "toString": 2}', '{"2": 1, "1": 2, "a": 3}']) {
      for (const where of [['meta'], ['run', 'meta'], ['steps', 0, 'router', 'probs'], []] as PathStep[][]) {
        const line = structuredClone(SEEDS[0]) as Record<string, unknown>;
        const value = JSON.parse(text);
        agrees(where.length === 0 ? { ...line, ...value } : mutate(line, where, 'set', value, ''));
      }
    }
  });

  it('agrees with zod on thousands of mutated lines', () => {
    const all = SEEDS.map((line) => ({ line, paths: paths(line) }));
    let fast = 0;
    let zod = 0;
    fc.assert(
      fc.property(
        fc.nat(all.length - 1),
        fc.array(
          fc.record({
            at: fc.nat(),
            op: fc.constantFrom('delete' as const, 'set' as const, 'add' as const),
            value: fc.oneof(fc.constantFrom(...ODD), fc.jsonValue({ maxDepth: 2 })),
            key: fc.constantFrom('extra', 'id', 'meta', 'probs', 'steps', 'judge', 'min', '__proto__'),
          }),
          { minLength: 1, maxLength: 3 },
        ),
        (i, changes) => {
          let line = all[i]!.line;
          for (const c of changes) {
            const ps = paths(line);
            line = mutate(line, ps[c.at % ps.length]!, c.op, c.value, c.key);
          }
          if (agrees(JSON.parse(JSON.stringify(line))) === 'fast') fast++;
          else zod++;
        },
      ),
      { numRuns: 3000, seed: 11 },
    );
    // Both sides are exercised: mutations that keep the line valid and ones that break it.
    expect(fast).toBeGreaterThan(100);
    expect(zod).toBeGreaterThan(100);
  });
});
