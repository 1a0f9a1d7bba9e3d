// The ingest pipeline against a real PostgreSQL: idempotence, conflicts and replace, broken input,
// gzip over HTTP, and the stored derived figures against hand-computed literals and lib/domain.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { trajectoryFigures } from '@/lib/domain';
import { recomputeTrajectory } from '@/lib/db/derived';
import { withTransaction } from '@/lib/db/pool';
import { DEMO_RUNS, generateTraces, renderJsonl, type GenerateOptions } from '@/lib/generate';
import { useTestDatabase } from './helpers/db';
import { baseLine, ingestText, jsonl, source, withChange } from './helpers/trace';
import { ingestStream } from '@/lib/ingest/pipeline';
import { runCli } from './helpers/cli';

const NDJSON = { 'content-type': 'application/x-ndjson' };

const db = useTestDatabase('ingest');

// Generated lines under runs of their own, so each test's trajectories are new to the database.
function generated(prefix: string, opts: GenerateOptions) {
  return [...generateTraces({ ...opts, runs: DEMO_RUNS.map((r) => ({ ...r, id: `${prefix}-${r.id}` })) })];
}
process.env.ROUTELENS_EMBEDDED = 'true';

async function trajectory(id: string) {
  const r = await db.pool().query(
    `SELECT pk, cost_usd, all_largest_usd, savings, process_score, reward, step_count, tokens_in, tokens_out,
            model_ids, models_used, labelled, meta::text AS meta, correct
       FROM trajectories WHERE id = $1`,
    [id],
  );
  return r.rows[0];
}

async function rollupsMatchTrajectories() {
  const r = await db.pool().query(`
    SELECT s.run_id, s.trajectories, t.n, s.correct, t.correct AS t_correct, s.steps, t.steps AS t_steps,
           s.sum_cost_usd, t.cost, s.sum_process, t.process, s.n_process, t.n_process, s.sum_reward, t.reward
      FROM run_stats s
      JOIN (SELECT run_id, count(*) AS n, count(*) FILTER (WHERE correct) AS correct, sum(step_count) AS steps,
                   sum(cost_usd) AS cost, coalesce(sum(process_score), 0) AS process, count(process_score) AS n_process,
                   sum(reward) AS reward
              FROM trajectories GROUP BY run_id) t USING (run_id)`);
  for (const row of r.rows) {
    expect(row.trajectories).toBe(row.n);
    expect(row.correct).toBe(row.t_correct);
    expect(row.steps).toBe(row.t_steps);
    expect(row.sum_cost_usd).toBeCloseTo(row.cost, 12);
    expect(row.sum_process).toBeCloseTo(row.process, 9);
    expect(row.n_process).toBe(row.n_process);
    expect(row.sum_reward).toBeCloseTo(row.reward, 9);
  }
  const m = await db.pool().query(`
    SELECT s.run_id, s.model, s.steps, x.steps AS x_steps, s.cost_usd, x.cost
      FROM run_model_stats s
      FULL JOIN (SELECT t.run_id, st.model, count(*) AS steps, sum(st.cost_usd) AS cost
                   FROM steps st JOIN trajectories t ON t.pk = st.trajectory_pk GROUP BY 1, 2) x USING (run_id, model)
     WHERE coalesce(s.steps, 0) <> 0 OR x.steps IS NOT NULL`);
  for (const row of m.rows) {
    expect(row.steps, `${row.run_id}/${row.model}`).toBe(row.x_steps);
    expect(row.cost_usd).toBeCloseTo(row.cost, 12);
  }
}

