'use client';
import Link from 'next/link';
import { usePathname, useRouter, useSearchParams } from 'next/navigation';
import { useCallback, useMemo, useState } from 'react';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { LiveToggle } from '@/components/live/live-toggle';
import { AccuracyCostChart } from '@/components/charts/accuracy-cost-chart';
import { ModelUsageChart } from '@/components/charts/model-usage-chart';
import { Card, CardHeader } from '@/components/ui/card';
import { ModelSwatch } from '@/components/ui/model-chip';
import { PageHeader } from '@/components/ui/page-header';
import { Skeleton, SkeletonRows } from '@/components/ui/skeleton';
import { Stat } from '@/components/ui/stat';
import { EmptyState, ErrorState } from '@/components/ui/states';
import { pageHref } from '@/lib/client/api';
import { hasRole, sendJson, useMe } from '@/lib/client/auth';
import { formatInt, formatPrice, formatUsd } from '@/lib/client/format';
import { queryKeys, useBenchmarks, useModelPalette, useRunsInView } from '@/lib/client/hooks';
import { useLiveEvents } from '@/lib/client/use-live-events';
import { useViewSettings } from '@/lib/client/use-view-settings';
import { viewParams } from '@/lib/client/view-url';
import { modelsByPrice } from '@/lib/client/model-colors';
import { overviewFromSearch, sortRuns, withOverview, type OverviewState } from '@/lib/client/overview-url';
import type { RunSummary } from '@/lib/client/types';
import { ViewSettingsBar } from '@/components/view/view-settings-bar';
import { OverviewControls } from './overview-controls';
import { RunsTable } from './runs-table';

/** The overview's own state from the URL, and a setter that writes it back (replacing the history entry). */
function useOverviewState(): [OverviewState, (change: Partial<OverviewState>) => void] {
  const search = useSearchParams();
  const pathname = usePathname();
  const router = useRouter();
  const key = search.toString();
  const state = useMemo(() => overviewFromSearch(new URLSearchParams(key)), [key]);
  const set = useCallback(
    (change: Partial<OverviewState>) => {
      const s = withOverview(new URLSearchParams(key), { ...state, ...change }).toString();
      router.replace(s ? `${pathname}?${s}` : pathname, { scroll: false });
    },
    [key, state, pathname, router],
  );
  return [state, set];
}

