// A validated trace line turned into what routelens stores: the dimensions it names (each with a hash of
// its definition, so a conflicting redefinition is one comparison), the trajectory with its derived
// figures from lib/domain, its steps and its judgments.
import { createHash } from 'node:crypto';
import {
  figuresByJudge,
  routingContribution,
  trajectoryFigures,
  type CriterionDef,
  type JudgeFigures,
  type ModelPrice,
  type RoutingContribution,
  type Scale,
} from '@/lib/domain';
import type { TraceLine } from '@/lib/schemas/trace';
import { itemKey, stepSet } from '@/lib/db/items';
import { restoredItems, ROUTELENS_META_KEY } from '@/lib/schemas/routelens-meta';
import { freeFormTexts, type FreeFormTexts } from './json-spans';
import { isStringifiedJson } from './canonical-json';

/**
 * Hash of a value that came out of the line's zod schema. Its objects have their keys in the schema's
 * order whatever the input's, so plain JSON is already canonical, except inside free-form objects
 * (meta, router probabilities), where key order is part of the content as given.
 */
function hashParsed(value: unknown): string {
  return createHash('sha256').update(JSON.stringify(value)).digest('base64url');
}

/**
 * hashParsed of a small definition (a model, run, query or rubric), remembered: the same ones come on
 * line after line, and a hash of a few bytes costs mostly its setting up.
 */
const smallHashes = new Map<string, string>();
function hashDefinition(value: unknown): string {
  const json = JSON.stringify(value);
  let hash = smallHashes.get(json);
  if (hash === undefined) {
    hash = createHash('sha256').update(json).digest('base64url');
    if (smallHashes.size >= 2048) smallHashes.clear();
    if (json.length <= 8192) smallHashes.set(json, hash);
  }
  return hash;
}

const NULL_COST = Buffer.from(',"cost_usd":null');

/**
 * The content hash (hashParsed of the line as normalizeLine reads it) from the line's bytes as read,
 * when they are that JSON already: the line is its text's own parse with every key in the schema's
 * order (`asParsed`), JSON.stringify would write that text back unchanged, and what normalizeLine
 * drops from the content is only steps' `"cost_usd":null` (each found in the bytes). Null otherwise.
 */
function hashAsRead(line: TraceLine, raw: RawLine, trainingGroup: string | null): string | null {
  if (!raw.asParsed) return null;
  if (line.training?.group !== undefined && trainingGroup === defaultGroup(line.query.id, line.training.step)) return null;
  if (line.judgments !== undefined && (line.judgments.length === 0 || line.judgments.some((j) => j.steps !== undefined && j.steps.length === 0))) return null;
  if (line.meta !== undefined) {
    let keys = 0;
    for (const k in line.meta) {
      if (k === ROUTELENS_META_KEY) return null;
      keys++;
    }
    if (keys === 0) return null;
  }
  let nullCosts = 0;
  for (const s of line.steps) if (s.cost_usd === null) nullCosts++;
  if (!isStringifiedJson(raw.text)) return null;
  const b = raw.bytes;
  const hash = createHash('sha256');
  if (nullCosts === 0) return hash.update(b).digest('base64url');
  // Every `,"cost_usd":null` of the bytes must be a step's: as many as there are steps with a null
  // cost (one inside a string would have its quotes escaped; one in a meta would make one too many).
  const at: number[] = [];
  for (let p = b.indexOf(NULL_COST); p !== -1; p = b.indexOf(NULL_COST, p + NULL_COST.length)) at.push(p);
  if (at.length !== nullCosts) return null;
  let from = 0;
  for (const p of at) {
    hash.update(b.subarray(from, p));
    from = p + NULL_COST.length;
  }
  return hash.update(b.subarray(from)).digest('base64url');
}

/**
 * The identity of a run's definition: what the trace schema makes of the line's `run` (keys in the
 * schema's order: id, policy, meta). Also what a renamed run is stored with (npm run runs -- rename).
 */
export function runContentHash(run: { id: string; policy?: string | null; meta?: Record<string, unknown> | null }): string {
  return hashDefinition({ id: run.id, policy: run.policy ?? undefined, meta: run.meta ?? undefined });
}

