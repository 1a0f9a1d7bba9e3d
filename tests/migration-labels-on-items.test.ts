// The labels_on_items migration upgrades a database in place: every label moves to its judgment's
// item with its id, score, rationale, author, user, time and revert; versions stay (merged histories
// of one item are numbered again in the order they were written); queues keep their items done and
// their leases; the append-only guarantee holds before and after.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { databaseBefore, type UpgradeDatabase } from './helpers/upgrade';

const MIGRATION = '20261201230000_labels_on_items';

let old: UpgradeDatabase;
type Row = Record<string, unknown>;
let labelsBefore: Row[];
let assignmentsBefore: Row[];

const ids: Record<string, number> = {};

async function q(text: string, values: unknown[] = []): Promise<Row[]> {
  return (await old.client.query(text, values)).rows as Row[];
}

/** One id-returning insert. */
async function one(text: string, values: unknown[]): Promise<number> {
  return (await q(text, values))[0]!.id as number;
}

beforeAll(async () => {
  old = await databaseBefore(MIGRATION);
  await q(`INSERT INTO models (id, usd_per_mtok_in, usd_per_mtok_out, content_hash) VALUES ('m', 0.1, 0.4, 'h')`);
  await q(`INSERT INTO runs (id, content_hash) VALUES ('r', 'h')`);
  await q(`INSERT INTO queries (id, text, content_hash) VALUES ('q', 'Find x.', 'h')`);
  await q(`INSERT INTO rubrics (id, content_hash) VALUES ('q/rubric', 'h')`);
  await q(`INSERT INTO criteria (rubric_id, id, position, text, weight, kind, scale_min, scale_max)
           VALUES ('q/rubric', 'c1', 0, 'crux on large', 2, 'binary', NULL, NULL), ('q/rubric', 'c2', 1, 'small arithmetic', 1, 'numeric', 0, 10)`);
  for (const t of ['t1', 't2']) {
    ids[t] = (
      await q(
        `INSERT INTO trajectories (id, run_id, query_id, rubric_id, correct, model_ids, models_used, step_count, tokens_in, tokens_out,
                                   cost_usd, all_largest_usd, reward, labelled, content_hash)
         VALUES ($1, 'r', 'q', 'q/rubric', true, '{m}', '{m}', 3, 10, 10, 0.001, 0.001, 1, true, 'h') RETURNING pk`,
        [t],
      )
    )[0]!.pk as number;
    for (let k = 0; k < 3; k++)
      await q(`INSERT INTO steps (trajectory_pk, index, model, text, tokens_in, tokens_out, cost_usd) VALUES ($1, $2, 'm', 'step', 1, 1, 0)`, [ids[t], k]);
  }
  const user = async (username: string) =>
    one(`INSERT INTO users (username, name, role) VALUES ($1, $2, 'annotator') RETURNING id`, [username, username.toUpperCase()]);
  ids.ann = await user('ann');
  ids.bob = await user('bob');
  ids.cy = await user('cy');
  const judgment = (pk: number, position: number, criterion: string, steps: number[], judge: string | null, score: number | null, version: number) =>
    one(`INSERT INTO judgments (trajectory_pk, position, criterion_id, steps, judge, judge_score, version) VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id`, [
      pk,
      position,
      criterion,
      steps,
      judge,
      score,
      version,
    ]);
  // t1: judge-v2 and judge-v3 on the same item (steps given in two orders); only v2's judgment labelled,
  // three times, the third a revert of the first; c2 on the whole trajectory, labelled by an imported author.
  ids.a = await judgment(ids.t1!, 0, 'c1', [1, 0], 'judge-v2', 1, 3);
  ids.b = await judgment(ids.t1!, 1, 'c1', [0, 1], 'judge-v3', 0, 0);
  ids.c = await judgment(ids.t1!, 2, 'c2', [], null, 5, 1);
  // t2: two judges of one item, each labelled: the histories merge in time order.
  ids.d = await judgment(ids.t2!, 0, 'c1', [2], 'judge-v2', 1, 1);
  ids.e = await judgment(ids.t2!, 1, 'c1', [2, 2], 'judge-v3', 0, 2);
  // t2: a person's own judgment (no judge score) with its first label.
  ids.f = await judgment(ids.t2!, 2, 'c2', [0], null, null, 1);
  const label = (
    judgmentId: number,
    version: number,
    score: number,
    userId: number | null,
    author: string,
    at: string,
    revertOf: number | null = null,
    rationale: string | null = null,
  ) =>
    one(
      `INSERT INTO labels (judgment_id, version, score, rationale, user_id, author, created_at, revert_of_label_id)
       VALUES ($1, $2, $3, $4, $5, $6, $7::timestamptz, $8) RETURNING id`,
      [judgmentId, version, score, rationale, userId, author, at, revertOf],
    );
  ids.a1 = await label(ids.a, 1, 0, ids.ann, 'ann', '2026-01-01T10:00:00Z', null, 'not the crux');
  ids.a2 = await label(ids.a, 2, 1, ids.bob, 'bob', '2026-01-01T11:00:00Z');
  ids.a3 = await label(ids.a, 3, 0, ids.ann, 'ann', '2026-01-01T12:00:00Z', ids.a1);
  ids.c1 = await label(ids.c, 1, 7, null, 'imported-person', '2025-12-31T23:59:59.999Z');
  ids.e1 = await label(ids.e, 1, 1, ids.cy, 'cy', '2026-01-02T09:00:00Z');
  ids.d1 = await label(ids.d, 1, 0, ids.ann, 'ann', '2026-01-02T10:00:00Z');
  ids.e2 = await label(ids.e, 2, 0, ids.cy, 'cy', '2026-01-02T11:00:00Z', ids.e1);
  ids.f1 = await label(ids.f, 1, 3, ids.bob, 'bob', '2026-01-03T00:00:00Z');
  // A queue over every judgment, with labels done, a lease held and an expired one.
  ids.queue = await one(
    `INSERT INTO annotation_queues (name, filters, rule, rule_params) VALUES ('old', '{"filters":{},"criterion":null}', 'all', '{"rule":"all"}') RETURNING id`,
    [],
  );
  const entries = [ids.a, ids.b, ids.c, ids.d, ids.e, ids.f];
  for (const [position, j] of entries.entries()) {
    ids[`qi${position}`] = await one('INSERT INTO queue_items (queue_id, judgment_id, position) VALUES ($1, $2, $3) RETURNING id', [ids.queue, j, position]);
  }
  const assign = (item: number, userId: number, leased: string, done: string | null, labelId: number | null) =>
    q('INSERT INTO queue_assignments (item_id, user_id, leased_until, done_at, label_id) VALUES ($1, $2, $3::timestamptz, $4::timestamptz, $5)', [
      item,
      userId,
      leased,
      done,
      labelId,
    ]);
  await assign(ids.qi0!, ids.ann, '2026-01-01T12:00:00Z', '2026-01-01T12:00:00Z', ids.a3);
  await assign(ids.qi1!, ids.bob, '2099-01-01T00:00:00Z', null, null); // bob holds judge-v3's entry (same item as ann's)
  await assign(ids.qi4!, ids.cy, '2026-01-02T11:00:00Z', '2026-01-02T11:00:00Z', ids.e2);
  await assign(ids.qi3!, ids.cy, '2026-01-02T09:30:00Z', null, null); // an expired lease on the other entry of cy's item
  await assign(ids.qi5!, ids.bob, '2026-01-03T00:00:00Z', '2026-01-03T00:00:00Z', ids.f1);

  labelsBefore = await q('SELECT id, judgment_id, version, score, rationale, user_id, author, created_at, revert_of_label_id FROM labels ORDER BY id');
  assignmentsBefore = await q('SELECT item_id, user_id, leased_until, done_at, label_id FROM queue_assignments ORDER BY item_id, user_id');
  expect(await old.migrate()).toContain(MIGRATION);
}, 120_000);

