import 'server-only';
// Human labels. Labels belong to items (scoring.md): a label posted through any judgment of an item
// corrects every judge of that item, and the item's version is what expected_version names. Every
// write is one transaction: lock the trajectory, then the item; check the version the labeller saw;
// append the label (labels are append-only, unique per item version); bump the item's version; mark
// the labeller's queue entries of that item done; recompute the trajectory's stored figures and the
// run rollups. A label based on a stale version is refused with 409 and what changed, so no
// acknowledged label is ever overwritten or lost.
import type pg from 'pg';
import { isOnScale, scaleOf, scaleText, type Scale } from '@/lib/domain';
import { recomputeTrajectory, type RecomputedTrajectory } from '@/lib/db/derived';
import { stepSet } from '@/lib/db/items';
import { RollupDeltas } from '@/lib/db/rollups';
import { getPool, withTransaction } from '@/lib/db/pool';
import type { Actor } from './auth';
import { ApiError, notFound } from './errors';
import type { LabelBody, NewJudgmentBody, RevertBody } from '@/lib/schemas/labels';
import { judgmentView, labelById, labelHistory, newestLabel, type JudgmentView, type LabelView } from './queries/judgment';
import { userIdOf } from './users';

export interface LabelWritten {
  label: LabelView;
  /** The item's version after this label: the expected_version of the next one. */
  version: number;
  judgment: JudgmentView;
  trajectory: { id: string; process_score: number | null; reward: number; labelled: boolean };
}

const DEADLOCK = '40P01';
const SERIALIZATION = '40001';
const UNIQUE = '23505';

/**
 * A transaction that is retried when PostgreSQL broke a lock cycle (ingest replacing a trajectory
 * while it is labelled takes the same locks): the retry starts over from a fresh read.
 */
async function inRetriedTransaction<T>(fn: (client: pg.PoolClient) => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await withTransaction(fn);
    } catch (e) {
      const code = (e as { code?: string }).code;
      if (attempt >= 3 || (code !== DEADLOCK && code !== SERIALIZATION)) throw e;
    }
  }
}

function checkOnScale(score: number, scale: Scale, field = 'score'): void {
  if (!isOnScale(score, scale)) {
    throw new ApiError('bad_request', `field "${field}": ${score} is not on the criterion's scale: ${scaleText(scale)}`);
  }
}

interface LockedItem {
  trajectoryPk: number;
  itemId: number;
  version: number;
  contentRevision: number;
  scale: Scale;
  judgeScore: number | null;
  judge: string | null;
}

/**
 * Locks the judgment's trajectory, then its item: the order that ingest's replace uses too. Two
 * people labelling one item through two judges' judgments queue on the same trajectory row, so the
 * second sees the first one's version.
 */
async function lockItem(client: pg.PoolClient, judgmentId: number): Promise<LockedItem> {
  // One statement: the trajectory's row is locked in the sub-select, the item's after the join (FOR
  // UPDATE OF i locks the rows the join gives, so after the trajectory's).
  const r = await client.query<{
    trajectory_pk: number;
    item_id: number;
    version: number;
    content_revision: number;
    judge_score: number | null;
    judge: string | null;
    kind: Scale['kind'];
    scale_min: number | null;
    scale_max: number | null;
  }>(
    `SELECT o.pk AS trajectory_pk, i.id AS item_id, i.version, i.content_revision, j.judge_score, j.judge, c.kind, c.scale_min, c.scale_max
       FROM (SELECT t.pk, t.rubric_id FROM trajectories t WHERE t.pk = (SELECT trajectory_pk FROM judgments WHERE id = $1) FOR UPDATE) o
       JOIN judgments j ON j.id = $1 AND j.trajectory_pk = o.pk
       JOIN items i ON i.id = j.item_id
       JOIN criteria c ON c.rubric_id = o.rubric_id AND c.id = j.criterion_id
        FOR UPDATE OF i`,
    [judgmentId],
  );
  const row = r.rows[0];
  if (!row) throw notFound(`judgment ${judgmentId}`);
  return {
    trajectoryPk: row.trajectory_pk,
    itemId: row.item_id,
    version: row.version,
    contentRevision: row.content_revision,
    scale: scaleOf(row.kind, row.scale_min, row.scale_max),
    judgeScore: row.judge_score,
    judge: row.judge,
  };
}

/** What a 409 on a label carries in error.details. */
export interface StaleVersion {
  current_version: number;
  newest_label: LabelView | null;
}

