// The per-benchmark model usage migration upgrades a database that the previous version filled, in
// place: nothing stored changes, run_benchmark_model_stats holds the stored steps' sums per run,
// benchmark ('' for none) and model, and ingest keeps it from there.
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { poolConfig } from '@/lib/db/pool';
import { ingestStream } from '@/lib/ingest/pipeline';
import { databaseBefore, type UpgradeDatabase } from './helpers/upgrade';
import { baseLine, jsonl, source } from './helpers/trace';

const MIGRATION = '20261202093000_overview_benchmark_models';

describe('the per-benchmark model usage migration, on a database the previous version filled', () => {
  let old: UpgradeDatabase;
  let before: unknown[];

  beforeAll(async () => {
    old = await databaseBefore(MIGRATION);
    await old.client.query(`
      INSERT INTO runs (id, policy, content_hash, hidden) VALUES ('r1', 'roro', 'h', true);
      INSERT INTO queries (id, text, benchmark, content_hash) VALUES ('q1', 'What is 2+2?', 'GSM8K', 'h'), ('q2', 'x', null, 'h');
      INSERT INTO models (id, usd_per_mtok_in, usd_per_mtok_out, content_hash) VALUES ('s', 1, 2, 'h'), ('l', 3, 4, 'h');
      INSERT INTO trajectories (pk, id, run_id, query_id, benchmark, correct, model_ids, models_used, step_count, tokens_in, tokens_out, cost_usd, all_largest_usd, savings, process_score, reward, content_hash)
        VALUES (1, 't1', 'r1', 'q1', 'GSM8K', true, '{s,l}', '{s,l}', 2, 10, 20, 0.1, 0.2, 0.5, 0.5, 1.2, 'h1'),
               (2, 't2', 'r1', 'q1', 'GSM8K', false, '{s,l}', '{s}', 1, 5, 5, 0.05, 0.05, 0, null, -0.1, 'h2'),
               (3, 't3', 'r1', 'q2', null, true, '{s}', '{s}', 1, 7, 3, 0.02, 0.02, 0, null, 1, 'h3');
      INSERT INTO steps (trajectory_pk, index, model, text, tokens_in, tokens_out, cost_usd)
        VALUES (1, 0, 's', 'a', 4, 10, 0.03), (1, 1, 'l', 'b', 6, 10, 0.07), (2, 0, 's', 'c', 5, 5, 0.05), (3, 0, 's', 'd', 7, 3, 0.02);
      SELECT setval(pg_get_serial_sequence('trajectories', 'pk'), 3);
    `);
    before = (
      await old.client.query(
        `SELECT (SELECT json_agg(t ORDER BY pk) FROM trajectories t) AS t, (SELECT json_agg(s ORDER BY trajectory_pk, index) FROM steps s) AS s, (SELECT json_agg(r) FROM runs r) AS r`,
      )
    ).rows;
  });
  afterAll(async () => {
    await old?.drop();
  });

  it('keeps every row and sums the stored steps per run, benchmark and model', async () => {
    expect(await old.migrate()).toContain(MIGRATION);
    const after = (
      await old.client.query(
        `SELECT (SELECT json_agg(t ORDER BY pk) FROM trajectories t) AS t, (SELECT json_agg(s ORDER BY trajectory_pk, index) FROM steps s) AS s, (SELECT json_agg(r) FROM runs r) AS r`,
      )
    ).rows;
    // Later migrations may add columns of their own (training_group_given): the old ones stay as they were.
    const keep = (rows: Record<string, unknown>[], like: Record<string, unknown>[]) =>
      rows.map((row) => Object.fromEntries(Object.keys(like[0] ?? {}).map((k) => [k, row[k]])));
    const [a, b] = [after[0] as Record<string, Record<string, unknown>[]>, before[0] as Record<string, Record<string, unknown>[]>];
    expect([{ t: keep(a.t!, b.t!), s: keep(a.s!, b.s!), r: keep(a.r!, b.r!) }]).toEqual(before);
    const rows = (await old.client.query('SELECT * FROM run_benchmark_model_stats ORDER BY run_id, benchmark, model')).rows;
    expect(rows).toEqual([
      { run_id: 'r1', benchmark: '', model: 's', trajectories: 1, steps: '1', tokens_in: '7', tokens_out: '3', cost_usd: 0.02 },
      { run_id: 'r1', benchmark: 'GSM8K', model: 'l', trajectories: 1, steps: '1', tokens_in: '6', tokens_out: '10', cost_usd: 0.07 },
      { run_id: 'r1', benchmark: 'GSM8K', model: 's', trajectories: 2, steps: '2', tokens_in: '9', tokens_out: '15', cost_usd: 0.03 + 0.05 },
    ]);
  });

  it('takes new trajectories into the rollup', async () => {
    const pool = new pg.Pool(poolConfig(old.url));
    try {
      const line = baseLine('r3/q9/0', { run: { id: 'r3', policy: 'roro' }, query: { id: 'q9', benchmark: 'GSM8K', text: 'New.' } });
      const stored = await ingestStream(source(jsonl([line])), { pool });
      expect(stored, JSON.stringify(stored.errors)).toMatchObject({ stored: 1, failed: 0 });
      const r = (await old.client.query(`SELECT sum(steps)::int AS steps FROM run_benchmark_model_stats WHERE run_id = 'r3' AND benchmark = 'GSM8K'`)).rows;
      expect(r).toEqual([{ steps: (line.steps as unknown[]).length }]);
    } finally {
      await pool.end();
    }
  });
});