export interface ModelRow {
  id: string;
  paramsB: number | null;
  usdPerMtokIn: number;
  usdPerMtokOut: number;
  hash: string;
}
export interface RunRow {
  id: string;
  policy: string | null;
  meta: string | null;
  hash: string;
}
export interface QueryRow {
  id: string;
  benchmark: string | null;
  text: string;
  referenceAnswer: string | null;
  hash: string;
}
export interface CriterionRow {
  id: string;
  position: number;
  text: string;
  weight: number;
  kind: Scale['kind'];
  scaleMin: number | null;
  scaleMax: number | null;
}
export interface RubricRow {
  id: string;
  generator: string | null;
  criteria: CriterionRow[];
  hash: string;
}
export interface StepRow {
  index: number;
  model: string;
  text: string;
  tokensIn: number;
  tokensOut: number;
  latencyMs: number | null;
  router: string | null;
  givenCostUsd: number | null;
  costUsd: number;
}
/** An item of the line (scoring.md): a criterion and a step set; its labels correct every judgment of it. */
export interface ItemRow {
  criterionId: string;
  /** Distinct, ascending; [] = the trajectory as a whole. */
  steps: number[];
  /** The restored item's version (0: no label). */
  version: number;
  /** 1 when some restored label was made on earlier content (those have revision 0), else 0. */
  contentRevision: number;
}
export interface JudgmentRow {
  position: number;
  /** Index of the judgment's item in NormalizedLine.items. */
  item: number;
  criterionId: string;
  /** As the line gave them (the item holds the set). */
  steps: number[];
  /** null for a judgment that a person added (restored from meta.routelens). */
  judgeScore: number | null;
  rationale: string | null;
  judge: string | null;
}
/** A human label restored from meta.routelens, for the item at index `item` of NormalizedLine.items. */
export interface LabelRow {
  item: number;
  version: number;
  score: number;
  rationale: string | null;
  author: string;
  /** ISO 8601, as exported. */
  createdAt: string;
  revertOfVersion: number | null;
  revertToJudge: string | null;
  contentRevision: number;
}
export interface TrajectoryRow {
  id: string;
  runId: string;
  queryId: string;
  rubricId: string | null;
  benchmark: string | null;
  correct: boolean;
  finalAnswer: string | null;
  meta: string | null;
  modelIds: string[];
  modelsUsed: string[];
  stepCount: number;
  tokensIn: number;
  tokensOut: number;
  costUsd: number;
  allLargestUsd: number;
  /** Not stored: the run_reference_models rollup counts it. */
  allLargestModel: string;
  savings: number | null;
  processScore: number | null;
  /** Per step, its rubric score over every judge's judgments, labels applied (stored for the steps export). */
  stepRubricScores: (number | null)[];
  reward: number;
  labelled: boolean;
  /** training.step; null without "training". */
  trainingStep: number | null;
  /** training.group, or its default "<query.id>@<step>"; null without "training". */
  trainingGroup: string | null;
  hash: string;
}

/** The group of a rollout that names none (trace-format.md). */
export function defaultGroup(queryId: string, step: number): string {
  return `${queryId}@${step}`;
}

export interface NormalizedLine {
  models: ModelRow[];
  run: RunRow;
  query: QueryRow;
  rubric: RubricRow | null;
  trajectory: TrajectoryRow;
  steps: StepRow[];
  /** The items of the line's judgments (and of the restored ones), first judgment first. */
  items: ItemRow[];
  judgments: JudgmentRow[];
  /** The trajectory's part of the routing figures (stored in trajectory_routing, added to the rollups). */
  routing: RoutingContribution;
  /** Whether the line named its training group (else it is the default one). */
  trainingGroupGiven: boolean;
  /**
   * What meta.routelens brings back: the judgments that people added and every human label. Stored
   * only with a trajectory that is new to the database; a stored trajectory keeps its own history.
   */
  restored: { judgments: JudgmentRow[]; labels: LabelRow[] };
  /** The trajectory's figures under each judge that scored it and under none (lib/db/judge-figures.ts). */
  judgeFigures: JudgeFigures[];
}

const orNull = <T>(v: T | undefined): T | null => (v === undefined ? null : v);

/** The line's meta without routelens's own key; an empty meta is the same as none. */
export function ownMeta(meta: Record<string, unknown> | undefined): Record<string, unknown> | undefined {
  if (meta === undefined) return undefined;
  const { [ROUTELENS_META_KEY]: _routelens, ...rest } = meta;
  return Object.keys(rest).length === 0 ? undefined : rest;
}

/**
 * The line's items, its judgments on them, and what meta.routelens restores: the judgments that
 * people added (an item no judgment of the line names) and every human label, on its item.
 */
