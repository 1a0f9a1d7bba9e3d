import 'server-only';
// GET /api/agreement/disagreements: the labelled items behind the agreement figures where the sides
// differ — a judge's score against the item's newest human label, people's newest labels among
// themselves, or judges among themselves — so that a person can look at them. Paged by item id.
import type { DisagreementParams } from '@/lib/schemas/read';
import { queryRows, sql } from '@/lib/server/sql';
import { JUDGE_SCORES_JSON, labelledItems, type JudgeScore } from './agreement';
import { JUDGE_DIFFERS_FROM_LABEL, JUDGES_DIFFER, PEOPLE_DIFFER } from './queue-selection';
import { reads } from '@/lib/server/reads';

interface Row {
  item_id: number;
  /** The item's first judgment (the replay and the label routes reach the item through it). */
  judgment_id: number;
  trajectory_id: string;
  rubric_id: string;
  criterion: string;
  /** The item's step set. */
  steps: number[];
  /** The first judge's score (see `judges` for every judge's). */
  judge_score: number | null;
  judges: JudgeScore[] | null;
  human_score: number;
  people: { person: string; score: number; labelled_by: string; labelled_by_name: string; labelled_at: string }[];
}

/** Each person's newest label of item `i`, as JSON. */
const PEOPLE_JSON = sql`(SELECT json_agg(json_build_object('person', label_person(p.user_id, p.author), 'score', p.score, 'labelled_by', p.author,
           'labelled_by_name', coalesce(u.name, p.author), 'labelled_at', p.created_at) ORDER BY label_person(p.user_id, p.author))
    FROM people_labels(i.id) p LEFT JOIN users u ON u.id = p.user_id)`;

export async function disagreements(params: DisagreementParams) {
  const differ = params.between === 'people' ? PEOPLE_DIFFER : params.between === 'judges' ? JUDGES_DIFFER : JUDGE_DIFFERS_FROM_LABEL;
  const extra = [differ];
  if (params.after !== undefined) extra.push(sql`i.id > ${params.after}`);
  const rows = await queryRows<Omit<Row, 'judge_score'>>(
    reads(),
    sql`SELECT i.id AS item_id, (SELECT min(o.id) FROM judgments o WHERE o.item_id = i.id) AS judgment_id, t.id AS trajectory_id, t.rubric_id,
               i.criterion_id AS criterion, i.steps, ${JUDGE_SCORES_JSON} AS judges,
               (SELECT nl.score FROM newest_label(i.id) nl) AS human_score, ${PEOPLE_JSON} AS people
          ${labelledItems(params, extra)}
         ORDER BY i.id LIMIT ${params.limit + 1}`,
  );
  const items: Row[] = rows.slice(0, params.limit).map((r) => ({ ...r, judge_score: r.judges?.[0]?.score ?? null }));
  return {
    between: params.between,
    items,
    next_after: rows.length > params.limit ? items[items.length - 1]!.item_id : null,
  };
}
