'use client';
// The trajectory list: every filter, sort and page lives in the URL.
import { usePathname, useRouter, useSearchParams } from 'next/navigation';
import { useCallback, useEffect, useMemo, useRef } from 'react';
import { Button } from '@/components/ui/button';
import { Card } from '@/components/ui/card';
import { PageHeader } from '@/components/ui/page-header';
import { SkeletonRows } from '@/components/ui/skeleton';
import { EmptyState, ErrorState } from '@/components/ui/states';
import { formatInt } from '@/lib/client/format';
import { useBenchmarks, useModelPalette, useRuns, useTrajectoryList } from '@/lib/client/hooks';
import { activeFilterCount, apiParams, changed, filterProblems, listStateFrom, PAGE_SIZE, toSearch, validState, type ListState } from '@/lib/client/list-url';
import type { RunSummary } from '@/lib/client/types';
import { modelsByPrice } from '@/lib/client/model-colors';
import type { SortField } from '@/lib/schemas/filters';
import { ViewSettingsBar } from '@/components/view/view-settings-bar';
import { FiltersBar } from './filters-bar';
import { TrajectoryTable } from './trajectory-table';

// Cursor pages only go forward; the way back to each page's predecessor is remembered per tab.
const PREV_KEY = 'routelens.trajectories.prev-cursor';

function rememberPrevious(next: string, current: string | undefined): void {
  try {
    const map = JSON.parse(sessionStorage.getItem(PREV_KEY) ?? '{}') as Record<string, string>;
    map[next] = current ?? '';
    sessionStorage.setItem(PREV_KEY, JSON.stringify(map));
  } catch {
    /* private mode: "previous" falls back to the first page */
  }
}

function previousOf(cursor: string): string | undefined {
  try {
    const map = JSON.parse(sessionStorage.getItem(PREV_KEY) ?? '{}') as Record<string, string>;
    return map[cursor] || undefined;
  } catch {
    return undefined;
  }
}

/** The models that the selected run used (all runs' when none is selected); null before the runs load. */
function modelsUsedBy(runs: readonly RunSummary[], run: string | undefined): Set<string> | null {
  if (runs.length === 0) return null;
  const chosen = run === undefined ? runs : runs.filter((r) => r.id === run);
  if (chosen.length === 0) return null;
  return new Set(
    chosen.flatMap((r) =>
      Object.entries(r.step_share_by_model)
        .filter(([, share]) => share > 0)
        .map(([m]) => m),
    ),
  );
}

const DEFAULT_ORDER: Record<SortField, 'asc' | 'desc'> = { id: 'asc', cost: 'desc', process_score: 'desc', reward: 'desc', steps: 'desc', ingested_at: 'desc' };

export function TrajectoriesPage() {
  const search = useSearchParams();
  const router = useRouter();
  const pathname = usePathname();
  const state = useMemo(() => listStateFrom(new URLSearchParams(search.toString())), [search]);
  // A filter value the API would refuse (a hand-edited URL) is left out of the request and shown on its field.
  const params = useMemo(() => apiParams(validState(state)), [state]);
  const list = useTrajectoryList(params);
  const runs = useRuns();
  const palette = useModelPalette();
  // The benchmark field suggests every stored benchmark (GET /api/benchmarks); the server matches it without case.
  const benchmarks = useBenchmarks().data ?? [];

  // The state the page is going to: the URL follows router.push a moment later, and a change made in
  // that moment (a bound typed, then Next) must build on the one before it, not on the URL's old state.
  const latest = useRef(state);
  useEffect(() => {
    latest.current = state;
  }, [state]);
  const go = useCallback(
    (next: ListState) => {
      latest.current = next;
      router.push(`${pathname}${toSearch(next)}`, { scroll: false });
    },
    [router, pathname],
  );
  const onChange = useCallback((change: ListState) => go(changed(latest.current, change)), [go]);
  const top = useRef<HTMLDivElement>(null);
  /** Pages keep the column headers in view: back to the table's top when it has scrolled away. */
  const toTop = () => {
    const el = top.current;
    if (el && el.getBoundingClientRect().top < 0) el.scrollIntoView({ block: 'start' });
  };
  const runList = runs.data ?? [];
  const usedModels = modelsUsedBy(runList, state.run);
  const models = modelsByPrice(palette.catalogue).filter((m) => usedModels === null || usedModels.has(m.id));
  const onSort = (field: SortField) => {
    const same = (state.sort ?? 'id') === field;
    const order = same ? ((state.order ?? 'asc') === 'asc' ? 'desc' : 'asc') : DEFAULT_ORDER[field];
    onChange({ sort: field, order });
  };
  const page = Number(state.page ?? '1') || 1;
  const nextCursor = list.data?.next_cursor ?? null;
  const total = list.data?.total ?? null;
  const items = list.data?.items ?? [];
  const first = (page - 1) * PAGE_SIZE + 1;

  return (
    <div data-testid="trajectories-page">
      <PageHeader
        title="Trajectories"
        description={
          total === null
            ? 'Every stored trajectory, filtered and sorted.'
            : `${formatInt(total)} trajector${total === 1 ? 'y' : 'ies'}${activeFilterCount(state) ? ' match the filters' : ''}`
        }
        actions={<ViewSettingsBar run={state.run} />}
      />
      <Card>
        <FiltersBar state={state} runs={runList} models={models} benchmarks={benchmarks} problems={filterProblems(state)} onChange={onChange} />
        <div ref={top} className="scroll-mt-2 border-t border-slate-200" data-testid="list-body" data-settled={list.isFetching ? 'false' : 'true'}>
          {list.isError ? (
            <ErrorState error={list.error} onRetry={() => list.refetch()} title="Could not load the trajectories" />
          ) : list.isPending ? (
            <SkeletonRows rows={10} />
          ) : items.length === 0 ? (
            <EmptyState title={activeFilterCount(state) ? 'No trajectory matches these filters' : 'No trajectories yet'}>
              {activeFilterCount(state) ? 'Loosen or clear the filters above.' : 'Import a trace file to see trajectories here.'}
            </EmptyState>
          ) : (
            <div className={list.isPlaceholderData ? 'opacity-60 transition-opacity' : ''}>
              <TrajectoryTable items={items} state={state} onSort={onSort} color={palette.color} modelOrder={models.map((m) => m.id)} />
            </div>
          )}
        </div>
        {items.length > 0 && (
          <div className="flex items-center justify-between border-t border-slate-200 px-3 py-2 text-xs text-slate-500">
            <span className="tabular-nums" data-testid="page-range">
              {formatInt(first)}–{formatInt(first + items.length - 1)}
              {total !== null && ` of ${formatInt(total)}`}
            </span>
            <div className="flex gap-2">
              <Button
                size="sm"
                disabled={!state.cursor}
                onClick={() => {
                  // A filter that changed on the way to this click (its field was left) starts over at page 1.
                  if (latest.current !== state) return;
                  const prev = state.cursor ? previousOf(state.cursor) : undefined;
                  go({ ...state, cursor: prev, page: prev ? String(Math.max(1, page - 1)) : undefined });
                  toTop();
                }}
              >
                ← Previous
              </Button>
              <Button
                size="sm"
                disabled={!nextCursor}
                data-testid="next-page"
                onClick={() => {
                  if (!nextCursor || latest.current !== state) return;
                  rememberPrevious(nextCursor, state.cursor);
                  go({ ...state, cursor: nextCursor, page: String(page + 1) });
                  toTop();
                }}
              >
                Next →
              </Button>
            </div>
          </div>
        )}
      </Card>
    </div>
  );
}
