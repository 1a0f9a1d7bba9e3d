'use client';
// /agreement/disagreements: the labelled judgments where the judge and the newest label differ, or
// people's newest labels differ among themselves, each with a link to its trajectory's replay.
import Link from 'next/link';
import { useSearchParams } from 'next/navigation';
import { useInfiniteQuery } from '@tanstack/react-query';
import { Button } from '@/components/ui/button';
import { Card } from '@/components/ui/card';
import { PageHeader } from '@/components/ui/page-header';
import { SkeletonRows } from '@/components/ui/skeleton';
import { EmptyState, ErrorState } from '@/components/ui/states';
import { formatTime } from '@/components/labels/use-labels';
import { getJson, pageHref, withParams } from '@/lib/client/api';
import type { Between, DisagreementsResponse } from './types';

export function DisagreementsPage() {
  const search = useSearchParams();
  const between: Between = search.get('between') === 'people' ? 'people' : 'judge_human';
  const params = { run: search.get('run'), rubric: search.get('rubric'), criterion: search.get('criterion'), between };
  const list = useInfiniteQuery({
    queryKey: ['agreement', 'disagreements', params],
    queryFn: ({ pageParam, signal }) => getJson<DisagreementsResponse>('/api/agreement/disagreements', { ...params, after: pageParam, limit: 100 }, signal),
    initialPageParam: null as number | null,
    getNextPageParam: (last) => last.next_after,
  });
  const items = list.data?.pages.flatMap((p) => p.items) ?? [];
  const scope = [params.run && `run ${params.run}`, params.rubric && `rubric ${params.rubric}`, params.criterion && `criterion ${params.criterion}`]
    .filter(Boolean)
    .join(' · ');
  return (
    <div>
      <PageHeader
        crumbs={
          <Link href={withParams('/agreement', { run: params.run, rubric: params.rubric, criterion: params.criterion })} className="hover:underline">
            Agreement
          </Link>
        }
        title={between === 'people' ? 'Where people disagree' : 'Where the judge and people disagree'}
        description={scope || 'all runs and criteria'}
        actions={
          <Link
            href={withParams('/agreement/disagreements', { ...params, between: between === 'people' ? 'judge_human' : 'people' })}
            className="text-sm text-sky-700 hover:underline"
          >
            {between === 'people' ? 'judge vs people instead' : 'between people instead'}
          </Link>
        }
      />
      <Card>
        {list.isPending ? (
          <SkeletonRows rows={6} />
        ) : list.isError ? (
          <ErrorState error={list.error} onRetry={() => list.refetch()} />
        ) : items.length === 0 ? (
          <EmptyState title="No disagreement here" />
        ) : (
          <table className="w-full text-sm" data-testid="disagreements">
            <thead className="text-left text-[11px] uppercase tracking-wide text-slate-500">
              <tr>
                <th className="px-4 py-2">Trajectory</th>
                <th className="px-4 py-2">Criterion</th>
                <th className="px-4 py-2 text-right">Judge</th>
                <th className="px-4 py-2 text-right">Newest label</th>
                <th className="px-4 py-2">People</th>
              </tr>
            </thead>
            <tbody className="divide-y divide-slate-100">
              {items.map((d) => (
                <tr key={d.judgment_id} className="align-top">
                  <td className="px-4 py-2">
                    <Link href={pageHref.trajectory(d.trajectory_id)} className="font-mono text-xs text-sky-700 hover:underline">
                      {d.trajectory_id}
                    </Link>
                    <div className="text-xs text-slate-400">{d.steps.length ? `steps ${d.steps.join(', ')}` : 'whole trajectory'}</div>
                  </td>
                  <td className="px-4 py-2 font-mono text-xs">{d.criterion}</td>
                  <td className="px-4 py-2 text-right tabular-nums">{d.judge_score ?? '—'}</td>
                  <td className="px-4 py-2 text-right font-semibold tabular-nums">{d.human_score}</td>
                  <td className="px-4 py-2 text-xs text-slate-600">
                    {(d.people ?? []).map((p) => (
                      <div key={p.person}>
                        {p.labelled_by}: <b className="tabular-nums">{p.score}</b> <span className="text-slate-400">{formatTime(p.labelled_at)}</span>
                      </div>
                    ))}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
        {list.hasNextPage && (
          <div className="border-t border-slate-100 px-4 py-2">
            <Button size="sm" onClick={() => void list.fetchNextPage()} disabled={list.isFetchingNextPage}>
              More
            </Button>
          </div>
        )}
      </Card>
    </div>
  );
}
