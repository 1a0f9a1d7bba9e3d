import 'server-only';
// Annotation queues: an admin picks items (filters + rule); annotators take them one at a time under
// a lease, so that two people do not label the same item at once unless the queue's overlap asks for
// more than one label per item. A person holds at most one open lease per queue. Labelling the item,
// through any of its judgments (lib/server/labels), marks the lease done.
import { getPool } from '@/lib/db/pool';
import { fromPrismaTx, getPrisma, type SqlExecutor } from '@/lib/db/prisma';
import { filterToParams, type TrajectoryFilter } from '@/lib/schemas/filters';
import { newQueueBodySchema, type RuleParams } from '@/lib/schemas/queues';
import type { z } from 'zod';
import type { Actor } from './auth';
import { ApiError, notFound } from './errors';
import { judgmentView, newestLabelBy, type CriterionView, type JudgmentView, type LabelView } from './queries/judgment';
import { insertQueueItems } from './queries/queue-selection';
import { scaleOf } from '@/lib/domain';
import { settings } from './settings';
import { queryRows, sql, type Sql } from './sql';
import { existingUserId, userIdOf } from './users';

type NewQueue = z.output<typeof newQueueBodySchema>;
type Db = SqlExecutor;

/** Creating a queue selects and inserts up to ROUTELENS_QUEUE_MAX_ITEMS items: longer than Prisma's default 5 s may be needed. */
const QUEUE_TX_TIMEOUT_MS = 5 * 60_000;

/** A Prisma interactive transaction whose connection the SQL helpers share (lib/db/prisma.ts). */
function inPrismaTransaction<T>(fn: (client: SqlExecutor) => Promise<T>): Promise<T> {
  return getPrisma().$transaction((tx) => fn(fromPrismaTx(tx)), { timeout: QUEUE_TX_TIMEOUT_MS, maxWait: 10_000 });
}

/** Named steps shown with an item; an item of more steps says how many it names in all. */
const MAX_ITEM_STEPS = 50;

export interface QueueSummary {
  id: number;
  name: string;
  filters: Record<string, string>;
  criterion: string | null;
  rubric: string | null;
  criterion_kind: CriterionKind | null;
  rule: RuleParams;
  overlap: number;
  guidelines: string | null;
  created_by: string | null;
  created_at: Date;
  items: number;
  /** Items with as many labels as the overlap asks for. */
  complete: number;
  /** Items that the caller labelled. */
  done_by_me: number;
}

type CriterionKind = 'binary' | 'ternary' | 'numeric';

interface StoredFilters {
  filters: Record<string, string>;
  criterion: string | null;
  /** Absent in queues made before a queue could name them. */
  rubric?: string | null;
  criterion_kind?: CriterionKind | null;
}

/** A queue as stored: the summary's own columns, with its filters and rule as the JSON columns hold them. */
type QueueRow = Omit<QueueSummary, 'filters' | 'criterion' | 'rubric' | 'criterion_kind' | 'rule'> & { filters: StoredFilters; rule_params: RuleParams };

const summaryOf = ({ filters, rule_params, ...own }: QueueRow): QueueSummary => ({
  ...own,
  filters: filters.filters,
  criterion: filters.criterion,
  rubric: filters.rubric ?? null,
  criterion_kind: filters.criterion_kind ?? null,
  rule: rule_params,
});

function queueRows(userId: number | null, where: Sql) {
  return sql`SELECT q.id, q.name, q.filters, q.rule_params, q.overlap, q.guidelines, u.username AS created_by, q.created_at,
                    coalesce(p.items, 0)::int AS items, coalesce(p.complete, 0)::int AS complete, coalesce(p.mine, 0)::int AS done_by_me
               FROM annotation_queues q
               LEFT JOIN users u ON u.id = q.created_by
               LEFT JOIN LATERAL (
                 SELECT count(*) AS items,
                        count(*) FILTER (WHERE d.done >= q.overlap) AS complete,
                        count(*) FILTER (WHERE d.mine) AS mine
                   FROM queue_items qi
                   CROSS JOIN LATERAL (
                     SELECT count(*) AS done, bool_or(a.user_id = ${userId}) AS mine
                       FROM queue_assignments a WHERE a.item_id = qi.id AND a.done_at IS NOT NULL
                   ) d
                  WHERE qi.queue_id = q.id
               ) p ON true
              ${where}`;
}

