// The trajectory list's state lives in the URL (filters, sort, cursor), so a view can be shared and
// the back button works. These helpers read it and write changes back.
import { FILTER_KEYS, trajectoryFilterSchema } from '@/lib/schemas/filters';
import { VIEW_SETTING_KEYS, viewSettingsSchema } from '@/lib/schemas/view-settings';
import type { Params } from './api';

/** The filters, the view settings (judge, lambda, mu: the figures the list shows and sorts by), the order, the page. */
export const LIST_KEYS = [...FILTER_KEYS, ...VIEW_SETTING_KEYS, 'sort', 'order', 'cursor', 'page'] as const;
export type ListKey = (typeof LIST_KEYS)[number];
export type ListState = Partial<Record<ListKey, string>>;

export const PAGE_SIZE = 50;

export function listStateFrom(search: URLSearchParams): ListState {
  const state: ListState = {};
  for (const key of LIST_KEYS) {
    const v = search.get(key);
    if (v !== null && v !== '') state[key] = v;
  }
  return state;
}

/** The API's parameters for a list state (the page number is the page's own, not the API's). */
export function apiParams(state: ListState): Params {
  const { page: _page, ...rest } = state;
  return { ...rest, limit: PAGE_SIZE };
}

/** The state after a change of filters or sort: back to the first page. */
export function changed(state: ListState, change: ListState): ListState {
  const next: ListState = { ...state, ...change };
  const paging = Object.keys(change).every((k) => k === 'cursor' || k === 'page');
  if (!paging) {
    delete next.cursor;
    delete next.page;
  }
  for (const k of Object.keys(next) as ListKey[]) if (next[k] === undefined || next[k] === '') delete next[k];
  return next;
}

export function toSearch(state: ListState): string {
  const s = new URLSearchParams();
  for (const key of LIST_KEYS) {
    const v = state[key];
    if (v !== undefined && v !== '') s.set(key, v);
  }
  const text = s.toString();
  return text ? `?${text}` : '';
}

export function activeFilterCount(state: ListState): number {
  return FILTER_KEYS.filter((k) => state[k] !== undefined).length;
}

/** Each filter value that the list API would refuse, with the API's reason (the same zod schema). */
export function filterProblems(state: ListState): Partial<Record<ListKey, string>> {
  const values: Record<string, string> = {};
  for (const k of FILTER_KEYS) if (state[k] !== undefined) values[k] = state[k]!;
  const parsed = trajectoryFilterSchema.safeParse(values);
  const out: Partial<Record<ListKey, string>> = {};
  if (parsed.success) return out;
  for (const issue of parsed.error.issues) {
    const key = issue.path[0];
    if (typeof key === 'string' && (FILTER_KEYS as readonly string[]).includes(key) && !out[key as ListKey]) out[key as ListKey] = issue.message;
  }
  return out;
}

/** The state without the filter values and view settings that the API would refuse. */
export function validState(state: ListState): ListState {
  const bad = filterProblems(state);
  const out: ListState = { ...state };
  for (const k of Object.keys(bad) as ListKey[]) delete out[k];
  for (const k of VIEW_SETTING_KEYS) if (out[k] !== undefined && !viewSettingsSchema.shape[k].safeParse(out[k]).success) delete out[k];
  return out;
}
