// Hand-made hostile input: deeply nested meta, a line over 64 MiB, invalid UTF-8, NaN and huge
// numbers, ids carrying SQL and HTML. Each is refused for its own line or stored verbatim, and the
// lines around it are stored.
import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { ingestStream } from '@/lib/ingest/pipeline';
import { useTestDatabase } from './helpers/db';
import { baseLine, ingestText, jsonl } from './helpers/trace';

const db = useTestDatabase('hostile');

describe('hostile lines', () => {
  it('refuses meta nested deeper than the limit, for that line only', async () => {
    const deep = '{"a":'.repeat(100_000) + '1' + '}'.repeat(100_000);
    const line = JSON.stringify(baseLine('deep/1')).replace('"meta":{"seed":7,"note":"kept as given"}', `"meta":${deep}`);
    const s = await ingestText([JSON.stringify(baseLine('deep/0')), line, JSON.stringify(baseLine('deep/2'))].join('\n') + '\n');
    expect(s).toMatchObject({ stored: 2, failed: 1 });
    expect(s.errors[0]).toMatchObject({ line: 2, path: '/meta' });
    expect(s.errors[0]!.message).toMatch(/nested/);
  });

  it('skips a line over 64 MiB, holding no more of it than the limit, and stores the next one', async () => {
    const chunk = Buffer.alloc(1 << 20, 0x61);
    const head = Buffer.from(`{"format":"routelens.trace.v1","id":"huge/0","meta":{"pad":"`);
    async function* body() {
      yield Buffer.from(JSON.stringify(baseLine('huge/ok0')) + '\n');
      yield head;
      for (let i = 0; i < 200; i++) yield chunk;
      yield Buffer.from('"}}\n');
      yield Buffer.from(JSON.stringify(baseLine('huge/ok1')) + '\n');
    }
    const before = process.memoryUsage().rss;
    const s = await ingestStream(Readable.from(body()));
    expect(s).toMatchObject({ stored: 2, failed: 1 });
    expect(s.errors[0]).toMatchObject({ line: 2 });
    expect(s.errors[0]!.message).toMatch(/limit is 67108864/);
    // A line is held up to the limit (it may still end in time); past it, its bytes are only counted,
    // so memory grows by about the limit, not by the line's 200 MiB.
    expect(process.memoryUsage().rss - before).toBeLessThan(150 * 1024 * 1024);
  });

  it('refuses NaN and infinite numbers', async () => {
    const nan = JSON.stringify(baseLine('num/0')).replace('"tokens_in":100', '"tokens_in":NaN');
    const inf = JSON.stringify(baseLine('num/1')).replace('"usd_per_mtok_in":0.1', '"usd_per_mtok_in":1e999');
    const s = await ingestText(`${nan}\n${inf}\n`);
    expect(s).toMatchObject({ stored: 0, failed: 2 });
    expect(s.errors[0]!.message).toMatch(/not valid JSON/);
    expect(s.errors[1]).toMatchObject({ path: '/models/0/usd_per_mtok_in' });
  });

  it('refuses costs that overflow or dwarf their baseline, where they come from, and stores nothing of them', async () => {
    // Each line its own models: a model's prices are fixed by the first line that defines it.
    const m = (id: string, price: number) => ({ id, usd_per_mtok_in: price, usd_per_mtok_out: price });
    const step = (index: number, model: string, extra: Record<string, unknown> = {}) => ({
      index,
      model,
      text: 's',
      tokens_in: 1_000_000,
      tokens_out: 1_000_000,
      ...extra,
    });
    const lines = [
      // Tokens at a finite price whose product overflows to Infinity.
      baseLine('cost/0', { models: [m('small-0', 0), m('large-0', 1e308)], steps: [step(0, 'large-0')], judgments: [] }),
      // A given cost_usd beyond the bound.
      baseLine('cost/1', { models: [m('small-1', 0), m('large-1', 1)], steps: [step(0, 'small-1', { cost_usd: 1e300 })], judgments: [] }),
      // Steps within the bound whose sum is not.
      baseLine('cost/2', {
        models: [m('small', 0), m('large', 1)],
        steps: [step(0, 'small', { cost_usd: 6e14 }), step(1, 'small', { cost_usd: 6e14 })],
        judgments: [],
      }),
      // A baseline beyond the bound, from a model no step used.
      baseLine('cost/3', { models: [m('small-3', 0), m('large-3', 1e300)], steps: [step(0, 'small-3')], judgments: [] }),
      // Finite costs whose ratio overflows the reward.
      baseLine('cost/4', { models: [m('small-4', 0), m('large-4', 1e-300)], steps: [step(0, 'small-4', { cost_usd: 1 })], judgments: [] }),
      // At the bound: stored.
      baseLine('cost/5', { models: [m('small-5', 0), m('large-5', 1)], steps: [step(0, 'small-5', { cost_usd: 1e15 })], judgments: [] }),
    ];
    const s = await ingestText(jsonl(lines));
    expect(s).toMatchObject({ stored: 1, failed: 5 });
    expect(s.errors.map((e) => [e.id, e.path])).toEqual([
      ['cost/0', '/steps/0'],
      ['cost/1', '/steps/0/cost_usd'],
      ['cost/2', '/steps'],
      ['cost/3', '/models/1'],
      ['cost/4', '/steps'],
    ]);
    expect(s.errors[0]!.message).toMatch(/too large for a number, more than 1e\+15 USD/);
    expect(s.errors[4]!.message).toMatch(/costs 4.9999999999999995e\+299 times its all-largest baseline \(1 against 2e-300 USD/);
    const r = await db.pool().query(`SELECT id, cost_usd, savings, reward FROM trajectories WHERE id LIKE 'cost/%'`);
    expect(r.rows).toEqual([{ id: 'cost/5', cost_usd: 1e15, savings: 1 - 1e15 / 2, reward: 1 - 0.1 * (1e15 / 2) }]);
  });

  it('stores ids and texts carrying SQL and HTML verbatim, as data', async () => {
    const id = `x'); DROP TABLE trajectories; --<script>alert(1)</script>"\\`;
    const line = baseLine(id, {
      query: { id: `q' OR '1'='1`, text: '<img src=x onerror=alert(1)> $\\href{javascript:alert(1)}{x}$' },
      run: { id: 'r"; DELETE FROM runs; --' },
    });
    const s = await ingestText(jsonl([line]));
    expect(s).toMatchObject({ stored: 1, failed: 0 });
    const r = await db.pool().query('SELECT t.id, q.text, t.run_id FROM trajectories t JOIN queries q ON q.id = t.query_id WHERE t.id = $1', [id]);
    expect(r.rows[0]).toEqual({ id, text: '<img src=x onerror=alert(1)> $\\href{javascript:alert(1)}{x}$', run_id: 'r"; DELETE FROM runs; --' });
    expect((await db.pool().query('SELECT count(*) AS n FROM runs')).rows[0].n).toBeGreaterThan(0);
  });
});