afterAll(async () => {
  await old?.drop();
});

async function itemOf(judgmentId: number): Promise<number> {
  return (await q('SELECT item_id FROM judgments WHERE id = $1', [judgmentId]))[0]!.item_id as number;
}

describe('the labels_on_items migration', () => {
  it('gives every judgment the item of its criterion and step set', async () => {
    expect(await q('SELECT count(*)::int AS n FROM judgments')).toEqual([{ n: 6 }]);
    expect(await itemOf(ids.a!)).toBe(await itemOf(ids.b!));
    expect(await itemOf(ids.d!)).toBe(await itemOf(ids.e!));
    expect(new Set([await itemOf(ids.a!), await itemOf(ids.c!), await itemOf(ids.d!), await itemOf(ids.f!)]).size).toBe(4);
    expect(
      await q('SELECT t.id AS trajectory, i.criterion_id, i.steps, i.version FROM items i JOIN trajectories t ON t.pk = i.trajectory_pk ORDER BY i.id'),
    ).toEqual([
      { trajectory: 't1', criterion_id: 'c1', steps: [0, 1], version: 3 },
      { trajectory: 't1', criterion_id: 'c2', steps: [], version: 1 },
      { trajectory: 't2', criterion_id: 'c1', steps: [2], version: 3 },
      { trajectory: 't2', criterion_id: 'c2', steps: [0], version: 1 },
    ]);
    // The judgments keep their steps as given.
    expect(await q('SELECT steps FROM judgments WHERE id = $1', [ids.e])).toEqual([{ steps: [2, 2] }]);
  });

  it("keeps every label, equal before and after, on its judgment's item", async () => {
    const after = await q(
      'SELECT id, item_id, version, score, rationale, user_id, author, created_at, revert_of_label_id, revert_to_judge, content_revision FROM labels ORDER BY id',
    );
    expect(after).toHaveLength(labelsBefore.length);
    // Two judges' histories of t2's c1 item merge in the order they were written: e1, d1, e2.
    const merged = new Map([
      [ids.e1, 1],
      [ids.d1, 2],
      [ids.e2, 3],
    ]);
    for (const [i, b] of labelsBefore.entries()) {
      const { judgment_id: judgmentId, version, ...same } = b;
      const a = after[i]!;
      expect(a).toMatchObject(same);
      expect(a.item_id).toBe(await itemOf(judgmentId as number));
      expect(a.version).toBe(merged.get(b.id as number) ?? version);
      expect(a).toMatchObject({ revert_to_judge: null, content_revision: 0 });
    }
    // The newest label of each item is the effective one: the revert on t1, cy's 0 on t2.
    const newest = await q('SELECT i.id, nl.id AS label FROM items i LEFT JOIN LATERAL newest_label(i.id) nl ON true ORDER BY i.id');
    expect(newest.map((r) => r.label)).toEqual([ids.a3, ids.c1, ids.e2, ids.f1]);
  });

  it('keeps labels append-only, and refuses TRUNCATE now', async () => {
    await expect(q('UPDATE labels SET score = 1')).rejects.toThrow(/append-only/);
    await expect(q('DELETE FROM labels')).rejects.toThrow(/append-only/);
    await expect(q('TRUNCATE labels')).rejects.toThrow(/append-only/);
  });

  it("keeps the queue's progress: one entry per item, each person's done marks and leases", async () => {
    const entries = await q('SELECT id, item_id, position FROM queue_items WHERE queue_id = $1 ORDER BY position', [ids.queue]);
    expect(entries).toEqual([
      { id: ids.qi0, item_id: await itemOf(ids.a!), position: 0 },
      { id: ids.qi2, item_id: await itemOf(ids.c!), position: 2 },
      { id: ids.qi3, item_id: await itemOf(ids.d!), position: 3 },
      { id: ids.qi5, item_id: await itemOf(ids.f!), position: 5 },
    ]);
    const after = await q('SELECT item_id, user_id, leased_until, done_at, label_id FROM queue_assignments ORDER BY item_id, user_id');
    const before = (item: number, user: number) => assignmentsBefore.find((a) => a.item_id === item && a.user_id === user)!;
    expect(after).toEqual([
      before(ids.qi0!, ids.ann!),
      { ...before(ids.qi1!, ids.bob!), item_id: ids.qi0 }, // bob's lease, now on the item's one entry
      { ...before(ids.qi4!, ids.cy!), item_id: ids.qi3 }, // cy's done mark wins over her expired lease
      before(ids.qi5!, ids.bob!),
    ]);
  });
});