async function staleVersion(client: pg.PoolClient, itemId: number, current: number, expected: number): Promise<ApiError> {
  const newest = await newestLabel(client, itemId);
  const what = newest ? `${newest.author_name} set ${newest.score} at ${newest.created_at.toISOString()}` : 'the item changed';
  return new ApiError('conflict', `the item is at version ${current}, not ${expected}: ${what}; your label was not saved`, {
    current_version: current,
    newest_label: newest,
  } satisfies StaleVersion);
}

interface NewLabel {
  score: number;
  rationale: string | null;
  revertOf: number | null;
  revertToJudge: string | null;
}

async function insertLabel(
  client: pg.PoolClient,
  actor: Actor,
  item: { itemId: number; contentRevision: number },
  version: number,
  label: NewLabel,
): Promise<number> {
  const userId = await userIdOf(client, actor);
  // One statement: the label, the item's new version, and the labeller's part of every queue that
  // holds the item, done (wherever the label was written).
  const inserted = await client.query<{ id: number }>(
    `WITH label AS (
       INSERT INTO labels (item_id, version, score, rationale, user_id, author, revert_of_label_id, revert_to_judge, content_revision)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id
     ), bumped AS (
       UPDATE items SET version = $2 WHERE id = $1
     ), queued AS (
       INSERT INTO queue_assignments (item_id, user_id, leased_until, done_at, label_id)
       SELECT qi.id, $5, now(), now(), (SELECT id FROM label) FROM queue_items qi WHERE qi.item_id = $1
       ON CONFLICT (item_id, user_id) DO UPDATE SET done_at = now(), label_id = EXCLUDED.label_id
     )
     SELECT id FROM label`,
    [item.itemId, version, label.score, label.rationale, userId, actor.username, label.revertOf, label.revertToJudge, item.contentRevision],
  );
  return inserted.rows[0]!.id;
}

async function written(client: pg.PoolClient, labelId: number, judgmentId: number, trajectory: RecomputedTrajectory): Promise<LabelWritten> {
  // The item is locked: its newest label is the one just written.
  const judgment = await judgmentView(client, judgmentId);
  const label = judgment.newest_label;
  if (label?.id !== labelId) throw new Error(`routelens: label ${labelId} is not the newest of judgment ${judgmentId}'s item`);
  return { label, version: judgment.version, judgment, trajectory };
}

/**
 * Recomputes the trajectory's stored figures and reads the answer, then moves the run rollups last:
 * every label of a run updates the same run_stats row, so its lock is held from that update to the
 * commit only, and labels of one run wait on each other as briefly as they can.
 */
async function recomputeAndAnswer(client: pg.PoolClient, labelId: number, judgmentId: number, trajectoryPk: number): Promise<LabelWritten> {
  const deltas = new RollupDeltas();
  const trajectory = await recomputeTrajectory(client, trajectoryPk, deltas);
  const answer = await written(client, labelId, judgmentId, trajectory);
  await deltas.apply(client);
  return answer;
}

function conflictOnDuplicateVersion(e: unknown): never {
  // The row locks make this unreachable; the unique (item_id, version) stays the last guard.
  if ((e as { code?: string }).code === UNIQUE) throw new ApiError('conflict', 'the item changed meanwhile; your label was not saved');
  throw e;
}

async function appendLabel(
  actor: Actor,
  judgmentId: number,
  expectedVersion: number,
  make: (client: pg.PoolClient, item: LockedItem) => Promise<NewLabel>,
): Promise<LabelWritten> {
  return inRetriedTransaction(async (client) => {
    const item = await lockItem(client, judgmentId);
    const label = await make(client, item);
    checkOnScale(label.score, item.scale);
    if (item.version !== expectedVersion) throw await staleVersion(client, item.itemId, item.version, expectedVersion);
    const labelId = await insertLabel(client, actor, item, item.version + 1, label).catch(conflictOnDuplicateVersion);
    return recomputeAndAnswer(client, labelId, judgmentId, item.trajectoryPk);
  });
}

/** POST /api/judgments/{id}/labels */
export function addLabel(actor: Actor, judgmentId: number, body: LabelBody): Promise<LabelWritten> {
  return appendLabel(actor, judgmentId, body.expected_version, async () => ({
    score: body.score,
    rationale: body.rationale,
    revertOf: null,
    revertToJudge: null,
  }));
}

/**
 * POST /api/judgments/{id}/revert: appends a label equal to an earlier label of the same item, or
 * (`to: "judge"`) to the score of the judgment's judge. History is never rewritten.
 */