export async function listQueues(actor: Actor): Promise<QueueSummary[]> {
  const pool = getPool();
  const rows = await queryRows<QueueRow>(pool, queueRows(await existingUserId(pool, actor), sql`ORDER BY q.id DESC`));
  return rows.map(summaryOf);
}

async function queueSummary(db: Db, id: number, userId: number | null): Promise<QueueSummary> {
  const row = (await queryRows<QueueRow>(db, queueRows(userId, sql`WHERE q.id = ${id}`)))[0];
  if (!row) throw notFound(`queue ${id}`);
  return summaryOf(row);
}

export interface AnnotatorProgress {
  user_id: number;
  username: string;
  name: string;
  done: number;
  /** Items this person holds under a lease now. */
  leased: number;
  last_label_at: Date | null;
}

export async function queueDetail(actor: Actor, id: number): Promise<{ queue: QueueSummary; annotators: AnnotatorProgress[] }> {
  const pool = getPool();
  const queue = await queueSummary(pool, id, await existingUserId(pool, actor));
  const annotators = await queryRows<AnnotatorProgress>(
    pool,
    sql`SELECT u.id AS user_id, u.username, u.name,
               count(*) FILTER (WHERE a.done_at IS NOT NULL)::int AS done,
               count(*) FILTER (WHERE a.done_at IS NULL AND a.leased_until > now())::int AS leased,
               max(a.done_at) AS last_label_at
          FROM queue_assignments a
          JOIN queue_items qi ON qi.id = a.item_id
          JOIN users u ON u.id = a.user_id
         WHERE qi.queue_id = ${id}
         GROUP BY u.id
         ORDER BY done DESC, u.username`,
  );
  return { queue, annotators };
}

/** Set when the filters and rule select more items than a queue may hold: the queue has the first ones. */
export interface QueueCap {
  max_items: number;
  message: string;
}

export async function createQueue(actor: Actor, body: NewQueue): Promise<{ queue: QueueSummary; capped: QueueCap | null }> {
  return inPrismaTransaction(async (client) => {
    const userId = await userIdOf(client, actor);
    const stored: StoredFilters = {
      filters: filterToParams(body.filters as TrajectoryFilter),
      criterion: body.criterion ?? null,
      rubric: body.rubric ?? null,
      criterion_kind: body.criterion_kind ?? null,
    };
    const q = await client.query<{ id: number }>(
      `INSERT INTO annotation_queues (name, filters, rule, rule_params, overlap, guidelines, created_by)
       VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id`,
      [body.name, JSON.stringify(stored), body.rule.rule, JSON.stringify(body.rule), body.overlap, body.guidelines?.trim() || null, userId],
    );
    const id = q.rows[0]!.id;
    // One more than the limit, to tell a selection that fits from one that does not (never cut silently).
    const max = settings.queueMaxItems;
    const selection = insertQueueItems(
      id,
      { filters: body.filters, criterion: stored.criterion, rubric: stored.rubric, criterionKind: stored.criterion_kind, rule: body.rule },
      max + 1,
    );
    const inserted = await client.query(selection.text, selection.values as unknown[]);
    if (!inserted.rowCount) throw new ApiError('bad_request', 'field "rule": the filters and the rule select no items');
    let capped: QueueCap | null = null;
    if (inserted.rowCount > max) {
      await client.query('DELETE FROM queue_items WHERE queue_id = $1 AND position >= $2', [id, max]);
      capped = {
        max_items: max,
        message: `the filters and the rule select more than ${max} items; the queue holds the first ${max} in its order (ROUTELENS_QUEUE_MAX_ITEMS): narrow the filters, or use the sample rule, for a queue of all you meant`,
      };
    }
    return { queue: await queueSummary(client, id, userId), capped };
  });
}

export interface ItemDetail {
  queue_id: number;
  item_id: number;
  position: number;
  /** When the caller's lease on the item ends; null when they hold none. */
  leased_until: Date | null;
  /**
   * The item's first judgment, through which the view labels it; `judgment.item.judgments` holds
   * every judge's judgment of the item, and its labels correct them all.
   */
  judgment: JudgmentView;
  /** The caller's newest label of the item, if they gave one. */
  my_label: LabelView | null;
  trajectory: { id: string; query_id: string; query_text: string; reference_answer: string | null; final_answer: string | null; correct: boolean };
  steps: { index: number; model: string; text: string }[];
  /** How many steps the item names; `steps` holds the first MAX_ITEM_STEPS of them. */
  steps_named: number;
  criteria: CriterionView[];
  guidelines: string | null;
}

