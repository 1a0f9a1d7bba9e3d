// A fast path for the trace line's validation: the structural rules of traceLineSchema checked by hand,
// building the same object zod would (keys in the schema's order, only those the input has), then the
// same cross-reference rules. It answers only "valid, and here is the line" or "not sure": anything it
// does not accept goes through the zod schema, which alone words the errors (parseTraceLine), so a
// refused line's path and message are zod's whatever this file checks. Ingest spends most of its
// time validating (zod allocates per field); this path costs a fraction of that on valid lines.
import type { z } from 'zod';
import { hasNoNul } from './text';
import {
  crossReferenceProblems,
  traceLineSchema,
  MAX_CRITERIA,
  MAX_ID,
  MAX_JUDGMENTS,
  MAX_MODELS,
  MAX_STEPS,
  MAX_TEXT,
  TRACE_FORMAT,
  type TraceLine,
} from './trace';

type Obj = Record<string, unknown>;

const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const isId = (v: unknown): v is string => typeof v === 'string' && v.length >= 1 && v.length <= MAX_ID && hasNoNul(v);
const isText = (v: unknown): v is string => typeof v === 'string' && v.length <= MAX_TEXT && hasNoNul(v);
const isShortText = (v: unknown): v is string => typeof v === 'string' && v.length <= MAX_ID && hasNoNul(v);
const isFinite = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);
const isNonneg = (v: unknown): v is number => isFinite(v) && v >= 0;
const isCount = (v: unknown): v is number => typeof v === 'number' && Number.isSafeInteger(v) && v >= 0;

/** Every key of `v` is one of `keys` (a strict object). */
function onlyKeys(v: Obj, keys: ReadonlySet<string>): boolean {
  for (const k in v) if (!keys.has(k)) return false;
  return true;
}

/** A strict object's keys in the schema's order: each key's place. */
const order = (keys: readonly string[]): ReadonlyMap<string, number> => new Map(keys.map((k, i) => [k, i]));

const UNKNOWN_KEY = -1;
const IN_ORDER = 0;
const OUT_OF_ORDER = 1;

/**
 * UNKNOWN_KEY when `v` has a key the schema does not know, else whether its keys come in the schema's
 * order (IN_ORDER: then `v` itself is what zod would build from it, when its values are too).
 */
function keyOrder(v: Obj, keys: ReadonlyMap<string, number>): number {
  let last = -1;
  let out = IN_ORDER;
  for (const k in v) {
    const at = keys.get(k);
    if (at === undefined) return UNKNOWN_KEY;
    if (at < last) out = OUT_OF_ORDER;
    last = at;
  }
  return out;
}

const has = (v: Obj, k: string) => Object.prototype.hasOwnProperty.call(v, k);

/**
 * A record of any values (meta): zod's record makes a copy with the same keys in the same order, so
 * the plain object itself stands for it.
 */
function record(v: unknown): Obj | null {
  if (!isObj(v) || Object.getPrototypeOf(v) !== Object.prototype) return null;
  for (const k in v) if (k === '__proto__') return null;
  return v;
}

const MODEL_KEYS = order(['id', 'params_b', 'usd_per_mtok_in', 'usd_per_mtok_out']);
function model(v: unknown): Obj | null {
  if (!isObj(v)) return null;
  const keys = keyOrder(v, MODEL_KEYS);
  if (keys === UNKNOWN_KEY) return null;
  if (!isId(v.id) || !isNonneg(v.usd_per_mtok_in) || !isNonneg(v.usd_per_mtok_out)) return null;
  if (has(v, 'params_b') && !isNonneg(v.params_b)) return null;
  if (keys === IN_ORDER) return v;
  const out: Obj = { id: v.id };
  if (has(v, 'params_b')) {
    if (!isNonneg(v.params_b)) return null;
    out.params_b = v.params_b;
  }
  out.usd_per_mtok_in = v.usd_per_mtok_in;
  out.usd_per_mtok_out = v.usd_per_mtok_out;
  return out;
}

const STEP_KEYS = order(['index', 'model', 'text', 'tokens_in', 'tokens_out', 'latency_ms', 'router', 'cost_usd']);
const ROUTER_KEYS = new Set(['probs']);

/** The step's router, `r` itself (its one key, probs, is a record). */
function router(r: unknown): Obj | null {
  if (!isObj(r) || !onlyKeys(r, ROUTER_KEYS)) return null;
  if (has(r, 'probs')) {
    const probs = record(r.probs);
    if (!probs) return null;
    for (const k in probs) {
      const p = probs[k];
      if (!isFinite(p) || p < 0 || p > 1) return null;
    }
  }
  return r;
}

