// react-query hooks over the read API. Keys are arrays that start with the resource, so a label
// written elsewhere can invalidate ['trajectory', id] and every view of it follows.
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { useMemo } from 'react';
import { api, retryUnlessClientError as retry, type Params } from './api';
import { modelPalette, type ModelColor } from './model-colors';
import type { ModelInfo, RunSummary } from './types';

export const queryKeys = {
  runs: ['runs'] as const,
  runsInView: (view: Params) => ['runs', view] as const,
  benchmarks: ['benchmarks'] as const,
  exportCounts: (params: Params) => ['export-counts', params] as const,
  judges: (run?: string) => ['judges', run ?? null] as const,
  trajectories: (params: Params) => ['trajectories', params] as const,
  trajectory: (id: string) => ['trajectory', id] as const,
  scores: (id: string, lambda: number, mu: number, judge: string | null = null) => ['trajectory', id, 'scores', lambda, mu, judge] as const,
  cost: (id: string) => ['trajectory', id, 'cost'] as const,
  query: (id: string, view: Params = {}) => ['query', id, view] as const,
  pairs: (id: string, params: Params) => ['query', id, 'pairs', params] as const,
};

export function useRuns() {
  return useQuery({ queryKey: queryKeys.runs, queryFn: ({ signal }) => api.runs(signal).then((r) => r.runs), retry });
}

/** The runs' figures under a view (judge, lambda, mu); the plain list when the view is the default. */
export function useRunsInView(view: Params) {
  const plain = Object.keys(view).length === 0;
  return useQuery<RunSummary[]>({
    queryKey: plain ? queryKeys.runs : queryKeys.runsInView(view),
    queryFn: ({ signal }) => api.runs(signal, view).then((r) => r.runs),
    placeholderData: keepPreviousData,
    retry,
  });
}

/** The benchmarks that exist (the filters' pickers). */
export function useBenchmarks() {
  return useQuery({ queryKey: queryKeys.benchmarks, queryFn: ({ signal }) => api.benchmarks(signal).then((r) => r.benchmarks), staleTime: 60_000, retry });
}

/** The rows each export kind would write for these parameters (GET /api/exports/counts). */
export function useExportCounts(params: Params) {
  return useQuery({
    queryKey: queryKeys.exportCounts(params),
    queryFn: ({ signal }) => api.exportCounts(params, signal),
    placeholderData: keepPreviousData,
    retry,
  });
}

/** Every judge that scored something (in one run). */
export function useJudges(run?: string) {
  return useQuery({ queryKey: queryKeys.judges(run), queryFn: ({ signal }) => api.judges(run, signal).then((r) => r.judges), staleTime: 60_000, retry });
}

/** Every model that took a step in some run, with its prices: the catalogue the palette ranks. */
export function catalogueOf(runs: readonly RunSummary[] | undefined): ModelInfo[] {
  const byId = new Map<string, ModelInfo>();
  for (const run of runs ?? []) {
    for (const m of run.models ?? []) {
      if (m.usd_per_mtok_in === null || m.usd_per_mtok_out === null || byId.has(m.id)) continue;
      byId.set(m.id, { id: m.id, params_b: m.params_b, usd_per_mtok_in: m.usd_per_mtok_in, usd_per_mtok_out: m.usd_per_mtok_out });
    }
  }
  return [...byId.values()];
}

/** The model colours of every page: ranked over the catalogue of all runs, never one view's models. */
export function useModelPalette(): { color: ModelColor; catalogue: ModelInfo[]; ready: boolean } {
  const runs = useRuns();
  return useMemo(() => {
    const catalogue = catalogueOf(runs.data);
    return { color: modelPalette(catalogue), catalogue, ready: runs.isSuccess };
  }, [runs.data, runs.isSuccess]);
}

export function useTrajectoryList(params: Params) {
  return useQuery({
    queryKey: queryKeys.trajectories(params),
    queryFn: ({ signal }) => api.trajectories(params, signal),
    placeholderData: keepPreviousData,
    retry,
  });
}

export function useScores(id: string, lambda: number, mu: number, enabled = true, judge: string | null = null) {
  return useQuery({
    queryKey: queryKeys.scores(id, lambda, mu, judge),
    queryFn: ({ signal }) => api.scores(id, lambda, mu, signal, judge),
    placeholderData: keepPreviousData,
    enabled,
    retry,
  });
}

export function useCost(id: string, enabled = true) {
  return useQuery({ queryKey: queryKeys.cost(id), queryFn: ({ signal }) => api.cost(id, signal), enabled, retry });
}

export function useQueryDetail(id: string, enabled = true, view: Params = {}) {
  return useQuery({
    queryKey: queryKeys.query(id, view),
    queryFn: ({ signal }) => api.query(id, signal, view),
    enabled: enabled && id !== '',
    placeholderData: keepPreviousData,
    retry,
  });
}

export function usePairs(id: string, params: Params = {}) {
  return useQuery({ queryKey: queryKeys.pairs(id, params), queryFn: ({ signal }) => api.pairs(id, params, signal), retry });
}
