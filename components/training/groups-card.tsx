'use client';
// The GRPO groups of the open training step (or range of steps): one keyset page at a time from
// GET /api/runs/{id}/groups, sortable by its columns, filtered by signal. A row opens the group.
import { Badge } from '@/components/ui/badge';
import { Button } from '@/components/ui/button';
import { Card, CardHeader } from '@/components/ui/card';
import { IconNext, IconPrev } from '@/components/ui/icons';
import { SkeletonRows } from '@/components/ui/skeleton';
import { EmptyState, ErrorState } from '@/components/ui/states';
import { formatInt, formatPercent, formatScore } from '@/lib/client/format';
import { SIGNAL_FILTERS, type SignalFilter, type TrainingPageState } from '@/lib/client/training-url';
import { formatStepRange, type StepRange } from '@/lib/schemas/filters';
import type { GroupSortField } from '@/lib/schemas/training';
import type { GroupListItem, useGroupPages } from './use-training';

const TH = 'px-2 py-1.5 text-left text-[11px] font-medium uppercase tracking-wide text-slate-500';
const TD = 'px-2 py-1.5 tabular-nums';

export function SignalBadges({ outcome, combined }: { outcome: boolean | null; combined: boolean | null }) {
  if (outcome === null)
    return (
      <span className="text-xs text-slate-400" title="A one-rollout group has no spread to learn from">
        one rollout
      </span>
    );
  return (
    <span className="inline-flex flex-wrap gap-1">
      {outcome ? (
        <Badge tone="amber" title="All rollouts are right, or all wrong: the outcome reward has no spread">
          no outcome signal
        </Badge>
      ) : (
        <Badge tone="slate" title="Some rollouts are right and some wrong">
          outcome signal
        </Badge>
      )}
      {combined ? (
        <Badge tone="red" title="All combined rewards are equal: GRPO learns nothing from this group">
          no signal
        </Badge>
      ) : outcome ? (
        <Badge tone="green" title="The process and cost terms give the combined reward a spread the outcome lacks">
          signal from process
        </Badge>
      ) : null}
    </span>
  );
}

function SortHeader({
  field,
  label,
  state,
  onSort,
  right = false,
}: {
  field: GroupSortField;
  label: string;
  state: TrainingPageState;
  onSort: (f: GroupSortField) => void;
  right?: boolean;
}) {
  const on = state.sort === field;
  return (
    <th className={`${TH} ${right ? 'text-right' : ''}`} aria-sort={on ? (state.order === 'asc' ? 'ascending' : 'descending') : 'none'}>
      <button
        type="button"
        className={`inline-flex items-center gap-0.5 uppercase hover:text-slate-900 ${on ? 'text-slate-900' : ''}`}
        onClick={() => onSort(field)}
        data-testid={`sort-${field}`}
      >
        {label}
        <span aria-hidden className="w-2 text-[9px]">
          {on ? (state.order === 'asc' ? '▲' : '▼') : ''}
        </span>
      </button>
    </th>
  );
}

interface Props {
  state: TrainingPageState;
  pages: ReturnType<typeof useGroupPages>;
  /** The steps of the curve, in order, for the previous / next buttons. */
  steps: readonly number[];
  onChange: (change: Partial<TrainingPageState>) => void;
}

function neighbour(steps: readonly number[], range: StepRange, dir: -1 | 1): number | null {
  if (dir < 0) {
    for (let i = steps.length - 1; i >= 0; i--) if (steps[i]! < range.from) return steps[i]!;
  } else {
    for (const s of steps) if (s > range.to) return s;
  }
  return null;
}

