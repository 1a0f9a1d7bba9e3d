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

const has = (v: Obj, k: string) => Object.prototype.hasOwnProperty.call(v, k);

/** A record of any values (meta): a copy with the same keys in the same order, as zod's record makes. */
function record(v: unknown): Obj | null {
  if (!isObj(v) || Object.getPrototypeOf(v) !== Object.prototype) return null;
  const out: Obj = {};
  for (const k of Object.keys(v)) {
    if (k === '__proto__') return null;
    out[k] = v[k];
  }
  return out;
}

const MODEL_KEYS = new Set(['id', 'params_b', 'usd_per_mtok_in', 'usd_per_mtok_out']);
function model(v: unknown): Obj | null {
  if (!isObj(v) || !onlyKeys(v, MODEL_KEYS)) return null;
  if (!isId(v.id) || !isNonneg(v.usd_per_mtok_in) || !isNonneg(v.usd_per_mtok_out)) return null;
  const out: Obj = { id: v.id };
  if (has(v, 'params_b')) {
    if (!isNonneg(v.params_b)) return null;
    out.params_b = v.params_b;
  }
  out.usd_per_mtok_in = v.usd_per_mtok_in;
  out.usd_per_mtok_out = v.usd_per_mtok_out;
  return out;
}

const STEP_KEYS = new Set(['index', 'model', 'text', 'tokens_in', 'tokens_out', 'latency_ms', 'router', 'cost_usd']);
const ROUTER_KEYS = new Set(['probs']);
function step(v: unknown): Obj | null {
  if (!isObj(v) || !onlyKeys(v, STEP_KEYS)) return null;
  if (!isCount(v.index) || !isId(v.model) || !isText(v.text) || !isCount(v.tokens_in) || !isCount(v.tokens_out)) return null;
  const out: Obj = { index: v.index, model: v.model, text: v.text, tokens_in: v.tokens_in, tokens_out: v.tokens_out };
  if (has(v, 'latency_ms')) {
    if (!isNonneg(v.latency_ms)) return null;
    out.latency_ms = v.latency_ms;
  }
  if (has(v, 'router')) {
    const r = v.router;
    if (!isObj(r) || !onlyKeys(r, ROUTER_KEYS)) return null;
    const router: Obj = {};
    if (has(r, 'probs')) {
      const probs = record(r.probs);
      if (!probs) return null;
      for (const k in probs) {
        const p = probs[k];
        if (!isFinite(p) || p < 0 || p > 1) return null;
      }
      router.probs = probs;
    }
    out.router = router;
  }
  if (has(v, 'cost_usd')) {
    if (v.cost_usd !== null && !isNonneg(v.cost_usd)) return null;
    out.cost_usd = v.cost_usd;
  }
  return out;
}

const CRITERION_KEYS = new Set(['id', 'text', 'weight', 'scale']);
const KIND_KEYS = new Set(['kind']);
const NUMERIC_KEYS = new Set(['kind', 'min', 'max']);
function criterion(v: unknown): Obj | null {
  if (!isObj(v) || !onlyKeys(v, CRITERION_KEYS)) return null;
  if (!isId(v.id) || !isText(v.text) || !isFinite(v.weight) || !(v.weight > 0)) return null;
  const s = v.scale;
  if (!isObj(s)) return null;
  let scale: Obj;
  if ((s.kind === 'binary' || s.kind === 'ternary') && onlyKeys(s, KIND_KEYS)) scale = { kind: s.kind };
  else if (s.kind === 'numeric' && onlyKeys(s, NUMERIC_KEYS) && isFinite(s.min) && isFinite(s.max)) scale = { kind: s.kind, min: s.min, max: s.max };
  else return null;
  return { id: v.id, text: v.text, weight: v.weight, scale };
}

const JUDGMENT_KEYS = new Set(['criterion', 'steps', 'score', 'rationale', 'judge']);
function judgment(v: unknown): Obj | null {
  if (!isObj(v) || !onlyKeys(v, JUDGMENT_KEYS)) return null;
  if (!isId(v.criterion) || !isFinite(v.score)) return null;
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

function list(v: unknown, min: number, max: number, item: (x: unknown) => Obj | null): Obj[] | null {
  if (!Array.isArray(v) || v.length < min || v.length > max) return null;
  const out: Obj[] = new Array(v.length);
  for (let i = 0; i < v.length; i++) {
    const x = item(v[i]);
    if (!x) return null;
    out[i] = x;
  }
  return out;
}

const LINE_KEYS = new Set(['format', 'id', 'run', 'query', 'models', 'steps', 'final_answer', 'correct', 'rubric', 'judgments', 'training', 'meta']);
const RUN_KEYS = new Set(['id', 'policy', 'meta']);
const QUERY_KEYS = new Set(['id', 'benchmark', 'text', 'reference_answer']);
const RUBRIC_KEYS = new Set(['id', 'generator', 'criteria']);
const TRAINING_KEYS = new Set(['step', 'group']);

function structural(v: unknown): Obj | null {
  if (!isObj(v) || !onlyKeys(v, LINE_KEYS)) return null;
  if (v.format !== TRACE_FORMAT || !isId(v.id) || typeof v.correct !== 'boolean') return null;
  const out: Obj = { format: v.format, id: v.id };

  const r = v.run;
  if (!isObj(r) || !onlyKeys(r, RUN_KEYS) || !isId(r.id)) return null;
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
  if (!isObj(q) || !onlyKeys(q, QUERY_KEYS) || !isId(q.id) || !isText(q.text)) return null;
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
  out.models = models;
  const steps = list(v.steps, 1, MAX_STEPS, step);
  if (!steps) return null;
  out.steps = steps;
  if (has(v, 'final_answer')) {
    if (!isText(v.final_answer)) return null;
    out.final_answer = v.final_answer;
  }
  out.correct = v.correct;

  if (has(v, 'rubric')) {
    const b = v.rubric;
    if (!isObj(b) || !onlyKeys(b, RUBRIC_KEYS) || !isId(b.id)) return null;
    const rubric: Obj = { id: b.id };
    if (has(b, 'generator')) {
      if (!isShortText(b.generator)) return null;
      rubric.generator = b.generator;
    }
    const criteria = list(b.criteria, 1, MAX_CRITERIA, criterion);
    if (!criteria) return null;
    rubric.criteria = criteria;
    out.rubric = rubric;
  }
  if (has(v, 'judgments')) {
    const judgments = list(v.judgments, 0, MAX_JUDGMENTS, judgment);
    if (!judgments) return null;
    out.judgments = judgments;
  }
  if (has(v, 'training')) {
    const t = v.training;
    if (!isObj(t) || !onlyKeys(t, TRAINING_KEYS) || !isCount(t.step) || t.step > 2_147_483_647) return null;
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
  return out;
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
