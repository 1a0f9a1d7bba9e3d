'use client';
// Routing decisions (scoring.md): where in a solution the router hands steps to which model, how often
// it switches and whether escalating pays off, how sure it was, and whether its confidence follows the
// Judge — for one run against all runs, or two runs side by side, under the trajectory list's filters.
import dynamic from 'next/dynamic';
import Link from 'next/link';
import { usePathname, useRouter, useSearchParams } from 'next/navigation';
import { useCallback, useMemo, type ReactNode } from 'react';
import { FiltersBar } from '@/components/trajectories/filters-bar';
import { Card, CardHeader } from '@/components/ui/card';
import { PageHeader } from '@/components/ui/page-header';
import { Skeleton } from '@/components/ui/skeleton';
import { Stat } from '@/components/ui/stat';
import { EmptyState, ErrorState } from '@/components/ui/states';
import { formatInt, formatPercent, formatScore } from '@/lib/client/format';
import { useModelPalette, useRuns } from '@/lib/client/hooks';
import { changed, filterProblems, type ListState } from '@/lib/client/list-url';
import { modelsByPrice, type ModelColor } from '@/lib/client/model-colors';
import { ALL_RUNS, binLabel, listHref, routingSearch, routingStateFrom, type RoutingSide } from '@/lib/client/routing-url';
import { scoreColor } from '@/lib/client/timeline';
import { Columns } from './columns';
import { useRouting, type RoutingAnswer } from './use-routing';

const PositionChart = dynamic(() => import('./position-chart').then((m) => m.PositionChart), { ssr: false, loading: () => <Skeleton className="h-56" /> });

const FIELD =
  'h-8 rounded-md border border-slate-300 bg-white px-2 text-sm text-slate-800 focus:border-sky-500 focus:outline-none focus:ring-2 focus:ring-sky-100';
const ESCALATION_SHADES = ['#fcd34d', '#f59e0b', '#d97706', '#b45309'];

interface Loaded {
  side: RoutingSide;
  data: RoutingAnswer | undefined;
  error: unknown;
  refetch: () => void;
  fetching: boolean;
}

function SideLabel({ side }: { side: RoutingSide }) {
  return (
    <div className="mb-2 flex items-center gap-2">
      <span className="grid h-5 w-5 place-items-center rounded bg-slate-900 text-[11px] font-semibold text-white">{side.key}</span>
      <span className={`truncate text-sm font-medium text-slate-900 ${side.run ? 'font-mono' : ''}`}>{side.label}</span>
    </div>
  );
}

/** One figure of the page: its title, the caption that says how to read it, and one panel per side. */
function Figure({
  title,
  caption,
  sides,
  testId,
  children,
}: {
  title: string;
  caption: ReactNode;
  sides: Loaded[];
  testId: string;
  children: (data: RoutingAnswer, side: RoutingSide) => ReactNode;
}) {
  return (
    <Card data-testid={testId}>
      <CardHeader title={title} />
      <p className="border-b border-slate-100 px-4 py-2 text-xs leading-relaxed text-slate-600" data-testid="caption">
        {caption}
      </p>
      <div className={`grid gap-x-6 gap-y-5 p-4 ${sides.length > 1 ? 'lg:grid-cols-2' : ''}`}>
        {sides.map((s) => (
          <div key={s.side.key} className={`min-w-0 ${s.fetching ? 'opacity-60 transition-opacity' : ''}`} data-testid={`panel-${s.side.key}`}>
            <SideLabel side={s.side} />
            {s.error && !s.data ? (
              <ErrorState error={s.error} onRetry={s.refetch} title={`Could not load the routing figures of ${s.side.label}`} />
            ) : !s.data ? (
              <Skeleton className="h-40" />
            ) : s.data.trajectories === 0 ? (
              <EmptyState title="No trajectory matches">Loosen or clear the filters above.</EmptyState>
            ) : (
              children(s.data, s.side)
            )}
          </div>
        ))}
      </div>
    </Card>
  );
}

