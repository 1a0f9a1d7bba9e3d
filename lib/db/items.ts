// Items, criteria and judgments as every reader of one trajectory's scores loads them (scoring.md):
// an item is a trajectory, a criterion and a set of steps; its human labels correct every judgment
// of it. "The newest human label of an item" is the database function newest_label(item) (migration
// labels_on_items); every query here and elsewhere that needs the effective label calls it.
import { scaleOf, type CriterionDef, type JudgmentInput, type Scale } from '@/lib/domain';
import type { SqlExecutor } from './prisma';

type Db = SqlExecutor;

/**
 * A judgment's steps as the set its item holds: distinct and ascending, [] for the trajectory as a
 * whole. The database's step_set(int[]) is the same rule.
 */
export function stepSet(steps: readonly number[]): number[] {
  return [...new Set(steps)].sort((a, b) => a - b);
}

/** The key of an item within one trajectory. */
export const itemKey = (criterion: string, steps: readonly number[]): string => `${criterion}\u0000${stepSet(steps).join(',')}`;

/** A criterion as stored (criteria row). */
export interface CriterionRecord {
  id: string;
  text: string;
  weight: number;
  kind: Scale['kind'];
  scale_min: number | null;
  scale_max: number | null;
}

export async function loadCriteria(db: Db, rubricId: string | null): Promise<CriterionRecord[]> {
  if (rubricId === null) return [];
  const r = await db.query<CriterionRecord>('SELECT id, text, weight, kind, scale_min, scale_max FROM criteria WHERE rubric_id = $1 ORDER BY position', [
    rubricId,
  ]);
  return r.rows;
}

export const scaleOfCriterion = (c: Pick<CriterionRecord, 'kind' | 'scale_min' | 'scale_max'>): Scale => scaleOf(c.kind, c.scale_min, c.scale_max);

export const criterionDefs = (criteria: readonly Pick<CriterionRecord, 'id' | 'weight' | 'kind' | 'scale_min' | 'scale_max'>[]): CriterionDef[] =>
  criteria.map((c) => ({ id: c.id, weight: c.weight, scale: scaleOfCriterion(c) }));

/** What lib/domain needs of a judgment: its criterion, steps, judge score and its item's newest label. */
export interface JudgmentScoreRow {
  criterion_id: string;
  steps: number[] | null;
  judge_score: number | null;
  human_score: number | null;
  /** The judge's name, where the reader filters by judge in lib/domain (judgmentsOfJudge). */
  judge?: string | null;
}

export const judgmentInputs = (rows: readonly JudgmentScoreRow[]): JudgmentInput[] =>
  rows.map((j) => ({ criterion: j.criterion_id, steps: j.steps ?? [], judgeScore: j.judge_score, humanScore: j.human_score, judge: j.judge ?? null }));

/** A judgment of one trajectory with its item and the item's newest human label. */
export interface JudgmentRecord extends JudgmentScoreRow {
  id: number;
  position: number;
  steps: number[];
  rationale: string | null;
  judge: string | null;
  item_id: number;
  /** The item's steps as a set. */
  item_steps: number[];
  /** The item's version: the expected_version of its next label. */
  version: number;
  content_revision: number;
  label_id: number | null;
  /** Username of the newest label's author. */
  labelled_by: string | null;
  /** Their display name now (the username when the user is gone). */
  labelled_by_name: string | null;
  labelled_at: Date | null;
  label_rationale: string | null;
  /** The newest label was made before a replace changed the steps under the item. */
  label_on_earlier_content: boolean | null;
}

const JUDGMENTS_OF_TRAJECTORY = `
  SELECT j.id, j.position, j.criterion_id, j.steps, j.judge_score, j.rationale, j.judge,
         i.id AS item_id, i.steps AS item_steps, i.version, i.content_revision,
         nl.id AS label_id, nl.score AS human_score, nl.author AS labelled_by, coalesce(u.name, nl.author) AS labelled_by_name,
         nl.created_at AS labelled_at, nl.rationale AS label_rationale, nl.content_revision < i.content_revision AS label_on_earlier_content
    FROM judgments j
    JOIN items i ON i.id = j.item_id
    LEFT JOIN LATERAL newest_label(i.id) nl ON true
    LEFT JOIN users u ON u.id = nl.user_id
   WHERE j.trajectory_pk = $1
   ORDER BY j.position`;

/** Every judgment of the trajectory, by position, with its item's newest label. */
export async function loadJudgments(db: Db, trajectoryPk: number): Promise<JudgmentRecord[]> {
  return (await db.query<JudgmentRecord>(JUDGMENTS_OF_TRAJECTORY, [trajectoryPk])).rows;
}
