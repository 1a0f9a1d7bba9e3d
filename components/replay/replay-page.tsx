'use client';
// Replay of one trajectory: the query and totals, a timeline with a playhead driven by buttons and
// keys, the steps (virtualized, texts fetched as they scroll in) with the judgments that name them,
// and on the side the reward under adjustable lambda and mu, cost against the all-largest baseline.
import dynamic from 'next/dynamic';
import Link from 'next/link';
import { useDeferredValue, useMemo } from 'react';
import { AddJudgmentForm } from '@/components/labels/add-judgment-form';
import { ReplayLabelPanel } from '@/components/labels/replay-label-panel';
import { Badge, OutcomeBadge } from '@/components/ui/badge';
import { Card, CardHeader } from '@/components/ui/card';
import { PageHeader } from '@/components/ui/page-header';
import { Skeleton, SkeletonRows } from '@/components/ui/skeleton';
import { ErrorState } from '@/components/ui/states';
import { ApiRequestError, pageHref } from '@/lib/client/api';
import { hasRole, useMe } from '@/lib/client/auth';
import { itemsOf } from '@/lib/client/items';
import { formatInt } from '@/lib/client/format';
import { heatmapData } from '@/lib/client/heatmap';
import { useCost, useModelPalette } from '@/lib/client/hooks';
import { modelsByPrice } from '@/lib/client/model-colors';
import { preloadLightPages, useTrajectoryData } from '@/lib/client/trajectory-data';
import { useViewSettings } from '@/lib/client/use-view-settings';
import { ViewSettingsBar } from '@/components/view/view-settings-bar';
import type { TimelineColumns } from '@/lib/client/timeline-paint';
import type { RubricCriterion, ScoredJudgment, TrajectoryDetail } from '@/lib/client/types';
import { CostByModel } from './cost-by-model';
import { JudgmentCard, type JudgmentPanel } from './judgment-card';
import { KeyboardHelp } from './keyboard-help';
import { ModelLegend } from './model-legend';
import { PlaybackControls } from './playback-controls';
import { ReplaySummary } from './replay-summary';
import { RewardPanel } from './reward-panel';
import { StepList } from './step-list';
import { StepStrips } from './step-strips';
import { usePlayback } from './use-playback';

// recharts is the largest library of the page and the chart sits below the first steps: it loads after them.
const CumulativeCostChart = dynamic(() => import('@/components/charts/cumulative-cost-chart').then((m) => m.CumulativeCostChart), {
  ssr: false,
  loading: () => <Skeleton className="h-56" />,
});

function judgmentsByStepOf(judgments: readonly ScoredJudgment[] | undefined): Map<number, ScoredJudgment[]> {
  const map = new Map<number, ScoredJudgment[]>();
  for (const j of judgments ?? []) {
    for (const k of new Set(j.steps)) {
      const list = map.get(k) ?? [];
      list.push(j);
      map.set(k, list);
    }
  }
  return map;
}

/** A person adds a judgment the judges missed: a criterion on the current step (or others, or none). */
function AddJudgmentCard({
  trajectoryId,
  criteria,
  current,
  stepCount,
}: {
  trajectoryId: string;
  criteria: readonly RubricCriterion[];
  current: number;
  stepCount: number;
}) {
  const me = useMe();
  if (!hasRole(me.data, 'annotator') || criteria.length === 0) return null;
  return (
    <Card data-testid="add-judgment-card">
      <CardHeader title="Add a judgment" subtitle="a criterion the judges did not score on these steps, with your score" />
      <div className="px-4 py-3">
        <AddJudgmentForm trajectoryId={trajectoryId} criteria={criteria} steps={stepCount > 0 ? [current] : []} stepCount={stepCount} />
      </div>
    </Card>
  );
}

