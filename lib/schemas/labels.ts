// Bodies of the label routes (api.md "Label"), shared by the forms and the handlers. Whether a score
// lies on its criterion's scale needs the criterion, so the handler checks that (lib/domain isOnScale).
import { z } from 'zod';
import { rowIdSchema, storableString } from './text';

export const MAX_RATIONALE = 10_000;

const score = z.number({ error: 'must be a number' }).refine(Number.isFinite, 'must be a finite number');
const rationale = storableString({ error: 'must be a string' })
  .max(MAX_RATIONALE, `must be at most ${MAX_RATIONALE} characters`)
  .nullish()
  .transform((r) => (r?.trim() ? r.trim() : null));
const version = z.number({ error: 'must be an integer >= 0' }).int('must be an integer').min(0, 'must be >= 0');

export const labelBodySchema = z.object({ score, rationale, expected_version: version });
export type LabelBody = z.infer<typeof labelBodySchema>;

/**
 * A revert appends a label equal to an earlier one: `label_id` names an earlier label of the item, or
 * `to: "judge"` restores the score of the judge of the judgment in the URL.
 */
export const revertBodySchema = z
  .object({
    label_id: rowIdSchema('must be a label id', 'is not a label id').optional(),
    to: z.literal('judge', { error: 'must be "judge"' }).optional(),
    rationale,
    expected_version: version,
  })
  .refine((b) => (b.label_id === undefined) !== (b.to === undefined), {
    message: 'give either label_id (an earlier label) or to: "judge" (the judge\'s score)',
    path: ['label_id'],
  });
export type RevertBody = z.infer<typeof revertBodySchema>;

/**
 * `steps` is a set (trace-format.md): order and repeats do not matter, [3, 2, 2] names the item of
 * steps {2, 3}, exactly as a line's judgment does at ingest.
 */
export const newJudgmentBodySchema = z.object({
  criterion: storableString({ error: 'must be a criterion id' }).min(1, 'must not be empty').max(200, 'must be at most 200 characters'),
  steps: z
    .array(z.number().int('must be step indexes').min(0, 'must be step indexes'), { error: 'must be an array of step indexes' })
    .max(20_000, 'must name at most 20000 steps')
    .default([]),
  score,
  rationale,
});
export type NewJudgmentBody = z.infer<typeof newJudgmentBodySchema>;
