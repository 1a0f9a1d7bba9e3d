// Labels belong to items (scoring.md): several judges score one item (a trajectory, a criterion and a
// set of steps), and one label, posted through any of their judgments, corrects all of them. The
// item's version is what expected_version names, so two people labelling one item through two
// judges' judgments at once end with one 201 and one 409.
import { beforeAll, describe, expect, it } from 'vitest';
import { call, json, signedIn, type Caller } from './helpers/api';
import { useTestDatabase } from './helpers/db';
import { baseLine, ingestText, jsonl } from './helpers/trace';

process.env.ROUTELENS_EMBEDDED = 'false';
const db = useTestDatabase('labelsitems');

const labelsRoute = () => import('@/app/api/judgments/[id]/labels/route');
const revertRoute = () => import('@/app/api/judgments/[id]/revert/route').then((m) => m.POST);
const judgmentsRoute = () => import('@/app/api/trajectories/[id]/judgments/route').then((m) => m.POST);
const scoresRoute = () => import('@/app/api/trajectories/[id]/scores/route').then((m) => m.GET);

let ann: Caller;
let bob: Caller;

interface ScoredJudgment {
  id: number;
  item_id: number;
  criterion: string;
  steps: number[];
  judge: string | null;
  judge_score: number | null;
  effective_score: number | null;
  source: string;
  version: number;
  labelled_by: string | null;
  labelled_by_name: string | null;
}

/** Three judges on one trajectory: v2 and v3 score c1 on steps {0, 1} (given in two orders), v2 also c3. */
const LINE = baseLine('items/0', {
  judgments: [
    { criterion: 'c1', steps: [0, 1], score: 1, rationale: 'v2 says yes', judge: 'judge-v2' },
    { criterion: 'c1', steps: [1, 0, 1], score: 0, rationale: 'v3 says no', judge: 'judge-v3' },
    { criterion: 'c3', score: -1, judge: 'judge-v2' },
  ],
});

async function scores(id: string): Promise<{ process_score: number | null; judgments: ScoredJudgment[] }> {
  const res = await call(await scoresRoute(), { params: { id }, as: ann });
  expect(res.status).toBe(200);
  return json(res);
}

async function postLabel(as: Caller, judgmentId: number, body: Record<string, unknown>) {
  const { POST } = await labelsRoute();
  return call(POST, { method: 'POST', params: { id: String(judgmentId) }, body, as });
}

beforeAll(async () => {
  const summary = await ingestText(jsonl([LINE, baseLine('items/1')]));
  expect(summary.failed).toBe(0);
  ann = await signedIn('ann', 'annotator');
  bob = await signedIn('bob', 'annotator');
  await db.pool().query("UPDATE users SET name = 'Ann Annotator' WHERE username = 'ann'");
});

describe('an item', () => {
  it('is one per criterion and step set: two judges of the same steps in another order share it', async () => {
    const { judgments } = await scores('items/0');
    expect(judgments.map((j) => j.judge)).toEqual(['judge-v2', 'judge-v3', 'judge-v2']);
    expect(judgments[0]!.item_id).toBe(judgments[1]!.item_id);
    expect(judgments[2]!.item_id).not.toBe(judgments[0]!.item_id);
    const items = await db
      .pool()
      .query("SELECT criterion_id, steps FROM items i JOIN trajectories t ON t.pk = i.trajectory_pk WHERE t.id = 'items/0' ORDER BY i.id");
    expect(items.rows).toEqual([
      { criterion_id: 'c1', steps: [0, 1] },
      { criterion_id: 'c3', steps: [] },
    ]);
  });

  it('takes one label, through either judge, that corrects both judges and the stored figures', async () => {
    const before = await scores('items/0');
    const [v2, v3] = before.judgments;
    const res = await postLabel(ann, v3!.id, { score: 1, rationale: 'the crux is on large', expected_version: 0 });
    expect(res.status).toBe(201);
    const written = await json<{ label: { item_id: number; version: number; author: string; author_name: string }; version: number }>(res);
    expect(written.label).toMatchObject({ item_id: v2!.item_id, version: 1, author: 'ann', author_name: 'Ann Annotator' });
    const after = await scores('items/0');
    for (const j of after.judgments.slice(0, 2)) {
      expect(j).toMatchObject({ effective_score: 1, source: 'human', version: 1, labelled_by: 'ann', labelled_by_name: 'Ann Annotator' });
    }
    expect(after.judgments[2]).toMatchObject({ source: 'judge', version: 0 });
    // v3's 0 became 1: c1's criterion score goes from 0.5 to 1.
    expect(after.process_score).not.toBe(before.process_score);
    const history = await json<{ labels: unknown[]; judgment: { item: { judgments: { judge: string }[] } } }>(
      await call((await labelsRoute()).GET, { params: { id: String(v2!.id) }, as: bob }),
    );
    expect(history.labels).toHaveLength(1);
    expect(history.judgment.item.judgments.map((j) => j.judge)).toEqual(['judge-v2', 'judge-v3']);
  });

  it('labelled by two people through two judges at once: one 201, one 409, round after round', async () => {
    const { judgments } = await scores('items/0');
    let version = judgments[0]!.version;
    for (let round = 0; round < 6; round++) {
      const [a, b] = await Promise.all([
        postLabel(ann, judgments[0]!.id, { score: 0, expected_version: version }),
        postLabel(bob, judgments[1]!.id, { score: 1, expected_version: version }),
      ]);
      expect([a.status, b.status].sort()).toEqual([201, 409]);
      const loser = await json<{ error: { details: { current_version: number } } }>(a.status === 409 ? a : b);
      expect(loser.error.details.current_version).toBe(version + 1);
      version++;
    }
    const n = await db.pool().query('SELECT count(*)::int AS n, max(version) AS v FROM labels WHERE item_id = $1', [judgments[0]!.item_id]);
    expect(n.rows[0]).toEqual({ n: version, v: version });
  });

  it("reverts to a judge's score as an appended label that names the judge", async () => {
    const { judgments } = await scores('items/0');
    const v2 = judgments[0]!;
    const res = await call(await revertRoute(), {
      method: 'POST',
      params: { id: String(v2.id) },
      body: { to: 'judge', expected_version: v2.version },
      as: bob,
    });
    expect(res.status).toBe(201);
    const w = await json<{ label: { score: number; revert_to_judge: string | null; revert_of: number | null; version: number } }>(res);
    expect(w.label).toMatchObject({ score: 1, revert_to_judge: 'judge-v2', revert_of: null, version: v2.version + 1 });
    const both = await call(await revertRoute(), {
      method: 'POST',
      params: { id: String(v2.id) },
      body: { to: 'judge', label_id: 1, expected_version: 0 },
      as: bob,
    });
    expect(both.status).toBe(400);
  });

  it("refuses a person's judgment of an item that judges scored, naming a judgment to label instead", async () => {
    const { judgments } = await scores('items/0');
    const res = await call(await judgmentsRoute(), {
      method: 'POST',
      params: { id: 'items/0' },
      body: { criterion: 'c1', steps: [1, 0], score: 1 },
      as: ann,
    });
    expect(res.status).toBe(409);
    const body = await json<{ error: { details: { judgment_id: number; item_id: number } } }>(res);
    expect(body.error.details).toMatchObject({ judgment_id: judgments[0]!.id, item_id: judgments[0]!.item_id });
  });

  it("takes steps as a set in a person's judgment, as ingest does: [1, 1] is the item of step 1", async () => {
    const res = await call(await judgmentsRoute(), { method: 'POST', params: { id: 'items/0' }, body: { criterion: 'c2', steps: [1, 1], score: 3 }, as: ann });
    expect(res.status).toBe(201);
    const w = await json<{ judgment: { steps: number[]; item: { steps: number[] } } }>(res);
    expect(w.judgment.item.steps).toEqual([1]);
    const again = await call(await judgmentsRoute(), { method: 'POST', params: { id: 'items/0' }, body: { criterion: 'c2', steps: [1], score: 4 }, as: bob });
    expect(again.status).toBe(409);
  });
});

