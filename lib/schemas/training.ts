// Query parameters of the training routes (api.md "Training"): the reward settings, and a step's groups
// paged, sorted and filtered. Shared by the routes and the training page that builds their URLs.
import { z } from 'zod';
import { paramsObject, stepRangeSchema } from './filters';
import { viewSettingsSchema, type ViewSettings } from './view-settings';

// judge, lambda and mu of the curve and one group are the view settings (view-settings.ts).

export const GROUP_SORT_FIELDS = ['group', 'step', 'rollouts', 'accuracy', 'reward_std'] as const;
export type GroupSortField = (typeof GROUP_SORT_FIELDS)[number];

const bool = z.enum(['true', 'false'], { error: 'must be true or false' }).transform((v) => v === 'true');

export const groupListParamsSchema = viewSettingsSchema.extend({
  step: stepRangeSchema.optional(),
  /** Only the groups with (true) or with no (false) signal under the outcome alone. */
  no_signal_outcome: bool.optional(),
  /** The same under the combined reward at lambda and mu. */
  no_signal: bool.optional(),
  sort: z.enum(GROUP_SORT_FIELDS, { error: `must be one of ${GROUP_SORT_FIELDS.join(', ')}` }).default('group'),
  order: z.enum(['asc', 'desc'], { error: 'must be asc or desc' }).default('asc'),
  cursor: z.string().max(1000, 'is not a cursor of this list').optional(),
  limit: z.coerce.number({ error: 'must be an integer' }).int('must be an integer').min(1, 'must be at least 1').max(500, 'must be at most 500').default(50),
});
export type GroupListParams = Omit<z.infer<typeof groupListParamsSchema>, 'judge'> & ViewSettings;

export const GROUP_LIST_KEYS = ['judge', 'lambda', 'mu', 'step', 'no_signal_outcome', 'no_signal', 'sort', 'order', 'cursor', 'limit'] as const;

export function parseGroupListParams(params: URLSearchParams): GroupListParams {
  const p = groupListParamsSchema.parse(paramsObject(params, GROUP_LIST_KEYS));
  return { ...p, judge: p.judge ?? null };
}
