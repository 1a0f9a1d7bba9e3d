import 'server-only';
// `steps`: one row per step, with its trajectory's outcome and figures. The statement returns one row
// per trajectory with its steps packed in one text value (a driver row per step costs several times
// more, on both sides); each trajectory is scored once with lib/domain and unpacked into step rows.
import { combinedReward, cumulativeCosts, processScore as processScoreOfJudgments, stepRubricScores } from '@/lib/domain';
import { trajectoryWhere } from '@/lib/server/queries/trajectory-filter';
import { sql } from '@/lib/server/sql';
import { each, same, type Batch, type Column } from './columns';
import type { KindContext, KindDefinition } from './kind';
import { criteriaJson, criterionDefs, judgmentInputs, judgmentsJson, type CriterionTuple, type JudgmentTuple } from './scoring';

const COLUMNS: Column[] = [
  { name: 'trajectory_id', type: 'string', description: 'the trajectory' },
  { name: 'run_id', type: 'string', description: 'its run (router checkpoint)' },
  { name: 'query_id', type: 'string', description: 'its query' },
  { name: 'step_index', type: 'int', description: 'the step, 0-based' },
  { name: 'model', type: 'string', description: 'the model the router sent the step to' },
  { name: 'tokens_in', type: 'int', description: 'input tokens' },
  { name: 'tokens_out', type: 'int', description: 'output tokens' },
  { name: 'cost_usd', type: 'double', description: 'step cost (scoring.md)' },
  { name: 'cumulative_cost_usd', type: 'double', description: 'cost of steps 0..step_index' },
  { name: 'rubric_score', type: 'double', nullable: true, description: "step rubric score with human labels applied (under the export's judge); null where no judgment names the step" },
  { name: 'escalation', type: 'string', nullable: true, description: 'up: a switch to a more expensive model than the previous step’s; down: to a cheaper one; empty otherwise' },
  { name: 'chosen_probability', type: 'double', nullable: true, description: 'the router’s probability of the step’s model, probabilities divided by their sum; empty without router probabilities' },
  { name: 'normalized_entropy', type: 'double', nullable: true, description: 'entropy of the router’s probabilities over the trajectory’s models, divided by log2 of their number; empty without router probabilities' },
  { name: 'correct', type: 'bool', description: "the trajectory's graded outcome" },
  { name: 'process_score', type: 'double', nullable: true, description: "the trajectory's process score (under the export's judge)" },
  { name: 'reward', type: 'double', description: "the trajectory's combined reward at the export's judge, lambda and mu" },
];

/**
 * A trajectory's steps as "m,in,out,cost;m,in,out,cost;..." in step order, m being the 1-based
 * position of the step's model in the trajectory's model_ids: digits only, so a split cannot go wrong,
 * and cheaper for PostgreSQL to build than JSON. Costs are float8 text, exact (extra_float_digits).
 */
const packedSteps = sql`(
  SELECT string_agg(concat_ws(',', array_position(t.model_ids, s.model), s.tokens_in, s.tokens_out, s.cost_usd), ';' ORDER BY s.index)
    FROM steps s WHERE s.trajectory_pk = t.pk)`;

interface Steps {
  models: string[];
  tokensIn: number[];
  tokensOut: number[];
  costs: number[];
}

/** Reads the packed steps with one pass over the text (no intermediate substrings but the costs'). */
export function unpackSteps(packed: string | null, modelIds: readonly string[]): Steps {
  const out: Steps = { models: [], tokensIn: [], tokensOut: [], costs: [] };
  if (packed === null) return out;
  const COMMA = 44;
  const ZERO = 48;
  let pos = 0;
  while (pos < packed.length) {
    let model = 0;
    for (let c = packed.charCodeAt(pos++); c !== COMMA && pos <= packed.length; c = packed.charCodeAt(pos++)) model = model * 10 + c - ZERO;
    let tokensIn = 0;
    for (let c = packed.charCodeAt(pos++); c !== COMMA && pos <= packed.length; c = packed.charCodeAt(pos++)) tokensIn = tokensIn * 10 + c - ZERO;
    let tokensOut = 0;
    for (let c = packed.charCodeAt(pos++); c !== COMMA && pos <= packed.length; c = packed.charCodeAt(pos++)) tokensOut = tokensOut * 10 + c - ZERO;
    const semicolon = packed.indexOf(';', pos);
    const end = semicolon === -1 ? packed.length : semicolon;
    out.models.push(modelIds[model - 1]!);
    out.tokensIn.push(tokensIn);
    out.tokensOut.push(tokensOut);
    out.costs.push(Number(packed.slice(pos, end)));
    pos = end + 1;
  }
  return out;
}

