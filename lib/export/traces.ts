import 'server-only';
// `traces`: trace v1 lines, rebuilt from what is stored, that ingest back into routelens unchanged,
// with routelens's additions under meta.routelens (docs/exports.md): per-step cost, cumulative cost
// and rubric score; criterion and process scores; the reward at the export's lambda and mu; for every
// judgment where its effective score came from (judge or person, who, when); and for every labelled
// item (labels belong to items) its full label history, which ingest restores. Free-form JSON (run meta, trajectory meta, router) is copied as
// stored, so its key order survives.
import {
  combinedReward,
  criterionScores,
  cumulativeCosts,
  effectiveScore,
  judgmentsOfJudge,
  processScoreOf,
  stepRubricScores,
  type CriterionDef,
  type JudgmentInput,
} from '@/lib/domain';
import { criterionDefs } from '@/lib/db/items';
import { ROUTELENS_META_KEY } from '@/lib/schemas/routelens-meta';
import { objectTextWithout } from '@/lib/ingest/json-spans';
import { TRACE_FORMAT } from '@/lib/schemas/trace';
import { trajectoryWhere } from '@/lib/server/queries/trajectory-filter';
import { sql } from '@/lib/server/sql';
import { batchOfRows, cell, type Batch, type Column } from './columns';
import type { KindContext, KindDefinition } from './kind';

const COLUMNS: Column[] = [
  { name: 'trajectory_id', type: 'string', description: 'the trajectory' },
  { name: 'run_id', type: 'string', description: 'its run' },
  { name: 'query_id', type: 'string', description: 'its query' },
  { name: 'correct', type: 'bool', description: 'the graded outcome' },
  { name: 'cost_usd', type: 'double', description: 'trajectory cost' },
  { name: 'process_score', type: 'double', nullable: true, description: "process score with human labels applied (under the export's judge)" },
  { name: 'reward', type: 'double', description: "combined reward at the export's judge, lambda and mu" },
  { name: 'labelled', type: 'bool', description: 'whether a person labelled any of its judgments' },
  { name: 'training_step', type: 'int', nullable: true, description: 'training step of a rollout (training.step); null without training' },
  { name: 'group', type: 'string', nullable: true, description: 'its GRPO group (training.group, default "<query id>@<step>")' },
  { name: 'trace', type: 'json', description: 'the trace v1 line, with meta.routelens' },
];
const TRACE = COLUMNS.length - 1;

type ModelTuple = [string, number | null, number, number];
/** model, text, tokens in, tokens out, latency, router (json text), given cost, step cost */
type StepTuple = [string, string, number, number, number | null, string | null, number | null, number];
type CriterionTuple = [string, string, number, CriterionDef['scale']['kind'], number | null, number | null];
/** version, score, author (username), author's display name, created_at, rationale, version it reverts, judge it reverts to, made on earlier content */
type LabelTuple = [number, number, string, string, string, string | null, number | null, string | null, boolean];
/** criterion, steps, judge score, rationale, judge, item id */
type JudgmentTuple = [string, number[] | null, number | null, string | null, string | null, number];
/** item id, criterion, step set, version, labels by version */
type ItemTuple = [number, string, number[], number, LabelTuple[]];

interface DbRow {
  id: string;
  run_id: string;
  /** policy, meta (json text) */
  run: [string | null, string | null];
  query_id: string;
  /** benchmark, text, reference answer */
  query: [string | null, string, string | null];
  models: ModelTuple[];
  steps: StepTuple[];
  final_answer: string | null;
  correct: boolean;
  rubric_id: string | null;
  generator: string | null;
  criteria: CriterionTuple[] | null;
  judgments: JudgmentTuple[] | null;
  items: ItemTuple[] | null;
  meta: string | null;
  cost_usd: number;
  all_largest_usd: number;
  savings: number | null;
  process_score: number | null;
  labelled: boolean;
  training_step: number | null;
  training_group: string | null;
  training_group_given: boolean;
}

