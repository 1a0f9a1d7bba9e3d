// Query parameters of the read routes other than the list filters (filters.ts) and the view settings
// (view-settings.ts): step pages, agreement filters. Shared by the routes and the pages that build URLs.
import { z } from 'zod';
import { storableString } from './text';
import { paramsObject } from './filters';
import { pairScopeSchema } from './exports';
import { judgeNameSchema, pairSettingsSchema } from './view-settings';

const integer = (min: number, max: number) =>
  z.coerce.number({ error: 'must be an integer' }).int('must be an integer').min(min, `must be at least ${min}`).max(max, `must be at most ${max}`);

const id = storableString().min(1, 'must not be empty').max(200, 'must be at most 200 characters');

/**
 * A query's preference pairs (GET /api/queries/{id}/pairs): the pair settings, within one run or all,
 * between any two trajectories of the query or (scope=group) two rollouts of one training group.
 */
export const pairParamsSchema = pairSettingsSchema.extend({ run: id.optional(), scope: pairScopeSchema.default('query') });
export type PairParams = z.infer<typeof pairParamsSchema>;

export function parsePairParams(params: URLSearchParams): PairParams {
  return pairParamsSchema.parse(paramsObject(params, ['delta_p', 'ratio_c', 'cap', 'run', 'scope']));
}

export const STEPS_PAGE_DEFAULT = 2_000;
export const STEPS_PAGE_MAX = 5_000;

/** A page of a trajectory's steps; `fields=light` leaves the step texts out (fetched lazily). */
export const stepsPageSchema = z.object({
  steps_from: integer(0, 1_000_000_000).default(0),
  steps_limit: integer(1, STEPS_PAGE_MAX).default(STEPS_PAGE_DEFAULT),
  fields: z.enum(['full', 'light'], { error: 'must be full or light' }).default('full'),
});
export type StepsPage = z.infer<typeof stepsPageSchema>;

export function parseStepsPage(params: URLSearchParams): StepsPage {
  return stepsPageSchema.parse(paramsObject(params, ['steps_from', 'steps_limit', 'fields']));
}

export const agreementParamsSchema = z.object({
  run: id.optional(),
  rubric: id.optional(),
  criterion: id.optional(),
});
export type AgreementParams = z.infer<typeof agreementParamsSchema>;

export function parseAgreementParams(params: URLSearchParams): AgreementParams {
  return agreementParamsSchema.parse(paramsObject(params, ['run', 'rubric', 'criterion']));
}

/** How GET /api/agreement?by=judge&over= buckets a judge's agreement: by the newest label's day or week (UTC), or by training step. */
export const AGREEMENT_OVER = ['day', 'week', 'step'] as const;
export type AgreementOver = (typeof AGREEMENT_OVER)[number];

/** GET /api/agreement: the filters, the judge setting, `by=judge` (per judge) and `over` (a series per judge). */
export const agreementRequestSchema = agreementParamsSchema
  .extend({
    judge: judgeNameSchema.optional(),
    by: z.enum(['judge'], { error: 'must be judge' }).optional(),
    over: z.enum(AGREEMENT_OVER, { error: 'must be day, week or step' }).optional(),
  })
  .refine((p) => p.over === undefined || p.by === 'judge', { path: ['over'], message: 'needs by=judge (a series per judge)' });
export type AgreementRequest = z.infer<typeof agreementRequestSchema>;

export function parseAgreementRequest(params: URLSearchParams): AgreementRequest {
  return agreementRequestSchema.parse(paramsObject(params, ['run', 'rubric', 'criterion', 'judge', 'by', 'over']));
}

export const disagreementParamsSchema = agreementParamsSchema.extend({
  between: z.enum(['judge_human', 'people', 'judges'], { error: 'must be judge_human, people or judges' }).default('judge_human'),
  after: integer(0, 2_147_483_647).optional(),
  limit: integer(1, 500).default(100),
});
export type DisagreementParams = z.infer<typeof disagreementParamsSchema>;

export function parseDisagreementParams(params: URLSearchParams): DisagreementParams {
  return disagreementParamsSchema.parse(paramsObject(params, ['run', 'rubric', 'criterion', 'between', 'after', 'limit']));
}

/** The two trajectories of GET /api/compare (with the view and pair settings beside them). */
export const compareParamsSchema = z.object({ a: id, b: id });
export type CompareParams = z.infer<typeof compareParamsSchema>;

export function parseCompareParams(params: URLSearchParams): CompareParams {
  return compareParamsSchema.parse(paramsObject(params, ['a', 'b']));
}
