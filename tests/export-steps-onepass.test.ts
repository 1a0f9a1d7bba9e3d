// The `steps` export writes most rows in one pass over their COPY fields (steps.ts streamRow,
// copy-text.ts streamField) and a trajectory's first row through scanRow and the field writers. Both
// must make the same bytes of every row: here the same COPY is written both ways, in JSON Lines and
// CSV, over steps whose texts, models, numbers and router probabilities meet every escape and edge.
import { beforeAll, describe, expect, it } from 'vitest';
import { openCopyOut } from '@/lib/export/copy';
import { ByteSink } from '@/lib/export/copy-text';
import { stepsExport, stepsTextEncoder } from '@/lib/export/steps';
import { parseExportRequest } from '@/lib/schemas/exports';
import { useTestDatabase } from './helpers/db';
import { bytesOf, escapeCorpus, parseJsonl } from './helpers/export';
import { baseLine, ingestText, LARGE, SMALL } from './helpers/trace';
import { startExport } from '@/lib/export/run';

const db = useTestDatabase('exportonepass');

const TEXTS = escapeCorpus(5_000);
/** Numbers as the trace's JSON text (-0 cannot be made by JSON.stringify). */
const NUMBERS = ['0', '-0', '1e-7', '0.00001', '1e21', '123456789012345680000', '0.30000000000000004', '5e-324', '1.7976931348623157e308', '2.5', '100'];
/** Costs (a huge one would make the reward -Infinity, which JSON has no number for). */
const COSTS = ['0', '-0', '1e-7', '0.00001', '0.30000000000000004', '5e-324', '2.5', '1234.5'];
/** Model ids that need escaping in both formats (a model is a step field of every row). */
const ODD_MODEL = { ...SMALL, id: '=odd "model"\\ with, tab\t' };
const ODD_KEY = { ...LARGE, id: 'ü "k"\\ ✓' };

function line(n: number, steps: number): string {
  const l = baseLine(`onepass/q${n}/${n}`, { run: { id: 'onepass', policy: 'roro' } });
  l.models = [...(l.models as unknown[]), ODD_MODEL, ODD_KEY];
  l.steps = Array.from({ length: steps }, (_, index) => {
    const text = TEXTS[(n * 7 + index) % TEXTS.length]!;
    const model = ['small', 'large', ODD_MODEL.id][(n + index) % 3]!;
    const probs: Record<string, unknown> = { small: 0.25, large: 0.75 };
    if (index % 4 === 1) probs[ODD_MODEL.id] = 0;
    if (index % 5 === 2) probs[ODD_KEY.id] = 1e-7;
    return {
      index,
      model,
      text,
      tokens_in: 1 + ((index * 37) % 1000),
      tokens_out: index % 3 === 0 ? 0 : 7 * index,
      ...(index % 3 !== 2 ? { latency_ms: `@${NUMBERS[(n + index) % NUMBERS.length]}@` } : {}),
      ...(index % 6 !== 5 ? { router: { probs } } : {}),
      ...(index % 4 === 3 ? { cost_usd: `@${COSTS[(n * 3 + index) % COSTS.length]}@` } : index % 8 === 6 ? { cost_usd: null } : {}),
    };
  });
  l.judgments =
    n % 3 === 0
      ? []
      : [
          { criterion: 'c1', steps: [0, Math.min(steps - 1, 3)], score: n % 2 },
          { criterion: 'c2', steps: [Math.floor(steps / 2)], score: 7 },
        ];
  return JSON.stringify(l).replace(/"@([^@]*)@"/g, '$1');
}

async function both(format: 'jsonl' | 'csv', params: Record<string, string> = {}) {
  const req = parseExportRequest('steps', new URLSearchParams({ ...params, format }));
  const ctx = { filter: req.filter, settings: req.settings };
  let prefetched: unknown;
  const copy = await openCopyOut(db.pool(), stepsExport.copyQuery(ctx), '/* test */', async (c) => void (prefetched = await stepsExport.prefetch!(c, ctx)));
  const chunks: Uint8Array[] = [];
  for await (const c of copy) chunks.push(c);
  const write = (onePass: boolean) => {
    const encoder = stepsTextEncoder(format, ctx, prefetched, { onePass });
    if (!('text' in encoder)) throw new Error('not a text encoder');
    const sink = new ByteSink(64);
    let rows = 0;
    for (const c of chunks) rows += encoder.text(c, sink);
    return { rows, bytes: Buffer.from(sink.take()) };
  };
  return { onePass: write(true), scanned: write(false), chunks: chunks.length };
}

