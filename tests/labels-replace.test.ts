// Replacing a trajectory on ingest keeps its items: labels, versions and queue entries stay with the
// item of the same criterion and step set. A replace that changes the steps under a label bumps the
// item's version (a labeller who saw the old content gets a 409) and marks the labels as made on
// earlier content, in the replay's data and in the exports. Queues hold items: several judges of one
// item are one entry, and the disagreement rule finds items on which judges disagree.
import { beforeAll, describe, expect, it } from 'vitest';
import { startExport } from '@/lib/export/run';
import { parseExportRequest } from '@/lib/schemas/exports';
import { call, json, signedIn, type Caller } from './helpers/api';
import { useTestDatabase } from './helpers/db';
import { bytesOf, parseJsonl } from './helpers/export';
import { baseLine, ingestText, jsonl, withChange, type Json } from './helpers/trace';

process.env.ROUTELENS_EMBEDDED = 'false';
const db = useTestDatabase('labelsreplace');

const labelsRoute = () => import('@/app/api/judgments/[id]/labels/route');
const scoresRoute = () => import('@/app/api/trajectories/[id]/scores/route').then((m) => m.GET);
const queuesRoute = () => import('@/app/api/queues/route').then((m) => m.POST);
const nextRoute = () => import('@/app/api/queues/[id]/next/route').then((m) => m.POST);

let ann: Caller;
let admin: Caller;

interface J {
  id: number;
  item_id: number;
  judge: string | null;
  version: number;
  source: string;
  effective_score: number | null;
  label_on_earlier_content: boolean;
}

const twoJudges = (id: string): Json =>
  baseLine(id, {
    judgments: [
      { criterion: 'c1', steps: [1], score: 1, judge: 'judge-v2' },
      { criterion: 'c1', steps: [1], score: 0, judge: 'judge-v3' },
      { criterion: 'c2', steps: [0], score: 5, judge: 'judge-v2' },
      { criterion: 'c2', steps: [0], score: 5, judge: 'judge-v3' },
    ],
  });

async function judgments(id: string): Promise<J[]> {
  return (await json<{ judgments: J[] }>(await call(await scoresRoute(), { params: { id }, as: ann }))).judgments;
}

async function label(judgmentId: number, score: number, expected: number): Promise<Response> {
  return call((await labelsRoute()).POST, { method: 'POST', params: { id: String(judgmentId) }, body: { score, expected_version: expected }, as: ann });
}

async function exportRows(kind: 'labels' | 'traces'): Promise<Json[]> {
  const run = await startExport(parseExportRequest(kind, new URLSearchParams({ format: 'jsonl' })));
  return parseJsonl((await bytesOf(run.chunks)).toString('utf8'));
}

beforeAll(async () => {
  ann = await signedIn('ann', 'annotator');
  admin = await signedIn('root', 'admin');
  expect((await ingestText(jsonl([twoJudges('rep/0'), twoJudges('rep/1')]))).failed).toBe(0);
});

