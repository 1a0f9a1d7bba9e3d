'use client';
import Link from 'next/link';
import { useRouter } from 'next/navigation';
import { useCallback } from 'react';
import { useQueryClient } from '@tanstack/react-query';
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
import { formatInt, formatPrice, formatUsd } from '@/lib/client/format';
import { queryKeys, useModelPalette, useRunsInView } from '@/lib/client/hooks';
import { useLiveEvents } from '@/lib/client/use-live-events';
import { useViewSettings } from '@/lib/client/use-view-settings';
import { viewParams } from '@/lib/client/view-url';
import { modelsByPrice } from '@/lib/client/model-colors';
import { ViewSettingsBar } from '@/components/view/view-settings-bar';
import { RunsTable } from './runs-table';

export function OverviewPage() {
  const [settings] = useViewSettings();
  const view = viewParams(settings);
  const runs = useRunsInView(view);
  const palette = useModelPalette();
  const router = useRouter();
  // Live: every stored batch (of any run) refreshes the runs' figures, unless paused.
  const queryClient = useQueryClient();
  const live = useLiveEvents('/api/events', useCallback(() => void queryClient.invalidateQueries({ queryKey: queryKeys.runs }), [queryClient]));
  const catalogue = modelsByPrice(palette.catalogue);
  const modelOrder = catalogue.map((m) => m.id);
  const list = runs.data ?? [];
  const totalTrajectories = list.reduce((n, r) => n + r.trajectories, 0);
  const totalSteps = list.reduce((n, r) => n + r.steps, 0);
  const totalCost = list.reduce((n, r) => n + (r.total_cost_usd ?? 0), 0);

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
          <EmptyState title="No runs yet" action={<Link href="/import" className="text-sm font-medium text-sky-700 hover:underline">Import a trace file</Link>}>
            Runs appear here once trajectories are ingested: upload a .jsonl file or run <code className="font-mono">npm run ingest</code>.
          </EmptyState>
        </Card>
      ) : (
        <div className="space-y-4">
          <Card className="grid grid-cols-2 gap-4 p-4 md:grid-cols-4">
            <Stat label="Runs" value={formatInt(list.length)} />
            <Stat label="Trajectories" value={formatInt(totalTrajectories)} />
            <Stat label="Steps" value={formatInt(totalSteps)} />
            <Stat label="Total cost" value={formatUsd(totalCost)} />
          </Card>
          <Card>
            <CardHeader title="Runs" subtitle="Click a run to list its trajectories" />
            <div className="flex flex-wrap items-center gap-x-3 gap-y-1 border-b border-slate-100 px-4 py-2 text-xs text-slate-600" data-testid="model-price-legend">
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
            <RunsTable runs={list} modelOrder={modelOrder} color={palette.color} view={view} />
          </Card>
          <div className="grid gap-4 lg:grid-cols-2">
            <Card>
              <CardHeader title="Accuracy vs cost" subtitle="One point per run; dashed: the Pareto front" />
              <div className="p-2">
                <AccuracyCostChart runs={list} onSelect={(id) => router.push(pageHref.trajectories({ run: id, ...view }))} />
              </div>
            </Card>
            <Card>
              <CardHeader title="Model usage" subtitle="Share of each run's steps by model" />
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