// Runs, queries and rubrics are read by scalar subqueries rather than joins: joins let the planner
// hash everything and sort it before the first row, where this plan walks trajectories in pk order.
function query({ filter }: KindContext) {
  return sql`
    SELECT t.id, t.run_id, t.query_id, t.rubric_id, t.final_answer, t.correct,
           (SELECT json_build_array(r.policy, r.meta::text) FROM runs r WHERE r.id = t.run_id) AS run,
           (SELECT json_build_array(q.benchmark, q.text, q.reference_answer) FROM queries q WHERE q.id = t.query_id) AS query,
           (SELECT rb.generator FROM rubrics rb WHERE rb.id = t.rubric_id) AS generator,
           (SELECT json_agg(json_build_array(m.id, m.params_b, m.usd_per_mtok_in, m.usd_per_mtok_out) ORDER BY o.n)
              FROM unnest(t.model_ids) WITH ORDINALITY AS o(id, n) JOIN models m ON m.id = o.id) AS models,
           (SELECT json_agg(json_build_array(s.model, s.text, s.tokens_in, s.tokens_out, s.latency_ms, s.router::text, s.given_cost_usd, s.cost_usd) ORDER BY s.index)
              FROM steps s WHERE s.trajectory_pk = t.pk) AS steps,
           (SELECT json_agg(json_build_array(c.id, c.text, c.weight, c.kind, c.scale_min, c.scale_max) ORDER BY c.position)
              FROM criteria c WHERE c.rubric_id = t.rubric_id) AS criteria,
           (SELECT json_agg(json_build_array(j.criterion_id, j.steps, j.judge_score, j.rationale, j.judge, j.item_id) ORDER BY j.position)
              FROM judgments j WHERE j.trajectory_pk = t.pk) AS judgments,
           CASE WHEN t.labelled THEN
             (SELECT json_agg(json_build_array(i.id, i.criterion_id, i.steps, i.version,
                       (SELECT json_agg(json_build_array(l.version, l.score, l.author, coalesce(u.name, l.author),
                                  to_char(l.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'), l.rationale, rv.version,
                                  l.revert_to_judge, l.content_revision < i.content_revision) ORDER BY l.version)
                          FROM labels l LEFT JOIN labels rv ON rv.id = l.revert_of_label_id AND rv.item_id = l.item_id
                          LEFT JOIN users u ON u.id = l.user_id
                         WHERE l.item_id = i.id)) ORDER BY i.id)
                FROM items i WHERE i.trajectory_pk = t.pk AND EXISTS (SELECT 1 FROM labels l WHERE l.item_id = i.id))
           END AS items,
           t.meta::text AS meta, t.cost_usd, t.all_largest_usd, t.savings, t.process_score, t.labelled, t.training_step, t.training_group, t.training_group_given
      FROM trajectories t
      ${trajectoryWhere(filter)}
     ORDER BY t.pk`;
}

const J = JSON.stringify;

/** `,"key":value` when the value is there; trace v1 leaves optional keys out rather than null. */
const opt = (key: string, value: unknown): string => (value === null || value === undefined ? '' : `,${J(key)}:${J(value)}`);

/**
 * Stored json, as text, fit to sit inside one JSON line. Text that was stored by ingest is compact
 * already; anything with a raw line break is written again compactly.
 */
function rawJson(text: string): string {
  const t = text.trim();
  return /[\r\n]/.test(t) ? J(JSON.parse(t)) : t;
}

/** The trajectory's own meta object with routelens's section added as its last key. */
export function metaWithSection(stored: string | null, section: string): string {
  let own = stored === null ? '{}' : rawJson(stored);
  // A meta stored before ingest learned to strip meta.routelens may still hold one: ours replaces it
  // (the rest of the text stays as given).
  if (own.includes(J(ROUTELENS_META_KEY))) own = objectTextWithout(own, [0, own.length], ROUTELENS_META_KEY) ?? '{}';
  const body = own.slice(0, own.lastIndexOf('}')).trimEnd();
  return `${body}${body.endsWith('{') ? '' : ','}${J(ROUTELENS_META_KEY)}:${section}}`;
}

function scaleJson(kind: CriterionDef['scale']['kind'], min: number | null, max: number | null): string {
  return kind === 'numeric' ? `{"kind":"numeric","min":${J(min)},"max":${J(max)}}` : `{"kind":${J(kind)}}`;
}

interface Judgment {
  criterion: string;
  steps: number[];
  judgeScore: number | null;
  rationale: string | null;
  judge: string | null;
  item: number;
}

