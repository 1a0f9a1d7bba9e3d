import 'server-only';
// `preferences`: TRL's preference dataset. The filtered trajectories arrive grouped by query; each
// query's pairs come from lib/domain's buildPreferencePairs (scoring.md's rules, in order, with the
// export's delta_p, ratio_c and cap). `chosen` and `rejected` are the two trajectories' step texts
// joined by a blank line, `prompt` the query text. With scope=group, only two rollouts of one training
// group form a pair, and the cap is per group. An export that could build more pairs than
// ROUTELENS_PAIRS_MAX is refused before it starts (lib/server/queries/pairs.ts).
import type pg from 'pg';
import { buildPreferencePairs, processScore, type PairCandidate } from '@/lib/domain';
import { checkPairBoundSql, pairUnit } from '@/lib/server/queries/pairs';
import { trajectoryWhere } from '@/lib/server/queries/trajectory-filter';
import { empty, sql } from '@/lib/server/sql';
import { batchOfRows, type Batch, type Column, type Row } from './columns';
import type { KindContext, KindDefinition } from './kind';
import { criterionDefs, judgmentInputs } from '@/lib/db/items';
import { criteriaJson, judgmentsJson, type CriterionJson, type JudgmentJson } from './scoring';

export const STEP_SEPARATOR = '\n\n';

const COLUMNS: Column[] = [
  { name: 'prompt', type: 'string', description: 'the query text' },
  { name: 'chosen', type: 'string', description: "the chosen trajectory's step texts, joined by a blank line" },
  { name: 'rejected', type: 'string', description: "the rejected trajectory's step texts, joined by a blank line" },
  { name: 'query_id', type: 'string', description: 'the query' },
  { name: 'chosen_id', type: 'string', description: 'the chosen trajectory' },
  { name: 'rejected_id', type: 'string', description: 'the rejected trajectory' },
  { name: 'reason', type: 'string', description: 'the rule that decided: outcome, process or cost' },
  { name: 'margin', type: 'double', description: '1 for outcome; the process score difference; the cost ratio (costlier / cheaper)' },
];

interface DbRow {
  unit: string | null;
  query_id: string;
  prompt: string;
  id: string;
  correct: boolean;
  process_score: number | null;
  cost_usd: number;
  text: string | null;
  /** With a judge: the judgments in its view and the rubric's criteria, to score the trajectory under it. */
  judgments?: JudgmentJson[];
  criteria?: CriterionJson[];
}

function query({ filter, settings }: KindContext) {
  const underJudge = settings.judge === null ? empty : sql`, ${judgmentsJson(settings.judge)} AS judgments, ${criteriaJson} AS criteria`;
  const scope = settings.scope ?? 'query';
  const unit = pairUnit(scope);
  const where = scope === 'group' ? trajectoryWhere(filter, [sql`t.training_group IS NOT NULL`]) : trajectoryWhere(filter);
  return sql`
    SELECT ${unit} AS unit, t.query_id, (SELECT q.text FROM queries q WHERE q.id = t.query_id) AS prompt, t.id, t.correct, t.process_score, t.cost_usd,
           (SELECT string_agg(s.text, ${STEP_SEPARATOR} ORDER BY s.index) FROM steps s WHERE s.trajectory_pk = t.pk) AS text
           ${underJudge}
      FROM trajectories t
      ${where}
     ORDER BY ${unit}, t.pk`;
}

function check({ filter, settings }: KindContext, pool: pg.Pool): Promise<void> {
  return checkPairBoundSql(pool, trajectoryWhere(filter), settings.scope ?? 'query', settings.cap);
}

function processScoreIn(t: DbRow, ctx: KindContext): number | null {
  if (ctx.settings.judge === null) return t.process_score;
  return processScore(judgmentInputs(t.judgments ?? []), criterionDefs(t.criteria ?? []));
}

function queryPairs(group: DbRow[], ctx: KindContext): Row[] {
  const candidates: PairCandidate[] = group.map((t) => ({ id: t.id, correct: t.correct, processScore: processScoreIn(t, ctx), costUsd: t.cost_usd }));
  const byId = new Map(group.map((t) => [t.id, t]));
  const { deltaP, ratioC, cap } = ctx.settings;
  return buildPreferencePairs(candidates, { deltaP, ratioC, cap }).map((p) => {
    const chosen = byId.get(p.chosen)!;
    const rejected = byId.get(p.rejected)!;
    return [chosen.prompt, chosen.text ?? '', rejected.text ?? '', chosen.query_id, p.chosen, p.rejected, p.reason, p.margin];
  });
}

async function* rows(source: AsyncIterable<DbRow>, ctx: KindContext): AsyncGenerator<Batch> {
  let group: DbRow[] = [];
  for await (const r of source) {
    if (group.length > 0 && r.unit !== group[0]!.unit) {
      yield batchOfRows(queryPairs(group, ctx), COLUMNS.length);
      group = [];
    }
    group.push(r);
  }
  if (group.length > 0) yield batchOfRows(queryPairs(group, ctx), COLUMNS.length);
}

export const preferencesExport: KindDefinition<DbRow> = {
  kind: 'preferences',
  summary: 'TRL preference pairs: prompt, chosen, rejected (joined step texts), with both ids, the deciding rule and its margin.',
  columns: () => COLUMNS,
  query,
  check,
  batchSize: 50,
  rows,
};
