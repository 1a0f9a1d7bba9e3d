import 'server-only';
// GET /api/criteria: the criteria of the rubrics that the trajectory list's filters select, with their
// text, scale kind and number of items, and the items per scale kind — what the queue form offers
// (a criterion of one rubric, or every criterion of a kind: criterion ids repeat across rubrics).
import type { Scale } from '@/lib/domain';
import type { TrajectoryFilter } from '@/lib/schemas/filters';
import { empty, join, queryRows, sql } from '@/lib/server/sql';
import { trajectoryConditions } from './trajectory-filter';
import { reads } from '@/lib/server/reads';

/** At most this many criteria are listed (most items first); `kinds` counts them all. */
export const CRITERIA_LISTED = 200;

export interface CriterionChoice {
  rubric_id: string;
  id: string;
  text: string;
  kind: Scale['kind'];
  items: number;
}

export async function criteriaOfFilter(filter: TrajectoryFilter) {
  const where = trajectoryConditions(filter);
  const from = sql`FROM items i
                   JOIN trajectories t ON t.pk = i.trajectory_pk
                   JOIN criteria c ON c.rubric_id = t.rubric_id AND c.id = i.criterion_id
                  ${where.length ? sql`WHERE ${join(where, ' AND ')}` : empty}`;
  const db = reads();
  const [criteria, kinds] = await Promise.all([
    queryRows<CriterionChoice & { position: number }>(
      db,
      sql`SELECT t.rubric_id, i.criterion_id AS id, c.text, c.kind, c.position, count(*)::int AS items ${from}
           GROUP BY t.rubric_id, i.criterion_id, c.text, c.kind, c.position
           ORDER BY items DESC, t.rubric_id COLLATE "C", c.position
           LIMIT ${CRITERIA_LISTED + 1}`,
    ),
    queryRows<{ kind: Scale['kind']; items: number; criteria: number }>(
      db,
      sql`SELECT c.kind, count(*)::int AS items, count(DISTINCT (t.rubric_id, i.criterion_id))::int AS criteria ${from} GROUP BY c.kind ORDER BY c.kind`,
    ),
  ]);
  return {
    criteria: criteria.slice(0, CRITERIA_LISTED).map(({ position: _position, ...c }) => c),
    truncated: criteria.length > CRITERIA_LISTED,
    kinds,
  };
}
