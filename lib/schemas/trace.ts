// The trace v1 line (../shared/spec/trace-format.md) as one zod schema: the structural rules of
// trace.schema.json, then the cross-references, so that one parse says whether a line may be stored.
import { z } from 'zod';
import { hasNoNul as noNul, NUL_MESSAGE } from './text';
import { isOnScale, scaleText, validateScale } from '@/lib/domain/rubric';
import { checkRoutelensMeta } from './routelens-meta';

export const TRACE_FORMAT = 'routelens.trace.v1';
export const MAX_ID = 200;
export const MAX_TEXT = 1_048_576;
export const MAX_STEPS = 20_000;
export const MAX_MODELS = 64;
export const MAX_CRITERIA = 100;
export const MAX_JUDGMENTS = 100_000;
/** How deep meta objects may nest (a guard against input built to exhaust the stack). */
export const MAX_META_DEPTH = 64;
/** How far the router's probabilities may sum from 1 (they are rounded by most writers). */
export const PROBS_SUM_TOLERANCE = 0.01;

// PostgreSQL text cannot hold the NUL character: a line that has one in a stored string is refused
// here, with its path, rather than by the database (lib/schemas/text.ts).
const id = z
  .string({ error: (i) => (i.input === undefined ? 'is required' : 'must be a string id') })
  .min(1, 'must not be empty')
  .max(MAX_ID, `must be at most ${MAX_ID} characters`)
  .refine(noNul, NUL_MESSAGE);
const text = z.string({ error: 'must be a string' }).max(MAX_TEXT, `must be at most ${MAX_TEXT} characters`).refine(noNul, NUL_MESSAGE);
const shortText = z.string({ error: 'must be a string' }).max(MAX_ID, `must be at most ${MAX_ID} characters`).refine(noNul, NUL_MESSAGE);
const finite = z.number({ error: 'must be a finite number' });
const nonneg = finite.min(0, 'must be >= 0');
const count = z.number({ error: 'must be an integer >= 0' }).int('must be an integer').min(0, 'must be >= 0');
const meta = z.record(z.string(), z.unknown(), { error: 'must be a JSON object' });

const scale = z.discriminatedUnion(
  'kind',
  [
    z.strictObject({ kind: z.literal('binary') }),
    z.strictObject({ kind: z.literal('ternary') }),
    z.strictObject({ kind: z.literal('numeric'), min: finite, max: finite }),
  ],
  { error: 'must be {"kind": "binary"}, {"kind": "ternary"} or {"kind": "numeric", "min": ..., "max": ...}' },
);

const model = z.strictObject({
  id,
  params_b: nonneg.optional(),
  usd_per_mtok_in: nonneg,
  usd_per_mtok_out: nonneg,
});

const step = z.strictObject({
  index: count,
  model: id,
  text,
  tokens_in: count,
  tokens_out: count,
  latency_ms: nonneg.optional(),
  router: z
    .strictObject({
      probs: z.record(z.string(), finite.min(0, 'must be between 0 and 1').max(1, 'must be between 0 and 1')).optional(),
    })
    .optional(),
  cost_usd: nonneg.nullable().optional(),
});

const criterion = z.strictObject({
  id,
  text,
  weight: finite.positive('must be > 0'),
  scale,
});

const judgment = z.strictObject({
  criterion: id,
  steps: z.array(count).optional(),
  score: finite,
  rationale: text.optional(),
  /** A judge's name follows the id rules (1..200 characters, no NUL); absent = the unnamed judge. */
  judge: id.optional(),
});