function step(v: unknown): Obj | null {
  if (!isObj(v)) return null;
  const keys = keyOrder(v, STEP_KEYS);
  if (keys === UNKNOWN_KEY) return null;
  if (!isCount(v.index) || !isId(v.model) || !isText(v.text) || !isCount(v.tokens_in) || !isCount(v.tokens_out)) return null;
  if (keys === IN_ORDER) {
    if (has(v, 'latency_ms') && !isNonneg(v.latency_ms)) return null;
    if (has(v, 'router') && !router(v.router)) return null;
    if (has(v, 'cost_usd') && v.cost_usd !== null && !isNonneg(v.cost_usd)) return null;
    return v;
  }
  const out: Obj = { index: v.index, model: v.model, text: v.text, tokens_in: v.tokens_in, tokens_out: v.tokens_out };
  if (has(v, 'latency_ms')) {
    if (!isNonneg(v.latency_ms)) return null;
    out.latency_ms = v.latency_ms;
  }
  if (has(v, 'router')) {
    const r = router(v.router);
    if (!r) return null;
    out.router = r;
  }
  if (has(v, 'cost_usd')) {
    if (v.cost_usd !== null && !isNonneg(v.cost_usd)) return null;
    out.cost_usd = v.cost_usd;
  }
  return out;
}

const CRITERION_KEYS = order(['id', 'text', 'weight', 'scale']);
const KIND_KEYS = order(['kind']);
const NUMERIC_KEYS = order(['kind', 'min', 'max']);
function criterion(v: unknown): Obj | null {
  if (!isObj(v)) return null;
  const keys = keyOrder(v, CRITERION_KEYS);
  if (keys === UNKNOWN_KEY) return null;
  if (!isId(v.id) || !isText(v.text) || !isFinite(v.weight) || !(v.weight > 0)) return null;
  const s = v.scale;
  if (!isObj(s)) return null;
  let scaleKeys: number;
  if ((s.kind === 'binary' || s.kind === 'ternary') && (scaleKeys = keyOrder(s, KIND_KEYS)) !== UNKNOWN_KEY) {
    if (keys === IN_ORDER) return v;
    return { id: v.id, text: v.text, weight: v.weight, scale: { kind: s.kind } };
  }
  if (s.kind === 'numeric' && (scaleKeys = keyOrder(s, NUMERIC_KEYS)) !== UNKNOWN_KEY && has(s, 'min') && has(s, 'max') && isFinite(s.min) && isFinite(s.max)) {
    if (keys === IN_ORDER && scaleKeys === IN_ORDER) return v;
    return { id: v.id, text: v.text, weight: v.weight, scale: { kind: s.kind, min: s.min, max: s.max } };
  }
  return null;
}

const JUDGMENT_KEYS = order(['criterion', 'steps', 'score', 'rationale', 'judge']);
function judgment(v: unknown): Obj | null {
  if (!isObj(v)) return null;
  const keys = keyOrder(v, JUDGMENT_KEYS);
  if (keys === UNKNOWN_KEY) return null;
  if (!isId(v.criterion) || !isFinite(v.score)) return null;
  if (keys === IN_ORDER) {
    if (has(v, 'steps')) {
      if (!Array.isArray(v.steps)) return null;
      for (const k of v.steps as unknown[]) if (!isCount(k)) return null;
    }
    if (has(v, 'rationale') && !isText(v.rationale)) return null;
    if (has(v, 'judge') && !isId(v.judge)) return null;
    return v;
  }
  const out: Obj = { criterion: v.criterion };
  if (has(v, 'steps')) {
    const steps = v.steps;
    if (!Array.isArray(steps)) return null;
    for (const k of steps) if (!isCount(k)) return null;
    out.steps = steps.slice();
  }
  out.score = v.score;
  if (has(v, 'rationale')) {
    if (!isText(v.rationale)) return null;
    out.rationale = v.rationale;
  }
  if (has(v, 'judge')) {
    if (!isId(v.judge)) return null;
    out.judge = v.judge;
  }
  return out;
}

/** The checked items: `v` itself when every item is its own element, else a new array. */
function list(v: unknown, min: number, max: number, item: (x: unknown) => Obj | null): Obj[] | null {
  if (!Array.isArray(v) || v.length < min || v.length > max) return null;
  let out: Obj[] | null = null;
  for (let i = 0; i < v.length; i++) {
    const x = item(v[i]);
    if (!x) return null;
    if (out) out[i] = x;
    else if (x !== v[i]) {
      out = (v as Obj[]).slice(0, i);
      out[i] = x;
    }
  }
  return out ?? (v as Obj[]);
}

const LINE_KEYS = order(['format', 'id', 'run', 'query', 'models', 'steps', 'final_answer', 'correct', 'rubric', 'judgments', 'training', 'meta']);
const RUN_KEYS = order(['id', 'policy', 'meta']);
const QUERY_KEYS = order(['id', 'benchmark', 'text', 'reference_answer']);
const RUBRIC_KEYS = order(['id', 'generator', 'criteria']);
const TRAINING_KEYS = order(['step', 'group']);

