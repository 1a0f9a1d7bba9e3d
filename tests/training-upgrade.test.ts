// The training migration upgrades a database that the previous version filled, in place: every row
// stays as it was, the stored trajectories are no rollouts (step and group null), the new tables start
// empty, and the upgraded database takes training runs.
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { poolConfig } from '@/lib/db/pool';
import { ingestStream } from '@/lib/ingest/pipeline';
import { databaseBefore, type UpgradeDatabase } from './helpers/upgrade';
import { baseLine, jsonl, source } from './helpers/trace';

const TRAINING = '20261202002130_training';

describe('the training migration, on a database the previous version filled', () => {
  let old: UpgradeDatabase;
  const snapshot = async (table: string, order: string) =>
    (await old.client.query(`SELECT to_jsonb(x) AS row FROM "${table}" x ORDER BY ${order}`)).rows.map((r) => r.row as Record<string, unknown>);
  let before: Record<string, Record<string, unknown>[]>;
  const TABLES: [string, string][] = [
    ['runs', 'id'],
    ['queries', 'id'],
    ['trajectories', 'pk'],
    ['steps', 'trajectory_pk, index'],
    ['items', 'id'],
    ['judgments', 'id'],
    ['run_stats', 'run_id'],
    ['run_model_stats', 'run_id, model'],
  ];

  beforeAll(async () => {
    old = await databaseBefore(TRAINING);
    await old.client.query(`
      INSERT INTO runs (id, policy, content_hash) VALUES ('r1', 'roro', 'h');
      INSERT INTO queries (id, text, content_hash) VALUES ('q1', 'What is 2+2?', 'h');
      INSERT INTO models (id, usd_per_mtok_in, usd_per_mtok_out, content_hash) VALUES ('m', 1, 2, 'h');
      INSERT INTO trajectories (id, run_id, query_id, correct, model_ids, models_used, step_count, tokens_in, tokens_out, cost_usd, all_largest_usd, savings, reward, content_hash)
        VALUES ('t1', 'r1', 'q1', true, '{m}', '{m}', 2, 10, 20, 0.1, 0.2, 0.5, 0.99, 'h1'),
               ('t2', 'r1', 'q1', false, '{m}', '{m}', 1, 5, 5, 0.05, 0.05, 0, -0.1, 'h2');
      INSERT INTO steps (trajectory_pk, index, model, text, tokens_in, tokens_out, cost_usd) SELECT pk, 0, 'm', 'a', 5, 5, 0.05 FROM trajectories;
      INSERT INTO steps (trajectory_pk, index, model, text, tokens_in, tokens_out, cost_usd) SELECT pk, 1, 'm', 'b', 5, 15, 0.05 FROM trajectories WHERE id = 't1';
      INSERT INTO items (trajectory_pk, criterion_id, steps) SELECT pk, 'c1', '{}' FROM trajectories;
      INSERT INTO judgments (trajectory_pk, position, item_id, criterion_id, judge_score) SELECT trajectory_pk, 0, id, 'c1', 1 FROM items;
      INSERT INTO run_stats (run_id, trajectories, correct, steps, sum_cost_usd, sum_reward) VALUES ('r1', 2, 1, 3, 0.15, 0.89);
      INSERT INTO run_model_stats (run_id, model, trajectories, steps, tokens_in, tokens_out, cost_usd) VALUES ('r1', 'm', 2, 3, 15, 25, 0.15);
    `);
    before = {};
    for (const [t, o] of TABLES) before[t] = await snapshot(t, o);
  });
  afterAll(async () => {
    await old?.drop();
  });

  it('keeps every row, leaves the stored trajectories without training, and takes training runs after', async () => {
    expect(await old.migrate()).toContain(TRAINING);
    for (const [t, o] of TABLES) {
      const after = await snapshot(t, o);
      if (t === 'trajectories') {
        for (const row of after) expect(row).toMatchObject({ training_step: null, training_group: null });
        // Later migrations add training_group_given (false for a trajectory without training) and
        // step_rubric_scores (null for a trajectory stored before it).
        for (const row of after) expect(row.training_group_given ?? false).toBe(false);
        for (const row of after) expect(row.step_rubric_scores ?? null).toBeNull();
        expect(after.map(({ training_step: _s, training_group: _g, training_group_given: _n, step_rubric_scores: _r, ...rest }) => rest)).toEqual(before[t]);
      } else {
        // Later migrations may add columns of their own (run_stats.sum_cost_ratio): the old ones stay.
        const had = Object.keys(before[t]![0] ?? {});
        expect(
          after.map((row) => Object.fromEntries(had.map((k) => [k, row[k]]))),
          t,
        ).toEqual(before[t]);
      }
    }
    for (const t of ['training_groups', 'training_step_models', 'ingest_events']) {
      expect((await old.client.query(`SELECT count(*)::int AS n FROM "${t}"`)).rows[0].n, t).toBe(0);
    }
    const pool = new pg.Pool(poolConfig(old.url));
    try {
      const s = await ingestStream(source(jsonl([baseLine('up/1', { run: { id: 'r2' }, query: { id: 'q-up', text: 'Find y.' }, training: { step: 3 } })])), {
        pool,
      });
      expect(s).toMatchObject({ stored: 1, failed: 0 });
      expect((await pool.query('SELECT name, step, rollouts FROM training_groups')).rows).toEqual([{ name: 'q-up@3', step: 3, rollouts: 1 }]);
      expect((await pool.query('SELECT run_id, steps, rollouts, trajectories FROM ingest_events')).rows).toEqual([
        { run_id: 'r2', steps: [3], rollouts: 1, trajectories: 1 },
      ]);
    } finally {
      await pool.end();
    }
  });
});
