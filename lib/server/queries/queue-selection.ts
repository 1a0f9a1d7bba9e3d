import 'server-only';
// Which items an annotation queue holds: the list filters over their trajectories, an optional
// criterion, and the queue's rule, in a stable order (the sample's order is a seeded hash). An item is
// a trajectory, a criterion and a set of steps; every judge that scored it shows with it.
import type { RuleParams } from '@/lib/schemas/queues';
import type { TrajectoryFilter } from '@/lib/schemas/filters';
import { empty, join, sql, type Sql } from '@/lib/server/sql';
import { normalizedCriterionScore } from './criterion-score';
import { trajectoryConditions } from './trajectory-filter';

/** The judge's score of judgment `j` on [0, 1], with `c` its criterion. */
export const NORMALIZED_JUDGE_SCORE = normalizedCriterionScore(sql`j.judge_score`);

/** Over item `i`: two or more people's newest labels differ (as GET /api/agreement/disagreements counts them). */
export const PEOPLE_DIFFER = sql`(SELECT count(DISTINCT p.score) FROM people_labels(i.id) p) > 1`;

/** Over item `i`: some judge's score differs from the item's newest human label. */
export const JUDGE_DIFFERS_FROM_LABEL = sql`EXISTS (SELECT 1 FROM judgments j JOIN newest_label(i.id) nl ON true
    WHERE j.item_id = i.id AND j.judge_score IS NOT NULL AND j.judge_score <> nl.score)`;

/** Over item `i`: two judges gave it different scores. */
export const JUDGES_DIFFER = sql`(SELECT count(DISTINCT j.judge_score) FROM judgments j WHERE j.item_id = i.id AND j.judge_score IS NOT NULL) > 1`;

function ruleCondition(rule: RuleParams): Sql[] {
  switch (rule.rule) {
    case 'all':
    case 'sample':
      return [];
    case 'score_range':
      return [
        sql`EXISTS (SELECT 1 FROM judgments j WHERE j.item_id = i.id AND j.judge_score IS NOT NULL
                      AND ${NORMALIZED_JUDGE_SCORE} BETWEEN ${rule.min} AND ${rule.max})`,
      ];
    case 'disagreement':
      return [rule.between === 'people' ? PEOPLE_DIFFER : rule.between === 'judges' ? JUDGES_DIFFER : JUDGE_DIFFERS_FROM_LABEL];
  }
}

function sampleKey(rule: RuleParams): Sql {
  return rule.rule === 'sample' ? sql`md5(${String(rule.seed ?? 0)} || ':' || i.id::text)` : sql`''`;
}

export interface QueueSelection {
  filters: TrajectoryFilter;
  criterion: string | null;
  rubric?: string | null;
  criterionKind?: 'binary' | 'ternary' | 'numeric' | null;
  rule: RuleParams;
}

/** INSERT of the queue's items, positions 0..n-1, at most `max` of them. */
export function insertQueueItems(queueId: number, s: QueueSelection, max: number): Sql {
  const where = [...trajectoryConditions(s.filters), ...ruleCondition(s.rule)];
  if (s.criterion) where.push(sql`i.criterion_id = ${s.criterion}`);
  if (s.rubric) where.push(sql`t.rubric_id = ${s.rubric}`);
  if (s.criterionKind) where.push(sql`c.kind = ${s.criterionKind}::"ScaleKind"`);
  const limit = s.rule.rule === 'sample' ? Math.min(s.rule.n, max) : max;
  return sql`INSERT INTO queue_items (queue_id, item_id, position)
    SELECT ${queueId}, s.id, (row_number() OVER (ORDER BY s.k, s.tpk, s.ipos) - 1)::int
      FROM (SELECT i.id, ${sampleKey(s.rule)} AS k, t.pk AS tpk, (SELECT min(o.position) FROM judgments o WHERE o.item_id = i.id) AS ipos
              FROM items i
              JOIN trajectories t ON t.pk = i.trajectory_pk
              JOIN criteria c ON c.rubric_id = t.rubric_id AND c.id = i.criterion_id
             ${where.length ? sql`WHERE ${join(where, ' AND ')}` : empty}
             ORDER BY k, tpk, ipos
             LIMIT ${limit}) s`;
}