// Positions in the statement's row (rowMode 'array').
const ID = 0, RUN = 1, QUERY = 2, CORRECT = 3, PROCESS = 4, COST = 5, ALL_LARGEST = 6, MODEL_IDS = 7, STEPS = 8, JUDGMENTS = 9, CRITERIA = 10;
const ESCALATIONS = 11, CHOSEN = 12, ENTROPY = 13;

function query({ filter, settings }: KindContext) {
  return sql`
    SELECT t.id, t.run_id, t.query_id, t.correct, t.process_score, t.cost_usd, t.all_largest_usd, t.model_ids,
           ${packedSteps}, ${judgmentsJson(settings.judge)}, ${criteriaJson},
           rs.escalations, rs.chosen_probability, rs.normalized_entropy
      FROM trajectories t
      LEFT JOIN trajectory_routing_steps rs ON rs.trajectory_pk = t.pk
      ${trajectoryWhere(filter)}
     ORDER BY t.pk`;
}

/** 0, 1, 2, ...: the step indexes, shared by every trajectory of that length. */
const indexes: number[] = [];
function stepIndexes(n: number): number[] {
  for (let k = indexes.length; k < n; k++) indexes.push(k);
  return indexes;
}

const ESCALATION_OF: Record<string, 'up' | 'down' | null> = { u: 'up', d: 'down', '-': null };

/** trajectory_routing_steps.escalations ("-u-d") as up / down / null per step. */
function stepEscalations(text: string | null, n: number): ('up' | 'down' | null)[] {
  const out: ('up' | 'down' | null)[] = new Array(n).fill(null);
  if (text !== null) for (let k = 0; k < n; k++) out[k] = ESCALATION_OF[text[k]!] ?? null;
  return out;
}

function trajectoryBatch(t: unknown[], ctx: KindContext): Batch {
  const { models, tokensIn, tokensOut, costs } = unpackSteps(t[STEPS] as string | null, t[MODEL_IDS] as string[]);
  const n = costs.length;
  const cumulative = cumulativeCosts(costs);
  const judgments = judgmentInputs(t[JUDGMENTS] as JudgmentTuple[]);
  const criteria = criterionDefs(t[CRITERIA] as CriterionTuple[]);
  const scores = stepRubricScores(n, judgments, criteria);
  const correct = t[CORRECT] as boolean;
  // With a judge the statement brought that judge's judgments (and people's) alone: score them.
  const processScore = ctx.settings.judge === null ? (t[PROCESS] as number | null) : processScoreOfJudgments(judgments, criteria);
  const reward = combinedReward(
    { correct, processScore, costUsd: t[COST] as number, allLargestUsd: t[ALL_LARGEST] as number },
    { lambda: ctx.settings.lambda, mu: ctx.settings.mu },
  );
  return {
    length: n,
    columns: [
      same(t[ID]),
      same(t[RUN]),
      same(t[QUERY]),
      each(stepIndexes(n)),
      each(models),
      each(tokensIn),
      each(tokensOut),
      each(costs),
      each(cumulative),
      each(scores),
      each(stepEscalations(t[ESCALATIONS] as string | null, n)),
      each((t[CHOSEN] as (number | null)[] | null) ?? new Array<null>(n).fill(null)),
      each((t[ENTROPY] as (number | null)[] | null) ?? new Array<null>(n).fill(null)),
      same(correct),
      same(processScore),
      same(reward),
    ],
  };
}

async function* rows(source: AsyncIterable<unknown[]>, ctx: KindContext): AsyncGenerator<Batch> {
  for await (const t of source) yield trajectoryBatch(t, ctx);
}

export const stepsExport: KindDefinition<unknown[]> = {
  kind: 'steps',
  summary:
    'One row per step: ids, model, tokens, cost and cumulative cost, rubric score, escalation and router confidence, and the trajectory’s outcome, process score and reward.',
  columns: () => COLUMNS,
  query,
  rowMode: 'array',
  // 100 trajectories per round trip: enough to keep the database busy while rows are written, and
  // bounded even for trajectories of 20,000 steps.
  batchSize: 100,
  rows,
};
