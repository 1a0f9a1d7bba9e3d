import 'server-only';
// GET /api/agreement/disagreements: the labelled judgments behind the agreement figures where the
// sides differ — the judge's score against the newest human label, or people's newest labels among
// themselves — so that a person can look at them. Paged by judgment id.
import { getPool } from '@/lib/db/pool';
import type { DisagreementParams } from '@/lib/schemas/read';
import { queryRows, sql } from '@/lib/server/sql';
import { LABEL_PERSON, labelledJudgments, NEWEST_LABEL } from './agreement';

interface Row {
  judgment_id: number;
  trajectory_id: string;
  rubric_id: string;
  criterion: string;
  steps: number[];
  judge_score: number | null;
  human_score: number;
  people: { person: string; score: number; labelled_by: string; labelled_at: string }[];
}

/** Each person's newest label of judgment `j`, as JSON. */
const PEOPLE_JSON = sql`(SELECT json_agg(json_build_object('person', p.person, 'score', p.score, 'labelled_by', p.author, 'labelled_at', p.created_at) ORDER BY p.person)
    FROM (SELECT DISTINCT ON (person) ${LABEL_PERSON} AS person, l.score, l.author, l.created_at
            FROM labels l WHERE l.judgment_id = j.id ORDER BY person, l.version DESC) p)`;

const PEOPLE_DIFFER = sql`(SELECT count(DISTINCT p.score) FROM (
    SELECT DISTINCT ON (person) ${LABEL_PERSON} AS person, l.score
      FROM labels l WHERE l.judgment_id = j.id ORDER BY person, l.version DESC) p) > 1`;

export async function disagreements(params: DisagreementParams) {
  const differ =
    params.between === 'people' ? PEOPLE_DIFFER : sql`j.judge_score IS NOT NULL AND j.judge_score <> ${NEWEST_LABEL}`;
  const extra = [differ];
  if (params.after !== undefined) extra.push(sql`j.id > ${params.after}`);
  const rows = await queryRows<Row>(
    getPool(),
    sql`SELECT j.id AS judgment_id, t.id AS trajectory_id, t.rubric_id, j.criterion_id AS criterion, j.steps, j.judge_score,
               ${NEWEST_LABEL} AS human_score, ${PEOPLE_JSON} AS people
          ${labelledJudgments(params, extra)}
         ORDER BY j.id LIMIT ${params.limit + 1}`,
  );
  const items = rows.slice(0, params.limit);
  return {
    between: params.between,
    items,
    next_after: rows.length > params.limit ? items[items.length - 1]!.judgment_id : null,
  };
}
