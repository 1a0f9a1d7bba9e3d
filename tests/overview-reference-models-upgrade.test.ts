// The reference models migration upgrades a database that the previous version filled, in place:
// nothing stored changes, run_reference_models counts each run's trajectories with savings by their
// all-largest baseline (per benchmark, '' for none), and GET /api/runs names it.
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { poolConfig } from '@/lib/db/pool';
import { ingestStream } from '@/lib/ingest/pipeline';
import { databaseBefore, type UpgradeDatabase } from './helpers/upgrade';
import { baseLine, jsonl, source } from './helpers/trace';

const MIGRATION = '20261203064500_overview_reference_models';
const SNAPSHOT = `SELECT (SELECT json_agg(t ORDER BY pk) FROM trajectories t) AS t, (SELECT json_agg(r) FROM runs r) AS r`;

describe('the reference models migration, on a database the previous version filled', () => {
  let old: UpgradeDatabase;
  let before: unknown[];

  beforeAll(async () => {
    old = await databaseBefore(MIGRATION);
    // Models a and b are priced alike: the smallest id (a) is the baseline; t3 costs nothing (no savings).
    await old.client.query(`
      INSERT INTO runs (id, policy, content_hash) VALUES ('r1', 'roro', 'h');
      INSERT INTO queries (id, text, benchmark, content_hash) VALUES ('q1', 'What is 2+2?', 'GSM8K', 'h'), ('q2', 'x', null, 'h');
      INSERT INTO models (id, usd_per_mtok_in, usd_per_mtok_out, content_hash) VALUES ('s', 1, 2, 'h'), ('l', 3, 4, 'h'), ('b', 3, 5, 'h'), ('a', 3, 5, 'h');
      INSERT INTO trajectories (pk, id, run_id, query_id, benchmark, correct, model_ids, models_used, step_count, tokens_in, tokens_out, cost_usd, all_largest_usd, savings, process_score, reward, content_hash)
        VALUES (1, 't1', 'r1', 'q1', 'GSM8K', true, '{s,l}', '{s,l}', 0, 10, 20, 0.1, 0.2, 0.5, 0.5, 1.2, 'h1'),
               (2, 't2', 'r1', 'q1', 'GSM8K', false, '{b,s,a}', '{s}', 0, 5, 5, 0.05, 0.1, 0.5, null, -0.1, 'h2'),
               (3, 't3', 'r1', 'q2', null, true, '{s}', '{s}', 0, 0, 0, 0, 0, null, null, 1, 'h3'),
               (4, 't4', 'r1', 'q2', null, true, '{l,s}', '{s}', 0, 7, 3, 0.02, 0.04, 0.5, null, 1, 'h4');
      SELECT setval(pg_get_serial_sequence('trajectories', 'pk'), 4);
    `);
    before = (await old.client.query(SNAPSHOT)).rows;
  });
  afterAll(async () => {
    await old?.drop();
  });

  it('keeps every row and counts the stored trajectories by baseline', async () => {
    expect(await old.migrate()).toContain(MIGRATION);
    const after = (await old.client.query(SNAPSHOT)).rows;
    const keep = (rows: Record<string, unknown>[], like: Record<string, unknown>[]) =>
      rows.map((row) => Object.fromEntries(Object.keys(like[0] ?? {}).map((k) => [k, row[k]])));
    const [a, b] = [after[0] as Record<string, Record<string, unknown>[]>, before[0] as Record<string, Record<string, unknown>[]>];
    expect([{ t: keep(a.t!, b.t!), r: keep(a.r!, b.r!) }]).toEqual(before);
    const rows = (await old.client.query('SELECT * FROM run_reference_models ORDER BY run_id, benchmark, model')).rows;
    expect(rows).toEqual([
      { run_id: 'r1', benchmark: '', model: 'l', trajectories: 1 },
      { run_id: 'r1', benchmark: 'GSM8K', model: 'a', trajectories: 1 },
      { run_id: 'r1', benchmark: 'GSM8K', model: 'l', trajectories: 1 },
    ]);
  });

  it('takes new trajectories into the rollup', async () => {
    const pool = new pg.Pool(poolConfig(old.url));
    try {
      const line = baseLine('r3/q9/0', { run: { id: 'r3', policy: 'roro' }, query: { id: 'q9', benchmark: 'GSM8K', text: 'New.' } });
      const stored = await ingestStream(source(jsonl([line])), { pool });
      expect(stored, JSON.stringify(stored.errors)).toMatchObject({ stored: 1, failed: 0 });
      const r = (await old.client.query(`SELECT sum(trajectories)::int AS n FROM run_reference_models WHERE run_id = 'r3' AND benchmark = 'GSM8K'`)).rows;
      expect(r).toEqual([{ n: 1 }]);
    } finally {
      await pool.end();
    }
  });
});
