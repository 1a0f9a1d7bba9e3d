'use client';
// A queue's progress: items complete (as many labels as the overlap asks), and per annotator how
// many they labelled, how many they hold now, and when they last labelled.
import Link from 'next/link';
import { Card, CardHeader } from '@/components/ui/card';
import { PageHeader } from '@/components/ui/page-header';
import { SkeletonRows } from '@/components/ui/skeleton';
import { EmptyState, ErrorState } from '@/components/ui/states';
import { formatTime } from '@/components/labels/use-labels';
import { ProgressBar } from './progress-bar';
import { describeRule } from './queues-page';
import { useQueue } from './use-queues';

export function QueueProgress({ queueId }: { queueId: number }) {
  const q = useQueue(queueId);
  if (q.isPending) return <SkeletonRows rows={6} />;
  if (q.isError) return <ErrorState error={q.error} onRetry={() => q.refetch()} />;
  const { queue, annotators } = q.data;
  return (
    <div>
      <PageHeader
        crumbs={
          <Link href="/annotate" className="hover:underline">
            Annotate
          </Link>
        }
        title={queue.name}
        description={describeRule(queue)}
        actions={
          <Link href={`/annotate/${queue.id}`} className="rounded-md bg-slate-900 px-3 py-1.5 text-sm font-medium text-white hover:bg-slate-800">
            Label
          </Link>
        }
      />
      <Card className="mb-4 p-4">
        <ProgressBar done={queue.complete} total={queue.items} label={`items complete (${queue.overlap} label${queue.overlap > 1 ? 's' : ''} each)`} />
      </Card>
      <Card>
        <CardHeader title="Per annotator" />
        {annotators.length === 0 ? (
          <EmptyState title="Nobody has taken an item yet" />
        ) : (
          <table className="w-full text-sm" data-testid="annotator-progress">
            <thead className="text-left text-[11px] uppercase tracking-wide text-slate-500">
              <tr>
                <th className="px-4 py-2">Annotator</th>
                <th className="px-4 py-2 text-right">Labelled</th>
                <th className="px-4 py-2 text-right">Holding</th>
                <th className="px-4 py-2">Last label</th>
              </tr>
            </thead>
            <tbody className="divide-y divide-slate-100">
              {annotators.map((a) => (
                <tr key={a.user_id}>
                  <td className="px-4 py-2">
                    {a.name} <span className="text-xs text-slate-400">{a.username}</span>
                  </td>
                  <td className="px-4 py-2 text-right tabular-nums">{a.done}</td>
                  <td className="px-4 py-2 text-right tabular-nums">{a.leased}</td>
                  <td className="px-4 py-2 text-slate-500">{a.last_label_at ? formatTime(a.last_label_at) : '—'}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </Card>
    </div>
  );
}
