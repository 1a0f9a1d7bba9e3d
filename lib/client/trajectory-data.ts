// One trajectory in the browser, fast at 20,000 steps: the steps without their texts ("light", in
// pages of STEPS_PAGE_MAX) draw the timeline and size the list, and the texts come by small pages as
// rows scroll in. The first text page comes with the page when the server could render it (then every
// light page is asked for at once, preloaded while the scripts load); otherwise it and the first light
// page are asked for together, so a short trajectory is complete after one round trip and a long one
// shows its first steps meanwhile.
import { keepPreviousData, useQueries, useQuery } from '@tanstack/react-query';
import { useMemo, useState } from 'react';
import { preload } from 'react-dom';
import { getJson, retryUnlessClientError, trajectoryPath, withParams, type Params } from './api';
import { LIGHT_PAGE, TEXT_PAGE } from './step-pages';
import type { StepDetail, TrajectoryDetail } from './types';

export { LIGHT_PAGE, TEXT_PAGE };

type Fields = 'light' | 'full';

/**
 * `view`: the view settings' parameters (judge, lambda, mu) that differ from the defaults; the step
 * rubric scores, process score and reward follow them.
 */
export const stepPageKey = (id: string, fields: Fields, page: number, view: Params = {}) =>
  Object.keys(view).length === 0 ? (['trajectory', id, 'steps', fields, page] as const) : (['trajectory', id, 'steps', fields, page, view] as const);

/** One URL per page, so that a preloaded page and the query's fetch of it are the same request. */
export function stepPageUrl(id: string, fields: Fields, page: number, view: Params = {}): string {
  const size = fields === 'light' ? LIGHT_PAGE : TEXT_PAGE;
  return withParams(trajectoryPath(id), { fields, steps_from: page * size, steps_limit: size, ...view });
}

function stepPageQuery(id: string, fields: Fields, page: number, view: Params = {}) {
  return {
    queryKey: stepPageKey(id, fields, page, view),
    queryFn: ({ signal }: { signal: AbortSignal }) => getJson<TrajectoryDetail>(stepPageUrl(id, fields, page, view), undefined, signal),
    staleTime: 5 * 60_000,
    retry: retryUnlessClientError,
  };
}

/**
 * Called while the server renders the page: the light pages are then fetched by the browser while it
 * still loads the page's scripts (a <link rel="preload" as="fetch"> each), and the queries that ask for
 * them once the page runs get the preloaded responses. `lightPages: false` preloads only the runs.
 */
export function preloadLightPages(
  id: string,
  info: Pick<TrajectoryDetail, 'step_count' | 'steps_next'>,
  view: Params = {},
  { lightPages = true }: { lightPages?: boolean } = {},
): void {
  // The model colours come from the runs: the timeline needs them as much as the steps.
  preload('/api/runs', { as: 'fetch', crossOrigin: 'anonymous' });
  // With the timeline rendered by the server, the light pages are for the chart and the rows far
  // down: asked for once the page runs, they do not compete with its scripts.
  if (info.steps_next === null || !lightPages) return;
  for (let p = 0; p < Math.ceil(info.step_count / LIGHT_PAGE); p++) preload(stepPageUrl(id, 'light', p, view), { as: 'fetch', crossOrigin: 'anonymous' });
}

export interface TrajectoryData {
  /** Trajectory-level fields (query, rubric, judgments, totals) from whichever page came first. */
  info: TrajectoryDetail | undefined;
  /** Every step without its text, once all light pages are in; null before. */
  steps: StepDetail[] | null;
  /** Steps loaded so far (for progress), of info.step_count. */
  loadedSteps: number;
  error: unknown;
  isPending: boolean;
  refetch: () => void;
}

/** `initial`: the first text page, rendered with the page by the server (null when it could not). */
export function useTrajectoryData(id: string, initial?: TrajectoryDetail, view: Params = {}): TrajectoryData {
  // The server rendered `initial` under the view of the first render: it is no one else's data.
  const [initialView] = useState(() => JSON.stringify(view));
  const head = useQuery({
    ...stepPageQuery(id, 'full', 0, view),
    initialData: JSON.stringify(view) === initialView ? initial : undefined,
    placeholderData: keepPreviousData,
  });
  // Everything fits in the first text page: no light page is needed.
  const headIsAll = head.data !== undefined && head.data.steps_next === null;
  const light0 = useQuery({ ...stepPageQuery(id, 'light', 0, view), enabled: !headIsAll, placeholderData: keepPreviousData });
  const info = head.data ?? light0.data;
  const stepCount = info?.step_count;
  const lightPages = stepCount === undefined || headIsAll ? 0 : Math.ceil(stepCount / LIGHT_PAGE);
  const rest = useQueries({
    queries: Array.from({ length: Math.max(0, lightPages - 1) }, (_, i) => ({ ...stepPageQuery(id, 'light', i + 1, view), enabled: stepCount !== undefined })),
  });
  const restData = rest.map((r) => r.data);
  const restReady = rest.every((r) => r.data !== undefined);
  // restData is a fresh array on every render; the pages' update times say when its content changed.
  const restVersion = rest.map((r) => r.dataUpdatedAt).join(',');

  const steps = useMemo(() => {
    if (headIsAll) return head.data!.steps;
    if (!light0.data || !restReady) return null;
    return [light0.data.steps, ...restData.map((d) => d!.steps)].flat();
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [headIsAll, head.data, light0.data, restReady, restVersion]);

  const loadedSteps = steps?.length ?? (light0.data?.steps.length ?? 0) + restData.reduce((n, d) => n + (d?.steps.length ?? 0), 0);
  const error = head.error ?? light0.error ?? rest.find((r) => r.error)?.error ?? null;
  return {
    info,
    steps,
    loadedSteps,
    error: info ? (steps || headIsAll ? null : error) : error,
    isPending: !info && !error,
    refetch: () => {
      void head.refetch();
      void light0.refetch();
      rest.forEach((r) => void r.refetch());
    },
  };
}

/** The steps in [first, last] with their texts, fetched by page; undefined where a page has not arrived. */
export function useStepTexts(id: string, first: number, last: number, enabled = true, view: Params = {}): (index: number) => StepDetail | undefined {
  const pages: number[] = [];
  if (enabled && last >= first) for (let p = Math.floor(first / TEXT_PAGE); p <= Math.floor(last / TEXT_PAGE); p++) pages.push(p);
  const results = useQueries({ queries: pages.map((p) => stepPageQuery(id, 'full', p, view)) });
  const byPage = new Map<number, StepDetail[]>();
  results.forEach((r, i) => {
    if (r.data) byPage.set(pages[i]!, r.data.steps);
  });
  return (index) => byPage.get(Math.floor(index / TEXT_PAGE))?.[index % TEXT_PAGE];
}