function Crumbs({ info }: { info: TrajectoryDetail | undefined }) {
  return (
    <span className="flex items-center gap-1.5">
      <Link href="/trajectories" prefetch={false} className="hover:text-slate-800">
        Trajectories
      </Link>
      {info && (
        <>
          <span>/</span>
          <Link href={pageHref.trajectories({ run: info.run.id })} prefetch={false} className="font-mono hover:text-slate-800">
            {info.run.id}
          </Link>
          <span>/</span>
          <Link href={pageHref.query(info.query.id)} prefetch={false} className="font-mono hover:text-slate-800">
            {info.query.id}
          </Link>
        </>
      )}
    </span>
  );
}

function ReplaySkeleton() {
  return (
    <div className="space-y-4" data-testid="loading">
      <Card className="p-4">
        <Skeleton className="mb-2 h-4 w-1/3" />
        <Skeleton className="h-4 w-2/3" />
      </Card>
      <Card className="p-4">
        <Skeleton className="h-7 w-full" />
      </Card>
      <Card>
        <SkeletonRows rows={6} />
      </Card>
    </div>
  );
}

/** `judgmentPanel` goes under each judgment of a step: the labelling panel unless another is given. */
export function ReplayPage({
  id,
  initialStep = 0,
  initial,
  initialTimeline,
  nonce,
  judgmentPanel = ReplayLabelPanel,
}: {
  id: string;
  initialStep?: number;
  /** The first page of steps, rendered by the server with the page. */
  initial?: TrajectoryDetail;
  /** The timeline of every step, rendered by the server with the page (painted before the scripts run). */
  initialTimeline?: TimelineColumns;
  /** The page's Content Security Policy nonce (the timeline's inline script carries it). */
  nonce?: string;
  judgmentPanel?: JudgmentPanel;
}) {
  // The judge setting (scoring.md) moves the step scores, the process score and the reward.
  const [settings] = useViewSettings();
  const view = useMemo(() => (settings.judge === null ? {} : { judge: settings.judge }), [settings.judge]);
  if (initial) preloadLightPages(id, initial, view, { lightPages: !initialTimeline });
  const data = useTrajectoryData(id, initial, view);
  // The chart is below the timeline and the first steps: it renders after them.
  const chartSteps = useDeferredValue(data.steps);
  // The chart's all-largest line, and the Cost by model card below it, from one cost request.
  const cost = useCost(id, data.steps !== null);
  const palette = useModelPalette();
  const info = data.info;
  const stepCount = info?.step_count ?? 0;
  const playback = usePlayback(stepCount, initialStep);
  const judgments = info?.judgments;
  const rubric = info?.rubric;
  const trajectoryModels = info?.models;
  const judgmentsByStep = useMemo(() => judgmentsByStepOf(judgments), [judgments]);
  // Items of the trajectory as a whole (no steps) have no step row: they get a card of their own.
  const wholeItems = useMemo(() => itemsOf((judgments ?? []).filter((j) => j.steps.length === 0)), [judgments]);
  const criteria = useMemo(() => new Map<string, RubricCriterion>((rubric?.criteria ?? []).map((c) => [c.id, c])), [rubric]);
  const heatmap = useMemo(() => (rubric && judgments ? heatmapData(stepCount, rubric.criteria, judgments) : null), [rubric, judgments, stepCount]);
  const models = useMemo(() => modelsByPrice(trajectoryModels ?? []), [trajectoryModels]);
  const modelOrder = useMemo(() => modelsByPrice(palette.catalogue).map((m) => m.id), [palette.catalogue]);

  if (!info) {
    const notFound = data.error instanceof ApiRequestError && data.error.status === 404;
    return (
      <div data-testid="replay-page">
        <PageHeader crumbs={<Crumbs info={undefined} />} title={<span className="font-mono">{id}</span>} />
        {data.error ? (
          <Card>
            <ErrorState
              error={data.error}
              title={notFound ? 'No such trajectory' : 'Could not load this trajectory'}
              onRetry={notFound ? undefined : data.refetch}
            />
          </Card>
        ) : (
          <ReplaySkeleton />
        )}
      </div>
    );
  }

  return (
    <div data-testid="replay-page">
      <PageHeader
        crumbs={<Crumbs info={info} />}
        title={
          <span className="font-mono text-lg" title={info.id}>
            {info.id}
          </span>
        }
        actions={
          <>
            <OutcomeBadge correct={info.correct} />
            {info.labelled && <Badge tone="violet">labelled</Badge>}
            {info.run.policy && <Badge tone="sky">{info.run.policy}</Badge>}
            <Link href={pageHref.query(info.query.id)} prefetch={false} className="text-sm font-medium text-sky-700 hover:underline">
              Query, pairs & compare →
            </Link>
            <ViewSettingsBar weights={false} run={info.run.id} />
          </>
        }
      />
      <div className="grid grid-cols-[minmax(0,1fr)] gap-4 xl:grid-cols-[minmax(0,1fr)_340px]">
        <div className="min-w-0 space-y-4">
          <Card>
            <ReplaySummary info={info} />
          </Card>
          <Card>
            <CardHeader
              title="Timeline"
              subtitle={`${formatInt(stepCount)} steps by model; rubric score per step; criteria × steps`}
              actions={<ModelLegend models={models} color={palette.color} />}
            />
            <div className="space-y-3 px-4 py-3">
              <StepStrips
                steps={data.steps}
                stepCount={stepCount}
                modelOrder={modelOrder}
                color={palette.color}
                heatmap={heatmap}
                current={playback.current}
                onSeek={playback.scrub}
                colorsReady={palette.ready}
                initialColumns={initialTimeline}
                nonce={nonce}
              />
              {!data.steps && !initialTimeline && stepCount > 0 && (
                <p className="text-xs text-slate-500 tabular-nums" data-testid="timeline-progress">
                  loading steps… {formatInt(data.loadedSteps)} of {formatInt(stepCount)}
                </p>
              )}
              <PlaybackControls playback={playback} stepCount={stepCount} />
            </div>
          </Card>
          <Card>
            <StepList
              trajectoryId={id}
              stepCount={stepCount}
              steps={data.steps}
              current={playback.current}
              follow={playback.follow}
              onSelect={playback.scrub}
              color={palette.color}
              judgmentsByStep={judgmentsByStep}
              criteria={criteria}
              panel={judgmentPanel}
              className="h-[72vh] min-h-[420px]"
              view={view}
            />
          </Card>
          {wholeItems.length > 0 && (
            <Card data-testid="whole-trajectory-items">
              <CardHeader title="The whole trajectory" subtitle="judgments of no particular step" />
              <div className="space-y-1.5 px-4 py-3">
                {wholeItems.map((item) => (
                  <JudgmentCard key={item.itemId} trajectoryId={id} item={item} criterion={criteria.get(item.criterion)} panel={judgmentPanel} />
                ))}
              </div>
            </Card>
          )}
        </div>
        <aside className="space-y-4">
          <Card>
            <CardHeader title="Process score & reward" />
            <RewardPanel
              trajectoryId={id}
              correct={info.correct}
              costRatio={info.cost_ratio}
              storedProcess={info.process_score}
              storedReward={info.reward}
              eager={data.steps !== null}
              judge={settings.judge}
            />
          </Card>
          <AddJudgmentCard trajectoryId={id} criteria={rubric?.criteria ?? []} current={playback.current} stepCount={stepCount} />
          <Card>
            <CardHeader title="Cumulative cost" subtitle="against every step on the all-largest model" />
            <div className="p-2">
              {chartSteps ? (
                <CumulativeCostChart
                  steps={chartSteps}
                  baseline={cost.data?.all_largest_cumulative_usd}
                  baselineId={cost.data?.all_largest_model}
                  current={playback.current}
                />
              ) : (
                <Skeleton className="h-56" />
              )}
            </div>
          </Card>
          <Card>
            <CardHeader title="Cost by model" />
            <CostByModel trajectoryId={id} color={palette.color} enabled={data.steps !== null} />
          </Card>
        </aside>
      </div>
      {playback.helpOpen && <KeyboardHelp onClose={() => playback.setHelpOpen(false)} />}
    </div>
  );
}
