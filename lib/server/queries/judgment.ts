import 'server-only';
// One judgment as the label panel and the annotation queue show it: the criterion and its scale, the
// judge's score, the newest human label, the effective score (lib/domain), and the label history.
import type pg from 'pg';
import { effectiveScore, type Scale } from '@/lib/domain';
import { scaleOf } from '@/lib/db/derived';
import { notFound } from '@/lib/server/errors';
import { queryRows, sql } from '@/lib/server/sql';

export interface LabelView {
  id: number;
  judgment_id: number;
  /** The judgment version this label produced. */
  version: number;
  score: number;
  rationale: string | null;
  user_id: number | null;
  /** The labeller's username when the label was written. */
  author: string;
  /** The labeller's display name now (the author when the user is gone). */
  author_name: string;
  created_at: Date;
  /** The earlier label this one restores, when it is a revert. */
  revert_of: number | null;
}

export interface CriterionView {
  id: string;
  text: string;
  weight: number;
  scale: Scale;
}

export interface JudgmentView {
  id: number;
  trajectory_id: string;
  trajectory_pk: number;
  criterion: CriterionView;
  steps: number[];
  judge_score: number | null;
  rationale: string | null;
  judge: string | null;
  version: number;
  effective_score: number | null;
  source: 'judge' | 'human' | null;
  newest_label: LabelView | null;
}

export const LABEL_COLUMNS = sql`l.id, l.judgment_id, l.version, l.score, l.rationale, l.user_id, l.author,
  coalesce(u.name, l.author) AS author_name, l.created_at, l.revert_of_label_id AS revert_of`;

type Db = pg.Pool | pg.PoolClient;

export async function labelHistory(db: Db, judgmentId: number): Promise<LabelView[]> {
  return queryRows<LabelView>(
    db,
    sql`SELECT ${LABEL_COLUMNS} FROM labels l LEFT JOIN users u ON u.id = l.user_id WHERE l.judgment_id = ${judgmentId} ORDER BY l.version`,
  );
}

export async function newestLabel(db: Db, judgmentId: number): Promise<LabelView | null> {
  const rows = await queryRows<LabelView>(
    db,
    sql`SELECT ${LABEL_COLUMNS} FROM labels l LEFT JOIN users u ON u.id = l.user_id
         WHERE l.judgment_id = ${judgmentId} ORDER BY l.version DESC LIMIT 1`,
  );
  return rows[0] ?? null;
}

export async function labelById(db: Db, labelId: number): Promise<LabelView | null> {
  const rows = await queryRows<LabelView>(db, sql`SELECT ${LABEL_COLUMNS} FROM labels l LEFT JOIN users u ON u.id = l.user_id WHERE l.id = ${labelId}`);
  return rows[0] ?? null;
}

interface JudgmentRow {
  id: number;
  trajectory_pk: number;
  trajectory_id: string;
  criterion_id: string;
  criterion_text: string;
  weight: number;
  kind: Scale['kind'];
  scale_min: number | null;
  scale_max: number | null;
  steps: number[];
  judge_score: number | null;
  rationale: string | null;
  judge: string | null;
  version: number;
}

export async function judgmentView(db: Db, judgmentId: number): Promise<JudgmentView> {
  const rows = await queryRows<JudgmentRow>(
    db,
    sql`SELECT j.id, j.trajectory_pk, t.id AS trajectory_id, j.criterion_id, c.text AS criterion_text, c.weight, c.kind,
               c.scale_min, c.scale_max, j.steps, j.judge_score, j.rationale, j.judge, j.version
          FROM judgments j
          JOIN trajectories t ON t.pk = j.trajectory_pk
          JOIN criteria c ON c.rubric_id = t.rubric_id AND c.id = j.criterion_id
         WHERE j.id = ${judgmentId}`,
  );
  const j = rows[0];
  if (!j) throw notFound(`judgment ${judgmentId}`);
  const newest = await newestLabel(db, judgmentId);
  const effective = effectiveScore({ criterion: j.criterion_id, steps: j.steps, judgeScore: j.judge_score, humanScore: newest?.score ?? null });
  return {
    id: j.id,
    trajectory_id: j.trajectory_id,
    trajectory_pk: j.trajectory_pk,
    criterion: { id: j.criterion_id, text: j.criterion_text, weight: j.weight, scale: scaleOf(j.kind, j.scale_min, j.scale_max) },
    steps: j.steps,
    judge_score: j.judge_score,
    rationale: j.rationale,
    judge: j.judge,
    version: j.version,
    effective_score: effective,
    source: newest ? 'human' : j.judge_score === null ? null : 'judge',
    newest_label: newest,
  };
}