function itemsOf(line: TraceLine): { items: ItemRow[]; judgments: JudgmentRow[]; restored: NormalizedLine['restored']; newest: Map<number, number> } {
  const items: ItemRow[] = [];
  const index = new Map<string, number>();
  const itemOf = (criterion: string, steps: readonly number[]): number => {
    const key = itemKey(criterion, steps);
    let i = index.get(key);
    if (i === undefined) {
      i = items.length;
      index.set(key, i);
      items.push({ criterionId: criterion, steps: stepSet(steps), version: 0, contentRevision: 0 });
    }
    return i;
  };
  const judgments: JudgmentRow[] = (line.judgments ?? []).map((j, position) => ({
    position,
    item: itemOf(j.criterion, j.steps ?? []),
    criterionId: j.criterion,
    steps: j.steps ?? [],
    judgeScore: j.score,
    rationale: orNull(j.rationale),
    judge: orNull(j.judge),
  }));
  const judged = new Set(judgments.map((j) => j.item));
  const restoredJudgments: JudgmentRow[] = [];
  const labels: LabelRow[] = [];
  const newest = new Map<number, number>();
  for (const r of restoredItems(line)) {
    const item = itemOf(r.criterion, r.steps);
    if (!judged.has(item)) {
      judged.add(item);
      restoredJudgments.push({
        position: judgments.length + restoredJudgments.length,
        item,
        criterionId: r.criterion,
        steps: r.given,
        judgeScore: null,
        rationale: null,
        judge: null,
      });
    }
    const earlier = r.labels.some((l) => l.on_earlier_content);
    for (const l of r.labels) {
      labels.push({
        item,
        version: l.version,
        score: l.score,
        rationale: l.rationale ?? null,
        author: l.author,
        createdAt: l.created_at,
        revertOfVersion: l.revert_of_version ?? null,
        revertToJudge: l.revert_to_judge ?? null,
        contentRevision: earlier && !l.on_earlier_content ? 1 : 0,
      });
    }
    const last = r.labels.at(-1);
    items[item]!.version = r.version;
    items[item]!.contentRevision = earlier ? 1 : 0;
    if (last) newest.set(item, last.score);
  }
  return { items, judgments, restored: { judgments: restoredJudgments, labels }, newest };
}

/** JSON of the line's free-form values, for a line built in code rather than read. */
function stringifiedTexts(line: TraceLine): FreeFormTexts {
  const meta = ownMeta(line.meta);
  return {
    meta: meta === undefined ? null : JSON.stringify(meta),
    runMeta: line.run.meta === undefined ? null : JSON.stringify(line.run.meta),
    routers: line.steps.map((s) => (s.router === undefined ? null : JSON.stringify(s.router))),
  };
}

/** A line as read: its bytes, the same decoded, and whether the line to normalize is the text's own parse. */
export interface RawLine {
  bytes: Buffer;
  text: string;
  /** The line is JSON.parse(text) itself, every object's keys in the schema's order (parseTraceLine gave the value back). */
  asParsed?: boolean;
}

