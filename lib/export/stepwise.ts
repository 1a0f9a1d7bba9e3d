import 'server-only';
// `stepwise`: TRL's stepwise-supervision dataset, one row per trajectory. `prompt` is the query text,
// `completions` the step texts in order, `labels` the steps' rubric scores with human labels applied
// (lib/domain's stepRubricScores), as floats, or as booleans (score >= threshold) when a threshold is
// given. A step that no judgment names has no score; `unscored` decides what it becomes: 0.0 / false
// (zero, the default), the whole trajectory left out (skip), or null (null; not loadable by TRL).
import { stepRubricScores } from '@/lib/domain';
import type { ExportSettings } from '@/lib/schemas/exports';
import { trajectoryWhere } from '@/lib/server/queries/trajectory-filter';
import { sql } from '@/lib/server/sql';
import { batchOfRows, type Batch, type Column } from './columns';
import type { KindContext, KindDefinition } from './kind';
import { criterionDefs, judgmentInputs } from '@/lib/db/items';
import { criteriaJson, judgmentsJson, type CriterionJson, type JudgmentJson } from './scoring';

function columns(s: ExportSettings): Column[] {
  const boolean = s.threshold !== null;
  return [
    { name: 'prompt', type: 'string', description: 'the query text (Markdown and LaTeX as given)' },
    { name: 'completions', type: 'string_list', description: 'the step texts, in order' },
    {
      name: 'labels',
      type: boolean ? 'bool_list' : 'double_list',
      nullableItems: s.unscored === 'null',
      description: boolean
        ? `per step: rubric score >= ${s.threshold} (unscored steps: ${s.unscored})`
        : `per step: rubric score in [0, 1] with human labels applied (unscored steps: ${s.unscored})`,
    },
    { name: 'trajectory_id', type: 'string', description: 'the trajectory' },
    { name: 'run_id', type: 'string', description: 'its run' },
    { name: 'query_id', type: 'string', description: 'its query' },
    { name: 'correct', type: 'bool', description: "the trajectory's graded outcome" },
  ];
}

interface DbRow {
  id: string;
  run_id: string;
  query_id: string;
  prompt: string;
  correct: boolean;
  texts: string[];
  judgments: JudgmentJson[];
  criteria: CriterionJson[];
}

function query({ filter, settings }: KindContext) {
  return sql`
    SELECT t.id, t.run_id, t.query_id, (SELECT q.text FROM queries q WHERE q.id = t.query_id) AS prompt, t.correct,
           (SELECT array_agg(s.text ORDER BY s.index) FROM steps s WHERE s.trajectory_pk = t.pk) AS texts,
           ${judgmentsJson(settings.judge)} AS judgments, ${criteriaJson} AS criteria
      FROM trajectories t
      ${trajectoryWhere(filter)}
     ORDER BY t.pk`;
}

/** The labels of one trajectory, or null when `unscored: skip` leaves it out. */
export function stepLabels(scores: readonly (number | null)[], s: Pick<ExportSettings, 'threshold' | 'unscored'>): (number | boolean | null)[] | null {
  if (s.unscored === 'skip' && scores.some((x) => x === null)) return null;
  const { threshold } = s;
  return scores.map((x) => {
    if (x === null) return s.unscored === 'null' ? null : threshold === null ? 0 : false;
    return threshold === null ? x : x >= threshold;
  });
}

async function* rows(source: AsyncIterable<DbRow>, ctx: KindContext): AsyncGenerator<Batch> {
  for await (const r of source) {
    const texts = r.texts ?? [];
    const scores = stepRubricScores(texts.length, judgmentInputs(r.judgments), criterionDefs(r.criteria));
    const labels = stepLabels(scores, ctx.settings);
    if (labels === null) continue;
    yield batchOfRows([[r.prompt, texts, labels, r.id, r.run_id, r.query_id, r.correct]], 7);
  }
}

export const stepwiseExport: KindDefinition<DbRow> = {
  kind: 'stepwise',
  summary: 'TRL stepwise supervision: prompt, completions (step texts) and labels (per-step rubric scores, or booleans with a threshold).',
  columns,
  query,
  batchSize: 50,
  rows,
};