async function itemDetail(db: Db, queueId: number, itemId: number, userId: number | null): Promise<ItemDetail> {
  const items = await queryRows<{ item_id: number; judgment_id: number; position: number; guidelines: string | null; leased_until: Date | null }>(
    db,
    sql`SELECT qi.item_id, (SELECT j.id FROM judgments j WHERE j.item_id = qi.item_id ORDER BY j.position LIMIT 1) AS judgment_id,
               qi.position, q.guidelines,
               (SELECT a.leased_until FROM queue_assignments a
                 WHERE a.item_id = qi.id AND a.user_id = ${userId} AND a.done_at IS NULL AND a.leased_until > now()) AS leased_until
          FROM queue_items qi JOIN annotation_queues q ON q.id = qi.queue_id
         WHERE qi.id = ${itemId} AND qi.queue_id = ${queueId}`,
  );
  const item = items[0];
  if (!item) throw notFound(`item ${itemId} of queue ${queueId}`);
  const judgment = await judgmentView(db, item.judgment_id);
  const mine = await newestLabelBy(db, item.item_id, userId);
  const traj = await queryRows<ItemDetail['trajectory'] & { rubric_id: string }>(
    db,
    sql`SELECT t.id, t.query_id, qq.text AS query_text, qq.reference_answer, t.final_answer, t.correct, t.rubric_id
          FROM trajectories t JOIN queries qq ON qq.id = t.query_id WHERE t.pk = ${judgment.trajectory_pk}`,
  );
  const { rubric_id: rubricId, ...trajectory } = traj[0]!;
  const named = judgment.item.steps;
  const steps = await queryRows<{ index: number; model: string; text: string }>(
    db,
    sql`SELECT index, model, text FROM steps WHERE trajectory_pk = ${judgment.trajectory_pk} AND index = ANY(${named.slice(0, MAX_ITEM_STEPS)}::int[]) ORDER BY index`,
  );
  const criteria = await queryRows<{
    id: string;
    text: string;
    weight: number;
    kind: 'binary' | 'ternary' | 'numeric';
    scale_min: number | null;
    scale_max: number | null;
  }>(db, sql`SELECT id, text, weight, kind, scale_min, scale_max FROM criteria WHERE rubric_id = ${rubricId} ORDER BY position`);
  return {
    queue_id: queueId,
    item_id: itemId,
    position: item.position,
    leased_until: item.leased_until,
    judgment,
    my_label: mine,
    trajectory,
    steps,
    steps_named: named.length,
    criteria: criteria.map((c) => ({ id: c.id, text: c.text, weight: c.weight, scale: scaleOf(c.kind, c.scale_min, c.scale_max) })),
    guidelines: item.guidelines,
  };
}

/** GET /api/queues/{id}/items/{item}: an item as the labelling view shows it (going back with p). */
export async function getItem(actor: Actor, queueId: number, itemId: number): Promise<ItemDetail> {
  const pool = getPool();
  return itemDetail(pool, queueId, itemId, await existingUserId(pool, actor));
}

/**
 * Before a lease: the caller keeps at most one open lease in the queue — the first by position that
 * has not run out and that they did not pass over — and gives back every other (a trigger refuses a
 * second open lease from anywhere).
 */
const GIVE_BACK_OTHER_LEASES = `
  DELETE FROM queue_assignments a USING queue_items qi
   WHERE qi.id = a.item_id AND qi.queue_id = $1 AND a.user_id = $2 AND a.done_at IS NULL
     AND a.item_id IS DISTINCT FROM (
       SELECT b.item_id FROM queue_assignments b JOIN queue_items bi ON bi.id = b.item_id
        WHERE bi.queue_id = $1 AND b.user_id = $2 AND b.done_at IS NULL AND b.leased_until > now()
          AND NOT (b.item_id = ANY($3::int[]))
        ORDER BY bi.position LIMIT 1)`;

/**
 * The caller's current lease when they hold one (a reload shows the same item); otherwise the first
 * item, in queue order, that they have not labelled and that fewer than `overlap` other people hold
 * or have labelled. Runs under the queue's lock (leaseNextItem), so it sees every lease before it.
 */