/** `raw` is the line as read: meta, run.meta and routers are stored as written there. */
export function normalizeLine(line: TraceLine, raw?: RawLine): NormalizedLine {
  const free = raw ? freeFormTexts(raw.bytes, raw.text, line, ROUTELENS_META_KEY) : stringifiedTexts(line);
  const models: ModelRow[] = line.models.map((m) => {
    const def = { id: m.id, params_b: m.params_b, usd_per_mtok_in: m.usd_per_mtok_in, usd_per_mtok_out: m.usd_per_mtok_out };
    return {
      id: m.id,
      paramsB: orNull(m.params_b),
      usdPerMtokIn: m.usd_per_mtok_in,
      usdPerMtokOut: m.usd_per_mtok_out,
      hash: hashDefinition(def),
    };
  });
  const run: RunRow = {
    id: line.run.id,
    policy: orNull(line.run.policy),
    meta: free.runMeta,
    hash: runContentHash(line.run),
  };
  const query: QueryRow = {
    id: line.query.id,
    benchmark: orNull(line.query.benchmark),
    text: line.query.text,
    referenceAnswer: orNull(line.query.reference_answer),
    hash: hashDefinition(line.query),
  };
  const rubric: RubricRow | null = line.rubric
    ? {
        id: line.rubric.id,
        generator: orNull(line.rubric.generator),
        criteria: line.rubric.criteria.map((c, position) => ({
          id: c.id,
          position,
          text: c.text,
          weight: c.weight,
          kind: c.scale.kind,
          scaleMin: c.scale.kind === 'numeric' ? c.scale.min : null,
          scaleMax: c.scale.kind === 'numeric' ? c.scale.max : null,
        })),
        hash: hashDefinition(line.rubric),
      }
    : null;

  const prices: ModelPrice[] = line.models.map((m) => ({
    id: m.id,
    usdPerMtokIn: m.usd_per_mtok_in,
    usdPerMtokOut: m.usd_per_mtok_out,
  }));
  const criteria: CriterionDef[] = (line.rubric?.criteria ?? []).map((c) => ({ id: c.id, weight: c.weight, scale: c.scale }));
  const { items, judgments, restored, newest } = itemsOf(line);
  const judgmentsIn = [...judgments, ...restored.judgments].map((j) => ({
    criterion: j.criterionId,
    steps: j.steps,
    judgeScore: j.judgeScore,
    humanScore: newest.get(j.item) ?? null,
    judge: j.judge,
  }));
  const figures = trajectoryFigures({
    models: prices,
    steps: line.steps.map((s) => ({ model: s.model, tokensIn: s.tokens_in, tokensOut: s.tokens_out, costUsd: s.cost_usd })),
    correct: line.correct,
    criteria,
    judgments: judgmentsIn,
  });

  let tokensIn = 0;
  let tokensOut = 0;
  const used = new Set<string>();
  const steps: StepRow[] = line.steps.map((s, i) => {
    tokensIn += s.tokens_in;
    tokensOut += s.tokens_out;
    used.add(s.model);
    return {
      index: s.index,
      model: s.model,
      text: s.text,
      tokensIn: s.tokens_in,
      tokensOut: s.tokens_out,
      latencyMs: orNull(s.latency_ms),
      router: free.routers[i] ?? null,
      givenCostUsd: s.cost_usd ?? null,
      costUsd: figures.stepCosts[i] ?? 0,
    };
  });
  // The identity of the trajectory's content: the line as stored. `cost_usd: null` and an absent
  // cost_usd mean the same, as do `steps: []` and absent steps of a judgment, `judgments: []` and no
  // judgments, `meta: {}` and no meta. meta.routelens is routelens's own (derived figures and labels
  // of an export), not content, so an exported line ingests back as unchanged.
  const meta = ownMeta(line.meta);
  const trainingGroup = line.training ? (line.training.group ?? defaultGroup(line.query.id, line.training.step)) : null;
  const content = () => ({
    ...line,
    // Naming the default group is the same as naming none (and the traces export leaves it out).
    training: line.training && trainingGroup === defaultGroup(line.query.id, line.training.step) ? { step: line.training.step } : line.training,
    steps: line.steps.map((s) => (s.cost_usd === null ? { ...s, cost_usd: undefined } : s)),
    judgments: line.judgments?.length ? line.judgments.map((j) => (j.steps && j.steps.length === 0 ? { ...j, steps: undefined } : j)) : undefined,
    meta,
  });

  const trajectory: TrajectoryRow = {
    id: line.id,
    runId: line.run.id,
    queryId: line.query.id,
    rubricId: line.rubric?.id ?? null,
    benchmark: orNull(line.query.benchmark),
    correct: line.correct,
    finalAnswer: orNull(line.final_answer),
    meta: free.meta,
    modelIds: line.models.map((m) => m.id),
    modelsUsed: [...used].sort(),
    stepCount: steps.length,
    tokensIn,
    tokensOut,
    costUsd: figures.costUsd,
    allLargestUsd: figures.allLargestUsd,
    allLargestModel: figures.allLargestModel,
    savings: figures.savings,
    processScore: figures.processScore,
    stepRubricScores: figures.stepRubricScores,
    reward: figures.reward,
    labelled: restored.labels.length > 0,
    trainingStep: line.training?.step ?? null,
    trainingGroup,
    hash: (raw && hashAsRead(line, raw, trainingGroup)) ?? hashParsed(content()),
  };
  const routing = routingContribution({
    models: prices,
    steps: line.steps.map((s) => ({ model: s.model, probs: s.router?.probs })),
    stepScores: figures.stepRubricScores,
  });
  const judgeFigures = figuresByJudge({
    correct: line.correct,
    costUsd: figures.costUsd,
    allLargestUsd: figures.allLargestUsd,
    criteria,
    judgments: judgmentsIn,
  });
  return {
    models,
    run,
    query,
    rubric,
    trajectory,
    steps,
    items,
    judgments,
    routing,
    trainingGroupGiven: line.training?.group !== undefined,
    restored,
    judgeFigures,
  };
}
