// Annotation queues: building them from a filter and a rule, leasing items so that two people do not
// label the same item unless the overlap asks it, expiry, skip and release, and progress per person.
import { beforeAll, describe, expect, it } from 'vitest';
import { normalizedScore, scaleOf } from '@/lib/domain';
import { NORMALIZED_JUDGE_SCORE } from '@/lib/server/queries/queue-selection';
import { queryRows, sql } from '@/lib/server/sql';
import { call, json, signedIn, type Caller } from './helpers/api';
import { useTestDatabase } from './helpers/db';
import { otherScore, storeSmallFixture } from './helpers/labels';

process.env.ROUTELENS_EMBEDDED = 'false';
const db = useTestDatabase('labelsqueues');

const queuesRoute = () => import('@/app/api/queues/route');
const queueRoute = () => import('@/app/api/queues/[id]/route').then((m) => m.GET);
const nextRoute = () => import('@/app/api/queues/[id]/next/route').then((m) => m.POST);
const itemRoute = () => import('@/app/api/queues/[id]/items/[item]/route').then((m) => m.GET);
const releaseRoute = () => import('@/app/api/queues/[id]/items/[item]/release/route').then((m) => m.POST);
const labelRoute = () => import('@/app/api/judgments/[id]/labels/route').then((m) => m.POST);

let admin: Caller;
let ann: Caller & { userId: number };
let bob: Caller & { userId: number };

interface Queue {
  id: number;
  items: number;
  complete: number;
  done_by_me: number;
  rule: { rule: string };
}
interface Item {
  item_id: number;
  position: number;
  judgment: {
    id: number;
    version: number;
    judge_score: number | null;
    criterion: { id: string; scale: { kind: string; min?: number; max?: number } };
    item: { id: number; judgments: { id: number; judge: string | null }[] };
  };
  steps: { index: number; text: string }[];
  criteria: { id: string; text: string }[];
  guidelines: string | null;
  my_label: { score: number } | null;
  leased_until: string | null;
}

async function makeQueue(body: Record<string, unknown>): Promise<Response> {
  const { POST } = await queuesRoute();
  return call(POST, { method: 'POST', body: { name: 'q', ...body }, as: admin });
}

async function queueOf(body: Record<string, unknown>): Promise<Queue> {
  const res = await makeQueue(body);
  if (res.status !== 201) throw new Error(`queue not made: ${res.status} ${await res.text()}`);
  return (await json<{ queue: Queue }>(res)).queue;
}

async function next(as: Caller, queueId: number, skip: number[] = []): Promise<Item | null> {
  const res = await call(await nextRoute(), { method: 'POST', params: { id: String(queueId) }, body: { skip }, as });
  expect(res.status).toBe(200);
  return (await json<{ item: Item | null }>(res)).item;
}

async function label(as: Caller, item: Item): Promise<Response> {
  const j = item.judgment;
  const score = otherScore(
    { kind: j.criterion.scale.kind as 'binary', scale_min: j.criterion.scale.min ?? null, scale_max: j.criterion.scale.max ?? null },
    j.judge_score,
  );
  return call(await labelRoute(), { method: 'POST', params: { id: String(j.id) }, body: { score, expected_version: j.version }, as });
}

async function itemsOf(queueId: number): Promise<number[]> {
  const r = await db.pool().query('SELECT item_id FROM queue_items WHERE queue_id = $1 ORDER BY position', [queueId]);
  return r.rows.map((x) => x.item_id as number);
}

/** The items of judgments in their order, each once (where it first appears). */
const uniqueItems = (ids: number[]) => [...new Set(ids)];

beforeAll(async () => {
  await storeSmallFixture();
  admin = await signedIn('root', 'admin');
  ann = await signedIn('ann', 'annotator');
  bob = await signedIn('bob', 'annotator');
});