export function revertToLabel(actor: Actor, judgmentId: number, body: RevertBody): Promise<LabelWritten> {
  return appendLabel(actor, judgmentId, body.expected_version, async (client, item) => {
    if (body.label_id === undefined) {
      if (item.judgeScore === null) throw new ApiError('bad_request', `field "to": judgment ${judgmentId} is a person's, with no judge's score to revert to`);
      return { score: item.judgeScore, rationale: body.rationale, revertOf: null, revertToJudge: item.judge ?? 'judge' };
    }
    const earlier = await labelById(client, body.label_id);
    if (!earlier || earlier.item_id !== item.itemId) {
      throw new ApiError('bad_request', `field "label_id": label ${body.label_id} is not a label of judgment ${judgmentId}'s item`);
    }
    return { score: earlier.score, rationale: body.rationale ?? earlier.rationale, revertOf: earlier.id, revertToJudge: null };
  });
}

/** GET /api/judgments/{id}/labels: the judgment, its item and the item's full history, oldest first. */
export async function judgmentHistory(judgmentId: number): Promise<{ judgment: JudgmentView; labels: LabelView[] }> {
  const pool = getPool();
  const judgment = await judgmentView(pool, judgmentId);
  return { judgment, labels: await labelHistory(pool, judgment.item.id) };
}

/** The step set of a person's judgment, every index a step of the trajectory. */
function checkSteps(steps: readonly number[], stepCount: number): number[] {
  const outside = steps.findIndex((s) => s >= stepCount);
  if (outside >= 0) {
    throw new ApiError('bad_request', `field "steps": step ${steps[outside]} (at /steps/${outside}) is not a step of this trajectory (0..${stepCount - 1})`);
  }
  return stepSet(steps);
}

/**
 * POST /api/trajectories/{id}/judgments: a person's judgment of an item that no judge scored (judge_score
 * null), stored with its item and the item's first label (version 1). `steps` is a set, as at ingest:
 * [3, 2, 2] names the item of steps {2, 3}, and the judgment is stored with that set.
 */
export async function addHumanJudgment(actor: Actor, trajectoryId: string, body: NewJudgmentBody): Promise<LabelWritten> {
  return inRetriedTransaction(async (client) => {
    const t = await client.query<{ pk: number; rubric_id: string | null; step_count: number }>(
      'SELECT pk, rubric_id, step_count FROM trajectories WHERE id = $1 FOR UPDATE',
      [trajectoryId],
    );
    const traj = t.rows[0];
    if (!traj) throw notFound(`trajectory "${trajectoryId}"`);
    if (!traj.rubric_id) throw new ApiError('bad_request', `field "criterion": trajectory "${trajectoryId}" has no rubric`);
    const c = await client.query<{ kind: Scale['kind']; scale_min: number | null; scale_max: number | null }>(
      'SELECT kind, scale_min, scale_max FROM criteria WHERE rubric_id = $1 AND id = $2',
      [traj.rubric_id, body.criterion],
    );
    const criterion = c.rows[0];
    if (!criterion) throw new ApiError('bad_request', `field "criterion": "${body.criterion}" is not a criterion of rubric "${traj.rubric_id}"`);
    checkOnScale(body.score, scaleOf(criterion.kind, criterion.scale_min, criterion.scale_max));
    const steps = checkSteps(body.steps, traj.step_count);
    const existing = await client.query<{ id: number; version: number; judgment_id: number }>(
      `SELECT i.id, i.version, (SELECT min(j.id) FROM judgments j WHERE j.item_id = i.id) AS judgment_id
         FROM items i WHERE i.trajectory_pk = $1 AND i.criterion_id = $2 AND i.steps = $3::int[]`,
      [traj.pk, body.criterion, steps],
    );
    const same = existing.rows[0];
    if (same) {
      throw new ApiError('conflict', `judgment ${same.judgment_id} already scores criterion "${body.criterion}" on these steps: label it instead`, {
        judgment_id: same.judgment_id,
        item_id: same.id,
        current_version: same.version,
      });
    }
    const item = await client.query<{ id: number }>('INSERT INTO items (trajectory_pk, criterion_id, steps) VALUES ($1, $2, $3) RETURNING id', [
      traj.pk,
      body.criterion,
      steps,
    ]);
    const itemId = item.rows[0]!.id;
    const j = await client.query<{ id: number }>(
      `INSERT INTO judgments (trajectory_pk, position, item_id, criterion_id, steps, judge_score)
       VALUES ($1, (SELECT coalesce(max(position), -1) + 1 FROM judgments WHERE trajectory_pk = $1), $2, $3, $4, NULL)
       RETURNING id`,
      [traj.pk, itemId, body.criterion, steps],
    );
    const judgmentId = j.rows[0]!.id;
    const labelId = await insertLabel(client, actor, { itemId, contentRevision: 0 }, 1, {
      score: body.score,
      rationale: body.rationale,
      revertOf: null,
      revertToJudge: null,
    });
    return recomputeAndAnswer(client, labelId, judgmentId, traj.pk);
  });
}