const LEASE_NEXT = `
  WITH held AS (
    SELECT a.item_id FROM queue_assignments a JOIN queue_items qi ON qi.id = a.item_id
     WHERE qi.queue_id = $1 AND a.user_id = $2 AND a.done_at IS NULL AND a.leased_until > now()
       AND NOT (a.item_id = ANY($3::int[]))
     ORDER BY qi.position LIMIT 1
  ), free AS (
    SELECT qi.id AS item_id FROM queue_items qi
     WHERE qi.queue_id = $1 AND NOT (qi.id = ANY($3::int[])) AND NOT EXISTS (SELECT 1 FROM held)
       AND NOT EXISTS (SELECT 1 FROM queue_assignments a WHERE a.item_id = qi.id AND a.user_id = $2 AND a.done_at IS NOT NULL)
       AND (SELECT count(*) FROM queue_assignments a
             WHERE a.item_id = qi.id AND a.user_id <> $2 AND (a.done_at IS NOT NULL OR a.leased_until > now())) < $4
     ORDER BY qi.position
     LIMIT 1
  ), pick AS (SELECT item_id FROM held UNION ALL SELECT item_id FROM free LIMIT 1)
  INSERT INTO queue_assignments (item_id, user_id, leased_until)
  SELECT item_id, $2, now() + make_interval(secs => $5) FROM pick
  ON CONFLICT (item_id, user_id) DO UPDATE SET leased_until = EXCLUDED.leased_until
  RETURNING item_id`;

/** How many of the caller's labelled items the next answer lists (to go back with p after a reload). */
const MINE_LISTED = 500;

/** The queue entries the caller labelled, oldest first (the newest MINE_LISTED). */
async function labelledByMe(db: Db, queueId: number, userId: number): Promise<number[]> {
  const rows = await queryRows<{ item_id: number }>(
    db,
    sql`SELECT item_id FROM (
          SELECT a.item_id, a.done_at FROM queue_assignments a JOIN queue_items qi ON qi.id = a.item_id
           WHERE qi.queue_id = ${queueId} AND a.user_id = ${userId} AND a.done_at IS NOT NULL
           ORDER BY a.done_at DESC, a.item_id DESC LIMIT ${MINE_LISTED}) x
         ORDER BY done_at, item_id`,
  );
  return rows.map((r) => r.item_id);
}

export interface NextItem {
  item: ItemDetail | null;
  queue: QueueSummary;
  /** The entries the caller labelled in this queue, oldest first (at most 500): where p goes back to. */
  labelled_by_me: number[];
}

/** POST /api/queues/{id}/next: leases the caller's next item; `item` null when nothing is left for them. */
export async function leaseNextItem(actor: Actor, queueId: number, skip: readonly number[]): Promise<NextItem> {
  return inPrismaTransaction(async (client) => {
    const userId = await userIdOf(client, actor);
    const q = await client.query<{ overlap: number }>('SELECT overlap FROM annotation_queues WHERE id = $1', [queueId]);
    const overlap = q.rows[0]?.overlap;
    if (overlap === undefined) throw notFound(`queue ${queueId}`);
    // One lease decision per queue at a time: a snapshot taken after this lock sees every lease that
    // another annotator took a moment earlier, so an item never goes to more people than the overlap.
    await client.query(`SELECT 1 FROM pg_advisory_xact_lock(hashtext('routelens.queue_lease'), $1::int)`, [queueId]);
    await client.query(GIVE_BACK_OTHER_LEASES, [queueId, userId, [...skip]]);
    const leased = await client.query<{ item_id: number }>(LEASE_NEXT, [queueId, userId, [...skip], overlap, settings.leaseMinutes * 60]);
    const itemId = leased.rows[0]?.item_id;
    const item = itemId === undefined ? null : await itemDetail(client, queueId, itemId, userId);
    return { item, queue: await queueSummary(client, queueId, userId), labelled_by_me: await labelledByMe(client, queueId, userId) };
  });
}

/** POST /api/queues/{id}/items/{item}/release: gives back the caller's unfinished lease. */
export async function releaseItem(actor: Actor, queueId: number, itemId: number): Promise<{ released: boolean }> {
  const prisma = getPrisma();
  // A person with no users row yet (the local user before its first write) holds no lease.
  const userId = actor.userId ?? (await prisma.user.findUnique({ where: { username: actor.username }, select: { id: true } }))?.id;
  if (userId === undefined) return { released: false };
  const r = await prisma.queueAssignment.deleteMany({ where: { itemId, userId, doneAt: null, item: { queueId } } });
  return { released: r.count > 0 };
}