describe('building a queue', () => {
  it('takes every item that the filters select, in trajectory order', async () => {
    const q = await queueOf({ filters: { run: 'roro-s800', labelled: '' }, rule: { rule: 'all' }, guidelines: 'Score the step, not the answer.' });
    const want = await db
      .pool()
      .query(`SELECT j.item_id FROM judgments j JOIN trajectories t ON t.pk = j.trajectory_pk WHERE t.run_id = 'roro-s800' ORDER BY t.pk, j.position`);
    const items = uniqueItems(want.rows.map((r) => r.item_id));
    expect(q.items).toBe(items.length);
    expect(await itemsOf(q.id)).toEqual(items);
  });

  it('samples n items, the same ones for the same seed', async () => {
    const a = await queueOf({ rule: { rule: 'sample', n: 5, seed: 7 } });
    const b = await queueOf({ rule: { rule: 'sample', n: 5, seed: 7 } });
    const c = await queueOf({ rule: { rule: 'sample', n: 5, seed: 8 } });
    expect(a.items).toBe(5);
    expect(await itemsOf(a.id)).toEqual(await itemsOf(b.id));
    expect(await itemsOf(a.id)).not.toEqual(await itemsOf(c.id));
  });

  it('takes the items that a judge scored within the range (normalized)', async () => {
    const q = await queueOf({ rule: { rule: 'score_range', min: 0, max: 0.5 } });
    const rows = await db.pool().query(
      `SELECT j.item_id, j.judge_score, c.kind, c.scale_min, c.scale_max FROM judgments j JOIN trajectories t ON t.pk = j.trajectory_pk
         JOIN criteria c ON c.rubric_id = t.rubric_id AND c.id = j.criterion_id ORDER BY t.pk, j.position`,
    );
    const want = uniqueItems(rows.rows.filter((r) => normalizedScore(r.judge_score, scaleOf(r.kind, r.scale_min, r.scale_max)) <= 0.5).map((r) => r.item_id));
    expect(want.length).toBeGreaterThan(0);
    expect(want.length).toBeLessThan(rows.rowCount!);
    expect(await itemsOf(q.id)).toEqual(want);
  });

  it('normalizes judge scores in SQL exactly as lib/domain does, for every kind of scale', async () => {
    const rows = await queryRows<{
      judge_score: number;
      kind: 'binary' | 'ternary' | 'numeric';
      scale_min: number | null;
      scale_max: number | null;
      n: number;
    }>(
      db.pool(),
      sql`SELECT j.judge_score, c.kind, c.scale_min, c.scale_max, ${NORMALIZED_JUDGE_SCORE} AS n
            FROM judgments j JOIN trajectories t ON t.pk = j.trajectory_pk JOIN criteria c ON c.rubric_id = t.rubric_id AND c.id = j.criterion_id`,
    );
    expect(new Set(rows.map((r) => r.kind))).toEqual(new Set(['binary', 'ternary', 'numeric']));
    for (const r of rows) expect(r.n).toBeCloseTo(normalizedScore(r.judge_score, scaleOf(r.kind, r.scale_min, r.scale_max)), 12);
  });

  it('refuses what selects nothing and names bad fields', async () => {
    expect((await makeQueue({ filters: { run: 'no-such-run' }, rule: { rule: 'all' } })).status).toBe(400);
    const bad = await makeQueue({ filters: { min_cost: 'cheap' }, rule: { rule: 'all' } });
    expect(bad.status).toBe(400);
    expect((await json<{ error: { message: string } }>(bad)).error.message).toContain('filters.min_cost');
    const rule = await makeQueue({ rule: { rule: 'sample' } });
    expect(rule.status).toBe(400);
    expect((await json<{ error: { message: string } }>(rule)).error.message).toContain('rule.n');
  });
});