function PositionPanel({ data, color }: { data: RoutingAnswer; color: ModelColor }) {
  return (
    <div>
      <PositionChart data={data} color={color} />
      <div className="mr-3 mt-1 flex text-[10px] tabular-nums text-slate-400" title="steps in each position bin">
        <span className="w-10 shrink-0 pr-1 text-right">steps</span>
        {data.position_profile.map((b) => (
          <span key={b.bin} className="flex-1 text-center">
            {b.steps === 0 ? 'none' : formatInt(b.steps)}
          </span>
        ))}
      </div>
      <div className="mt-2 flex flex-wrap gap-x-3 gap-y-1 text-[11px] text-slate-600">
        {data.models.map((m) => (
          <span key={m} className="inline-flex items-center gap-1 font-mono">
            <span className="inline-block h-2.5 w-2.5 rounded-sm" style={{ backgroundColor: color(m) }} />
            {m}
          </span>
        ))}
      </div>
    </div>
  );
}

function SwitchesPanel({ data, side }: { data: RoutingAnswer; side: RoutingSide }) {
  const s = data.switches;
  return (
    <div className="space-y-4">
      <div className="grid grid-cols-2 gap-3 sm:grid-cols-4">
        <Stat label="Switches" value={formatScore(s.mean_switches, 2)} hint="per trajectory" testId="mean-switches" />
        <Stat label="Escalations" value={formatScore(s.mean_escalations, 2)} hint="per trajectory" />
        <Stat label="De-escalations" value={formatScore(s.mean_deescalations, 2)} hint="per trajectory" />
        <Stat label="Escalating" value={formatPercent(s.share_escalating)} hint="of trajectories" />
      </div>
      <div>
        <div className="mb-1 text-[11px] font-medium uppercase tracking-wide text-slate-500">Accuracy by number of escalations</div>
        <Columns
          label="Accuracy by number of escalations"
          testId="accuracy-by-escalations"
          columns={s.by_escalations.map((e, i) => ({
            key: e.escalations,
            label: e.escalations === '3+' ? '3 or more' : e.escalations,
            value: e.accuracy,
            display: e.trajectories === 0 ? 'none' : formatPercent(e.accuracy, 0),
            note: `n = ${formatInt(e.trajectories)}`,
            color: ESCALATION_SHADES[i],
            href: e.trajectories > 0 ? listHref(side, { escalations: e.escalations }) : undefined,
            title: `${formatInt(e.trajectories)} trajectories with ${e.escalations} escalation${e.escalations === '1' ? '' : 's'}; accuracy ${formatPercent(e.accuracy)}`,
          }))}
        />
      </div>
    </div>
  );
}

function histogram(counts: readonly number[], color: string, what: string) {
  const max = Math.max(1, ...counts);
  return counts.map((n, bin) => ({
    key: String(bin),
    label: binLabel(bin, ''),
    value: n / max,
    display: n === 0 ? '0' : formatInt(n),
    color,
    title: `${formatInt(n)} steps with ${what} in ${binLabel(bin, '')}`,
  }));
}

function ConfidencePanel({ data, side }: { data: RoutingAnswer; side: RoutingSide }) {
  const c = data.confidence;
  if (c.steps === 0) {
    return (
      <EmptyState title="No step carries router probabilities">The confidence figures read each step’s router.probs; these trajectories have none.</EmptyState>
    );
  }
  return (
    <div className="space-y-4">
      <div className="flex flex-wrap items-baseline gap-x-4 gap-y-1 text-sm">
        <span className="tabular-nums text-slate-600">{formatInt(c.steps)} steps with router probabilities</span>
        <Link href={listHref(side, { off_argmax: 'true' })} className="font-medium text-sky-700 hover:underline" data-testid="off-argmax-link">
          {formatPercent(c.share_not_argmax)} off the router’s top choice →
        </Link>
      </div>
      <div>
        <div className="mb-1 text-[11px] font-medium uppercase tracking-wide text-slate-500">Chosen probability (steps)</div>
        <Columns
          label="Chosen probability histogram"
          testId="chosen-histogram"
          columns={histogram(c.chosen_probability, '#0ea5e9', 'a chosen probability')}
          height={80}
        />
      </div>
      <div>
        <div className="mb-1 text-[11px] font-medium uppercase tracking-wide text-slate-500">Normalized entropy (steps)</div>
        <Columns
          label="Normalized entropy histogram"
          testId="entropy-histogram"
          columns={histogram(c.normalized_entropy, '#8b5cf6', 'a normalized entropy')}
          height={80}
        />
      </div>
    </div>
  );
}

