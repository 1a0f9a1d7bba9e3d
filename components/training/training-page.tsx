'use client';
// The training page of a run (scoring.md "Training (GRPO groups)"): its figures over training steps,
// the groups of a step, one group's rollouts side by side, all at the view's judge, λ and μ, and live:
// a batch stored while the page is open invalidates its queries, unless the view is paused.
import Link from 'next/link';
import { usePathname, useRouter, useSearchParams } from 'next/navigation';
import { useCallback, useDeferredValue, useEffect, useMemo, useRef, useState } from 'react';
import { useQueryClient } from '@tanstack/react-query';
import { LiveToggle } from '@/components/live/live-toggle';
import { Card } from '@/components/ui/card';
import { PageHeader } from '@/components/ui/page-header';
import { Skeleton } from '@/components/ui/skeleton';
import { Stat } from '@/components/ui/stat';
import { EmptyState, ErrorState } from '@/components/ui/states';
import { ViewSettingsBar } from '@/components/view/view-settings-bar';
import { WeightSliders } from '@/components/view/weight-sliders';
import { pageHref } from '@/lib/client/api';
import { formatInt, formatPercent, formatScore, formatUsd } from '@/lib/client/format';
import { routingHref } from '@/lib/client/routing-url';
import { bucketCurve, type CurveRow } from '@/lib/client/training-curve';
import { groupListParams, trainingApiPath, trainingStateFrom, withTrainingState, type TrainingPageState } from '@/lib/client/training-url';
import { useLiveEvents, type LiveEvents } from '@/lib/client/use-live-events';
import { useViewSettings } from '@/lib/client/use-view-settings';
import { viewParams } from '@/lib/client/view-url';
import { CurveChart, type CurveSeries } from './curve-chart';
import { GroupCard } from './group-card';
import { GroupsCard } from './groups-card';
import { trainingKeys, useGroup, useGroupPages, useTrainingCurve } from './use-training';

const pct = (v: number) => formatPercent(v, 0);
const score = (v: number) => formatScore(v, 2);
/** Cost ticks with three significant digits ($0.00115), so that ticks $0.00005 apart read differently. */
const usdTick = (v: number) => (v === 0 ? '$0' : `$${Number(v.toPrecision(3))}`);

// Module constants: a chart's props keep their identity from render to render (CurveChart is memo'd).
const SERIES = {
  noSignal: [
    { key: 'no_signal_share_outcome', name: 'outcome alone', color: '#e11d48', dashed: true },
    { key: 'no_signal_share', name: 'combined reward', color: '#0284c7' },
  ],
  accuracy: [{ key: 'accuracy', name: 'accuracy', color: '#059669' }],
  cost: [{ key: 'mean_cost_usd', name: 'mean cost', color: '#0f766e' }],
  large: [{ key: 'large_share', name: 'large-model share', color: '#7c3aed' }],
  process: [{ key: 'mean_process_score', name: 'mean process score', color: '#d97706' }],
  reward: [{ key: 'mean_reward', name: 'mean reward', color: '#4f46e5' }],
  std: [{ key: 'mean_group_reward_std', name: 'mean group reward std', color: '#475569' }],
} satisfies Record<string, CurveSeries[]>;

function useTrainingState(): [TrainingPageState, (change: Partial<TrainingPageState>) => void] {
  const search = useSearchParams();
  const pathname = usePathname();
  const router = useRouter();
  const key = search.toString();
  const state = useMemo(() => trainingStateFrom(new URLSearchParams(key)), [key]);
  const setState = useCallback(
    (change: Partial<TrainingPageState>) => {
      const s = withTrainingState(new URLSearchParams(key), { ...state, ...change }).toString();
      router.replace(s ? `${pathname}?${s}` : pathname, { scroll: false });
    },
    [key, state, pathname, router],
  );
  return [state, setState];
}