const structural = z.strictObject({
  format: z.literal(TRACE_FORMAT, { error: `must be "${TRACE_FORMAT}"` }),
  id,
  run: z.strictObject({ id, policy: shortText.optional(), meta: meta.optional() }),
  query: z.strictObject({
    id,
    benchmark: shortText.optional(),
    text,
    reference_answer: text.optional(),
  }),
  models: z.array(model).min(1, 'must list at least one model').max(MAX_MODELS, `must list at most ${MAX_MODELS} models`),
  steps: z.array(step).min(1, 'must hold at least one step').max(MAX_STEPS, `must hold at most ${MAX_STEPS} steps`),
  final_answer: text.optional(),
  correct: z.boolean({ error: 'must be true or false' }),
  rubric: z
    .strictObject({
      id,
      generator: shortText.optional(),
      criteria: z.array(criterion).min(1, 'must hold at least one criterion').max(MAX_CRITERIA, `must hold at most ${MAX_CRITERIA} criteria`),
    })
    .optional(),
  judgments: z.array(judgment).max(MAX_JUDGMENTS, `must hold at most ${MAX_JUDGMENTS} judgments`).optional(),
  training: z
    .strictObject(
      {
        step: z
          .number({ error: (i) => (i.input === undefined ? 'is required when training is present' : 'must be an integer >= 0') })
          .int('must be an integer')
          .min(0, 'must be >= 0')
          .max(2_147_483_647, 'must be at most 2147483647'),
        group: id.optional(),
      },
      { error: 'must be an object {"step": ..., "group": ...}' },
    )
    .optional(),
  meta: meta.optional(),
});

export type TraceLine = z.infer<typeof structural>;

/** Nesting depth of a JSON value, without recursion (the value may be deeper than the stack). */
export function jsonDepth(value: unknown, limit: number): number {
  let depth = 0;
  let level: unknown[] = [value];
  while (level.length > 0 && depth <= limit) {
    const next: unknown[] = [];
    for (const v of level) {
      if (v && typeof v === 'object') next.push(...(Array.isArray(v) ? v : Object.values(v)));
    }
    if (next.length === 0 && !level.some((v) => v && typeof v === 'object')) break;
    depth++;
    level = next;
  }
  return depth;
}