/**
 * The line zod would build from `v`, or null. When every object of `v` already has its keys in the
 * schema's order, that is `v` itself: no copy of the line is made (most lines come so, from
 * routelens's generator and exports), and the caller can tell by identity.
 */
function structural(v: unknown): Obj | null {
  if (!isObj(v)) return null;
  const lineKeys = keyOrder(v, LINE_KEYS);
  if (lineKeys === UNKNOWN_KEY) return null;
  let ordered = lineKeys === IN_ORDER;
  if (v.format !== TRACE_FORMAT || !isId(v.id) || typeof v.correct !== 'boolean') return null;
  const out: Obj = { format: v.format, id: v.id };

  const r = v.run;
  if (!isObj(r)) return null;
  const runKeys = keyOrder(r, RUN_KEYS);
  if (runKeys === UNKNOWN_KEY || !isId(r.id)) return null;
  if (runKeys !== IN_ORDER) ordered = false;
  const run: Obj = { id: r.id };
  if (has(r, 'policy')) {
    if (!isShortText(r.policy)) return null;
    run.policy = r.policy;
  }
  if (has(r, 'meta')) {
    const m = record(r.meta);
    if (!m) return null;
    run.meta = m;
  }
  out.run = run;

  const q = v.query;
  if (!isObj(q)) return null;
  const queryKeys = keyOrder(q, QUERY_KEYS);
  if (queryKeys === UNKNOWN_KEY || !isId(q.id) || !isText(q.text)) return null;
  if (queryKeys !== IN_ORDER) ordered = false;
  const query: Obj = { id: q.id };
  if (has(q, 'benchmark')) {
    if (!isShortText(q.benchmark)) return null;
    query.benchmark = q.benchmark;
  }
  query.text = q.text;
  if (has(q, 'reference_answer')) {
    if (!isText(q.reference_answer)) return null;
    query.reference_answer = q.reference_answer;
  }
  out.query = query;

  const models = list(v.models, 1, MAX_MODELS, model);
  if (!models) return null;
  if (models !== v.models) ordered = false;
  out.models = models;
  const steps = list(v.steps, 1, MAX_STEPS, step);
  if (!steps) return null;
  if (steps !== v.steps) ordered = false;
  out.steps = steps;
  if (has(v, 'final_answer')) {
    if (!isText(v.final_answer)) return null;
    out.final_answer = v.final_answer;
  }
  out.correct = v.correct;

  if (has(v, 'rubric')) {
    const b = v.rubric;
    if (!isObj(b)) return null;
    const rubricKeys = keyOrder(b, RUBRIC_KEYS);
    if (rubricKeys === UNKNOWN_KEY || !isId(b.id)) return null;
    if (rubricKeys !== IN_ORDER) ordered = false;
    const rubric: Obj = { id: b.id };
    if (has(b, 'generator')) {
      if (!isShortText(b.generator)) return null;
      rubric.generator = b.generator;
    }
    const criteria = list(b.criteria, 1, MAX_CRITERIA, criterion);
    if (!criteria) return null;
    if (criteria !== b.criteria) ordered = false;
    rubric.criteria = criteria;
    out.rubric = rubric;
  }
  if (has(v, 'judgments')) {
    const judgments = list(v.judgments, 0, MAX_JUDGMENTS, judgment);
    if (!judgments) return null;
    if (judgments !== v.judgments) ordered = false;
    out.judgments = judgments;
  }
  if (has(v, 'training')) {
    const t = v.training;
    if (!isObj(t)) return null;
    const trainingKeys = keyOrder(t, TRAINING_KEYS);
    if (trainingKeys === UNKNOWN_KEY || !isCount(t.step) || t.step > 2_147_483_647) return null;
    if (trainingKeys !== IN_ORDER) ordered = false;
    const training: Obj = { step: t.step };
    if (has(t, 'group')) {
      if (!isId(t.group)) return null;
      training.group = t.group;
    }
    out.training = training;
  }
  if (has(v, 'meta')) {
    const m = record(v.meta);
    if (!m) return null;
    out.meta = m;
  }
  return ordered ? v : out;
}

/**
 * The line as traceLineSchema parses it when it is valid and this path can tell so; null when it is
 * not valid or this path cannot tell (the caller then asks zod, for the line or for its first error).
 */
export function fastTraceLine(value: unknown): TraceLine | null {
  const line = structural(value) as TraceLine | null;
  if (!line) return null;
  return crossReferenceProblems(line) ? null : line;
}

/** traceLineSchema.safeParse, through the fast path when it can tell the line is valid. */
export function parseTraceLine(value: unknown): { success: true; data: TraceLine } | { success: false; error: z.ZodError } {
  const fast = fastTraceLine(value);
  if (fast) return { success: true, data: fast };
  const parsed = traceLineSchema.safeParse(value);
  return parsed.success ? { success: true, data: parsed.data } : { success: false, error: parsed.error };
}
