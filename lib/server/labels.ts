import 'server-only';
// Human labels. Every write is one transaction: lock the trajectory, then the judgment; check the
// version the labeller saw; append the label (labels are append-only, unique per judgment version);
// bump the judgment's version; mark the labeller's queue items of that judgment done; recompute the
// trajectory's stored figures and the run rollups. A label based on a stale version is refused with
// 409 and what changed, so no acknowledged label is ever overwritten or lost.
import type pg from 'pg';
import { isOnScale, type Scale } from '@/lib/domain';
import { recomputeTrajectory, scaleOf } from '@/lib/db/derived';
import { RollupDeltas } from '@/lib/db/rollups';
import { getPool, withTransaction } from '@/lib/db/pool';
import type { Actor } from './auth';
import { ApiError, notFound } from './errors';
import type { LabelBody, NewJudgmentBody, RevertBody } from '@/lib/schemas/labels';
import { judgmentView, labelById, labelHistory, newestLabel, type JudgmentView, type LabelView } from './queries/judgment';
import { userIdOf } from './users';

export interface LabelWritten {
  label: LabelView;
  /** The judgment's version after this label: the expected_version of the next one. */
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
    const values = scale.kind === 'binary' ? '0 or 1' : scale.kind === 'ternary' ? '-1, 0 or 1' : `a number from ${scale.min} to ${scale.max}`;
    throw new ApiError('bad_request', `field "${field}": ${score} is not on the criterion's ${scale.kind} scale (${values})`);
  }
}

interface LockedJudgment {
  trajectoryPk: number;
  version: number;
  scale: Scale;
}

/** Locks the judgment's trajectory, then the judgment: the order that ingest's replace uses too. */
async function lockJudgment(client: pg.PoolClient, judgmentId: number): Promise<LockedJudgment> {
  const owner = await client.query<{ pk: number }>(
    'SELECT pk FROM trajectories WHERE pk = (SELECT trajectory_pk FROM judgments WHERE id = $1) FOR UPDATE',
    [judgmentId],
  );
  const pk = owner.rows[0]?.pk;
  if (pk === undefined) throw notFound(`judgment ${judgmentId}`);
  const r = await client.query<{ version: number; kind: Scale['kind']; scale_min: number | null; scale_max: number | null }>(
    `SELECT j.version, c.kind, c.scale_min, c.scale_max
       FROM judgments j
       JOIN trajectories t ON t.pk = j.trajectory_pk
       JOIN criteria c ON c.rubric_id = t.rubric_id AND c.id = j.criterion_id
      WHERE j.id = $1
      FOR UPDATE OF j`,
    [judgmentId],
  );
  const row = r.rows[0];
  if (!row) throw notFound(`judgment ${judgmentId}`);
  return { trajectoryPk: pk, version: row.version, scale: scaleOf(row.kind, row.scale_min, row.scale_max) };
}

async function staleVersion(client: pg.PoolClient, judgmentId: number, current: number, expected: number): Promise<ApiError> {
  const newest = await newestLabel(client, judgmentId);
  const what = newest ? `${newest.author_name} set ${newest.score} at ${newest.created_at.toISOString()}` : 'the judgment changed';
  return new ApiError('conflict', `the judgment is at version ${current}, not ${expected}: ${what}; your label was not saved`, {
    current_version: current,
    newest_label: newest,
  });
}

interface NewLabel {
  score: number;
  rationale: string | null;
  revertOf: number | null;
}

async function insertLabel(client: pg.PoolClient, actor: Actor, judgmentId: number, version: number, label: NewLabel): Promise<number> {
  const userId = await userIdOf(client, actor);
  // One statement: the label, the judgment's new version, and the labeller's part of every queue
  // that holds the judgment, done (wherever the label was written).
  const inserted = await client.query<{ id: number }>(
    `WITH label AS (
       INSERT INTO labels (judgment_id, version, score, rationale, user_id, author, revert_of_label_id)
       VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id
     ), bumped AS (
       UPDATE judgments SET version = $2 WHERE id = $1
     ), queued AS (
       INSERT INTO queue_assignments (item_id, user_id, leased_until, done_at, label_id)
       SELECT qi.id, $5, now(), now(), (SELECT id FROM label) FROM queue_items qi WHERE qi.judgment_id = $1
       ON CONFLICT (item_id, user_id) DO UPDATE SET done_at = now(), label_id = EXCLUDED.label_id
     )
     SELECT id FROM label`,
    [judgmentId, version, label.score, label.rationale, userId, actor.username, label.revertOf],
  );
  return inserted.rows[0]!.id;
}

async function written(client: pg.PoolClient, labelId: number, judgmentId: number, trajectoryPk: number): Promise<LabelWritten> {
  // The judgment is locked: its newest label is the one just written.
  const judgment = await judgmentView(client, judgmentId);
  const label = judgment.newest_label;
  if (label?.id !== labelId) throw new Error(`routelens: label ${labelId} is not the newest of judgment ${judgmentId}`);
  const t = await client.query<{ id: string; process_score: number | null; reward: number; labelled: boolean }>(
    'SELECT id, process_score, reward, labelled FROM trajectories WHERE pk = $1',
    [trajectoryPk],
  );
  return { label, version: judgment.version, judgment, trajectory: t.rows[0]! };
}

