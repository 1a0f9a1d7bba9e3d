import 'server-only';
// What the exports need to score one trajectory with lib/domain while streaming: its criteria and its
// judgments with their effective inputs (the judge's score and the newest human label of the item),
// fetched as two small JSON values on the trajectory's row, so one statement carries everything. The
// rows have the shapes of lib/db/items, so the same criterionDefs and judgmentInputs read them.
import type pg from 'pg';
import { criterionDefs, type CriterionRecord, type JudgmentScoreRow } from '@/lib/db/items';
import type { CriterionDef } from '@/lib/domain';
import { sql, type Sql } from '@/lib/server/sql';
import { judgmentInView } from '@/lib/server/view-settings';

/**
 * Over `trajectories t`: its judgments by position, of the judgments in a view of `judge` (all of
 * them for `null`), with their item's newest label. The stored `labelled` flag (kept by every label's
 * transaction) spares the label lookups of the trajectories that no one labelled, which are most of them.
 */
export function judgmentsJson(judge: string | null): Sql {
  // An array of an ordered subquery's rows as JSON (their column names are the keys): no sort per
  // trajectory inside the aggregate and no json_build_object per judgment, which cost PostgreSQL a
  // third of a plain COPY's time over a steps export. array_to_json writes the array compact, where
  // json_agg puts a line break between elements, which COPY escapes as `\n` (the steps export would
  // unescape every trajectory's judgments into a copy before parsing them); it is no slower.
  return sql`(
  SELECT coalesce(array_to_json(array_agg(x)), '[]') FROM (
    SELECT j.criterion_id, j.steps, j.judge_score,
           CASE WHEN t.labelled THEN (SELECT nl.score FROM newest_label(j.item_id) nl) END AS human_score
      FROM judgments j WHERE j.trajectory_pk = t.pk AND ${judgmentInView(judge)}
     ORDER BY j.position) x)`;
}

/** Over `trajectories t`: the criteria of its rubric, by position. */
export const criteriaJson = sql`(
  SELECT coalesce(json_agg(x), '[]') FROM (
    SELECT c.id, c.weight, c.kind, c.scale_min, c.scale_max FROM criteria c WHERE c.rubric_id = t.rubric_id ORDER BY c.position) x)`;

/**
 * The criteria of every rubric that the trajectories of `where` (over `trajectories t`) name, by
 * rubric and position: read once for an export whose rows would otherwise each carry their rubric's.
 */
export async function criteriaByRubric(client: pg.PoolClient, where: Sql): Promise<Map<string, CriterionDef[]>> {
  const q = sql`SELECT c.rubric_id, c.id, c.weight, c.kind, c.scale_min, c.scale_max FROM criteria c
                 WHERE c.rubric_id IN (SELECT t.rubric_id FROM trajectories t ${where})
                 ORDER BY c.rubric_id, c.position`;
  const r = await client.query<CriterionJson & { rubric_id: string }>(q.text, q.values as unknown[]);
  const out = new Map<string, CriterionDef[]>();
  for (const row of r.rows) {
    let list = out.get(row.rubric_id);
    if (!list) out.set(row.rubric_id, (list = []));
    list.push(...criterionDefs([row]));
  }
  return out;
}

export type JudgmentJson = JudgmentScoreRow;
export type CriterionJson = Pick<CriterionRecord, 'id' | 'weight' | 'kind' | 'scale_min' | 'scale_max'>;
