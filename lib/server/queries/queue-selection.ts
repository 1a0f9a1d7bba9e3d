import 'server-only';
// Which judgments an annotation queue holds: the list filters over their trajectories, an optional
// criterion, and the queue's rule, in a stable order (the sample's order is a seeded hash).
import type { RuleParams } from '@/lib/schemas/queues';
import type { TrajectoryFilter } from '@/lib/schemas/filters';
import { empty, join, sql, type Sql } from '@/lib/server/sql';
import { LABEL_PERSON, NEWEST_LABEL } from './agreement';
import { trajectoryConditions } from './trajectory-filter';

/**
 * The judge's score of `j` on [0, 1] as scoring.md normalizes it, with `c` its criterion. SQL, not
 * lib/domain, because it selects rows rather than producing a figure; a test holds it equal to
 * normalizedScore for every kind of scale.
 */
export const NORMALIZED_JUDGE_SCORE = sql`(CASE c.kind
    WHEN 'binary' THEN j.judge_score
    WHEN 'ternary' THEN (j.judge_score + 1) / 2
    ELSE (j.judge_score - c.scale_min) / (c.scale_max - c.scale_min) END)`;

/** Two or more people's newest labels of `j` differ (as GET /api/agreement/disagreements counts them). */
const PEOPLE_DIFFER = sql`(SELECT count(DISTINCT p.score) FROM (
    SELECT DISTINCT ON (person) ${LABEL_PERSON} AS person, l.score
      FROM labels l WHERE l.judgment_id = j.id ORDER BY person, l.version DESC) p) > 1`;

function ruleCondition(rule: RuleParams): Sql[] {
  switch (rule.rule) {
    case 'all':
    case 'sample':
      return [];
    case 'score_range':
      return [sql`j.judge_score IS NOT NULL`, sql`${NORMALIZED_JUDGE_SCORE} BETWEEN ${rule.min} AND ${rule.max}`];
    case 'disagreement':
      return rule.between === 'people' ? [PEOPLE_DIFFER] : [sql`j.judge_score IS NOT NULL AND j.judge_score <> ${NEWEST_LABEL}`];
  }
}

function sampleKey(rule: RuleParams): Sql {
  return rule.rule === 'sample' ? sql`md5(${String(rule.seed ?? 0)} || ':' || j.id::text)` : sql`''`;
}

export interface QueueSelection {
  filters: TrajectoryFilter;
  criterion: string | null;
  rule: RuleParams;
}

/** INSERT of the queue's items, positions 0..n-1, at most `max` of them. */
export function insertQueueItems(queueId: number, s: QueueSelection, max: number): Sql {
  const where = [...trajectoryConditions(s.filters), ...ruleCondition(s.rule)];
  if (s.criterion) where.push(sql`j.criterion_id = ${s.criterion}`);
  const limit = s.rule.rule === 'sample' ? Math.min(s.rule.n, max) : max;
  return sql`INSERT INTO queue_items (queue_id, judgment_id, position)
    SELECT ${queueId}, s.id, (row_number() OVER (ORDER BY s.k, s.tpk, s.jpos) - 1)::int
      FROM (SELECT j.id, ${sampleKey(s.rule)} AS k, t.pk AS tpk, j.position AS jpos
              FROM judgments j
              JOIN trajectories t ON t.pk = j.trajectory_pk
              JOIN criteria c ON c.rubric_id = t.rubric_id AND c.id = j.criterion_id
             ${where.length ? sql`WHERE ${join(where, ' AND ')}` : empty}
             ORDER BY k, tpk, jpos
             LIMIT ${limit}) s`;
}