describe('derived figures', () => {
  it('stores the hand-computed cost, savings, process score and reward of a small trajectory', async () => {
    const s = await ingestText(jsonl([baseLine('fig/0')]));
    expect(s).toMatchObject({ stored: 1, failed: 0 });
    const t = await trajectory('fig/0');
    // step 0 small: 100*0.1/1e6 + 50*0.4/1e6 = 3e-5; step 1 large: 200*0.8/1e6 + 100*3.2/1e6 = 4.8e-4
    expect(t.cost_usd).toBeCloseTo(5.1e-4, 15);
    // all on large: 300*0.8/1e6 + 150*3.2/1e6 = 7.2e-4
    expect(t.all_largest_usd).toBeCloseTo(7.2e-4, 15);
    expect(t.savings).toBeCloseTo(1 - 5.1 / 7.2, 12);
    // c1 (binary, w2) = 1; c2 (numeric 0..10, w1) = 5/10; c3 has no judgment
    expect(t.process_score).toBeCloseTo((2 * 1 + 1 * 0.5) / 3, 12);
    // 1 + 0.5 * 0.8333.. - 0.1 * 5.1/7.2
    expect(t.reward).toBeCloseTo(1 + 0.5 * (2.5 / 3) - 0.1 * (5.1 / 7.2), 12);
    expect(t).toMatchObject({
      step_count: 2,
      tokens_in: 300,
      tokens_out: 150,
      model_ids: ['small', 'large'],
      models_used: ['large', 'small'],
      labelled: false,
    });
    expect(t.meta).toBe('{"seed":7,"note":"kept as given"}');
    const steps = await db
      .pool()
      .query('SELECT index, cost_usd, given_cost_usd, text, router::text AS router FROM steps WHERE trajectory_pk = $1 ORDER BY index', [t.pk]);
    expect(steps.rows.map((r) => r.cost_usd)).toEqual([expect.closeTo(3e-5, 15), expect.closeTo(4.8e-4, 15)]);
    expect(steps.rows[1]).toMatchObject({ given_cost_usd: null, text: '$$2x = 4$$\n\tso x = 2', router: '{"probs":{"small":0.3,"large":0.7}}' });
  });

  it('takes a given cost_usd over the priced tokens, and a trajectory with no judgments has a null process score', async () => {
    const line = withChange(withChange(baseLine('fig/1'), ['steps', 0, 'cost_usd'], 0.01), ['judgments'], undefined);
    await ingestText(jsonl([line]));
    const t = await trajectory('fig/1');
    expect(t.cost_usd).toBeCloseTo(0.01 + 4.8e-4, 15);
    expect(t.process_score).toBeNull();
    expect(t.reward).toBeCloseTo(1 - 0.1 * ((0.01 + 4.8e-4) / 7.2e-4), 12);
  });

  it('equals lib/domain on generated trajectories', async () => {
    const lines = generated('dom', { seed: 5, queries: 6, limit: 18 });
    const s = await ingestText(renderJsonl(lines));
    expect(s.failed).toBe(0);
    for (const line of lines) {
      const f = trajectoryFigures({
        models: line.models.map((m) => ({ id: m.id, usdPerMtokIn: m.usd_per_mtok_in, usdPerMtokOut: m.usd_per_mtok_out })),
        steps: line.steps.map((st) => ({ model: st.model, tokensIn: st.tokens_in, tokensOut: st.tokens_out, costUsd: st.cost_usd })),
        correct: line.correct,
        criteria: (line.rubric?.criteria ?? []).map((c) => ({ id: c.id, weight: c.weight, scale: c.scale })),
        judgments: (line.judgments ?? []).map((j) => ({ criterion: j.criterion, steps: j.steps ?? [], judgeScore: j.score })),
      });
      const t = await trajectory(line.id);
      expect(t.cost_usd).toBe(f.costUsd);
      expect(t.all_largest_usd).toBe(f.allLargestUsd);
      expect(t.savings).toBe(f.savings);
      expect(t.process_score).toBe(f.processScore);
      expect(t.reward).toBe(f.reward);
    }
    await rollupsMatchTrajectories();
  });
});