export function OverviewPage() {
  const [settings] = useViewSettings();
  const [state, setState] = useOverviewState();
  const view = viewParams(settings);
  const params = { ...view, ...(state.benchmark ? { benchmark: state.benchmark } : {}), ...(state.reference ? { reference: state.reference } : {}) };
  const runs = useRunsInView(params);
  const palette = useModelPalette();
  const me = useMe();
  const isAdmin = hasRole(me.data, 'admin');
  const router = useRouter();
  // Live: every stored batch (of any run) refreshes the runs' figures, unless paused.
  const queryClient = useQueryClient();
  const live = useLiveEvents(
    '/api/events',
    useCallback(() => void queryClient.invalidateQueries({ queryKey: queryKeys.runs }), [queryClient]),
  );
  const [hideError, setHideError] = useState<string | null>(null);
  const hide = useMutation({
    mutationFn: ({ run, hidden }: { run: RunSummary; hidden: boolean }) => sendJson('PATCH', `/api/runs/${encodeURIComponent(run.id)}`, { hidden }),
    onMutate: () => setHideError(null),
    onError: (e: Error) => setHideError(e.message),
    onSettled: () => queryClient.invalidateQueries({ queryKey: queryKeys.runs }),
  });
  const catalogue = modelsByPrice(palette.catalogue);
  const modelOrder = catalogue.map((m) => m.id);
  const all = runs.data ?? [];
  const hiddenCount = all.filter((r) => r.hidden).length;
  const shown = isAdmin && state.showHidden ? all : all.filter((r) => !r.hidden);
  const list = sortRuns(shown, state.sort, state.order, state.reference);
  const totalTrajectories = list.reduce((n, r) => n + r.trajectories, 0);
  const totalSteps = list.reduce((n, r) => n + r.steps, 0);
  const totalCost = list.reduce((n, r) => n + (r.total_cost_usd ?? 0), 0);
  // The benchmark as stored ("GSM8K" for a link that says gsm8k): the server matches it without case.
  const benchmarks = useBenchmarks();
  const benchmarkName = state.benchmark ? (benchmarks.data?.find((b) => b.toLowerCase() === state.benchmark!.toLowerCase()) ?? state.benchmark) : null;
  const scope = benchmarkName ? `${benchmarkName} only` : undefined;
  const listView = state.benchmark ? { ...view, benchmark: state.benchmark } : view;

  return (
    <div data-testid="overview-page">
      <PageHeader
        title="Runs"
        description="Router checkpoints and evaluation runs: outcome, process and cost side by side."
        actions={
          <div className="flex flex-wrap items-center gap-x-4 gap-y-2">
            <ViewSettingsBar />
            <LiveToggle live={live} what="runs and figures" />
          </div>
        }
      />
      <div className="mb-4">
        <OverviewControls state={state} onChange={setState} models={catalogue} isAdmin={isAdmin} hiddenCount={hiddenCount} />
      </div>
      {runs.isError ? (
        <Card>
          <ErrorState error={runs.error} onRetry={() => runs.refetch()} title="Could not load the runs" />
        </Card>
      ) : runs.isPending ? (
        <div className="space-y-4">
          <Card className="grid grid-cols-4 gap-4 p-4">
            {Array.from({ length: 4 }, (_, i) => (
              <Skeleton key={i} className="h-12" />
            ))}
          </Card>
          <Card>
            <SkeletonRows rows={4} />
          </Card>
        </div>
      ) : list.length === 0 ? (
        <Card>
          {state.benchmark && all.length === 0 ? (
            <EmptyState
              title={`No run has trajectories of ${benchmarkName}`}
              action={
                <button type="button" className="text-sm font-medium text-sky-700 hover:underline" onClick={() => setState({ benchmark: null })}>
                  Show all benchmarks
                </button>
              }
            >
              Pick another benchmark, or all of them.
            </EmptyState>
          ) : all.length > 0 ? (
            <EmptyState
              title="Every run is hidden from the overview"
              action={
                isAdmin ? (
                  <button type="button" className="text-sm font-medium text-sky-700 hover:underline" onClick={() => setState({ showHidden: true })}>
                    Show hidden runs
                  </button>
                ) : undefined
              }
            >
              An admin left them out; their trajectories are still in the list.
            </EmptyState>
          ) : (
            <EmptyState
              title="No runs yet"
              action={
                <Link href="/import" className="text-sm font-medium text-sky-700 hover:underline">
                  Import a trace file
                </Link>
              }
            >
              Runs appear here once trajectories are ingested: upload a .jsonl file or run <code className="font-mono">npm run ingest</code>.
            </EmptyState>
          )}
        </Card>
      ) : (
        <div className="space-y-4">
          <Card className="grid grid-cols-2 gap-4 p-4 md:grid-cols-4" data-testid="overview-stats">
            <Stat
              label="Runs"
              value={formatInt(list.length)}
              hint={hiddenCount > 0 && !state.showHidden ? `${hiddenCount} hidden` : undefined}
              testId="stat-runs"
            />
            <Stat label="Trajectories" value={formatInt(totalTrajectories)} hint={scope} testId="stat-trajectories" />
            <Stat label="Steps" value={formatInt(totalSteps)} hint={scope} testId="stat-steps" />
            <Stat label="Total cost" value={formatUsd(totalCost)} hint={scope} testId="stat-cost" />
          </Card>
          <Card>
            <CardHeader
              title="Runs"
              subtitle={`Click a run to list its trajectories; ▸ shows its policy, meta and models. Intervals are 95%.${benchmarkName ? ` Figures over ${benchmarkName} only.` : ''}`}
            />
            <div
              className="flex flex-wrap items-center gap-x-3 gap-y-1 border-b border-slate-100 px-4 py-2 text-xs text-slate-600"
              data-testid="model-price-legend"
            >
              {catalogue.map((m) => (
                <span key={m.id} className="inline-flex items-center gap-1.5">
                  <ModelSwatch color={palette.color(m.id)} />
                  <span className="font-mono">{m.id}</span>
                  <span className="tabular-nums text-slate-400">
                    {formatPrice(m.usd_per_mtok_in)}/{formatPrice(m.usd_per_mtok_out)}
                  </span>
                </span>
              ))}
              <span className="text-slate-400">prices: $ per million tokens, in / out</span>
            </div>
            {hideError && (
              <p className="border-b border-rose-100 bg-rose-50 px-4 py-2 text-xs text-rose-700" role="alert">
                Could not change the run: {hideError}
              </p>
            )}
            <RunsTable
              runs={list}
              modelOrder={modelOrder}
              color={palette.color}
              view={listView}
              sort={state.sort}
              order={state.order}
              onSort={(sort, order) => setState({ sort, order })}
              reference={state.reference}
              onHide={isAdmin ? (run, hidden) => hide.mutate({ run, hidden }) : undefined}
              pending={hide.isPending ? (hide.variables?.run.id ?? null) : null}
            />
          </Card>
          <div className="grid gap-4 lg:grid-cols-2">
            <Card className="min-w-0">
              <CardHeader
                title="Accuracy vs cost"
                subtitle={`One point per run, whiskers: 95% intervals; dashed: the Pareto front${benchmarkName ? ` · ${benchmarkName}` : ''}`}
              />
              <div className="p-2">
                <AccuracyCostChart runs={list} onSelect={(id) => router.push(pageHref.trajectories({ run: id, ...listView }))} />
              </div>
            </Card>
            <Card className="min-w-0">
              <CardHeader title="Model usage" subtitle={`Share of each run's steps by model${benchmarkName ? ` · ${benchmarkName}` : ''}`} />
              <div className="p-2">
                <ModelUsageChart runs={list} models={modelOrder} color={palette.color} />
              </div>
            </Card>
          </div>
        </div>
      )}
    </div>
  );
}
