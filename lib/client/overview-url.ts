// The overview's own state lives in its URL beside the view settings: the benchmark its figures are
// for, the reference model of the savings, the runs table's sort, and (for admins) whether hidden
// runs are shown. Values that are not one of the known ones are left out (the defaults stand).
import type { RunSummary } from './types';

export const OVERVIEW_SORT_KEYS = ['run', 'trajectories', 'accuracy', 'cost', 'savings', 'process', 'reward'] as const;
export type OverviewSortKey = (typeof OVERVIEW_SORT_KEYS)[number];
export type SortOrder = 'asc' | 'desc';

export interface OverviewState {
  benchmark: string | null;
  reference: string | null;
  sort: OverviewSortKey;
  order: SortOrder;
  showHidden: boolean;
}

export const DEFAULT_OVERVIEW: OverviewState = { benchmark: null, reference: null, sort: 'run', order: 'asc', showHidden: false };

/** The order a column starts in when its header is first clicked: names A to Z, figures best first. */
export const firstOrder = (key: OverviewSortKey): SortOrder => (key === 'run' || key === 'cost' ? 'asc' : 'desc');

const isSortKey = (v: string | null): v is OverviewSortKey => v !== null && (OVERVIEW_SORT_KEYS as readonly string[]).includes(v);

export function overviewFromSearch(search: URLSearchParams): OverviewState {
  const text = (k: string) => {
    const v = search.get(k)?.trim();
    return v ? v.slice(0, 200) : null;
  };
  const sort = search.get('sort');
  const order = search.get('order');
  const key = isSortKey(sort) ? sort : DEFAULT_OVERVIEW.sort;
  return {
    benchmark: text('benchmark'),
    reference: text('reference'),
    sort: key,
    order: order === 'asc' || order === 'desc' ? order : firstOrder(key),
    showHidden: search.get('hidden') === 'show',
  };
}

/** `search` with the overview's state written into it (defaults removed), every other parameter kept. */
export function withOverview(search: URLSearchParams, s: OverviewState): URLSearchParams {
  const next = new URLSearchParams(search);
  for (const k of ['benchmark', 'reference', 'sort', 'order', 'hidden']) next.delete(k);
  if (s.benchmark) next.set('benchmark', s.benchmark);
  if (s.reference) next.set('reference', s.reference);
  if (s.sort !== DEFAULT_OVERVIEW.sort || s.order !== firstOrder(s.sort)) {
    next.set('sort', s.sort);
    next.set('order', s.order);
  }
  if (s.showHidden) next.set('hidden', 'show');
  return next;
}

/** The savings the table shows: against the chosen reference model, else against each trajectory's all-largest baseline. */
export const savingsOf = (r: RunSummary, reference: string | null): number | null => (reference ? (r.savings_vs_reference ?? null) : r.mean_savings);

function sortValue(r: RunSummary, key: OverviewSortKey, reference: string | null): number | string | null {
  switch (key) {
    case 'run':
      return r.id;
    case 'trajectories':
      return r.trajectories;
    case 'accuracy':
      return r.accuracy;
    case 'cost':
      return r.mean_cost_usd;
    case 'savings':
      return savingsOf(r, reference);
    case 'process':
      return r.mean_process_score;
    case 'reward':
      return r.mean_reward ?? null;
  }
}

/** The runs in the table's order; a run without the figure comes last either way, ties by id. */
export function sortRuns(runs: readonly RunSummary[], key: OverviewSortKey, order: SortOrder, reference: string | null = null): RunSummary[] {
  const sign = order === 'asc' ? 1 : -1;
  const byId = (a: RunSummary, b: RunSummary) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
  return [...runs].sort((a, b) => {
    const x = sortValue(a, key, reference);
    const y = sortValue(b, key, reference);
    if (x === null || y === null) return x === y ? byId(a, b) : x === null ? 1 : -1;
    if (x < y) return -sign;
    if (x > y) return sign;
    return byId(a, b);
  });
}
