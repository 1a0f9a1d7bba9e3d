import 'server-only';
// One judgment as the label panel and the annotation queue show it: the criterion and its scale, the
// judge's score, its item (every judge's judgment of the same criterion and step set, and the one
// history of human labels that corrects them all), the effective score (lib/domain), and the history.
import type { SqlExecutor } from '@/lib/db/prisma';
import { effectiveScore, scaleOf, type Scale } from '@/lib/domain';
import { notFound } from '@/lib/server/errors';
import { queryRows, raw, sql } from '@/lib/server/sql';

export interface LabelView {
  id: number;
  /** The item the label belongs to (and corrects every judgment of). */
  item_id: number;
  /** The item version this label produced. */
  version: number;
  score: number;
  rationale: string | null;
  user_id: number | null;
  /** The labeller's username when the label was written. */
  author: string;
  /** The labeller's display name now (the username when the user is gone). */
  author_name: string;
  created_at: Date;
  /** The earlier label this one restores, when it is a revert to a label. */
  revert_of: number | null;
  /** The judge whose score this label restores, when it is a revert to a judge's score. */
  revert_to_judge: string | null;
  /** Made before a replace on ingest changed the steps under the item. */
  on_earlier_content: boolean;
}

export interface CriterionView {
  id: string;
  text: string;
  weight: number;
  scale: Scale;
}

/** One judge's judgment of an item (judge_score null: a person's own judgment). */
export interface ItemJudgment {
  id: number;
  judge: string | null;
  judge_score: number | null;
  rationale: string | null;
}

export interface ItemView {
  id: number;
  /** The step set: distinct, ascending; [] = the trajectory as a whole. */
  steps: number[];
  /** Bumped by every label and by a replace that changes the steps under it: the next expected_version. */
  version: number;
  /** Every judgment of the item, by position. */
  judgments: ItemJudgment[];
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
  /** The item's version (labels belong to the item). */
  version: number;
  effective_score: number | null;
  source: 'judge' | 'human' | null;
  newest_label: LabelView | null;
  item: ItemView;
}

/** Each field of LabelView and its SQL over LABELS_FROM-shaped sources (`l` a label, `i` its item, `u` its user). */
const LABEL_FIELDS: readonly (readonly [keyof LabelView, string])[] = [
  ['id', 'l.id'],
  ['item_id', 'l.item_id'],
  ['version', 'l.version'],
  ['score', 'l.score'],
  ['rationale', 'l.rationale'],
  ['user_id', 'l.user_id'],
  ['author', 'l.author'],
  ['author_name', 'coalesce(u.name, l.author)'],
  ['created_at', 'l.created_at'],
  ['revert_of', 'l.revert_of_label_id'],
  ['revert_to_judge', 'l.revert_to_judge'],
  ['on_earlier_content', 'l.content_revision < i.content_revision'],
];
/** LabelView's columns, each named with `prefix` before its field's name. */
const labelColumns = (prefix: string) => raw(LABEL_FIELDS.map(([name, expr]) => `${expr} AS ${prefix}${name}`).join(', '));
/** The columns of LabelView over LABELS_FROM-shaped sources. */
export const LABEL_COLUMNS = labelColumns('');
/** The prefix of the newest label's columns in a judgment's row. */
const NEWEST = 'nl_';
const LABELS_FROM = sql`labels l JOIN items i ON i.id = l.item_id LEFT JOIN users u ON u.id = l.user_id`;

type Db = SqlExecutor;

export async function labelHistory(db: Db, itemId: number): Promise<LabelView[]> {
  return queryRows<LabelView>(db, sql`SELECT ${LABEL_COLUMNS} FROM ${LABELS_FROM} WHERE l.item_id = ${itemId} ORDER BY l.version`);
}

/** The item's newest label (newest_label, the one definition): the effective one. */
export async function newestLabel(db: Db, itemId: number): Promise<LabelView | null> {
  const rows = await queryRows<LabelView>(
    db,
    sql`SELECT ${LABEL_COLUMNS} FROM newest_label(${itemId}::int) l JOIN items i ON i.id = l.item_id LEFT JOIN users u ON u.id = l.user_id`,
  );
  return rows[0] ?? null;
}

/** A person's newest label of an item, if they gave one. */
export async function newestLabelBy(db: Db, itemId: number, userId: number | null): Promise<LabelView | null> {
  if (userId === null) return null;
  const rows = await queryRows<LabelView>(
    db,
    sql`SELECT ${LABEL_COLUMNS} FROM ${LABELS_FROM} WHERE l.item_id = ${itemId} AND l.user_id = ${userId} ORDER BY l.version DESC LIMIT 1`,
  );
  return rows[0] ?? null;
}

export async function labelById(db: Db, labelId: number): Promise<LabelView | null> {
  const rows = await queryRows<LabelView>(db, sql`SELECT ${LABEL_COLUMNS} FROM ${LABELS_FROM} WHERE l.id = ${labelId}`);
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
  item_id: number;
  item_steps: number[];
  version: number;
  item_judgments: ItemJudgment[];
  /** The item's newest label (newest_label): LABEL_FIELDS prefixed NEWEST, all null when it has none. */
  [column: `${typeof NEWEST}${string}`]: unknown;
}

/** The label whose columns a row holds under `prefix` (labelColumns), or null when it holds none. */
function labelOfRow(row: object, prefix: string): LabelView | null {
  const cells = row as Record<string, unknown>;
  if (cells[`${prefix}id`] === null) return null;
  const label: Record<string, unknown> = {};
  for (const [name] of LABEL_FIELDS) label[name] = cells[`${prefix}${name}`];
  return label as unknown as LabelView;
}

/** The item of a judgment, or null when there is no such judgment. */
export async function itemOfJudgment(db: Db, judgmentId: number): Promise<number | null> {
  const rows = await queryRows<{ item_id: number }>(db, sql`SELECT item_id FROM judgments WHERE id = ${judgmentId}`);
  return rows[0]?.item_id ?? null;
}

export async function judgmentView(db: Db, judgmentId: number): Promise<JudgmentView> {
  const rows = await queryRows<JudgmentRow>(
    db,
    sql`SELECT j.id, j.trajectory_pk, t.id AS trajectory_id, j.criterion_id, c.text AS criterion_text, c.weight, c.kind,
               c.scale_min, c.scale_max, j.steps, j.judge_score, j.rationale, j.judge, i.id AS item_id, i.steps AS item_steps, i.version,
               (SELECT json_agg(json_build_object('id', o.id, 'judge', o.judge, 'judge_score', o.judge_score, 'rationale', o.rationale) ORDER BY o.position)
                  FROM judgments o WHERE o.item_id = i.id) AS item_judgments,
               ${labelColumns(NEWEST)}
          FROM judgments j
          JOIN items i ON i.id = j.item_id
          JOIN trajectories t ON t.pk = j.trajectory_pk
          JOIN criteria c ON c.rubric_id = t.rubric_id AND c.id = j.criterion_id
          LEFT JOIN LATERAL newest_label(i.id) l ON true
          LEFT JOIN users u ON u.id = l.user_id
         WHERE j.id = ${judgmentId}`,
  );
  const j = rows[0];
  if (!j) throw notFound(`judgment ${judgmentId}`);
  // The same label as newestLabel(db, j.item_id) reads, in the judgment's statement.
  const newest = labelOfRow(j, NEWEST);
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
    item: { id: j.item_id, steps: j.item_steps, version: j.version, judgments: j.item_judgments },
  };
}