describe('taking items', () => {
  it('gives two annotators different items, and the same item again to whoever holds it', async () => {
    const q = await queueOf({ filters: { run: 'all-small' }, rule: { rule: 'all' }, guidelines: 'Be strict.' });
    const [a, b] = await Promise.all([next(ann, q.id), next(bob, q.id)]);
    expect(a && b).toBeTruthy();
    expect(a!.item_id).not.toBe(b!.item_id);
    expect((await next(ann, q.id))!.item_id).toBe(a!.item_id);
    expect(a!.guidelines).toBe('Be strict.');
    expect(a!.criteria.length).toBeGreaterThan(0);
    expect(a!.criteria.map((c) => c.id)).toContain(a!.judgment.criterion.id);
    expect(a!.leased_until).not.toBeNull();
  });

  it('never leases one item to two people at once when many ask together', async () => {
    const q = await queueOf({ rule: { rule: 'sample', n: 12, seed: 1 } });
    const people = await Promise.all(['p1', 'p2', 'p3', 'p4', 'p5', 'p6'].map((n) => signedIn(n, 'annotator')));
    const items = await Promise.all(people.map((p) => next(p, q.id)));
    expect(new Set(items.map((i) => i!.item_id)).size).toBe(people.length);
  });

  it('lets an item go to as many people as the overlap asks, and no more', async () => {
    const q = await queueOf({ rule: { rule: 'sample', n: 2, seed: 3 }, overlap: 2 });
    const cy = await signedIn('cy', 'annotator');
    const a = await next(ann, q.id);
    const b = await next(bob, q.id);
    expect(b!.item_id).toBe(a!.item_id);
    expect((await next(cy, q.id))!.item_id).not.toBe(a!.item_id);
  });

  it('frees an item when its lease runs out or is released, and skips what the caller passes over', async () => {
    const q = await queueOf({ rule: { rule: 'sample', n: 3, seed: 4 } });
    const a = await next(ann, q.id);
    const b = await next(bob, q.id);
    await db.pool().query(`UPDATE queue_assignments SET leased_until = now() - interval '1 second' WHERE item_id = $1`, [a!.item_id]);
    expect((await next(bob, q.id, [b!.item_id]))!.item_id).toBe(a!.item_id);
    // Taking a gave back b: one open lease per person per queue.
    const release = await call(await releaseRoute(), { method: 'POST', params: { id: String(q.id), item: String(b!.item_id) }, as: bob });
    expect(await json(release)).toEqual({ released: false });
    const back = await next(ann, q.id);
    expect(back!.item_id).toBe(b!.item_id);
    const c = await next(bob, q.id, [a!.item_id]);
    const releaseA = await call(await releaseRoute(), { method: 'POST', params: { id: String(q.id), item: String(c!.item_id) }, as: bob });
    expect(await json(releaseA)).toEqual({ released: true });
  });

  it('holds at most one open lease per person per queue, whatever the skips, and the database refuses a second', async () => {
    const q = await queueOf({ rule: { rule: 'sample', n: 4, seed: 21 } });
    const dee = await signedIn('dee', 'annotator');
    const seen: number[] = [];
    for (let i = 0; i < 3; i++) seen.push((await next(dee, q.id, seen))!.item_id);
    expect(new Set(seen).size).toBe(3);
    const open = await db
      .pool()
      .query(
        `SELECT a.item_id FROM queue_assignments a JOIN queue_items qi ON qi.id = a.item_id WHERE qi.queue_id = $1 AND a.user_id = $2 AND a.done_at IS NULL`,
        [q.id, dee.userId],
      );
    expect(open.rows).toEqual([{ item_id: seen[2] }]);
    await expect(
      db.pool().query(`INSERT INTO queue_assignments (item_id, user_id, leased_until) VALUES ($1, $2, now() + interval '5 minutes')`, [seen[0], dee.userId]),
    ).rejects.toThrow(/already holds an open lease/);
    // A second queue is another matter.
    const other = await queueOf({ rule: { rule: 'sample', n: 1, seed: 22 } });
    expect(await next(dee, other.id)).not.toBeNull();
  });

  it('marks an item done when it is labelled, counts progress per annotator, and ends', async () => {
    const q = await queueOf({ rule: { rule: 'sample', n: 4, seed: 9 } });
    const done: number[] = [];
    for (;;) {
      const item = await next(ann, q.id);
      if (!item) break;
      expect(done).not.toContain(item.item_id);
      expect((await label(ann, item)).status).toBe(201);
      done.push(item.item_id);
    }
    expect(done).toHaveLength(4);
    expect(await next(bob, q.id)).toBeNull();
    const detail = await json<{ queue: Queue; annotators: { username: string; done: number; leased: number }[] }>(
      await call(await queueRoute(), { params: { id: String(q.id) }, as: bob }),
    );
    expect(detail.queue).toMatchObject({ items: 4, complete: 4, done_by_me: 0 });
    expect(detail.annotators).toEqual([expect.objectContaining({ username: 'ann', done: 4, leased: 0 })]);
    const again = await json<Item>(await call(await itemRoute(), { params: { id: String(q.id), item: String(done[0]) }, as: ann }));
    expect(again.my_label).not.toBeNull();
    expect(again.judgment.version).toBeGreaterThan(0);
  });

  it('finds the items that people disagree on', async () => {
    const q = await queueOf({ rule: { rule: 'sample', n: 1, seed: 11 }, overlap: 2 });
    const a = await next(ann, q.id);
    const b = await next(bob, q.id);
    expect((await label(ann, a!)).status).toBe(201);
    const j = a!.judgment;
    const res = await call(await labelRoute(), {
      method: 'POST',
      params: { id: String(j.id) },
      body: { score: j.judge_score, expected_version: b!.judgment.version + 1 },
      as: bob,
    });
    expect(res.status).toBe(201);
    const dq = await queueOf({ rule: { rule: 'disagreement', between: 'people' } });
    expect(await itemsOf(dq.id)).toContain(j.item.id);
    const jq = await queueOf({ rule: { rule: 'disagreement', between: 'judge_human' } });
    expect(await itemsOf(jq.id)).not.toContain(j.item.id);
  });

  it('lists queues with the caller progress', async () => {
    const { GET } = await queuesRoute();
    const list = await json<{ queues: Queue[] }>(await call(GET, { as: ann }));
    expect(list.queues.length).toBeGreaterThan(5);
    expect(list.queues.some((q) => q.done_by_me > 0)).toBe(true);
    expect((await call(await nextRoute(), { method: 'POST', params: { id: '999999' }, body: {}, as: ann })).status).toBe(404);
  });
});

