// Annotation queues: which items (the list filters + an optional criterion) and which of them
// (the rule), shared by the admin's form and the handler.
import { z } from 'zod';
import { rowIdSchema, storableString } from './text';
import { trajectoryFilterSchema } from './filters';

export const QUEUE_RULES = ['all', 'sample', 'score_range', 'disagreement'] as const;
export type QueueRule = (typeof QUEUE_RULES)[number];

const unit = z.number({ error: 'must be a number between 0 and 1' }).min(0, 'must be >= 0').max(1, 'must be <= 1');

export const ruleParamsSchema = z.discriminatedUnion(
  'rule',
  [
    z.object({ rule: z.literal('all') }),
    z.object({
      rule: z.literal('sample'),
      n: z.number({ error: 'must be an integer >= 1' }).int('must be an integer').min(1, 'must be >= 1'),
      /** Same seed, same filter, same data: same sample. */
      seed: z
        .number()
        .int()
        .min(0)
        .max(2 ** 31 - 1)
        .optional(),
    }),
    z
      .object({
        rule: z.literal('score_range'),
        /** Bounds on the judge's normalized score (scoring.md): 0 is the scale's worst, 1 its best. */
        min: unit,
        max: unit,
      })
      .refine((r) => r.min <= r.max, { message: 'must not be above max', path: ['min'] }),
    z.object({
      rule: z.literal('disagreement'),
      /**
       * people: two annotators' newest labels of the item differ; judge_human: the item's newest label
       * differs from a judge's score; judges: two judges scored the item differently.
       */
      between: z.enum(['people', 'judge_human', 'judges'], { error: 'must be people, judge_human or judges' }).default('people'),
    }),
  ],
  { error: `must name a rule: ${QUEUE_RULES.join(', ')}` },
);
export type RuleParams = z.infer<typeof ruleParamsSchema>;

/** As on the list's URL, an empty value is no filter. */
function withoutEmptyValues(f: unknown): unknown {
  if (f === undefined || f === null) return {};
  if (typeof f !== 'object' || Array.isArray(f)) return f;
  return Object.fromEntries(Object.entries(f).filter(([, v]) => v !== '' && v !== null && v !== undefined));
}

export const newQueueBodySchema = z.object({
  name: storableString({ error: 'is required' }).trim().min(1, 'is required').max(200, 'must be at most 200 characters'),
  /** The trajectory list's filters, as the list's URL carries them (strings). */
  filters: z.preprocess(withoutEmptyValues, trajectoryFilterSchema),
  criterion: storableString().min(1).max(200).nullish(),
  /** With `criterion`: only that rubric's criterion (criterion ids repeat across rubrics). */
  rubric: storableString().min(1).max(200).nullish(),
  /** Every criterion of this scale kind. */
  criterion_kind: z.enum(['binary', 'ternary', 'numeric'], { error: 'must be binary, ternary or numeric' }).nullish(),
  rule: ruleParamsSchema,
  overlap: z.number({ error: 'must be an integer 1..20' }).int('must be an integer').min(1, 'must be >= 1').max(20, 'must be <= 20').default(1),
  guidelines: storableString().max(50_000, 'must be at most 50000 characters').nullish(),
});
export type NewQueueBody = z.input<typeof newQueueBodySchema>;

export const nextItemBodySchema = z.object({
  /** Items the annotator passed over in this sitting (n): not offered again until they come back. */
  skip: z
    .array(rowIdSchema('must be item ids', 'is not an item id'), {
      error: 'must be an array of item ids',
    })
    .max(10_000, 'must name at most 10000 items')
    .default([]),
});
