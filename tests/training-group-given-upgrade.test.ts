// The training_group_given migration upgrades a database of the previous version in place: every row
// stays as it was, a stored rollout whose group is not its default one is marked as having named it,
// the others (the default group, or no training) as not, and the traces export writes each as before.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startExport } from '@/lib/export/run';
import { parseExportRequest } from '@/lib/schemas/exports';
import { bytesOf } from './helpers/export';
import { databaseBefore, type UpgradeDatabase } from './helpers/upgrade';

const MIGRATION = '20261202095500_training_group_given';

describe('the training_group_given migration, on a database the previous version filled', () => {
  let old: UpgradeDatabase;
  const snapshot = async () =>
    (await old.client.query('SELECT to_jsonb(x) AS row FROM trajectories x ORDER BY pk')).rows.map((r) => r.row as Record<string, unknown>);
  let before: Record<string, unknown>[];

  beforeAll(async () => {
    old = await databaseBefore(MIGRATION);
    await old.client.query(`
      INSERT INTO runs (id, policy, content_hash) VALUES ('r1', 'roro', 'h');
      INSERT INTO queries (id, text, content_hash) VALUES ('q1', 'What is 2+2?', 'h');
      INSERT INTO models (id, usd_per_mtok_in, usd_per_mtok_out, content_hash) VALUES ('m', 1, 2, 'h');
      INSERT INTO trajectories (id, run_id, query_id, correct, model_ids, models_used, step_count, tokens_in, tokens_out, cost_usd, all_largest_usd, savings, reward, content_hash, training_step, training_group)
        VALUES ('t-default', 'r1', 'q1', true, '{m}', '{m}', 1, 10, 20, 0.1, 0.1, 0, 0.99, 'h1', 4, 'q1@4'),
               ('t-named', 'r1', 'q1', false, '{m}', '{m}', 1, 10, 20, 0.1, 0.1, 0, -0.1, 'h2', 4, 'g-7'),
               ('t-other-step', 'r1', 'q1', false, '{m}', '{m}', 1, 10, 20, 0.1, 0.1, 0, -0.1, 'h3', 5, 'q1@4x'),
               ('t-plain', 'r1', 'q1', true, '{m}', '{m}', 1, 10, 20, 0.1, 0.1, 0, 0.99, 'h4', NULL, NULL);
      INSERT INTO steps (trajectory_pk, index, model, text, tokens_in, tokens_out, cost_usd) SELECT pk, 0, 'm', 'a', 10, 20, 0.1 FROM trajectories;
    `);
    before = await snapshot();
  });
  afterAll(async () => {
    await old?.drop();
  });

  it('keeps every row and marks the rollouts whose group is not the default one as having named it', async () => {
    expect(await old.migrate()).toContain(MIGRATION);
    const after = await snapshot();
    const had = Object.keys(before[0]!);
    expect(after.map((row) => Object.fromEntries(had.map((k) => [k, row[k]])))).toEqual(before);
    expect(Object.fromEntries(after.map((r) => [r.id, r.training_group_given]))).toEqual({
      't-default': false,
      't-named': true,
      't-other-step': true,
      't-plain': false,
    });
  });

  it('exports each rollout as the previous version did: a named group with it, the default one without', async () => {
    const prev = process.env.DATABASE_URL;
    process.env.DATABASE_URL = old.url;
    try {
      const run = await startExport(parseExportRequest('traces', new URLSearchParams({ format: 'jsonl', run: 'r1' })));
      const lines = (await bytesOf(run.chunks)).toString('utf8').trim().split('\n');
      const of = (id: string) => lines.find((l) => l.includes(`"id":"${id}"`))!;
      expect(of('t-default')).toContain(',"training":{"step":4}');
      expect(of('t-named')).toContain(',"training":{"step":4,"group":"g-7"}');
      expect(of('t-other-step')).toContain(',"training":{"step":5,"group":"q1@4x"}');
      expect(of('t-plain')).not.toContain('"training"');
    } finally {
      process.env.DATABASE_URL = prev;
    }
  });
});
