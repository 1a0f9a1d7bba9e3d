import 'server-only';
// What the exports need to score one trajectory with lib/domain while streaming: its criteria and its
// judgments with their effective inputs (the judge's score and the newest human label of the item),
// fetched as two small JSON values on the trajectory's row, so one statement carries everything. The
// rows have the shapes of lib/db/items, so the same criterionDefs and judgmentInputs read them.
import type { CriterionRecord, JudgmentScoreRow } from '@/lib/db/items';
import { sql, type Sql } from '@/lib/server/sql';
import { judgmentInView } from '@/lib/server/view-settings';

export { criterionDefs, judgmentInputs } from '@/lib/db/items';

/**
 * Over `trajectories t`: its judgments by position, of the judgments in a view of `judge` (all of
 * them for `null`), with their item's newest label. The stored `labelled` flag (kept by every label's
 * transaction) spares the label lookups of the trajectories that no one labelled, which are most of them.
 */
export function judgmentsJson(judge: string | null): Sql {
  return sql`(
  SELECT coalesce(json_agg(json_build_object('criterion_id', j.criterion_id, 'steps', j.steps, 'judge_score', j.judge_score,
           'human_score', CASE WHEN t.labelled THEN (SELECT nl.score FROM newest_label(j.item_id) nl) END)
           ORDER BY j.position), '[]')
    FROM judgments j WHERE j.trajectory_pk = t.pk AND ${judgmentInView(judge)})`;
}

/** Over `trajectories t`: the criteria of its rubric, by position. */
export const criteriaJson = sql`(
  SELECT coalesce(json_agg(json_build_object('id', c.id, 'weight', c.weight, 'kind', c.kind, 'scale_min', c.scale_min, 'scale_max', c.scale_max)
           ORDER BY c.position), '[]')
    FROM criteria c WHERE c.rubric_id = t.rubric_id)`;

export type JudgmentJson = JudgmentScoreRow;
export type CriterionJson = Pick<CriterionRecord, 'id' | 'weight' | 'kind' | 'scale_min' | 'scale_max'>;