describe('a replace on ingest', () => {
  it("keeps items, their labels and versions, and each judge's judgment id, when the steps under them do not change", async () => {
    const before = await judgments('rep/0');
    expect((await label(before[0]!.id, 0, 0)).status).toBe(201);
    const changed = withChange(withChange(twoJudges('rep/0'), ['judgments', 1, 'rationale'], 'v3 thinks again'), ['correct'], false);
    expect(await ingestText(jsonl([changed]), { replace: true })).toMatchObject({ replaced: 1, failed: 0 });
    const after = await judgments('rep/0');
    expect(after.map((j) => [j.id, j.item_id])).toEqual(before.map((j) => [j.id, j.item_id]));
    expect(after[1]).toMatchObject({ version: 1, source: 'human', effective_score: 0, label_on_earlier_content: false });
  });

  it('bumps the version of an item whose steps change and marks its labels as made on earlier content', async () => {
    const before = await judgments('rep/0');
    const c1 = before[0]!;
    const c2 = before[2]!;
    // Step 1 (under c1) gets another text; step 0 (under c2) stays.
    const changed = withChange(withChange(twoJudges('rep/0'), ['steps', 1, 'text'], 'a different step'), ['correct'], false);
    expect(await ingestText(jsonl([changed]), { replace: true })).toMatchObject({ replaced: 1, failed: 0 });
    const after = await judgments('rep/0');
    expect(after[0]).toMatchObject({ item_id: c1.item_id, version: c1.version + 1, source: 'human', label_on_earlier_content: true });
    expect(after[1]).toMatchObject({ version: c1.version + 1, label_on_earlier_content: true });
    expect(after[2]).toMatchObject({ item_id: c2.item_id, version: c2.version });
    // Whoever saw the old content is told.
    expect((await label(c1.id, 1, c1.version)).status).toBe(409);
    const history = await json<{ labels: { on_earlier_content: boolean }[] }>(
      await call((await labelsRoute()).GET, { params: { id: String(c1.id) }, as: ann }),
    );
    expect(history.labels.map((l) => l.on_earlier_content)).toEqual([true]);
    // A label on the new content is not.
    expect((await label(c1.id, 1, c1.version + 1)).status).toBe(201);
    const labels = (await exportRows('labels')).filter((r) => r.trajectory_id === 'rep/0');
    expect(labels.map((r) => r.on_earlier_content)).toEqual([true, false]);
    const trace = (await exportRows('traces')).find((r) => r.id === 'rep/0')!;
    const items = ((trace.meta as Json).routelens as Json).items as { labels: { on_earlier_content: boolean }[] }[];
    expect(items[0]!.labels.map((l) => l.on_earlier_content)).toEqual([true, false]);
  });

  it('restores the earlier-content marks from an export into an empty trajectory', async () => {
    const trace = (await exportRows('traces')).find((r) => r.id === 'rep/0')!;
    const copy = { ...trace, id: 'rep/0-copy' };
    const s = await ingestText(jsonl([copy]));
    expect(s.errors).toEqual([]);
    expect(s.stored).toBe(1);
    const restored = await db.pool().query(
      `SELECT l.version, l.content_revision < i.content_revision AS earlier FROM labels l JOIN items i ON i.id = l.item_id
         JOIN trajectories t ON t.pk = i.trajectory_pk WHERE t.id = 'rep/0-copy' ORDER BY l.version`,
    );
    expect(restored.rows).toEqual([
      { version: 1, earlier: true },
      { version: 3, earlier: false }, // version 2 was the replace
    ]);
    const item = await db
      .pool()
      .query("SELECT i.version FROM items i JOIN trajectories t ON t.pk = i.trajectory_pk WHERE t.id = 'rep/0-copy' AND i.criterion_id = 'c1'");
    expect(item.rows).toEqual([{ version: 3 }]);
  });

  it("keeps a labelled item whose judges are gone as a person's judgment", async () => {
    const line = withChange(twoJudges('rep/0'), ['judgments'], [{ criterion: 'c2', steps: [0], score: 4, judge: 'judge-v4' }]);
    expect(await ingestText(jsonl([withChange(line, ['correct'], false)]), { replace: true })).toMatchObject({ replaced: 1, failed: 0 });
    const after = await judgments('rep/0');
    expect(after.map((j) => [j.judge, j.source])).toEqual([
      ['judge-v4', 'judge'],
      [null, 'human'],
    ]);
  });
});

describe('queues over items', () => {
  it('hold one entry per item whatever the number of judges, and lease it with every judge shown', async () => {
    const res = await call(await queuesRoute(), { method: 'POST', body: { name: 'two judges', filters: { q: '' }, rule: { rule: 'all' } }, as: admin });
    expect(res.status).toBe(201);
    const queue = (await json<{ queue: { id: number; items: number } }>(res)).queue;
    const items = await db.pool().query('SELECT count(*)::int AS n FROM items');
    expect(queue.items).toBe(items.rows[0].n);
    const next = await json<{ item: { judgment: { item: { judgments: { judge: string | null }[] } } } }>(
      await call(await nextRoute(), { method: 'POST', params: { id: String(queue.id) }, body: {}, as: ann }),
    );
    expect(next.item.judgment.item.judgments.length).toBeGreaterThanOrEqual(1);
  });

  it('pick the items on which judges disagree with each other', async () => {
    const res = await call(await queuesRoute(), {
      method: 'POST',
      body: { name: 'judges', filters: {}, rule: { rule: 'disagreement', between: 'judges' } },
      as: admin,
    });
    expect(res.status).toBe(201);
    const queue = (await json<{ queue: { id: number } }>(res)).queue;
    const picked = await db.pool().query(
      `SELECT t.id, i.criterion_id FROM queue_items qi JOIN items i ON i.id = qi.item_id JOIN trajectories t ON t.pk = i.trajectory_pk
        WHERE qi.queue_id = $1 ORDER BY qi.position`,
      [queue.id],
    );
    // c1 on step 1: v2 says 1, v3 says 0; c2 on step 0: both 5.
    expect(picked.rows).toEqual([
      { id: 'rep/1', criterion_id: 'c1' },
      { id: 'rep/0-copy', criterion_id: 'c1' },
    ]);
  });
});
