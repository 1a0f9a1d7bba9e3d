/**
 * One line of a routelens trace file, version 1 (../shared/spec/trace-format.md), as a plain object.
 * Keys are snake_case exactly as the format spells them; optional keys of the format are optional here.
 */

export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };
export type JsonObject = { [key: string]: JsonValue };

export const TRACE_FORMAT = 'routelens.trace.v1';

export interface TraceModel {
  id: string;
  params_b?: number;
  usd_per_mtok_in: number;
  usd_per_mtok_out: number;
}

export interface TraceRun {
  id: string;
  policy?: string;
  meta?: JsonObject;
}

export interface TraceQuery {
  id: string;
  benchmark?: string;
  text: string;
  reference_answer?: string;
}

export interface TraceStep {
  index: number;
  model: string;
  text: string;
  tokens_in: number;
  tokens_out: number;
  latency_ms?: number;
  router?: { probs?: Record<string, number> };
  cost_usd?: number | null;
}

export type RubricScale = { kind: 'binary' } | { kind: 'ternary' } | { kind: 'numeric'; min: number; max: number };

export interface RubricCriterion {
  id: string;
  text: string;
  weight: number;
  scale: RubricScale;
}

export interface TraceRubric {
  id: string;
  generator?: string;
  criteria: RubricCriterion[];
}

export interface TraceJudgment {
  criterion: string;
  steps?: number[];
  score: number;
  rationale?: string;
  judge?: string;
}

export interface TraceLine {
  format: typeof TRACE_FORMAT;
  id: string;
  run: TraceRun;
  query: TraceQuery;
  models: TraceModel[];
  steps: TraceStep[];
  final_answer?: string;
  correct: boolean;
  rubric?: TraceRubric;
  judgments?: TraceJudgment[];
  /** A rollout of a training run: its training step and GRPO group (default "<query.id>@<step>"). */
  training?: { step: number; group?: string };
  meta?: JsonObject;
}
