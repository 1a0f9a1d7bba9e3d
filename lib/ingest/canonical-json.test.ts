// isStringifiedJson says yes only for a text that JSON.stringify writes back unchanged from its parse,
// and yes for what JSON.stringify writes of ordinary values (the trace lines routelens generates).
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DEMO_RUNS, generateTraces, generateTrainingTraces } from '@/lib/generate';
import { isStringifiedJson } from './canonical-json';

const roundTrips = (t: string) => JSON.stringify(JSON.parse(t)) === t;

function check(t: string): boolean {
  const yes = isStringifiedJson(t);
  if (yes) expect(roundTrips(t), t).toBe(true);
  return yes;
}

/** Other ways to write a number than Number#toString. */
const numberTexts = (x: number): string[] => {
  const out = [String(x), x.toExponential(), x.toPrecision(17), x.toPrecision(16), x.toFixed(3), x.toFixed(20)];
  for (let p = 1; p <= 21; p++) out.push(x.toPrecision(p));
  return out.filter((s) => {
    try {
      JSON.parse(s);
      return true;
    } catch {
      return false;
    }
  });
};

describe('isStringifiedJson', () => {
  it('takes the generated trace lines as JSON.stringify writes them', () => {
    const lines = [
      ...generateTraces({ seed: 5, queries: 8, runs: DEMO_RUNS, steps: { min: 1, max: 8 }, judgmentsPerTrajectory: { min: 0, max: 6 } }),
      ...generateTrainingTraces({ trainingSteps: 2, queriesPerStep: 2, rolloutsPerQuery: 2, queryPool: 4 }),
    ];
    for (const l of lines) expect(isStringifiedJson(JSON.stringify(l))).toBe(true);
  });

  it('never says yes to a text that does not round-trip', () => {
    const odd = [
      ' {}',
      '{} ',
      '{"a": 1}',
      '{"a":1 }',
      '[1, 2]',
      '{"a":1,"a":2}',
      '{"b":1,"2":2}',
      '{"0":1}',
      '"\\/"',
      '"\\u0041"',
      '"\\u001F"',
      '"\\u001f"',
      '"\\u000a"',
      '"\\n"',
      '"\\ud800"',
      '-0',
      '-0.0',
      '0.0',
      '1.0',
      '1.50',
      '1e3',
      '1E3',
      '1e-7',
      '0.0000001',
      '0.000001',
      '1e21',
      '100000000000000000000',
      '1000000000000000000000',
      '0.1',
      '0.30000000000000004',
      '123456789012345',
      '1234567890123456',
      '12345678901234567890',
      '9007199254740993',
      '5e-324',
      '-1.5',
      'true',
      'false',
      'null',
      '{"x":[1,{"y":null}],"z":"q"}',
    ];
    for (const t of odd) check(t);
    expect(check('"\\u001f"')).toBe(true);
    expect(check('{"a":1,"a":2}')).toBe(false);
    expect(check('{"b":1,"2":2}')).toBe(false);
    expect(check('0.000001')).toBe(true);
    expect(check('100000000000000000000')).toBe(true);
  });

  it('agrees with JSON.stringify on random values and other spellings of their numbers', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (v) => {
        const t = JSON.stringify(v);
        check(t);
        check(JSON.stringify(v, null, 1));
      }),
      { numRuns: 3000 },
    );
    fc.assert(
      fc.property(fc.oneof(fc.double({ noNaN: true, noDefaultInfinity: true }), fc.integer(), fc.double({ min: -1e6, max: 1e6, noNaN: true })), (x) => {
        for (const s of numberTexts(x)) {
          check(s);
          check(`[${s}]`);
        }
        // Short decimals, as people write them, are what toString writes.
        const short = Number(x.toPrecision(6));
        if (Math.abs(short) >= 1e-6 && Math.abs(short) < 1e21 && !Object.is(short, -0)) expect(isStringifiedJson(String(short))).toBe(true);
      }),
      { numRuns: 5000 },
    );
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), (s) => {
        const t = JSON.stringify(s);
        if (!/\p{Cs}/u.test(s)) expect(check(t)).toBe(true);
        check(t.replace(/\\u00([0-9a-f]{2})/g, (_, h: string) => `\\u00${h.toUpperCase()}`));
      }),
      { numRuns: 3000 },
    );
  });
});

describe('the content hash of a line as read', () => {
  const variants = (line: Record<string, unknown>): string[] => {
    const steps = line.steps as Record<string, unknown>[];
    const out = [JSON.stringify(line)];
    out.push(JSON.stringify({ ...line, steps: steps.map((s, i) => (i % 2 ? { ...s, cost_usd: null } : s)) }));
    out.push(JSON.stringify({ ...line, steps: steps.map((s) => ({ ...s, cost_usd: null })), meta: { note: 1, cost_usd: null } }));
    out.push(JSON.stringify({ ...line, meta: { a: 1, routelens: { items: [] } } }));
    out.push(JSON.stringify({ ...line, meta: {} }));
    out.push(JSON.stringify({ ...line, judgments: [] }));
    out.push(JSON.stringify({ ...line, training: { step: 3, group: `${(line.query as { id: string }).id}@3` } }));
    out.push(JSON.stringify({ ...line, training: { step: 3, group: 'g' } }));
    out.push(JSON.stringify({ ...line, training: { group: 'g', step: 3 } }));
    out.push(JSON.stringify({ id: line.id, ...line }));
    out.push(JSON.stringify({ ...line, steps: steps.map((s) => ({ text: s.text, ...s })) }));
    out.push(JSON.stringify(line, null, 1));
    out.push(
      JSON.stringify({ ...line, steps: steps.map((s) => ({ ...s, latency_ms: 1.5, cost_usd: 0.1 + 0.2 })) }).replace('"latency_ms":1.5', '"latency_ms":1.50'),
    );
    return out;
  };

  it('is the hash of the line stringified, whatever the bytes are', async () => {
    const { parseLine } = await import('./pipeline');
    const { normalizeLine } = await import('./normalize');
    const { parseTraceLine } = await import('@/lib/schemas/trace-fast');
    const lines = [
      ...generateTraces({ seed: 9, queries: 6, runs: DEMO_RUNS, steps: { min: 1, max: 6 }, judgmentsPerTrajectory: { min: 0, max: 6 } }),
      ...generateTrainingTraces({ trainingSteps: 2, queriesPerStep: 2, rolloutsPerQuery: 2, queryPool: 4 }),
    ];
    let asRead = 0;
    let n = 0;
    for (const l of lines) {
      for (const text of variants(JSON.parse(JSON.stringify(l)) as Record<string, unknown>)) {
        const r = parseLine(1, Buffer.from(text));
        if (!r || 'message' in r) continue;
        n++;
        const value: unknown = JSON.parse(text);
        const parsed = parseTraceLine(value);
        if (!parsed.success) throw new Error('not valid');
        // Without the bytes, normalizeLine stringifies the line.
        expect(r.norm.trajectory.hash).toBe(normalizeLine(parsed.data).trajectory.hash);
        if (parsed.data === value && isStringifiedJson(text)) asRead++;
      }
    }
    expect(n).toBeGreaterThan(lines.length * 8);
    // The generated lines and most variants are hashed as read.
    expect(asRead).toBeGreaterThan(lines.length * 4);
  });
});
