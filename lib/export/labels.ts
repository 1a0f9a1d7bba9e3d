import 'server-only';
// `labels`: every human label event (labels are append-only, so this is the full history), oldest
// version first within each judgment, with the judgment it belongs to and the judge's score beside it.
import { trajectoryWhere } from '@/lib/server/queries/trajectory-filter';
import { sql } from '@/lib/server/sql';
import { batchOfRows, type Batch, type Column } from './columns';
import type { KindContext, KindDefinition } from './kind';

const COLUMNS: Column[] = [
  { name: 'label_id', type: 'int', description: 'the label' },
  { name: 'judgment_id', type: 'int', description: 'the judgment it labels' },
  { name: 'trajectory_id', type: 'string', description: 'the trajectory' },
  { name: 'run_id', type: 'string', description: 'its run' },
  { name: 'query_id', type: 'string', description: 'its query' },
  { name: 'criterion', type: 'string', description: 'the rubric criterion' },
  { name: 'steps', type: 'int_list', description: 'the step indexes the judgment is about; [] = the whole trajectory' },
  { name: 'judge_score', type: 'double', nullable: true, description: "the judge's score on the criterion's scale; null for a judgment a person added" },
  { name: 'human_score', type: 'double', description: "the person's score on the criterion's scale" },
  { name: 'version', type: 'int', description: "the judgment version this label produced (1 = the first label)" },
  { name: 'author', type: 'string', description: 'who labelled (their name when they labelled)' },
  { name: 'created_at', type: 'timestamp', description: 'when (UTC)' },
  { name: 'rationale', type: 'string', nullable: true, description: "the person's reason" },
  { name: 'revert_of_label_id', type: 'int', nullable: true, description: 'the label this one reverts, if it is a revert' },
];

function query({ filter }: KindContext) {
  return sql`
    SELECT l.id, j.id, t.id, t.run_id, t.query_id, j.criterion_id, j.steps, j.judge_score, l.score, l.version, l.author,
           to_char(l.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'), l.rationale, l.revert_of_label_id
      FROM trajectories t
      JOIN judgments j ON j.trajectory_pk = t.pk
      JOIN labels l ON l.judgment_id = j.id
      ${trajectoryWhere(filter)}
     ORDER BY t.pk, j.position, l.version`;
}

async function* rows(source: AsyncIterable<unknown[]>): AsyncGenerator<Batch> {
  for await (const r of source) {
    if (r[6] === null) r[6] = [];
    yield batchOfRows([r], COLUMNS.length);
  }
}

export const labelsExport: KindDefinition<unknown[]> = {
  kind: 'labels',
  summary: 'Every human label event: judgment, criterion, steps, judge score, human score, who, when and why.',
  columns: () => COLUMNS,
  query,
  rowMode: 'array',
  batchSize: 2000,
  rows,
};
