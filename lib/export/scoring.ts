import 'server-only';
// What the exports need to score one trajectory with lib/domain while streaming: its criteria and its
// judgments with their effective inputs (the judge's score and the newest human label, by version),
// fetched as two small JSON values on the trajectory's row, so one statement carries everything.
import type { CriterionDef, JudgmentInput, Scale } from '@/lib/domain';
import { scaleOf } from '@/lib/db/derived';
import { sql, type Sql } from '@/lib/server/sql';
import { judgmentInView } from '@/lib/server/view-settings';

/**
 * Over `trajectories t`: [[criterion, steps, judge score, newest human score], ...] by position, of
 * the judgments in a view of `judge` (all of them for `null`). The stored `labelled` flag (kept by
 * every label's transaction) spares the label lookups of the trajectories that no one labelled,
 * which are most of them.
 */
export function judgmentsJson(judge: string | null): Sql {
  return sql`(
  SELECT coalesce(json_agg(json_build_array(j.criterion_id, j.steps, j.judge_score,
           CASE WHEN t.labelled THEN (SELECT l.score FROM labels l WHERE l.judgment_id = j.id ORDER BY l.version DESC LIMIT 1) END)
           ORDER BY j.position), '[]')
    FROM judgments j WHERE j.trajectory_pk = t.pk AND ${judgmentInView(judge)})`;
}

/** Over `trajectories t`: [[id, weight, kind, min, max], ...] of its rubric, by position. */
export const criteriaJson = sql`(
  SELECT coalesce(json_agg(json_build_array(c.id, c.weight, c.kind, c.scale_min, c.scale_max) ORDER BY c.position), '[]')
    FROM criteria c WHERE c.rubric_id = t.rubric_id)`;

export type JudgmentTuple = [string, number[] | null, number | null, number | null];
export type CriterionTuple = [string, number, Scale['kind'], number | null, number | null];

export function judgmentInputs(rows: readonly JudgmentTuple[]): JudgmentInput[] {
  return rows.map(([criterion, steps, judgeScore, humanScore]) => ({ criterion, steps: steps ?? [], judgeScore, humanScore }));
}

export function criterionDefs(rows: readonly CriterionTuple[]): CriterionDef[] {
  return rows.map(([id, weight, kind, min, max]) => ({ id, weight, scale: scaleOf(kind, min, max) }));
}