describe('labels in the database', () => {
  it('refuse UPDATE, DELETE and TRUNCATE', async () => {
    await expect(db.pool().query('UPDATE labels SET score = 0')).rejects.toThrow(/append-only/);
    await expect(db.pool().query('DELETE FROM labels')).rejects.toThrow(/append-only/);
    await expect(db.pool().query('TRUNCATE labels CASCADE')).rejects.toThrow(/append-only/);
    await expect(db.pool().query('TRUNCATE trajectories CASCADE')).rejects.toThrow(/append-only/);
  });

  it('have one definition of the newest label of an item, inlined into the queries that call it', async () => {
    const plan = await db.pool().query('EXPLAIN SELECT nl.score FROM items i LEFT JOIN LATERAL newest_label(i.id) nl ON true');
    const text = plan.rows.map((r) => r['QUERY PLAN']).join('\n');
    expect(text).toMatch(/labels/);
    expect(text).not.toMatch(/Function Scan/);
  });
});

describe('ingest', () => {
  it('refuses a line where one judge scores one item twice, naming both paths', async () => {
    const line = baseLine('items/dup', {
      judgments: [
        { criterion: 'c1', steps: [1], score: 1, judge: 'judge-v2' },
        { criterion: 'c2', score: 5 },
        { criterion: 'c1', steps: [1, 1], score: 0, judge: 'judge-v2' },
      ],
    });
    const s = await ingestText(jsonl([line]));
    expect(s.failed).toBe(1);
    expect(s.errors[0]).toMatchObject({ path: '/judgments/2' });
    expect(s.errors[0]!.message).toMatch(/judge "judge-v2" already scores this item .*\/judgments\/0/);
    const unnamed = baseLine('items/dup2', {
      judgments: [
        { criterion: 'c2', score: 5 },
        { criterion: 'c2', steps: [], score: 4 },
      ],
    });
    const u = await ingestText(jsonl([unnamed]));
    expect(u.errors[0]).toMatchObject({ path: '/judgments/1' });
    expect(u.errors[0]!.message).toMatch(/the unnamed judge already scores this item .*\/judgments\/0/);
  });

  it('refuses judge names that break the id rules', async () => {
    for (const judge of ['', 'x'.repeat(201), 'a\u0000b']) {
      const s = await ingestText(jsonl([baseLine(`items/judge-${judge.length}`, { judgments: [{ criterion: 'c2', score: 5, judge }] })]));
      expect(s.failed, JSON.stringify(judge)).toBe(1);
      expect(s.errors[0]!.path).toBe('/judgments/0/judge');
    }
  });

  it("accepts repeated step indexes as a set, the same rule as a person's judgment", async () => {
    const s = await ingestText(jsonl([baseLine('items/rep', { judgments: [{ criterion: 'c1', steps: [1, 1, 0], score: 1 }] })]));
    expect(s.failed).toBe(0);
    const { judgments } = await scores('items/rep');
    expect(judgments[0]!.steps).toEqual([1, 1, 0]);
    const item = await db.pool().query('SELECT steps FROM items WHERE id = $1', [judgments[0]!.item_id]);
    expect(item.rows[0].steps).toEqual([0, 1]);
  });
});