/**
 * Recomputes the trajectory's stored figures and reads the answer, then moves the run rollups last:
 * every label of a run updates the same run_stats row, so its lock is held from that update to the
 * commit only, and labels of one run wait on each other as briefly as they can.
 */
async function recomputeAndAnswer(client: pg.PoolClient, labelId: number, judgmentId: number, trajectoryPk: number): Promise<LabelWritten> {
  const deltas = new RollupDeltas();
  await recomputeTrajectory(client, trajectoryPk, deltas);
  const answer = await written(client, labelId, judgmentId, trajectoryPk);
  await deltas.apply(client);
  return answer;
}

function conflictOnDuplicateVersion(e: unknown): never {
  // The row locks make this unreachable; the unique (judgment_id, version) stays the last guard.
  if ((e as { code?: string }).code === UNIQUE) throw new ApiError('conflict', 'the judgment changed meanwhile; your label was not saved');
  throw e;
}

async function appendLabel(actor: Actor, judgmentId: number, expectedVersion: number, make: (client: pg.PoolClient, j: LockedJudgment) => Promise<NewLabel>): Promise<LabelWritten> {
  return inRetriedTransaction(async (client) => {
    const j = await lockJudgment(client, judgmentId);
    const label = await make(client, j);
    checkOnScale(label.score, j.scale);
    if (j.version !== expectedVersion) throw await staleVersion(client, judgmentId, j.version, expectedVersion);
    const labelId = await insertLabel(client, actor, judgmentId, j.version + 1, label).catch(conflictOnDuplicateVersion);
    return recomputeAndAnswer(client, labelId, judgmentId, j.trajectoryPk);
  });
}

/** POST /api/judgments/{id}/labels */
export function addLabel(actor: Actor, judgmentId: number, body: LabelBody): Promise<LabelWritten> {
  return appendLabel(actor, judgmentId, body.expected_version, async () => ({ score: body.score, rationale: body.rationale, revertOf: null }));
}

/** POST /api/judgments/{id}/revert: appends a label equal to an earlier one of the same judgment. */
export function revertToLabel(actor: Actor, judgmentId: number, body: RevertBody): Promise<LabelWritten> {
  return appendLabel(actor, judgmentId, body.expected_version, async (client) => {
    const earlier = await labelById(client, body.label_id);
    if (!earlier || earlier.judgment_id !== judgmentId) {
      throw new ApiError('bad_request', `field "label_id": label ${body.label_id} is not a label of judgment ${judgmentId}`);
    }
    return { score: earlier.score, rationale: body.rationale ?? earlier.rationale, revertOf: earlier.id };
  });
}

/** GET /api/judgments/{id}/labels: the judgment and its full history, oldest first. */
export async function judgmentHistory(judgmentId: number): Promise<{ judgment: JudgmentView; labels: LabelView[] }> {
  const pool = getPool();
  const judgment = await judgmentView(pool, judgmentId);
  return { judgment, labels: await labelHistory(pool, judgmentId) };
}

function normalizeSteps(steps: readonly number[], stepCount: number): number[] {
  const set = [...new Set(steps)].sort((a, b) => a - b);
  const outside = set.find((s) => s >= stepCount);
  if (outside !== undefined) throw new ApiError('bad_request', `field "steps": step ${outside} is not a step of this trajectory (0..${stepCount - 1})`);
  return set;
}

/**
 * POST /api/trajectories/{id}/judgments: a person's judgment of a criterion on steps that the judge
 * did not score (judge_score null), stored with its first label (version 1).
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
    const steps = normalizeSteps(body.steps, traj.step_count);
    const existing = await client.query<{ id: number; version: number }>(
      `SELECT id, version FROM judgments
        WHERE trajectory_pk = $1 AND criterion_id = $2
          AND coalesce((SELECT array_agg(DISTINCT s ORDER BY s) FROM unnest(steps) s), '{}') = $3::int[]`,
      [traj.pk, body.criterion, steps],
    );
    const same = existing.rows[0];
    if (same) {
      throw new ApiError('conflict', `judgment ${same.id} already scores criterion "${body.criterion}" on these steps: label it instead`, {
        judgment_id: same.id,
        current_version: same.version,
      });
    }
    const j = await client.query<{ id: number }>(
      `INSERT INTO judgments (trajectory_pk, position, criterion_id, steps, judge_score, version)
       VALUES ($1, (SELECT coalesce(max(position), -1) + 1 FROM judgments WHERE trajectory_pk = $1), $2, $3, NULL, 0)
       RETURNING id`,
      [traj.pk, body.criterion, steps],
    );
    const judgmentId = j.rows[0]!.id;
    const labelId = await insertLabel(client, actor, judgmentId, 1, { score: body.score, rationale: body.rationale, revertOf: null });
    return recomputeAndAnswer(client, labelId, judgmentId, traj.pk);
  });
}
