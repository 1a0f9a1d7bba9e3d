'use client';
// /annotate: the annotation queues with their progress (overall and the caller's), a way in to
// label each, and for admins the form that builds a new one.
import Link from 'next/link';
import { useState } from 'react';
import { Button } from '@/components/ui/button';
import { Card, CardHeader } from '@/components/ui/card';
import { PageHeader } from '@/components/ui/page-header';
import { SkeletonRows } from '@/components/ui/skeleton';
import { EmptyState, ErrorState } from '@/components/ui/states';
import { hasRole, useMe } from '@/lib/client/auth';
import type { QueueSummary } from '@/lib/client/label-types';
import { ProgressBar } from './progress-bar';
import { QueueForm } from './queue-form';
import { useQueues } from './use-queues';

export function describeRule(q: QueueSummary): string {
  const r = q.rule;
  const what =
    r.rule === 'all'
      ? 'every judgment'
      : r.rule === 'sample'
        ? `random ${r.n}${r.seed ? ` (seed ${r.seed})` : ''}`
        : r.rule === 'score_range'
          ? `judge score ${r.min}–${r.max}`
          : r.between === 'people'
            ? 'annotators disagree'
            : r.between === 'judges'
              ? 'judges disagree'
              : 'judge and label disagree';
  const filters = Object.entries(q.filters).map(([k, v]) => `${k}=${v}`);
  if (q.criterion) filters.push(q.rubric ? `criterion=${q.criterion} of ${q.rubric}` : `criterion=${q.criterion}`);
  if (q.criterion_kind) filters.push(`every ${q.criterion_kind} criterion`);
  return [what, ...filters].join(' · ');
}

export function QueuesPage() {
  const me = useMe();
  const queues = useQueues();
  const [creating, setCreating] = useState(false);
  // A queue whose selection was more than a queue may hold: say so rather than cut it silently.
  const [capped, setCapped] = useState<{ name: string; message: string } | null>(null);
  const isAdmin = hasRole(me.data, 'admin');
  const canLabel = hasRole(me.data, 'annotator');

  return (
    <div>
      <PageHeader
        title="Annotate"
        description="Correct the judge: take the next judgment of a queue, score it on its criterion's scale, go on."
        actions={
          isAdmin && (
            <Button variant={creating ? 'secondary' : 'primary'} onClick={() => setCreating((c) => !c)} data-testid="new-queue">
              {creating ? 'Close' : 'New queue'}
            </Button>
          )
        }
      />
      {creating && (
        <Card className="mb-4">
          <CardHeader title="New queue" subtitle="The list's filters pick trajectories; the rule picks judgments among theirs." />
          <QueueForm
            onCreated={(r) => {
              setCreating(false);
              setCapped(r.capped ? { name: r.queue.name, message: r.capped.message } : null);
            }}
          />
        </Card>
      )}
      {capped && (
        <p role="status" data-testid="queue-capped" className="mb-4 rounded-md bg-amber-50 px-4 py-3 text-sm text-amber-900 ring-1 ring-inset ring-amber-200">
          Queue “{capped.name}”: {capped.message}.{' '}
          <button type="button" className="underline" onClick={() => setCapped(null)}>
            Dismiss
          </button>
        </p>
      )}
      <Card>
        {queues.isPending ? (
          <SkeletonRows rows={4} />
        ) : queues.isError ? (
          <ErrorState error={queues.error} onRetry={() => queues.refetch()} />
        ) : queues.data.length === 0 ? (
          <EmptyState title="No queue yet">{isAdmin ? 'Create one with “New queue”.' : 'An admin creates queues; they will show here.'}</EmptyState>
        ) : (
          <ul className="divide-y divide-slate-100">
            {queues.data.map((q) => (
              <li key={q.id} className="grid items-center gap-4 px-4 py-3 md:grid-cols-[1fr_200px_200px_auto]" data-testid="queue-row">
                <div className="min-w-0">
                  <div className="truncate font-medium text-slate-900">{q.name}</div>
                  <div className="truncate text-xs text-slate-500">
                    {describeRule(q)} · {q.overlap > 1 ? `${q.overlap} labels per item · ` : ''}by {q.created_by ?? 'unknown'}
                  </div>
                </div>
                <ProgressBar done={q.complete} total={q.items} label="complete" />
                <ProgressBar done={q.done_by_me} total={q.items} label="labelled by you" />
                <div className="flex gap-2">
                  {canLabel && q.done_by_me < q.items && (
                    <Link
                      href={`/annotate/${q.id}`}
                      className="rounded-md bg-slate-900 px-3 py-1.5 text-sm font-medium text-white hover:bg-slate-800"
                      data-testid="start-labelling"
                    >
                      Label
                    </Link>
                  )}
                  <Link
                    href={`/annotate/${q.id}?view=progress`}
                    className="rounded-md border border-slate-300 px-3 py-1.5 text-sm text-slate-700 hover:bg-slate-50"
                  >
                    Progress
                  </Link>
                </div>
              </li>
            ))}
          </ul>
        )}
      </Card>
    </div>
  );
}