function judgmentsOf(r: DbRow): { judged: Judgment[]; added: Judgment[]; labels: Map<number, LabelTuple[]> } {
  const all = (r.judgments ?? []).map(([criterion, steps, judgeScore, rationale, judge, item]) => ({
    criterion,
    steps: steps ?? [],
    judgeScore,
    rationale,
    judge,
    item,
  }));
  const labels = new Map((r.items ?? []).map(([id, , , , list]) => [id, list ?? []]));
  // The line's `judgments` are the judges'; the ones a person added travel in meta.routelens only.
  return { judged: all.filter((j) => j.judgeScore !== null), added: all.filter((j) => j.judgeScore === null), labels };
}

function traceBody(r: DbRow, judged: Judgment[]): string {
  const [policy, runMeta] = r.run;
  const [benchmark, text, referenceAnswer] = r.query;
  const run = `{"id":${J(r.run_id)}${opt('policy', policy)}${runMeta === null ? '' : `,"meta":${rawJson(runMeta)}`}}`;
  const query = `{"id":${J(r.query_id)}${opt('benchmark', benchmark)},"text":${J(text)}${opt('reference_answer', referenceAnswer)}}`;
  const models = r.models
    .map(([id, paramsB, usdIn, usdOut]) => `{"id":${J(id)}${opt('params_b', paramsB)},"usd_per_mtok_in":${J(usdIn)},"usd_per_mtok_out":${J(usdOut)}}`)
    .join(',');
  const steps = r.steps
    .map(
      ([model, text, tokensIn, tokensOut, latency, router, givenCost], index) =>
        `{"index":${index},"model":${J(model)},"text":${J(text)},"tokens_in":${tokensIn},"tokens_out":${tokensOut}${opt('latency_ms', latency)}` +
        `${router === null ? '' : `,"router":${rawJson(router)}`}${opt('cost_usd', givenCost)}}`,
    )
    .join(',');
  let s = `{"format":${J(TRACE_FORMAT)},"id":${J(r.id)},"run":${run},"query":${query},"models":[${models}],"steps":[${steps}]`;
  s += `${opt('final_answer', r.final_answer)},"correct":${r.correct ? 'true' : 'false'}`;
  if (r.rubric_id !== null) {
    const criteria = (r.criteria ?? [])
      .map(([id, text, weight, kind, min, max]) => `{"id":${J(id)},"text":${J(text)},"weight":${J(weight)},"scale":${scaleJson(kind, min, max)}}`)
      .join(',');
    s += `,"rubric":{"id":${J(r.rubric_id)}${opt('generator', r.generator)},"criteria":[${criteria}]}`;
  }
  if (judged.length > 0) {
    const list = judged
      .map(
        (j) =>
          `{"criterion":${J(j.criterion)}${j.steps.length ? `,"steps":${J(j.steps)}` : ''},"score":${J(j.judgeScore)}` +
          `${opt('rationale', j.rationale)}${opt('judge', j.judge)}}`,
      )
      .join(',');
    s += `,"judgments":[${list}]`;
  }
  if (r.training_step !== null) {
    // As the line gave it: with its group when it named one (even the default one), else without.
    s += `,"training":{"step":${r.training_step}${r.training_group_given ? `,"group":${J(r.training_group)}` : ''}}`;
  }
  return s;
}

function judgmentEntry(j: Judgment, index: number | null, labels: ReadonlyMap<number, LabelTuple[]>): string {
  const newest = labels.get(j.item)?.at(-1);
  const input: JudgmentInput = { criterion: j.criterion, steps: j.steps, judgeScore: j.judgeScore, humanScore: newest?.[1] ?? null };
  return (
    `{"index":${J(index)},"criterion":${J(j.criterion)},"steps":${J(j.steps)},"judge":${J(j.judge)},"judge_score":${J(j.judgeScore)},` +
    `"effective_score":${J(effectiveScore(input))},"source":${J(newest ? 'human' : j.judgeScore === null ? null : 'judge')},` +
    `"labelled_by":${J(newest?.[2] ?? null)},"labelled_by_name":${J(newest?.[3] ?? null)},"labelled_at":${J(newest?.[4] ?? null)}}`
  );
}