describe('idempotence, conflicts and replace', () => {
  it('re-ingesting a file changes nothing', async () => {
    const text = renderJsonl(generated('idem', { seed: 9, queries: 4, limit: 12 }));
    const first = await ingestText(text);
    expect(first).toMatchObject({ stored: 12, failed: 0 });
    const snapshot = async () => (await db.pool().query('SELECT id, pk, content_hash, cost_usd, reward, updated_at FROM trajectories ORDER BY id')).rows;
    const before = await snapshot();
    const stats = (await db.pool().query('SELECT * FROM run_stats ORDER BY run_id')).rows;
    const again = await ingestText(text);
    expect(again).toMatchObject({ stored: 0, unchanged: 12, replaced: 0, failed: 0 });
    expect(await snapshot()).toEqual(before);
    expect((await db.pool().query('SELECT * FROM run_stats ORDER BY run_id')).rows).toEqual(stats);
  });

  it('treats the same content in another key order, or cost_usd null vs absent, as identical', async () => {
    const line = baseLine('same/0');
    await ingestText(jsonl([line]));
    const reordered = Object.fromEntries(Object.entries(line).reverse());
    const steps = (reordered.steps as Record<string, unknown>[]).map((s) => {
      const { cost_usd: _c, ...rest } = s;
      return rest;
    });
    const s = await ingestText(jsonl([{ ...reordered, steps }]));
    expect(s).toMatchObject({ unchanged: 1, failed: 0 });
  });

  it('refuses a conflicting trajectory id, then replaces it when asked, keeping the rollups right', async () => {
    await ingestText(jsonl([baseLine('rep/0')]));
    const changed = withChange(withChange(baseLine('rep/0'), ['correct'], false), ['steps', 0, 'tokens_out'], 500);
    const refused = await ingestText(jsonl([changed]));
    expect(refused).toMatchObject({ stored: 0, failed: 1 });
    expect(refused.errors[0]).toMatchObject({ line: 1, id: 'rep/0', path: '/id' });
    expect(refused.errors[0]!.message).toMatch(/already stored with different content/);
    expect((await trajectory('rep/0')).correct).toBe(true);

    const replaced = await ingestText(jsonl([changed]), { replace: true });
    expect(replaced).toMatchObject({ replaced: 1, failed: 0 });
    const t = await trajectory('rep/0');
    expect(t.correct).toBe(false);
    expect(t.cost_usd).toBeCloseTo(100 * 0.1e-6 + 500 * 0.4e-6 + 4.8e-4, 15);
    const steps = await db.pool().query('SELECT count(*) AS n FROM steps WHERE trajectory_pk = $1', [t.pk]);
    expect(steps.rows[0].n).toBe(2);
    await rollupsMatchTrajectories();
  });

  it('keeps every human label when a trajectory is replaced, and folds them into its figures', async () => {
    await ingestText(jsonl([baseLine('lab/0')]));
    const t = await trajectory('lab/0');
    const j = await db.pool().query('SELECT id, item_id FROM judgments WHERE trajectory_pk = $1 AND criterion_id = $2', [t.pk, 'c1']);
    const judgmentId = j.rows[0].id as number;
    const itemId = j.rows[0].item_id as number;
    await withTransaction(async (c) => {
      await c.query("INSERT INTO labels (item_id, version, score, author) VALUES ($1, 1, 0, 'ann')", [itemId]);
      await c.query('UPDATE items SET version = 1 WHERE id = $1', [itemId]);
      await recomputeTrajectory(c, t.pk);
    });
    // The judge's c1 judgment changes its rationale; the label must stay on it and stay effective.
    const changed = withChange(baseLine('lab/0'), ['judgments', 0, 'rationale'], 'revised');
    const s = await ingestText(jsonl([changed]), { replace: true });
    expect(s).toMatchObject({ replaced: 1, failed: 0 });
    const after = await db
      .pool()
      .query(
        'SELECT j.id, j.item_id, i.version, j.rationale FROM judgments j JOIN items i ON i.id = j.item_id WHERE j.trajectory_pk = $1 AND j.criterion_id = $2',
        [t.pk, 'c1'],
      );
    expect(after.rows[0]).toMatchObject({ id: judgmentId, item_id: itemId, version: 1, rationale: 'revised' });
    const t2 = await trajectory('lab/0');
    // c1 now 0 by the person: (2*0 + 1*0.5) / 3
    expect(t2.process_score).toBeCloseTo(0.5 / 3, 12);
    expect(t2.labelled).toBe(true);
    expect((await db.pool().query('SELECT count(*) AS n FROM labels')).rows[0].n).toBe(1);
    await rollupsMatchTrajectories();

    // Content with no place for the label (criterion c1 gone) is refused rather than orphaning it.
    const noC1 = withChange(withChange(baseLine('lab/0'), ['judgments'], [{ criterion: 'c2', score: 5 }]), ['rubric'], {
      id: 'q1/rubric-v2',
      criteria: [{ id: 'c2', text: 'Arithmetic stays small.', weight: 1, scale: { kind: 'numeric', min: 0, max: 10 } }],
    });
    const refused = await ingestText(jsonl([noC1]), { replace: true });
    expect(refused).toMatchObject({ replaced: 0, failed: 1 });
    expect(refused.errors[0]!.message).toMatch(/human labels/);
    expect((await trajectory('lab/0')).process_score).toBeCloseTo(0.5 / 3, 12);
  });

  it('decides a trajectory repeated within one file against its first occurrence', async () => {
    const a = baseLine('dup/0');
    const b = withChange(baseLine('dup/0'), ['correct'], false);
    const s = await ingestText(jsonl([a, a, b]));
    expect(s).toMatchObject({ stored: 1, unchanged: 1, failed: 1 });
    expect(s.errors[0]).toMatchObject({ line: 3, path: '/id' });
  });
});

