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
