import 'server-only';
// The replay timeline of a whole trajectory as compact columns (lib/client/timeline-paint.ts): one
// character per step for its model and its switch, its rubric score in hundredths, the models in
// the order they stack and with the colours of the page's palette. The replay page renders it with
// its HTML, so the timeline shows before the page's scripts run and before any light page of steps.
// Two indexed reads of the trajectory's rows (the steps' primary key, the routing row) and the
// judgments; no per-step object is built. The replay page's server render takes the trajectory, its
// judgments and rubric scores from the read of its first page (lib/server/replay-initial.ts).
import { criterionDefs, judgmentInputs, loadCriteria, loadJudgments } from '@/lib/db/items';
import { judgmentsOfJudge, stepRubricScores } from '@/lib/domain';
import { modelPalette, modelsByPrice } from '@/lib/client/model-colors';
import type { TimelineColumns } from '@/lib/client/timeline-paint';
import type { ModelInfo } from '@/lib/client/types';
import { queryRows, sql } from '@/lib/server/sql';
import { findTrajectory, type TrajectoryRecord } from './trajectory-parts';
import type { SqlExecutor } from '@/lib/db/prisma';
import { reads } from '@/lib/server/reads';

/**
 * Every model that took a step in some run, with its prices: the catalogue that the pages' palette
 * ranks (lib/client/hooks.ts catalogueOf over GET /api/runs gives the same models), in one read.
 */
export async function modelCatalogue(db: SqlExecutor = reads()): Promise<ModelInfo[]> {
  return queryRows<ModelInfo>(
    db,
    sql`SELECT DISTINCT m.id, m.params_b, m.usd_per_mtok_in, m.usd_per_mtok_out
          FROM run_model_stats s JOIN runs r ON r.id = s.run_id JOIN models m ON m.id = s.model
         WHERE s.steps > 0 AND m.usd_per_mtok_in IS NOT NULL AND m.usd_per_mtok_out IS NOT NULL`,
  );
}

/**
 * The timeline of trajectory `id` under the view's judge, coloured and stacked as `catalogue` ranks
 * its models (without one, the catalogue is read alongside the trajectory).
 */
export async function getTimelineColumns(id: string, judge: string | null, catalogue?: readonly ModelInfo[]): Promise<TimelineColumns> {
  const db = reads();
  const [t, models] = await Promise.all([findTrajectory(db, id), catalogue ?? modelCatalogue(db)]);
  const [row, criteria, judgments] = await Promise.all([readTimelineRow(db, t), loadCriteria(db, t.rubric_id), loadJudgments(db, t.pk)]);
  const scores = stepRubricScores(t.step_count, judgmentsOfJudge(judgmentInputs(judgments), judge), criterionDefs(criteria));
  return timelineColumns(t, row, scores, models);
}

/** The per-step characters of trajectory `t` that its timeline is made of, as one row. */
export interface TimelineRow {
  /** Per step, its model's position in t.model_ids as String.fromCharCode(48 + position). */
  model: string | null;
  /** Per step, u, d or - as ingest stored them. */
  switches: string | null;
}

/**
 * The models by their position in the line's list (chr(48 + position)), in index order, and the
 * switches as ingest stored them, one character per step. The characters are aggregated from a
 * subquery in index order rather than with ORDER BY inside string_agg: the same string, without a
 * second sort of the 20,000 rows of a long trajectory in the aggregate (about a quarter of the read).
 */
export async function readTimelineRow(db: SqlExecutor, t: Pick<TrajectoryRecord, 'pk' | 'model_ids'>): Promise<TimelineRow> {
  const [row] = await queryRows<TimelineRow>(
    db,
    sql`SELECT (SELECT string_agg(c, '')
                  FROM (SELECT chr(47 + array_position(${t.model_ids}::text[], s.model)) AS c
                          FROM steps s WHERE s.trajectory_pk = ${t.pk} ORDER BY s.index) m) AS model,
               (SELECT r.escalations FROM trajectory_routing_steps r WHERE r.trajectory_pk = ${t.pk}) AS switches`,
  );
  return row ?? { model: null, switches: null };
}

/**
 * The columns of trajectory `t` from its row (readTimelineRow) and its per-step rubric scores under
 * the view's judge (stepRubricScores), stacked and coloured as the catalogue `models` ranks them.
 */
export function timelineColumns(
  t: Pick<TrajectoryRecord, 'model_ids'>,
  row: TimelineRow,
  scores: readonly (number | null)[],
  models: readonly ModelInfo[],
): TimelineColumns {
  const model = row.model ?? '';
  // The models that took steps, stacked as the palette ranks the catalogue (cheapest first), models
  // outside it after, in the line's order.
  const used = new Set<string>();
  for (let i = 0; i < model.length; i++) used.add(t.model_ids[model.charCodeAt(i) - 48] ?? '');
  const ranked = modelsByPrice(models).map((m) => m.id);
  const order = [...ranked.filter((m) => used.has(m)), ...t.model_ids.filter((m) => used.has(m) && !ranked.includes(m))];
  const to = t.model_ids.map((m) => 48 + order.indexOf(m));
  // Most lines list their models in the palette's order already: then the characters stand as read.
  let text = to.every((c, i) => c === 48 + i) ? model : '';
  if (text !== model) {
    const codes = new Array<number>(model.length);
    for (let i = 0; i < model.length; i++) codes[i] = to[model.charCodeAt(i) - 48] ?? 48;
    // String.fromCharCode takes its arguments on the stack: in slices.
    for (let i = 0; i < codes.length; i += 8192) text += String.fromCharCode(...codes.slice(i, i + 8192));
  }
  const color = modelPalette(models);
  const judged: number[] = [];
  scores.forEach((s, i) => {
    if (s !== null) judged.push(i, Math.round(s * 100));
  });
  return {
    models: order,
    colors: order.map(color),
    model: text,
    switches: row.switches ?? '-'.repeat(model.length),
    scores: judged,
  };
}
