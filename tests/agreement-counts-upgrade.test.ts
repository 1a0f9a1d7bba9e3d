// The agreement counts migration upgrades a database that the previous version filled, in place:
// nothing else moves, the count tables hold exactly what counting the labelled items gives (by hand
// below), every trajectory's stored part is the one the app would count, and the app keeps them
// from there.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AgreementDeltas, syncAgreement } from '@/lib/db/agreement-counts';
import { databaseBefore, type UpgradeDatabase } from './helpers/upgrade';

const MIGRATION = '20261202094500_agreement_counts';

describe('the agreement counts migration, on a database the previous version filled', () => {
  let old: UpgradeDatabase;
  let labelsBefore: unknown[];

  beforeAll(async () => {
    old = await databaseBefore(MIGRATION);
    // Two trajectories of run r1 (training steps 3 and 4), one of r2 (none), one rubric with a binary
    // and a numeric criterion. Judges A and B and the unnamed judge; a person's own judgment; item 1
    // relabelled (its newest label counts), item 2 labelled by two people, item 5 never labelled.
    await old.client.query(`
      INSERT INTO runs (id, policy, content_hash) VALUES ('r1', 'roro', 'h'), ('r2', null, 'h');
      INSERT INTO queries (id, text, content_hash) VALUES ('q1', 'What is 2+2?', 'h');
      INSERT INTO models (id, usd_per_mtok_in, usd_per_mtok_out, content_hash) VALUES ('m', 1, 2, 'h');
      INSERT INTO rubrics (id, content_hash) VALUES ('rb', 'h');
      INSERT INTO criteria (rubric_id, id, position, text, weight, kind, scale_min, scale_max)
        VALUES ('rb', 'b', 0, 'Binary.', 1, 'binary', null, null), ('rb', 'n', 1, 'Numeric.', 1, 'numeric', 0, 4);
      INSERT INTO trajectories (pk, id, run_id, query_id, rubric_id, correct, model_ids, models_used, step_count, tokens_in, tokens_out, cost_usd, all_largest_usd, reward, training_step, content_hash)
        VALUES (1, 't1', 'r1', 'q1', 'rb', true, '{m}', '{m}', 1, 1, 1, 0.1, 0.1, 1, 3, 'h1'),
               (2, 't2', 'r1', 'q1', 'rb', true, '{m}', '{m}', 1, 1, 1, 0.1, 0.1, 1, 4, 'h2'),
               (3, 't3', 'r2', 'q1', 'rb', false, '{m}', '{m}', 1, 1, 1, 0.1, 0.1, 0, null, 'h3');
      INSERT INTO items (id, trajectory_pk, criterion_id, steps, version) VALUES
        (1, 1, 'b', '{}', 2), (2, 1, 'n', '{0}', 2), (3, 2, 'b', '{}', 1), (4, 3, 'b', '{}', 1), (5, 3, 'n', '{0}', 0);
      INSERT INTO judgments (trajectory_pk, position, item_id, criterion_id, steps, judge_score, judge) VALUES
        (1, 0, 1, 'b', '{}', 1, 'A'), (1, 1, 1, 'b', '{}', 0, 'B'), (1, 2, 2, 'n', '{0}', 3, 'A'), (1, 3, 2, 'n', '{0}', 1, null),
        (2, 0, 3, 'b', '{}', 1, 'A'),
        (3, 0, 4, 'b', '{}', null, null), (3, 1, 5, 'n', '{0}', 2, 'A');
      INSERT INTO labels (item_id, version, score, author, created_at) VALUES
        (1, 1, 1, 'ann', '2026-11-02 10:00Z'), (1, 2, 0, 'ann', '2026-11-03 23:30Z'),
        (2, 1, 4, 'ann', '2026-11-02 10:00Z'), (2, 2, 2, 'bo', '2026-11-04 00:30Z'),
        (3, 1, 1, 'bo', '2026-11-10 12:00Z'),
        (4, 1, 0, 'ann', '2026-11-10 12:00Z');
    `);
    labelsBefore = (await old.client.query('SELECT to_jsonb(l) AS row FROM labels l ORDER BY id')).rows;
  });
  afterAll(async () => {
    await old?.drop();
  });

  it('counts the stored labelled items exactly, and keeps every label', async () => {
    expect(await old.migrate()).toContain(MIGRATION);
    expect((await old.client.query('SELECT to_jsonb(l) AS row FROM labels l ORDER BY id')).rows).toEqual(labelsBefore);
    const q = async (text: string) => (await old.client.query(text)).rows;
    expect(await q('SELECT run_id, rubric_id, criterion_id, judge, judge_score, human, n FROM agreement_cells ORDER BY 1, 2, 3, 4, 5, 6')).toEqual([
      { run_id: 'r1', rubric_id: 'rb', criterion_id: 'b', judge: 'A', judge_score: 1, human: 0, n: 1 },
      { run_id: 'r1', rubric_id: 'rb', criterion_id: 'b', judge: 'A', judge_score: 1, human: 1, n: 1 },
      { run_id: 'r1', rubric_id: 'rb', criterion_id: 'b', judge: 'B', judge_score: 0, human: 0, n: 1 },
      { run_id: 'r1', rubric_id: 'rb', criterion_id: 'n', judge: 'A', judge_score: 3, human: 2, n: 1 },
      { run_id: 'r1', rubric_id: 'rb', criterion_id: 'n', judge: 'judge', judge_score: 1, human: 2, n: 1 },
    ]);
    expect(await q('SELECT run_id, criterion_id, n_items FROM agreement_items ORDER BY 1, 2')).toEqual([
      { run_id: 'r1', criterion_id: 'b', n_items: 2 },
      { run_id: 'r1', criterion_id: 'n', n_items: 1 },
      { run_id: 'r2', criterion_id: 'b', n_items: 1 },
    ]);
    expect(
      await q("SELECT judge, kind, scale_min, scale_max, to_char(day, 'YYYY-MM-DD') AS day, judge_score, human, n FROM agreement_days ORDER BY 1, 2, 5, 6, 7"),
    ).toEqual([
      { judge: 'A', kind: 'binary', scale_min: 0, scale_max: 0, day: '2026-11-03', judge_score: 1, human: 0, n: 1 },
      { judge: 'A', kind: 'binary', scale_min: 0, scale_max: 0, day: '2026-11-10', judge_score: 1, human: 1, n: 1 },
      { judge: 'A', kind: 'numeric', scale_min: 0, scale_max: 4, day: '2026-11-04', judge_score: 3, human: 2, n: 1 },
      { judge: 'B', kind: 'binary', scale_min: 0, scale_max: 0, day: '2026-11-03', judge_score: 0, human: 0, n: 1 },
      { judge: 'judge', kind: 'numeric', scale_min: 0, scale_max: 4, day: '2026-11-04', judge_score: 1, human: 2, n: 1 },
    ]);
    expect(await q('SELECT judge, kind, training_step, judge_score, human, n FROM agreement_steps ORDER BY 1, 2, 3, 4, 5')).toEqual([
      { judge: 'A', kind: 'binary', training_step: 3, judge_score: 1, human: 0, n: 1 },
      { judge: 'A', kind: 'binary', training_step: 4, judge_score: 1, human: 1, n: 1 },
      { judge: 'A', kind: 'numeric', training_step: 3, judge_score: 3, human: 2, n: 1 },
      { judge: 'B', kind: 'binary', training_step: 3, judge_score: 0, human: 0, n: 1 },
      { judge: 'judge', kind: 'numeric', training_step: 3, judge_score: 1, human: 2, n: 1 },
    ]);
    expect(await q('SELECT item_id, run_id, criterion_id, people_scores, judges, person_judgment FROM agreement_people ORDER BY 1')).toEqual([
      { item_id: 2, run_id: 'r1', criterion_id: 'n', people_scores: [4, 2], judges: ['A', 'judge'], person_judgment: false },
    ]);
  });

  it('stores each trajectory’s part as the app counts it, so later changes move the sums by the difference', async () => {
    expect((await old.client.query('SELECT trajectory_pk FROM trajectory_agreement ORDER BY 1')).rows).toEqual([
      { trajectory_pk: 1 },
      { trajectory_pk: 2 },
      { trajectory_pk: 3 },
    ]);
    await old.client.query('BEGIN');
    try {
      const deltas = new AgreementDeltas();
      await syncAgreement(old.client, [1, 2, 3], deltas);
      expect(deltas.empty).toBe(true);
    } finally {
      await old.client.query('ROLLBACK');
    }
  });
});
