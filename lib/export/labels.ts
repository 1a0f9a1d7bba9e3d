import 'server-only';
// `labels`: every human label event (labels are append-only, so this is the full history), oldest
// version first within each item, with the item it belongs to (a trajectory, a criterion and a step
// set) and every judge's score of that item beside it.
import { trajectoryWhere } from '@/lib/server/queries/trajectory-filter';
import { sql } from '@/lib/server/sql';
import { batchOfRows, type Batch, type Column } from './columns';
import type { KindContext, KindDefinition } from './kind';

const COLUMNS: Column[] = [
  { name: 'label_id', type: 'int', description: 'the label' },
  { name: 'item_id', type: 'int', description: 'the item it labels (and corrects every judge of)' },
  { name: 'trajectory_id', type: 'string', description: 'the trajectory' },
  { name: 'run_id', type: 'string', description: 'its run' },
  { name: 'query_id', type: 'string', description: 'its query' },
  { name: 'criterion', type: 'string', description: 'the rubric criterion' },
  { name: 'steps', type: 'int_list', description: "the item's step set, ascending; [] = the whole trajectory" },
  {
    name: 'judge_score',
    type: 'double',
    nullable: true,
    description: "the first judge's score of the item on the criterion's scale; null for an item only a person judged",
  },
  { name: 'judge_scores', type: 'json', description: 'every judge\'s score of the item: [{"judge": name or null for the unnamed judge, "score": x}]' },
  { name: 'human_score', type: 'double', description: "the person's score on the criterion's scale" },
  { name: 'version', type: 'int', description: 'the item version this label produced (1 = the first label)' },
  { name: 'author', type: 'string', description: 'who labelled: their username when they labelled' },
  { name: 'author_name', type: 'string', description: 'their display name now (the username when the user is gone)' },
  { name: 'created_at', type: 'timestamp', description: 'when (UTC)' },
  { name: 'rationale', type: 'string', nullable: true, description: "the person's reason" },
  { name: 'revert_of_label_id', type: 'int', nullable: true, description: 'the label this one reverts, if it is a revert to a label' },
  { name: 'revert_to_judge', type: 'string', nullable: true, description: "the judge whose score this label restores, if it is a revert to a judge's score" },
  { name: 'on_earlier_content', type: 'bool', description: 'made before a replace on ingest changed the steps under the item' },
];

function query({ filter, trajectories }: KindContext) {
  const only = trajectories ? [sql`t.id = ANY(${[...trajectories]}::text[])`] : [];
  return sql`
    SELECT l.id, i.id, t.id, t.run_id, t.query_id, i.criterion_id, i.steps, js.first, coalesce(js.all, '[]'), l.score, l.version,
           l.author, coalesce(u.name, l.author), to_char(l.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'), l.rationale,
           l.revert_of_label_id, l.revert_to_judge, l.content_revision < i.content_revision
      FROM trajectories t
      JOIN items i ON i.trajectory_pk = t.pk
      JOIN labels l ON l.item_id = i.id
      LEFT JOIN users u ON u.id = l.user_id
      CROSS JOIN LATERAL (
        SELECT (array_agg(j.judge_score ORDER BY j.position))[1] AS first,
               json_agg(json_build_object('judge', j.judge, 'score', j.judge_score) ORDER BY j.position)::text AS all
          FROM judgments j WHERE j.item_id = i.id AND j.judge_score IS NOT NULL) js
      ${trajectoryWhere(filter, only)}
     ORDER BY t.pk, i.id, l.version`;
}

async function* rows(source: AsyncIterable<unknown[]>): AsyncGenerator<Batch> {
  for await (const r of source) {
    if (r[6] === null) r[6] = [];
    yield batchOfRows([r], COLUMNS.length);
  }
}

export const labelsExport: KindDefinition<unknown[]> = {
  kind: 'labels',
  summary: 'Every human label event: item (criterion, steps), every judge score, human score, who, when and why.',
  columns: () => COLUMNS,
  query,
  rowMode: 'array',
  batchSize: 2000,
  rows,
};