export function GroupsCard({ state, pages, steps, onChange }: Props) {
  const range = state.step;
  const latest = steps[steps.length - 1];
  if (!range) {
    return (
      <Card data-testid="groups-card">
        <CardHeader title="Groups" />
        <EmptyState
          title="Pick a training step"
          action={
            latest !== undefined && (
              <Button size="sm" onClick={() => onChange({ step: { from: latest, to: latest }, group: null })} data-testid="open-latest-step">
                Open step {latest}, the latest
              </Button>
            )
          }
        >
          Click a point on any curve to list the GRPO groups sampled at that step.
        </EmptyState>
      </Card>
    );
  }
  const items: GroupListItem[] = pages.data?.pages.flatMap((p) => p.items) ?? [];
  const total = pages.data?.pages[0]?.total;
  const multi = range.from !== range.to;
  const prev = neighbour(steps, range, -1);
  const next = neighbour(steps, range, 1);
  const sortBy = (field: GroupSortField) =>
    onChange({ sort: field, order: state.sort === field ? (state.order === 'asc' ? 'desc' : 'asc') : field === 'group' || field === 'step' ? 'asc' : 'desc' });
  return (
    <Card data-testid="groups-card" data-step={formatStepRange(range)}>
      <CardHeader
        title={
          <span>
            Groups of {multi ? 'steps' : 'step'} <span className="font-mono">{multi ? `${range.from}–${range.to}` : range.from}</span>
          </span>
        }
        subtitle={
          total === undefined ? 'loading…' : `${formatInt(total)} ${total === 1 ? 'group' : 'groups'}${state.signal === 'all' ? '' : ' match the filter'}`
        }
        actions={
          <>
            <Button
              size="sm"
              variant="ghost"
              disabled={prev === null}
              onClick={() => prev !== null && onChange({ step: { from: prev, to: prev }, group: null })}
              aria-label="Previous step"
              data-testid="prev-step"
            >
              <IconPrev />
            </Button>
            <Button
              size="sm"
              variant="ghost"
              disabled={next === null}
              onClick={() => next !== null && onChange({ step: { from: next, to: next }, group: null })}
              aria-label="Next step"
              data-testid="next-step"
            >
              <IconNext />
            </Button>
          </>
        }
      />
      <div className="flex flex-wrap items-center gap-2 border-b border-slate-100 px-3 py-2">
        <label className="flex items-center gap-1.5 text-xs text-slate-600">
          <span className="font-medium">Show</span>
          <select
            className="h-7 rounded-md border border-slate-300 bg-white px-1.5 text-xs text-slate-800"
            value={state.signal}
            onChange={(e) => onChange({ signal: e.target.value as SignalFilter, group: null })}
            data-testid="signal-filter"
          >
            {Object.entries(SIGNAL_FILTERS).map(([k, f]) => (
              <option key={k} value={k}>
                {f.label}
              </option>
            ))}
          </select>
        </label>
      </div>
      {pages.isError && !pages.data ? (
        <ErrorState error={pages.error} onRetry={() => pages.refetch()} title="Could not load the groups" />
      ) : !pages.data ? (
        <SkeletonRows rows={6} />
      ) : items.length === 0 ? (
        <EmptyState title="No group matches">{state.signal === 'all' ? 'This step has no groups.' : 'No group of this step matches the filter.'}</EmptyState>
      ) : (
        <div className={`overflow-x-auto ${pages.isPlaceholderData ? 'opacity-60 transition-opacity' : ''}`}>
          <table className="w-full text-sm" data-testid="groups-table">
            <thead className="border-b border-slate-200 bg-slate-50/60">
              <tr>
                <SortHeader field="group" label="Group" state={state} onSort={sortBy} />
                {multi && <SortHeader field="step" label="Step" state={state} onSort={sortBy} right />}
                <SortHeader field="rollouts" label="Rollouts" state={state} onSort={sortBy} right />
                <SortHeader field="accuracy" label="Accuracy" state={state} onSort={sortBy} right />
                <SortHeader field="reward_std" label="Reward std" state={state} onSort={sortBy} right />
                <th className={TH}>Signal</th>
              </tr>
            </thead>
            <tbody className="divide-y divide-slate-100">
              {items.map((g) => {
                const open = g.group === state.group;
                return (
                  <tr
                    key={g.group}
                    className={`cursor-pointer ${open ? 'bg-sky-50' : 'hover:bg-slate-50'}`}
                    onClick={() => onChange({ group: g.group })}
                    data-testid="group-row"
                    data-group={g.group}
                    aria-selected={open}
                  >
                    <td className="px-2 py-1.5">
                      <button
                        type="button"
                        className="max-w-56 truncate text-left font-mono text-[12px] font-medium text-slate-900 hover:text-sky-700"
                        title={g.group}
                      >
                        {g.group}
                      </button>
                    </td>
                    {multi && <td className={`${TD} text-right`}>{g.step}</td>}
                    <td className={`${TD} text-right`}>{formatInt(g.rollouts)}</td>
                    <td className={`${TD} text-right`}>{formatPercent(g.accuracy, 0)}</td>
                    <td className={`${TD} text-right`}>{formatScore(g.reward_std)}</td>
                    <td className="px-2 py-1.5">
                      <SignalBadges outcome={g.no_signal_outcome} combined={g.no_signal} />
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
          {pages.hasNextPage && (
            <div className="border-t border-slate-100 p-2 text-center">
              <Button size="sm" onClick={() => pages.fetchNextPage()} disabled={pages.isFetchingNextPage} data-testid="more-groups">
                {pages.isFetchingNextPage ? 'Loading…' : `Show more (${formatInt(items.length)} of ${formatInt(total ?? 0)})`}
              </Button>
            </div>
          )}
        </div>
      )}
    </Card>
  );
}
