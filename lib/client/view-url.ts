// The view settings (judge, lambda, mu) of a page live in its URL, next to the page's own state, so a
// view can be shared and survives a reload. Values the schema refuses are left out (the defaults stand).
import { DEFAULT_VIEW, VIEW_SETTING_KEYS, viewSettingsParams, viewSettingsSchema, type ViewSettings } from '@/lib/schemas/view-settings';

export { VIEW_SETTING_KEYS };

export function viewFromSearch(search: URLSearchParams): ViewSettings {
  const view = { ...DEFAULT_VIEW };
  for (const key of VIEW_SETTING_KEYS) {
    const raw = search.get(key);
    if (raw === null || raw === '') continue;
    const parsed = viewSettingsSchema.shape[key].safeParse(raw);
    if (!parsed.success || parsed.data === undefined) continue;
    if (key === 'judge') view.judge = parsed.data as string;
    else view[key] = parsed.data as number;
  }
  return view;
}

/** The API parameters of a view: only what differs from the defaults. */
export const viewParams = (view: ViewSettings): Record<string, string> => viewSettingsParams(view);

/** `search` with the view's settings written into it (the defaults removed). */
export function withView(search: URLSearchParams, view: ViewSettings): URLSearchParams {
  const next = new URLSearchParams(search);
  for (const key of VIEW_SETTING_KEYS) next.delete(key);
  for (const [k, v] of Object.entries(viewParams(view))) next.set(k, v);
  return next;
}