describe('batches', () => {
  // Each batch's committed total, in order (onProgress comes once per batch written).
  async function batchSizes(prefix: string, n: number, batchLines: number): Promise<number[]> {
    const lines = Array.from({ length: n }, (_, i) => baseLine(`${prefix}/${i}`));
    const committed: number[] = [];
    const s = await ingestText(jsonl(lines), { batchLines, onProgress: (p) => committed.push(p.stored) });
    expect(s).toMatchObject({ stored: n, failed: 0 });
    const stored = await db.pool().query<{ n: number }>('SELECT count(*)::int AS n FROM trajectories WHERE id LIKE $1', [`${prefix}/%`]);
    expect(stored.rows[0]!.n).toBe(n);
    return committed.map((c, i) => c - (committed[i - 1] ?? 0));
  }

  it('writes the first batch at an eighth of the limit and none above it, each committed whole', async () => {
    const sizes = await batchSizes('batches', 40, 16);
    expect(sizes.reduce((a, b) => a + b, 0)).toBe(40);
    // 16 / 8 = 2 lines first (nothing is stored while it is parsed); then whatever was parsed while
    // the last batch was written, at least 2 (but the last batch) and at most 16.
    expect(sizes[0]).toBe(2);
    for (const k of sizes) expect(k).toBeLessThanOrEqual(16);
    for (const k of sizes.slice(0, -1)) expect(k).toBeGreaterThanOrEqual(2);
  });

  it('sends a batch as soon as the database is free when lines come slower than it stores them', async () => {
    // A line every 150 ms, where storing two takes a few: each batch goes once it holds the least (2).
    const lines = Array.from({ length: 8 }, (_, i) => baseLine(`trickle/${i}`));
    async function* trickle() {
      for (const l of lines) {
        await new Promise((r) => setTimeout(r, 150));
        yield Buffer.from(jsonl([l]));
      }
    }
    const committed: number[] = [];
    const s = await ingestStream(trickle(), { batchLines: 16, onProgress: (p) => committed.push(p.stored) });
    expect(s).toMatchObject({ stored: 8, failed: 0 });
    expect(committed).toEqual([2, 4, 6, 8]);
  });

  it('fills a batch up to the limit while the database is slow, and sends the next one once it is free', async () => {
    // Every statement that inserts trajectories takes 300 ms, far longer than parsing 16 lines.
    const pool = db.pool();
    await pool.query(`CREATE FUNCTION slow_batches() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN PERFORM pg_sleep(0.3); RETURN NULL; END $$`);
    await pool.query('CREATE TRIGGER slow_batches AFTER INSERT ON trajectories FOR EACH STATEMENT EXECUTE FUNCTION slow_batches()');
    try {
      // The first 2 lines go at once; the next 16 are parsed while they are written, and so on.
      expect(await batchSizes('slowbatches', 40, 16)).toEqual([2, 16, 16, 6]);
    } finally {
      await pool.query('DROP TRIGGER slow_batches ON trajectories');
      await pool.query('DROP FUNCTION slow_batches()');
    }
  });
});