describe('steps rows written in one pass', () => {
  beforeAll(async () => {
    const lines = Array.from({ length: 40 }, (_, n) => line(n, n === 0 ? 1 : 1 + ((n * 13) % 60)));
    const s = await ingestText(lines.join('\n') + '\n');
    expect(s.errors).toEqual([]);
    expect(s.stored).toBe(40);
  });

  for (const format of ['jsonl', 'csv'] as const) {
    it(`make the bytes scanRow and the field writers make, in ${format}`, async () => {
      for (const params of [{}, { judge: 'judge-v2' }] as Record<string, string>[]) {
        const { onePass, scanned } = await both(format, params);
        expect(onePass.rows).toBeGreaterThan(1000);
        expect(onePass.rows).toBe(scanned.rows);
        expect(onePass.bytes.equals(scanned.bytes)).toBe(true);
      }
    });
  }

  it("make the same CSV out of PostgreSQL's CSV as out of its text format", async () => {
    for (const params of [{}, { judge: 'judge-v2' }] as Record<string, string>[]) {
      const req = parseExportRequest('steps', new URLSearchParams({ ...params, format: 'csv' }));
      const ctx = { filter: req.filter, settings: req.settings };
      expect(stepsExport.copyFormat!(ctx)).toBe('csv');
      let prefetched: unknown;
      const copy = await openCopyOut(
        db.pool(),
        stepsExport.copyQuery(ctx),
        '/* test */',
        async (c) => void (prefetched = await stepsExport.prefetch!(c, ctx)),
        'csv',
      );
      const encoder = stepsTextEncoder('csv', ctx, prefetched, { input: 'csv' });
      if (!('text' in encoder)) throw new Error('not a text encoder');
      const sink = new ByteSink(64);
      let rows = 0;
      for await (const c of copy) rows += encoder.text(c, sink);
      const fromCsv = Buffer.from(sink.take());
      const { onePass } = await both('csv', params);
      expect(rows).toBe(onePass.rows);
      expect(fromCsv.toString('utf8')).toBe(onePass.bytes.toString('utf8'));
      // The formula texts and the model that starts with "=" went through csvField.
      expect(fromCsv.toString('utf8')).toContain(`,"'${ODD_MODEL.id.replace(/"/g, '""')}",`);
      expect(fromCsv.toString('utf8')).toContain(",'@cmd,");
    }
  });

  it('keep tiny and huge numbers and odd keys as the export wrote them', async () => {
    const run = await startExport(parseExportRequest('steps', new URLSearchParams({ format: 'jsonl' })));
    const rows = parseJsonl((await bytesOf(run.chunks)).toString('utf8'));
    expect(rows.length).toBeGreaterThan(1000);
    const latencies = new Set(rows.map((r) => r.latency_ms));
    const costs = new Set(rows.map((r) => r.cost_usd));
    for (const n of [0, 1e-7, 1e-5, 1e21, 5e-324, 1.7976931348623157e308, null]) expect(latencies.has(n)).toBe(true);
    for (const n of [0, 1e-7, 5e-324, 1234.5]) expect(costs.has(n)).toBe(true);
    expect(rows.some((r) => r.model === ODD_MODEL.id)).toBe(true);
    expect(rows.some((r) => (r.router_probs as Record<string, number> | null)?.[ODD_KEY.id] === 1e-7)).toBe(true);
    expect(new Set(rows.map((r) => r.text))).toEqual(new Set(TEXTS));
    // The router's figures of a step: numbers, and null (a NULL element of the trajectory's list) without its probabilities.
    const unrouted = rows.filter((r) => r.router_probs === null);
    expect(unrouted.length).toBeGreaterThan(10);
    expect(unrouted.every((r) => r.chosen_probability === null && r.normalized_entropy === null)).toBe(true);
    expect(rows.filter((r) => r.router_probs !== null).every((r) => typeof r.chosen_probability === 'number')).toBe(true);
  });
});
