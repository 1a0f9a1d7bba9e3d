// The trajectory list's filters (api.md), shared by the list route, the exports, the annotation
// queues and the pages that put them in their URLs. One schema, parsed from URLSearchParams.
import { z } from 'zod';
import { storableString } from './text';

export const SORT_FIELDS = ['id', 'cost', 'process_score', 'reward', 'steps', 'ingested_at'] as const;
export type SortField = (typeof SORT_FIELDS)[number];

const bool = z.enum(['true', 'false'], { error: 'must be true or false' }).transform((v) => v === 'true');
const money = z.coerce
  .number({ error: 'must be a number' })
  .refine(Number.isFinite, 'must be a finite number')
  .refine((n) => n >= 0, 'must be >= 0');
const text = (max: number) => storableString().min(1, 'must not be empty').max(max, `must be at most ${max} characters`);

export const ESCALATION_FILTER_VALUES = ['0', '1', '2', '3+'] as const;

/** A training step or an inclusive range of them: "120" or "100..199". */
export interface StepRange {
  from: number;
  to: number;
}

const MAX_STEP = 2_147_483_647;
export const stepRangeSchema = z
  .string()
  .regex(/^\d{1,10}(\.\.\d{1,10})?$/, 'must be a training step (120) or a range of them (100..199)')
  .transform((v, ctx): StepRange => {
    const [a, b = a] = v.split('..').map(Number) as [number, number?];
    if (a > MAX_STEP || b > MAX_STEP) ctx.addIssue({ code: 'custom', message: `must be at most ${MAX_STEP}`, input: v });
    else if (a > b) ctx.addIssue({ code: 'custom', message: 'must not end before it starts (from..to with from <= to)', input: v });
    return { from: a, to: b };
  });

export function formatStepRange(r: StepRange): string {
  return r.from === r.to ? String(r.from) : `${r.from}..${r.to}`;
}

export const trajectoryFilterSchema = z
  .object({
    run: text(200).optional(),
    query: text(200).optional(),
    benchmark: text(200).optional(),
    correct: bool.optional(),
    model: text(200).optional(),
    min_cost: money.optional(),
    max_cost: money.optional(),
    labelled: bool.optional(),
    q: text(500).optional(),
    // Routing decisions (scoring.md): the trajectory's number of escalations, and whether any of its
    // steps went off the router's most probable model(s).
    escalations: z.enum(ESCALATION_FILTER_VALUES, { error: `must be one of ${ESCALATION_FILTER_VALUES.join(', ')}` }).optional(),
    off_argmax: bool.optional(),
    step: stepRangeSchema.optional(),
    group: text(200).optional(),
  })
  .refine((f) => f.min_cost === undefined || f.max_cost === undefined || f.min_cost <= f.max_cost, {
    message: 'must not be above max_cost',
    path: ['min_cost'],
  });

export type TrajectoryFilter = z.infer<typeof trajectoryFilterSchema>;

export const listParamsSchema = z.object({
  sort: z.enum(SORT_FIELDS, { error: `must be one of ${SORT_FIELDS.join(', ')}` }).default('id'),
  order: z.enum(['asc', 'desc'], { error: 'must be asc or desc' }).default('asc'),
  cursor: z.string().max(1000, 'is not a cursor of this list').optional(),
  limit: z.coerce.number({ error: 'must be an integer' }).int('must be an integer').min(1, 'must be at least 1').max(500, 'must be at most 500').default(50),
});

export type ListParams = z.infer<typeof listParamsSchema>;

export const FILTER_KEYS = [
  'run',
  'query',
  'benchmark',
  'correct',
  'model',
  'min_cost',
  'max_cost',
  'labelled',
  'q',
  'escalations',
  'off_argmax',
  'step',
  'group',
] as const;

/** The last value of each key, as URLSearchParams may repeat keys; empty values count as absent. */
export function paramsObject(params: URLSearchParams, keys?: readonly string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of params) {
    if (keys && !keys.includes(k)) continue;
    if (v !== '') out[k] = v;
  }
  return out;
}

export function parseTrajectoryFilter(params: URLSearchParams): TrajectoryFilter {
  return trajectoryFilterSchema.parse(paramsObject(params, FILTER_KEYS));
}

/** Filters back to query-string form (for links and for the provenance of exports). */
export function filterToParams(f: TrajectoryFilter): Record<string, string> {
  const out: Record<string, string> = {};
  for (const k of FILTER_KEYS) {
    const v = f[k];
    if (v !== undefined) out[k] = typeof v === 'object' ? formatStepRange(v) : String(v);
  }
  return out;
}