describe('a queue that the selection overfills', () => {
  it('holds the first ROUTELENS_QUEUE_MAX_ITEMS items and says so in the answer, never silently', async () => {
    process.env.ROUTELENS_QUEUE_MAX_ITEMS = '5';
    try {
      const over = await makeQueue({ name: 'too many', filters: {}, rule: { rule: 'all' } });
      expect(over.status).toBe(201);
      const body = await json<{ queue: Queue; capped: { max_items: number; message: string } | null }>(over);
      expect(body.capped).toEqual({
        max_items: 5,
        message: expect.stringMatching(/select more than 5 items; the queue holds the first 5 .*ROUTELENS_QUEUE_MAX_ITEMS/),
      });
      expect(body.queue.items).toBe(5);
      expect(
        (await db.pool().query('SELECT position FROM queue_items WHERE queue_id = $1 ORDER BY position', [body.queue.id])).rows.map((r) => r.position),
      ).toEqual([0, 1, 2, 3, 4]);
      const sample = await json<{ capped: unknown }>(await makeQueue({ name: 'big sample', filters: {}, rule: { rule: 'sample', n: 6, seed: 1 } }));
      expect(sample.capped).not.toBeNull();
      const fits = await json<{ queue: Queue; capped: unknown }>(await makeQueue({ name: 'fits', filters: {}, rule: { rule: 'sample', n: 5, seed: 1 } }));
      expect(fits).toMatchObject({ capped: null, queue: { items: 5 } });
    } finally {
      delete process.env.ROUTELENS_QUEUE_MAX_ITEMS;
    }
  });
});