function QualityPanel({ data, side, color }: { data: RoutingAnswer; side: RoutingSide; color: ModelColor }) {
  const q = data.quality;
  const scored = (n: number) => `n = ${formatInt(n)}`;
  return (
    <div className="space-y-4">
      <div>
        <div className="mb-1 text-[11px] font-medium uppercase tracking-wide text-slate-500">Mean step score by model</div>
        <Columns
          label="Mean step score by model"
          testId="quality-by-model"
          height={80}
          columns={q.by_model.map((m) => ({
            key: m.model,
            label: m.model,
            value: m.mean_step_score,
            display: m.scored_steps === 0 ? 'no scores' : formatScore(m.mean_step_score, 2),
            note: scored(m.scored_steps),
            color: color(m.model),
            href: listHref(side, { model: m.model }),
            title: `${formatInt(m.scored_steps)} scored steps on ${m.model}`,
          }))}
        />
      </div>
      <div>
        <div className="mb-1 text-[11px] font-medium uppercase tracking-wide text-slate-500">Mean step score by chosen probability</div>
        <Columns
          label="Mean step score by chosen probability"
          testId="quality-by-confidence"
          height={80}
          columns={q.by_chosen_probability.map((b) => ({
            key: String(b.bin),
            label: binLabel(b.bin, ''),
            value: b.mean_step_score,
            display: b.scored_steps === 0 ? '—' : formatScore(b.mean_step_score, 2),
            note: scored(b.scored_steps),
            color: b.mean_step_score === null ? undefined : scoreColor(b.mean_step_score),
            title:
              b.scored_steps === 0
                ? 'no scored step in this bin'
                : `${formatInt(b.scored_steps)} scored steps with a chosen probability in ${binLabel(b.bin, '')}`,
          }))}
        />
      </div>
    </div>
  );
}

