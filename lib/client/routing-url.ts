// The Routing page's state lives in the URL: the trajectory list's filters (so a link from the list
// carries over, and each bar links back to the list), `run` for side A, `vs` for side B (a run, or
// `all` for every run under the same filters), and `judge`.
import { FILTER_KEYS } from '@/lib/schemas/filters';
import { withParams, type Params } from './api';
import { listStateFrom, validState, type ListState } from './list-url';

export const ALL_RUNS = 'all';

export interface RoutingSide {
  key: 'A' | 'B';
  /** The side's run, or null for every run under the filters. */
  run: string | null;
  label: string;
  /** The list filters of the side's trajectories (for GET /api/routing and links to the list). */
  filters: Params;
}

export interface RoutingState {
  /** The list filters as in the URL (run included: it is side A). */
  filters: ListState;
  vs: string;
  judge: string | undefined;
  sides: RoutingSide[];
}

function filtersOf(state: ListState): Params {
  const out: Params = {};
  for (const k of FILTER_KEYS) if (state[k] !== undefined) out[k] = state[k];
  return out;
}

export function routingStateFrom(search: URLSearchParams): RoutingState {
  const filters = listStateFrom(search);
  // A value the API would refuse is left out of the requests (the filters bar shows it on its field).
  const valid = filtersOf(validState(filters));
  const judge = search.get('judge') || undefined;
  const vs = search.get('vs') || ALL_RUNS;
  const run = typeof valid.run === 'string' ? valid.run : null;
  const { run: _run, ...shared } = valid;
  const sides: RoutingSide[] = [{ key: 'A', run, label: run ?? 'All runs', filters: run ? { ...shared, run } : shared }];
  if (run !== null) {
    const other = vs === ALL_RUNS || vs === run ? null : vs;
    sides.push({ key: 'B', run: other, label: other ?? 'All runs', filters: other ? { ...shared, run: other } : shared });
  }
  return { filters, vs, judge, sides };
}

/** The page's URL for a state change (filters, `vs`, `judge`); empty values drop out. */
export function routingSearch(state: { filters: ListState; vs?: string; judge?: string }): string {
  const params: Params = { ...filtersOf(state.filters) };
  if (state.filters.run && state.vs && state.vs !== ALL_RUNS) params.vs = state.vs;
  if (state.judge) params.judge = state.judge;
  const href = withParams('', params);
  return href;
}

export function routingHref(run?: string, vs?: string): string {
  return `/routing${routingSearch({ filters: run ? { run } : {}, vs })}`;
}

/** The trajectory list behind a bar: the side's filters and the bar's own. */
export function listHref(side: RoutingSide, extra: Params): string {
  return withParams('/trajectories', { ...side.filters, ...extra });
}

/** "0–10%" ... "90–100%": a bin of position or probability, as the page labels it. */
export function binLabel(bin: number, unit: '%' | '' = '%'): string {
  if (unit === '%') return `${bin * 10}–${bin * 10 + 10}%`;
  return `${(bin / 10).toFixed(1)}–${((bin + 1) / 10).toFixed(1)}`;
}