export function TrainingPage({ run }: { run: string }) {
  const [settings] = useViewSettings();
  const view = useMemo(() => viewParams(settings), [settings]);
  const [state, setState] = useTrainingState();
  const queryClient = useQueryClient();
  const invalidate = useCallback(() => void queryClient.invalidateQueries({ queryKey: trainingKeys.run(run) }), [queryClient, run]);
  const live = useLiveEvents(`${trainingApiPath(run)}/events`, invalidate);
  const curve = useTrainingCurve(run, view);

  // Paused, the curve stops at the newest step on screen, even when λ or μ reads the run again.
  const [frozenAt, setFrozenAt] = useState<number | null>(null);
  const allSteps = curve.data?.steps;
  const newest = allSteps?.[allSteps.length - 1]?.step ?? null;
  const pausable: LiveEvents = {
    ...live,
    setPaused: (p: boolean) => {
      setFrozenAt(p ? (newest ?? -1) : null);
      live.setPaused(p);
    },
  };
  const shown = useMemo(() => (allSteps && frozenAt !== null ? allSteps.filter((s) => s.step <= frozenAt) : (allSteps ?? [])), [allSteps, frozenAt]);
  // A slider drag re-renders the controls at once; the charts follow when React has time.
  const deferred = useDeferredValue(shown);
  const largeModel = curve.data?.large_model ?? null;
  const rows = useMemo(() => bucketCurve(deferred, largeModel), [deferred, largeModel]);
  const stepNumbers = useMemo(() => shown.map((s) => s.step), [shown]);

  const setStateRef = useRef(setState);
  useEffect(() => {
    setStateRef.current = setState;
  }, [setState]);
  const onSelect = useCallback((row: CurveRow) => setStateRef.current({ step: { from: row.step, to: row.last }, group: null }), []);

  const groupParams = useMemo(() => ({ ...view, ...groupListParams(state) }), [view, state]);
  const pages = useGroupPages(run, groupParams, state.step !== null);
  const group = useGroup(run, state.group, view);

  const latest = shown[shown.length - 1];
  const totals = useMemo(
    () => shown.reduce((t, s) => ({ rollouts: t.rollouts + s.rollouts, groups: t.groups + s.groups }), { rollouts: 0, groups: 0 }),
    [shown],
  );
  const bucketSize = rows.length > 0 && rows.length < shown.length ? rows[0]!.steps : 1;
  const rewardCaption = `outcome + λ·process − μ·cost ratio, λ = ${settings.lambda}, μ = ${settings.mu}`;

  return (
    <div data-testid="training-page" data-run={run}>
      <PageHeader
        crumbs={
          <span className="flex flex-wrap gap-x-2">
            <Link href="/" className="hover:underline">
              Runs
            </Link>
            <span aria-hidden>/</span>
            <span className="font-mono">{run}</span>
            <span aria-hidden>·</span>
            <Link href={pageHref.trajectories({ run, ...view })} className="text-sky-700 hover:underline">
              trajectories
            </Link>
            <Link href={routingHref(run)} className="text-sky-700 hover:underline">
              routing
            </Link>
          </span>
        }
        title={
          <span>
            Training <span className="font-mono">{run}</span>
          </span>
        }
        description={
          <>
            GRPO over training steps: what each step&apos;s groups scored, and how many gave GRPO nothing to learn from.{' '}
            <Link href="/docs/training" className="text-sky-700 hover:underline" data-testid="training-docs-link">
              How to read this page
            </Link>
          </>
        }
        actions={<LiveToggle live={pausable} what="training steps" />}
      />
      <Card className="mb-4 flex flex-wrap items-center gap-x-6 gap-y-3 px-4 py-3">
        <ViewSettingsBar run={run} />
        <WeightSliders className="min-w-72 flex-1" />
      </Card>
      {curve.isError && !curve.data ? (
        <Card>
          <ErrorState error={curve.error} onRetry={() => curve.refetch()} title={`Could not load the training curve of ${run}`} />
        </Card>
      ) : !curve.data ? (
        <div className="grid gap-4 sm:grid-cols-2 xl:grid-cols-3">
          {Array.from({ length: 6 }, (_, i) => (
            <Skeleton key={i} className="h-52" />
          ))}
        </div>
      ) : shown.length === 0 ? (
        <Card>
          <EmptyState
            title="No training steps yet"
            action={
              <Link href="/docs/trace-format" className="text-sm font-medium text-sky-700 hover:underline">
                The trace format&apos;s training object
              </Link>
            }
          >
            This run has no rollouts with <code className="font-mono">training.step</code>. They appear here as soon as a batch of them is stored.
          </EmptyState>
        </Card>
      ) : (
        <div className="space-y-4">
          <Card className="grid grid-cols-2 gap-4 p-4 md:grid-cols-3 xl:grid-cols-6" data-testid="training-stats">
            <Stat label="Training steps" value={formatInt(shown.length)} testId="stat-steps" hint={`${shown[0]!.step} to ${latest!.step}`} />
            <Stat label="Rollouts" value={formatInt(totals.rollouts)} testId="stat-rollouts" hint={`${formatInt(totals.groups)} groups`} />
            <Stat label="Latest step" value={latest!.step} testId="stat-latest-step" hint={`${formatInt(latest!.rollouts)} rollouts`} />
            <Stat label="Accuracy" value={formatPercent(latest!.accuracy)} hint={`at step ${latest!.step}`} />
            <Stat label="Mean cost" value={formatUsd(latest!.mean_cost_usd)} hint={`at step ${latest!.step}`} />
            <Stat
              label="No signal"
              value={
                <span>
                  {formatPercent(latest!.no_signal_share_outcome, 0)} <span className="text-slate-400">→</span> {formatPercent(latest!.no_signal_share, 0)}
                </span>
              }
              hint="outcome alone → combined"
              testId="stat-no-signal"
            />
          </Card>
          <p className="text-xs text-slate-500" data-testid="curve-note">
            {bucketSize > 1
              ? `${formatInt(shown.length)} steps drawn as ${formatInt(rows.length)} points: each point is the mean of ${bucketSize} consecutive steps. Click a point to list the groups of its steps.`
              : 'Click a point on any curve to list the groups of that step.'}
          </p>
          <div className={`grid gap-4 sm:grid-cols-2 xl:grid-cols-3 ${deferred !== shown ? 'opacity-80' : ''}`}>
            <div className="sm:col-span-2 xl:col-span-3">
              <CurveChart
                title="Groups with no signal"
                caption="Share of groups (2+ rollouts) whose rewards are all equal: GRPO learns nothing from them. Process rewards exist to close the gap."
                rows={rows}
                series={SERIES.noSignal}
                format={pct}
                domain={[0, 1]}
                selected={state.step}
                onSelect={onSelect}
                testId="chart-no-signal"
              />
            </div>
            <CurveChart
              title="Accuracy"
              caption="Share of the step's rollouts that are correct"
              rows={rows}
              series={SERIES.accuracy}
              format={pct}
              domain={[0, 1]}
              selected={state.step}
              onSelect={onSelect}
              testId="chart-accuracy"
            />
            <CurveChart
              title="Mean cost"
              caption="Mean cost of a rollout, US dollars"
              rows={rows}
              series={SERIES.cost}
              format={formatUsd}
              tickFormat={usdTick}
              axisWidth={56}
              selected={state.step}
              onSelect={onSelect}
              testId="chart-cost"
            />
            <CurveChart
              title="Large-model share"
              caption={largeModel ? `Share of the step's model steps taken by ${largeModel}, the run's costliest model` : 'No model steps'}
              rows={rows}
              series={SERIES.large}
              format={pct}
              domain={[0, 1]}
              selected={state.step}
              onSelect={onSelect}
              testId="chart-large-share"
            />
            <CurveChart
              title="Mean process score"
              caption="The Judge's rubric score, over rollouts that have one"
              rows={rows}
              series={SERIES.process}
              format={score}
              selected={state.step}
              onSelect={onSelect}
              testId="chart-process"
            />
            <CurveChart
              title="Mean combined reward"
              caption={rewardCaption}
              rows={rows}
              series={SERIES.reward}
              format={score}
              selected={state.step}
              onSelect={onSelect}
              testId="chart-reward"
            />
            <CurveChart
              title="Mean group reward std"
              caption="The spread GRPO normalises by, averaged over groups of 2+"
              rows={rows}
              series={SERIES.std}
              format={score}
              selected={state.step}
              onSelect={onSelect}
              testId="chart-std"
            />
          </div>
          <div className="grid gap-4 xl:grid-cols-[minmax(0,4fr)_minmax(0,7fr)]">
            <GroupsCard state={state} pages={pages} steps={stepNumbers} onChange={setState} />
            {state.group ? (
              <GroupCard name={state.group} query={group} view={view} onClose={() => setState({ group: null })} />
            ) : (
              <Card className="hidden xl:block">
                <EmptyState title="Open a group">
                  A group&apos;s rollouts side by side: rewards, advantages, and the ranks that the process reward changes.
                </EmptyState>
              </Card>
            )}
          </div>
        </div>
      )}
    </div>
  );
}