describe('broken input', () => {
  it('stores every line before a truncated last line', async () => {
    const lines = generated('trunc', { seed: 11, queries: 3, limit: 6 });
    const text = renderJsonl(lines);
    const cut = text.slice(0, text.length - 40); // the last line loses its end, as in an interrupted write
    const s = await ingestText(cut);
    expect(s).toMatchObject({ stored: 5, failed: 1 });
    expect(s.errors[0]).toMatchObject({ line: 6 });
    expect(s.errors[0]!.message).toMatch(/not valid JSON/);
    const ids = (await db.pool().query('SELECT id FROM trajectories WHERE id = ANY($1)', [lines.map((l) => l.id)])).rows.map((r) => r.id);
    expect(ids.sort()).toEqual(
      lines
        .slice(0, 5)
        .map((l) => l.id)
        .sort(),
    );
  });

  it('ignores blank lines, counts line numbers across them, and takes CRLF line ends', async () => {
    const text = `\n${JSON.stringify(baseLine('blank/0'))}\r\n   \n${JSON.stringify(withChange(baseLine('blank/1'), ['correct'], 1))}\n\n`;
    const s = await ingestText(text);
    expect(s).toMatchObject({ stored: 1, failed: 1, lines: 2 });
    expect(s.errors[0]).toMatchObject({ line: 4, path: '/correct' });
  });

  it('reports invalid UTF-8, a byte-order mark and an over-long line, each for its own line', async () => {
    const good = Buffer.from(JSON.stringify(baseLine('bytes/0')) + '\n');
    const badUtf8 = Buffer.concat([Buffer.from(JSON.stringify(baseLine('bytes/1')).slice(0, 30)), Buffer.from([0xff, 0xfe, 0x80]), Buffer.from('"}\n')]);
    const bom = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(JSON.stringify(baseLine('bytes/2')) + '\n')]);
    const long = Buffer.from(JSON.stringify(withChange(baseLine('bytes/3'), ['meta'], { pad: 'x'.repeat(5000) })) + '\n');
    const good2 = Buffer.from(JSON.stringify(baseLine('bytes/4')) + '\n');
    const s = await ingestStream(source(Buffer.concat([good, badUtf8, bom, long, good2])), { maxLineBytes: 4096 });
    expect(s).toMatchObject({ stored: 2, failed: 3 });
    expect(s.errors.map((e) => [e.line, e.message])).toEqual([
      [2, 'the line is not valid UTF-8'],
      [3, expect.stringMatching(/byte-order mark/)],
      [4, expect.stringMatching(/limit is 4096/)],
    ]);
  });

  it('reads gzip input, and reports a truncated gzip after storing what came before', async () => {
    const lines = generated('gz', { seed: 13, queries: 3, limit: 9 });
    const gz = gzipSync(Buffer.from(renderJsonl(lines)));
    const whole = await ingestStream(source(gz));
    expect(whole).toMatchObject({ stored: 9, failed: 0 });
    const more = generated('gzcut', { seed: 14, queries: 40, limit: 120 });
    const gz2 = gzipSync(Buffer.from(renderJsonl(more)));
    const truncated = await ingestStream(source(gz2.subarray(0, Math.floor(gz2.length * 0.6))));
    expect(truncated.failed).toBeGreaterThanOrEqual(1);
    expect(truncated.errors.at(-1)!.message).toMatch(/gzip data is corrupt or truncated|not valid JSON/);
    expect(truncated.stored + truncated.unchanged).toBeGreaterThan(0);
  });

  it('stops a gzip bomb at the decompressed-size limit', async () => {
    const bomb = gzipSync(Buffer.alloc(50 * 1024 * 1024, 0x20));
    await expect(ingestStream(source(bomb), { maxDecodedBytes: 1024 * 1024 })).rejects.toThrow(/exceeds the limit/);
  });
});