/** A labelled item with its full history: what ingest restores. */
function itemEntry([, criterion, steps, version, labels]: ItemTuple): string {
  const list = (labels ?? [])
    .map(
      ([version, score, author, authorName, at, rationale, revertOf, revertToJudge, earlier]) =>
        `{"version":${version},"score":${J(score)},"author":${J(author)},"author_name":${J(authorName)},"created_at":${J(at)},` +
        `"rationale":${J(rationale)},"revert_of_version":${J(revertOf)},"revert_to_judge":${J(revertToJudge)},"on_earlier_content":${J(earlier)}}`,
    )
    .join(',');
  return `{"criterion":${J(criterion)},"steps":${J(steps ?? [])},"version":${version},"labels":[${list}]}`;
}

interface Figures {
  section: string;
  processScore: number | null;
  reward: number;
}

/** meta.routelens: the figures of scoring.md (lib/domain over the stored rows) and the judgments' provenance. */
function routelensSection(r: DbRow, judged: Judgment[], added: Judgment[], labels: ReadonlyMap<number, LabelTuple[]>, ctx: KindContext): Figures {
  const criteria = criterionDefs((r.criteria ?? []).map(([id, , weight, kind, scale_min, scale_max]) => ({ id, weight, kind, scale_min, scale_max })));
  const { judge, lambda, mu } = ctx.settings;
  // The line keeps every judgment; the figures are those of the export's judge (scoring.md).
  const inputs: JudgmentInput[] = judgmentsOfJudge(
    [...judged, ...added].map((j) => ({
      criterion: j.criterion,
      steps: j.steps,
      judgeScore: j.judgeScore,
      humanScore: labels.get(j.item)?.at(-1)?.[1] ?? null,
      judge: j.judge,
    })),
    judge,
  );
  const costs = r.steps.map((s) => s[7]);
  const cumulative = cumulativeCosts(costs);
  const stepScores = stepRubricScores(r.steps.length, inputs, criteria);
  const perCriterion = criterionScores(inputs, criteria);
  const processScore = judge === null ? r.process_score : processScoreOf(perCriterion);
  const reward = combinedReward({ correct: r.correct, processScore, costUsd: r.cost_usd, allLargestUsd: r.all_largest_usd }, { lambda, mu });
  const steps = costs.map((c, k) => `{"cost_usd":${J(c)},"cumulative_cost_usd":${J(cumulative[k])},"rubric_score":${J(stepScores[k])}}`).join(',');
  const criterionList = perCriterion.map((c) => `{"id":${J(c.id)},"weight":${J(c.weight)},"score":${J(c.score)}}`).join(',');
  const entries = [...judged.map((j, i) => judgmentEntry(j, i, labels)), ...added.map((j) => judgmentEntry(j, null, labels))].join(',');
  const items = (r.items ?? []).map(itemEntry).join(',');
  const section =
    `{"version":2,"cost_usd":${J(r.cost_usd)},"all_largest_usd":${J(r.all_largest_usd)},"savings":${J(r.savings)},` +
    `"process_score":${J(processScore)},"reward":${J(reward)},"judge":${J(judge)},"lambda":${J(lambda)},"mu":${J(mu)},"labelled":${J(r.labelled)},` +
    `"steps":[${steps}],"criteria":[${criterionList}],"judgments":[${entries}],"items":[${items}]}`;
  return { section, processScore, reward };
}

async function* rows(source: AsyncIterable<DbRow>, ctx: KindContext): AsyncGenerator<Batch> {
  for await (const r of source) {
    const { judged, added, labels } = judgmentsOf(r);
    const { section, processScore, reward } = routelensSection(r, judged, added, labels, ctx);
    const line = `${traceBody(r, judged)},"meta":${metaWithSection(r.meta, section)}}`;
    yield batchOfRows(
      [[r.id, r.run_id, r.query_id, r.correct, r.cost_usd, processScore, reward, r.labelled, r.training_step, r.training_group, line]],
      COLUMNS.length,
    );
  }
}

export const tracesExport: KindDefinition<DbRow> = {
  kind: 'traces',
  summary: 'Trace v1 lines that ingest back unchanged, with derived figures and human labels under meta.routelens.',
  columns: () => COLUMNS,
  query,
  batchSize: 20,
  rows,
  jsonLines: (batch) => {
    let out = '';
    for (let r = 0; r < batch.length; r++) out += `${cell(batch, TRACE, r) as string}\n`;
    return out;
  },
};