export function RoutingPage() {
  const search = useSearchParams();
  const router = useRouter();
  const pathname = usePathname();
  const state = useMemo(() => routingStateFrom(new URLSearchParams(search.toString())), [search]);
  const runs = useRuns();
  const palette = useModelPalette();
  const [sideA, sideB] = state.sides;
  const judge = state.judge ? { judge: state.judge } : {};
  const a = useRouting({ ...sideA!.filters, ...judge });
  const bParams = sideB ? { ...sideB.filters, ...judge } : {};
  const b = useRouting(bParams, sideB !== undefined);
  const loaded: Loaded[] = [{ side: sideA!, data: a.data, error: a.error, refetch: () => void a.refetch(), fetching: a.isFetching }];
  if (sideB) loaded.push({ side: sideB, data: b.data, error: b.error, refetch: () => void b.refetch(), fetching: b.isFetching });

  const go = useCallback(
    (next: { filters: ListState; vs?: string; judge?: string }) => router.push(`${pathname}${routingSearch(next)}`, { scroll: false }),
    [router, pathname],
  );
  const onFilters = (change: ListState) => {
    const { cursor: _c, page: _p, sort: _s, order: _o, ...filters } = changed(state.filters, change);
    go({ filters, vs: state.vs, judge: state.judge });
  };
  const runList = runs.data ?? [];
  const models = modelsByPrice(palette.catalogue);
  const ready = loaded.every((s) => s.data !== undefined && !s.fetching);

  return (
    <div data-testid="routing-page" data-ready={ready ? 'true' : 'false'}>
      <PageHeader
        title="Routing"
        description="Where the router hands steps to which model, how often it switches, how sure it was, and whether its confidence follows the Judge."
        actions={
          state.filters.run ? (
            <label className="flex items-center gap-2 text-sm text-slate-600">
              compared with
              <select
                className={`${FIELD} w-44`}
                value={state.vs}
                onChange={(e) => go({ filters: state.filters, vs: e.target.value, judge: state.judge })}
                name="vs"
                aria-label="Compared with"
              >
                <option value={ALL_RUNS}>All runs</option>
                {runList
                  .filter((r) => r.id !== state.filters.run)
                  .map((r) => (
                    <option key={r.id} value={r.id}>
                      {r.id}
                    </option>
                  ))}
                {state.vs !== ALL_RUNS && !runList.some((r) => r.id === state.vs) && <option value={state.vs}>{state.vs}</option>}
              </select>
            </label>
          ) : (
            <span className="text-sm text-slate-500">Pick a run to set it against all runs or another run.</span>
          )
        }
      />
      <Card className="mb-4">
        <FiltersBar state={state.filters} runs={runList} models={models} benchmarks={[]} problems={filterProblems(state.filters)} onChange={onFilters} />
        {state.judge && (
          <div className="border-t border-slate-100 px-3 py-2 text-xs text-slate-600">
            Step scores from judge <span className="font-mono">{state.judge}</span> and people only{' '}
            <button type="button" className="ml-1 text-sky-700 hover:underline" onClick={() => go({ filters: state.filters, vs: state.vs })}>
              use every judgment
            </button>
          </div>
        )}
      </Card>
      {loaded.every((s) => s.data) && (
        <p className="mb-3 text-xs tabular-nums text-slate-500" data-testid="routing-totals">
          {loaded.map((s) => `${s.side.key}: ${formatInt(s.data!.trajectories)} trajectories, ${formatInt(s.data!.steps)} steps`).join(' · ')}
        </p>
      )}
      <div className="space-y-4">
        <Figure
          title="Model share by position"
          testId="figure-position"
          sides={loaded}
          caption={
            <>
              Each step’s relative position in its trajectory (step index ÷ (steps − 1), the first step at 0, the last at 1) in ten bins; the bands are the
              shares of the bin’s steps on each model, cheapest at the bottom. A router that escalates early is costly on the left, one that checks its work at
              the end on the right. The numbers beneath count each bin’s steps (short trajectories leave middle bins empty).
            </>
          }
        >
          {(data) => <PositionPanel data={data} color={palette.color} />}
        </Figure>
        <Figure
          title="Switches and escalations"
          testId="figure-switches"
          sides={loaded}
          caption={
            <>
              A switch is a step on another model than the step before (each one throws away the other model’s cache); an escalation switches to a pricier
              model, a de-escalation to a cheaper one, in the price order of the all-largest baseline. The bars give the accuracy of the trajectories with 0, 1,
              2 and 3 or more escalations, n their number: does escalating more often pay off? Click a bar for those trajectories.
            </>
          }
        >
          {(data, side) => <SwitchesPanel data={data} side={side} />}
        </Figure>
        <Figure
          title="Router confidence"
          testId="figure-confidence"
          sides={loaded}
          caption={
            <>
              Over the steps that carry router probabilities (each divided by their sum; a model left out has 0): the chosen probability is that of the model
              the step went to, the normalized entropy is 0 when the router was sure and 1 when it was undecided among the trajectory’s models. Steps off the
              router’s top choice were sampled or overridden — the link lists the trajectories with any.
            </>
          }
        >
          {(data, side) => <ConfidencePanel data={data} side={side} />}
        </Figure>
        <Figure
          title="Step quality by decision"
          testId="figure-quality"
          sides={loaded}
          caption={
            <>
              The mean step rubric score (human labels applied{state.judge ? `, judge ${state.judge}` : ''}) of the steps on each model, and of the steps in
              each chosen-probability bin: does the router’s confidence follow the Judge? n counts the scored steps behind each bar; a bar over a few steps says
              little, and a dashed one has none. Click a model for its trajectories.
            </>
          }
        >
          {(data, side) => <QualityPanel data={data} side={side} color={palette.color} />}
        </Figure>
      </div>
    </div>
  );
}