describe('POST /api/ingest', () => {
  it('takes a gzip body and answers 200, then 207 with the per-line errors', async () => {
    const { POST } = await import('@/app/api/ingest/route');
    const text = renderJsonl(generated('http', { seed: 21, queries: 3, limit: 6 }));
    const ok = await POST(
      new Request('http://localhost/api/ingest', {
        method: 'POST',
        headers: { 'content-encoding': 'gzip' },
        body: gzipSync(Buffer.from(text)),
        duplex: 'half',
      } as RequestInit),
      { params: Promise.resolve({}) },
    );
    expect(ok.status).toBe(200);
    expect(await ok.json()).toMatchObject({ stored: 6, unchanged: 0, replaced: 0, failed: 0, errors: [] });

    const bad = jsonl([baseLine('http/0'), withChange(baseLine('http/1'), ['steps', 0, 'model'], 'nope')]);
    const partial = await POST(new Request('http://localhost/api/ingest', { method: 'POST', headers: NDJSON, body: bad }), { params: Promise.resolve({}) });
    expect(partial.status).toBe(207);
    const body = await partial.json();
    expect(body).toMatchObject({ stored: 1, failed: 1, errors: [{ line: 2, id: 'http/1', path: '/steps/0/model' }] });
  });

  it('refuses a body over the size limit with 413, and a bad replace parameter with 400', async () => {
    const { POST } = await import('@/app/api/ingest/route');
    process.env.ROUTELENS_INGEST_MAX_BYTES = '100';
    try {
      const r = await POST(new Request('http://localhost/api/ingest', { method: 'POST', headers: NDJSON, body: jsonl([baseLine('big/0')]) }), {
        params: Promise.resolve({}),
      });
      expect(r.status).toBe(413);
      expect((await r.json()).error.code).toBe('payload_too_large');
    } finally {
      delete process.env.ROUTELENS_INGEST_MAX_BYTES;
    }
    const r2 = await POST(new Request('http://localhost/api/ingest?replace=yes', { method: 'POST', headers: NDJSON, body: '\n' }), {
      params: Promise.resolve({}),
    });
    expect(r2.status).toBe(400);
    expect((await r2.json()).error.message).toMatch(/replace/);
  });

  it('reads ?replace= by the parameter rules: the last value counts, an empty one is absent', async () => {
    const { POST } = await import('@/app/api/ingest/route');
    const post = (query: string, line: Record<string, unknown>) =>
      POST(new Request(`http://localhost/api/ingest${query}`, { method: 'POST', body: jsonl([line]), headers: { 'content-type': 'application/x-ndjson' } }), {
        params: Promise.resolve({}),
      });
    expect((await post('', baseLine('rp/0'))).status).toBe(200);
    const changed = withChange(baseLine('rp/0'), ['correct'], false);
    const answer = async (query: string) => {
      const r = await post(query, changed);
      return { status: r.status, body: (await r.json()) as { replaced?: number; failed?: number; error?: { code: string } } };
    };
    // Empty is absent: not a bad value, and no replace.
    expect(await answer('?replace=')).toMatchObject({ status: 207, body: { failed: 1 } });
    // The last value counts.
    expect(await answer('?replace=true&replace=false')).toMatchObject({ status: 207, body: { failed: 1 } });
    expect(await answer('?replace=yes&replace=true')).toMatchObject({ status: 200, body: { replaced: 1 } });
    expect(await answer('?replace=false&replace=yes')).toMatchObject({ status: 400, body: { error: { code: 'invalid_parameter' } } });
  });

  it('applies the decompressed-size limit to npm run ingest too', async () => {
    const file = path.join(os.tmpdir(), `routelens-limit-${process.pid}.jsonl.gz`);
    const lines = Array.from({ length: 40 }, (_, i) => baseLine(`cli-limit/${i}`));
    const text = jsonl(lines);
    fs.writeFileSync(file, gzipSync(text));
    try {
      const limit = Math.floor(text.length / 2);
      const r = await runCli('ingest.ts', [file], { DATABASE_URL: db.url, ROUTELENS_INGEST_MAX_DECODED_BYTES: String(limit) });
      expect(r.stderr).toMatch(/exceeds the limit of \d+ bytes \(ROUTELENS_INGEST_MAX_DECODED_BYTES\); the lines before the limit were stored/);
      expect(r.code).toBe(1);
      const n = (await db.pool().query("SELECT count(*) AS n FROM trajectories WHERE id LIKE 'cli-limit/%'")).rows[0].n as number;
      expect(n).toBeGreaterThan(0);
      expect(n).toBeLessThan(lines.length);
      const whole = await runCli('ingest.ts', [file], { DATABASE_URL: db.url });
      expect(whole.code, whole.stderr).toBe(0);
    } finally {
      fs.rmSync(file, { force: true });
    }
  });
});
