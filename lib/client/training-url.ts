// The training page's own state lives in its URL beside the view settings (judge, lambda, mu): the
// training step (or range of steps) whose groups are open, the group whose rollouts are open, and how
// the groups are filtered and sorted. A value the routes would refuse is left out (the default stands).
import { formatStepRange, stepRangeSchema, type StepRange } from '@/lib/schemas/filters';
import { GROUP_SORT_FIELDS, type GroupSortField } from '@/lib/schemas/training';
import { withParams, type Params } from './api';

/** Which groups of the step are listed, by their signal under the outcome alone and the combined reward. */
export const SIGNAL_FILTERS = {
  all: { label: 'All groups', params: {} },
  no_outcome_signal: { label: 'No signal under the outcome alone', params: { no_signal_outcome: 'true' } },
  rescued: { label: 'Given a signal by the process reward', params: { no_signal_outcome: 'true', no_signal: 'false' } },
  no_signal: { label: 'No signal under the combined reward', params: { no_signal: 'true' } },
} as const satisfies Record<string, { label: string; params: Params }>;
export type SignalFilter = keyof typeof SIGNAL_FILTERS;

export interface TrainingPageState {
  step: StepRange | null;
  group: string | null;
  signal: SignalFilter;
  sort: GroupSortField;
  order: 'asc' | 'desc';
}

export const DEFAULT_TRAINING_STATE: TrainingPageState = { step: null, group: null, signal: 'all', sort: 'group', order: 'asc' };

export function trainingStateFrom(search: URLSearchParams): TrainingPageState {
  const step = stepRangeSchema.safeParse(search.get('step') ?? '');
  const group = search.get('group');
  const signal = search.get('signal') ?? '';
  const sort = search.get('sort') ?? '';
  const order = search.get('order');
  return {
    step: step.success ? step.data : null,
    group: group && group.length <= 200 ? group : null,
    signal: Object.hasOwn(SIGNAL_FILTERS, signal) ? (signal as SignalFilter) : 'all',
    sort: (GROUP_SORT_FIELDS as readonly string[]).includes(sort) ? (sort as GroupSortField) : 'group',
    order: order === 'desc' ? 'desc' : 'asc',
  };
}

/** `search` with the page state written into it (defaults removed), every other parameter kept. */
export function withTrainingState(search: URLSearchParams, state: TrainingPageState): URLSearchParams {
  const next = new URLSearchParams(search);
  for (const k of ['step', 'group', 'signal', 'sort', 'order']) next.delete(k);
  if (state.step) next.set('step', formatStepRange(state.step));
  if (state.group) next.set('group', state.group);
  if (state.signal !== 'all') next.set('signal', state.signal);
  if (state.sort !== 'group') next.set('sort', state.sort);
  if (state.order !== 'asc') next.set('order', state.order);
  return next;
}

/** The groups route's parameters (without judge, lambda, mu and cursor) for the page state. */
export function groupListParams(state: TrainingPageState): Params {
  return { step: state.step ? formatStepRange(state.step) : undefined, sort: state.sort, order: state.order, ...SIGNAL_FILTERS[state.signal].params };
}

/** Run ids may hold "/": one path segment, encoded. */
export const trainingHref = (run: string, params: Params = {}) => withParams(`/runs/${encodeURIComponent(run)}/training`, params);
export const trainingApiPath = (run: string) => `/api/runs/${encodeURIComponent(run)}`;