// The rules that JSON Schema cannot say: references between parts of the line.
function crossReferences(line: TraceLine, ctx: z.RefinementCtx): void {
  const issue = (path: (string | number)[], message: string) => ctx.addIssue({ code: 'custom', path, message, input: undefined });

  if (line.meta && jsonDepth(line.meta, MAX_META_DEPTH) > MAX_META_DEPTH) {
    issue(['meta'], `is nested more than ${MAX_META_DEPTH} levels deep`);
  }
  if (line.run.meta && jsonDepth(line.run.meta, MAX_META_DEPTH) > MAX_META_DEPTH) {
    issue(['run', 'meta'], `is nested more than ${MAX_META_DEPTH} levels deep`);
  }

  const modelIds = new Set<string>();
  line.models.forEach((m, i) => {
    if (modelIds.has(m.id)) issue(['models', i, 'id'], `model "${m.id}" is listed twice`);
    modelIds.add(m.id);
  });

  line.steps.forEach((s, i) => {
    if (s.index !== i) issue(['steps', i, 'index'], `must be ${i}: step indexes run 0, 1, 2, ... in order`);
    if (!modelIds.has(s.model)) issue(['steps', i, 'model'], `"${s.model}" is not one of the line's models`);
    const probs = s.router?.probs;
    if (probs) {
      let sum = 0;
      for (const [k, v] of Object.entries(probs)) {
        if (!modelIds.has(k)) issue(['steps', i, 'router', 'probs', k], `"${k}" is not one of the line's models`);
        sum += v;
      }
      if (Object.keys(probs).length > 0 && Math.abs(sum - 1) > PROBS_SUM_TOLERANCE) {
        issue(['steps', i, 'router', 'probs'], `probabilities sum to ${Number(sum.toFixed(6))}, not 1`);
      }
    }
  });

  const criteria = new Map<string, NonNullable<TraceLine['rubric']>['criteria'][number]>();
  line.rubric?.criteria.forEach((c, i) => {
    if (criteria.has(c.id)) issue(['rubric', 'criteria', i, 'id'], `criterion "${c.id}" is listed twice`);
    criteria.set(c.id, c);
    const bad = validateScale(c.scale);
    if (bad) issue(['rubric', 'criteria', i, 'scale'], bad);
  });

  if (line.judgments && line.judgments.length > 0 && !line.rubric) {
    issue(['judgments'], 'judgments need a "rubric" on the same line');
    return;
  }
  // One judge scores an item (a criterion and a set of steps) at most once.
  const scoredBy = new Map<string, number>();
  line.judgments?.forEach((j, i) => {
    const c = criteria.get(j.criterion);
    if (!c) {
      issue(['judgments', i, 'criterion'], `"${j.criterion}" is not one of the rubric's criteria`);
      return;
    }
    // `steps` is a set: order and repeats do not matter ([3, 2, 2] names the steps {2, 3}).
    j.steps?.forEach((k, n) => {
      if (k >= line.steps.length) issue(['judgments', i, 'steps', n], `step ${k} does not exist (the trajectory has ${line.steps.length} steps)`);
    });
    if (!validateScale(c.scale) && !isOnScale(j.score, c.scale)) {
      issue(['judgments', i, 'score'], `${j.score} is not on criterion "${c.id}"'s scale: ${scaleText(c.scale)}`);
    }
    const set = [...new Set(j.steps ?? [])].sort((a, b) => a - b);
    const key = `${j.judge === undefined ? '' : `=${j.judge}`}\u0000${j.criterion}\u0000${set.join(',')}`;
    const first = scoredBy.get(key);
    if (first !== undefined) {
      const who = j.judge === undefined ? 'the unnamed judge' : `judge "${j.judge}"`;
      issue(
        ['judgments', i],
        `${who} already scores this item (criterion "${j.criterion}", steps [${set.join(', ')}]) at /judgments/${first}: one judge scores an item at most once`,
      );
    } else {
      scoredBy.set(key, i);
    }
  });
  checkRoutelensMeta(line, issue);
}

export const traceLineSchema = structural.superRefine(crossReferences);

/** Whether a structurally valid line breaks a cross-reference rule (the fast path's check; zod words the problem). */
export function crossReferenceProblems(line: TraceLine): boolean {
  let found = false;
  crossReferences(line, {
    addIssue: () => {
      found = true;
    },
  } as unknown as z.RefinementCtx);
  return found;
}

/** JSON Pointer (RFC 6901) of a zod issue path, as api.md's errors name it: "/steps/3/model". */
export function jsonPointer(path: readonly PropertyKey[]): string {
  if (path.length === 0) return '';
  return path.map((p) => '/' + String(p).replace(/~/g, '~0').replace(/\//g, '~1')).join('');
}

export interface LineProblem {
  path: string;
  message: string;
}

function isAbsent(value: unknown, path: readonly PropertyKey[]): boolean {
  let cur: unknown = value;
  for (const p of path) {
    if (cur === null || typeof cur !== 'object' || !Object.prototype.hasOwnProperty.call(cur, p as string)) return true;
    cur = (cur as Record<PropertyKey, unknown>)[p];
  }
  return cur === undefined;
}

/** The first problem of a line that does not parse, in words a person can act on. */
export function firstProblem(error: z.ZodError, value: unknown): LineProblem {
  const issue = error.issues[0];
  if (!issue) return { path: '', message: 'invalid line' };
  let path = [...issue.path];
  let message = issue.message;
  if (issue.code === 'unrecognized_keys') {
    const key = issue.keys[0] ?? '';
    path = [...path, key];
    message = `unknown key "${key}"${path.length === 1 ? ' (not in trace v1; put extra fields under "meta")' : ''}`;
  } else if (issue.code === 'invalid_type' && isAbsent(value, issue.path)) {
    message = 'is required';
  }
  return { path: jsonPointer(path), message };
}
