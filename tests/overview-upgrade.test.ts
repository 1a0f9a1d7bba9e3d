// The overview migration upgrades a database that the previous version filled, in place: every run is
// shown (hidden false), run_benchmark_stats holds the stored trajectories' sums per run and benchmark
// (those without one under ''), and ingest keeps it from there.
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { poolConfig } from '@/lib/db/pool';
import { ingestStream } from '@/lib/ingest/pipeline';
import { databaseBefore, type UpgradeDatabase } from './helpers/upgrade';
import { baseLine, jsonl, source } from './helpers/trace';

const OVERVIEW = '20261202043856_overview_benchmarks_hidden';

describe('the overview migration, on a database the previous version filled', () => {
  let old: UpgradeDatabase;
  let trajectoriesBefore: unknown[];

  beforeAll(async () => {
    old = await databaseBefore(OVERVIEW);
    await old.client.query(`
      INSERT INTO runs (id, policy, content_hash) VALUES ('r1', 'roro', 'h'), ('r2', null, 'h');
      INSERT INTO queries (id, text, benchmark, content_hash) VALUES ('q1', 'What is 2+2?', 'GSM8K', 'h'), ('q2', 'x', null, 'h');
      INSERT INTO models (id, usd_per_mtok_in, usd_per_mtok_out, content_hash) VALUES ('m', 1, 2, 'h');
      INSERT INTO trajectories (id, run_id, query_id, benchmark, correct, model_ids, models_used, step_count, tokens_in, tokens_out, cost_usd, all_largest_usd, savings, process_score, reward, content_hash)
        VALUES ('t1', 'r1', 'q1', 'GSM8K', true, '{m}', '{m}', 2, 10, 20, 0.1, 0.2, 0.5, 0.5, 1.2, 'h1'),
               ('t2', 'r1', 'q1', 'GSM8K', false, '{m}', '{m}', 1, 5, 5, 0.05, 0.05, 0, null, -0.1, 'h2'),
               ('t3', 'r1', 'q2', null, true, '{m}', '{m}', 1, 7, 3, 0.02, 0, null, null, 1, 'h3');
    `);
    trajectoriesBefore = (await old.client.query('SELECT to_jsonb(t) AS row FROM trajectories t ORDER BY pk')).rows;
  });
  afterAll(async () => {
    await old?.drop();
  });

  it('keeps every row, shows every run and sums the stored trajectories per benchmark', async () => {
    expect(await old.migrate()).toContain(OVERVIEW);
    // Later migrations may add columns of their own (training_group_given): the old ones stay as they were.
    const had = Object.keys((trajectoriesBefore[0] as { row: Record<string, unknown> }).row);
    const trajectoriesAfter = (await old.client.query('SELECT to_jsonb(t) AS row FROM trajectories t ORDER BY pk')).rows.map((r) => ({
      row: Object.fromEntries(had.map((k) => [k, r.row[k]])),
    }));
    expect(trajectoriesAfter).toEqual(trajectoriesBefore);
    expect((await old.client.query('SELECT id, hidden FROM runs ORDER BY id')).rows).toEqual([
      { id: 'r1', hidden: false },
      { id: 'r2', hidden: false },
    ]);
    const rows = (await old.client.query('SELECT * FROM run_benchmark_stats ORDER BY run_id, benchmark')).rows;
    expect(rows).toEqual([
      {
        run_id: 'r1',
        benchmark: '',
        trajectories: 1,
        correct: 1,
        steps: '1',
        tokens_in: '7',
        tokens_out: '3',
        sum_cost_usd: 0.02,
        sum_cost_sq: 0.02 * 0.02,
        sum_process: 0,
        n_process: 0,
        sum_savings: 0,
        n_savings: 0,
        sum_reward: 1,
        sum_cost_ratio: 0,
      },
      {
        run_id: 'r1',
        benchmark: 'GSM8K',
        trajectories: 2,
        correct: 1,
        steps: '3',
        tokens_in: '15',
        tokens_out: '25',
        sum_cost_usd: 0.1 + 0.05,
        sum_cost_sq: 0.1 * 0.1 + 0.05 * 0.05,
        sum_process: 0.5,
        n_process: 1,
        sum_savings: 0.5,
        n_savings: 2,
        sum_reward: 1.2 - 0.1,
        sum_cost_ratio: 0.5 + 1,
      },
    ]);
  });

  it('takes new trajectories into the per-benchmark rollup', async () => {
    const pool = new pg.Pool(poolConfig(old.url));
    try {
      const line = baseLine('r3/q9/0', { run: { id: 'r3', policy: 'roro' }, query: { id: 'q9', benchmark: 'GSM8K', text: 'New.' } });
      expect(await ingestStream(source(jsonl([line])), { pool })).toMatchObject({ stored: 1, failed: 0 });
      const r = (await old.client.query(`SELECT trajectories FROM run_benchmark_stats WHERE run_id = 'r3' AND benchmark = 'GSM8K'`)).rows;
      expect(r).toEqual([{ trajectories: 1 }]);
    } finally {
      await pool.end();
    }
  });
});
