'use client';
// One query: its text, its rubric, every trajectory on it across runs, and the preference pairs that
// scoring.md's rules form among them. Two trajectories picked here open side by side in /compare.
import Link from 'next/link';
import { useRouter } from 'next/navigation';
import { useState } from 'react';
import { Markdown } from '@/components/markdown/markdown';
import { AnswerText } from '@/components/replay/replay-summary';
import { Badge, OutcomeBadge } from '@/components/ui/badge';
import { Button } from '@/components/ui/button';
import { Card, CardHeader } from '@/components/ui/card';
import { PageHeader } from '@/components/ui/page-header';
import { SkeletonRows } from '@/components/ui/skeleton';
import { EmptyState, ErrorState } from '@/components/ui/states';
import { ViewSettingsBar } from '@/components/view/view-settings-bar';
import { ApiRequestError, pageHref } from '@/lib/client/api';
import { formatInt, formatPercent, formatScore, formatUsd } from '@/lib/client/format';
import { usePairs, useQueryDetail } from '@/lib/client/hooks';
import { useViewSettings } from '@/lib/client/use-view-settings';
import { viewParams } from '@/lib/client/view-url';
import type { QueryDetail } from '@/lib/client/types';
import { PairsCard } from './pairs-card';
import { RubricCard } from './rubric-card';
import { RubricVersionsCard } from './rubric-versions';

const TH = 'px-3 py-2 text-left text-[11px] font-medium uppercase tracking-wide text-slate-500 whitespace-nowrap';
const TD = 'px-3 py-1.5 tabular-nums whitespace-nowrap';

function TrajectoriesCard({ query }: { query: QueryDetail }) {
  const router = useRouter();
  const [view] = useViewSettings();
  const [picked, setPicked] = useState<string[]>([]);
  const toggle = (id: string) => setPicked((p) => (p.includes(id) ? p.filter((x) => x !== id) : [...p.slice(-1), id]));
  const shown = query.trajectories.length;
  return (
    <Card>
      <CardHeader
        title="Trajectories"
        subtitle={
          shown < query.trajectories_total
            ? `${formatInt(shown)} of ${formatInt(query.trajectories_total)} shown`
            : `${formatInt(shown)} across ${query.runs.length} run${query.runs.length === 1 ? '' : 's'}`
        }
        actions={
          <>
            {shown < query.trajectories_total && (
              <Link href={pageHref.trajectories({ query: query.id })} className="text-xs font-medium text-sky-700 hover:underline">
                All in the list →
              </Link>
            )}
            <Button
              size="sm"
              variant="primary"
              disabled={picked.length !== 2}
              onClick={() => router.push(pageHref.compare(picked[0]!, picked[1]!, viewParams(view)))}
              data-testid="compare-picked"
            >
              Compare {picked.length}/2
            </Button>
          </>
        }
      />
      {shown === 0 ? (
        <EmptyState title="No trajectories on this query" />
      ) : (
        <div className="overflow-x-auto">
          <table className="w-full text-sm" data-testid="query-trajectories">
            <thead className="border-b border-slate-200 bg-slate-50/60">
              <tr>
                <th className={`${TH} w-8`}>
                  <span className="sr-only">Pick</span>
                </th>
                <th className={TH}>Trajectory</th>
                <th className={TH}>Run</th>
                <th className={TH}>Outcome</th>
                <th className={`${TH} text-right`}>Steps</th>
                <th className={`${TH} text-right`}>Cost</th>
                <th className={`${TH} text-right`}>Savings</th>
                <th className={`${TH} text-right`}>Process</th>
                <th className={`${TH} text-right`}>Reward</th>
                <th className={TH}>Labels</th>
              </tr>
            </thead>
            <tbody className="divide-y divide-slate-100">
              {query.trajectories.map((t) => (
                <tr key={t.id} className={picked.includes(t.id) ? 'bg-sky-50/70' : 'hover:bg-slate-50'}>
                  <td className="px-3 py-1.5">
                    <input
                      type="checkbox"
                      checked={picked.includes(t.id)}
                      onChange={() => toggle(t.id)}
                      aria-label={`Pick ${t.id} to compare`}
                      className="accent-sky-600"
                    />
                  </td>
                  <td className="px-3 py-1.5">
                    <Link
                      href={pageHref.trajectory(t.id, view.judge ? { judge: view.judge } : {})}
                      className="font-mono text-[13px] text-slate-900 hover:text-sky-700 hover:underline"
                    >
                      {t.id}
                    </Link>
                  </td>
                  <td className="px-3 py-1.5 font-mono text-xs text-slate-600">{t.run_id}</td>
                  <td className="px-3 py-1.5">
                    <OutcomeBadge correct={t.correct} />
                  </td>
                  <td className={`${TD} text-right`}>{formatInt(t.steps)}</td>
                  <td className={`${TD} text-right`}>{formatUsd(t.cost_usd)}</td>
                  <td className={`${TD} text-right`}>{formatPercent(t.savings)}</td>
                  <td className={`${TD} text-right`}>{formatScore(t.process_score)}</td>
                  <td className={`${TD} text-right`}>{formatScore(t.reward)}</td>
                  <td className="px-3 py-1.5">{t.labelled ? <Badge tone="violet">labelled</Badge> : <span className="text-xs text-slate-400">—</span>}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </Card>
  );
}

function RunsOnQuery({ query }: { query: QueryDetail }) {
  return (
    <Card>
      <CardHeader title="By run" />
      <table className="w-full text-sm">
        <thead className="border-b border-slate-200 bg-slate-50/60">
          <tr>
            <th className={TH}>Run</th>
            <th className={`${TH} text-right`}>Trajectories</th>
            <th className={`${TH} text-right`}>Accuracy</th>
            <th className={`${TH} text-right`}>Mean cost</th>
            <th className={`${TH} text-right`}>Process</th>
            <th className={`${TH} text-right`}>Reward</th>
          </tr>
        </thead>
        <tbody className="divide-y divide-slate-100">
          {query.runs.map((r) => (
            <tr key={r.run_id}>
              <td className="px-3 py-1.5 font-mono text-xs text-slate-800">{r.run_id}</td>
              <td className={`${TD} text-right`}>{formatInt(r.trajectories)}</td>
              <td className={`${TD} text-right`}>{formatPercent(r.accuracy)}</td>
              <td className={`${TD} text-right`}>{formatUsd(r.mean_cost_usd)}</td>
              <td className={`${TD} text-right`}>{formatScore(r.mean_process_score)}</td>
              <td className={`${TD} text-right`}>{formatScore(r.mean_reward)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </Card>
  );
}

export function QueryPage({ id }: { id: string }) {
  const [settings] = useViewSettings();
  const view = viewParams(settings);
  const query = useQueryDetail(id, true, view);
  const q = query.data;
  return (
    <div data-testid="query-page">
      <PageHeader
        crumbs={
          <Link href={pageHref.trajectories({ query: id })} className="hover:text-slate-800">
            Trajectories of this query
          </Link>
        }
        title={
          <span>
            Query <span className="font-mono">{id}</span>
          </span>
        }
        actions={
          <>
            <ViewSettingsBar />
            {q?.benchmark && <Badge tone="sky">{q.benchmark}</Badge>}
          </>
        }
      />
      {query.isError ? (
        <Card>
          <ErrorState
            error={query.error}
            onRetry={() => query.refetch()}
            title={query.error instanceof ApiRequestError && query.error.status === 404 ? 'No such query' : 'Could not load this query'}
          />
        </Card>
      ) : !q ? (
        <Card>
          <SkeletonRows rows={8} />
        </Card>
      ) : (
        <div className="space-y-4">
          <Card className="p-4">
            <div className="text-[15px] leading-relaxed text-slate-900" data-testid="query-text">
              <Markdown text={q.text} />
            </div>
            {q.reference_answer != null && (
              <div className="mt-3 flex items-baseline gap-1.5 text-sm">
                <span className="text-slate-500">Reference answer</span>
                <div className="font-medium text-slate-800">
                  <AnswerText text={q.reference_answer} />
                </div>
              </div>
            )}
          </Card>
          <div className="grid gap-4 xl:grid-cols-2">
            {q.rubrics.length === 0 ? (
              <Card>
                <EmptyState title="No rubric">The trajectories of this query carry no rubric, so they have no process score.</EmptyState>
              </Card>
            ) : (
              <div className="space-y-4">
                {q.rubrics.map((r) => (
                  <RubricCard key={r.id} rubric={r} />
                ))}
              </div>
            )}
            <RunsOnQuery query={q} />
          </div>
          <RubricVersionsCard query={q} judge={settings.judge} />
          <TrajectoriesCard query={q} />
          <PairsSection id={id} judge={settings.judge} />
        </div>
      )}
    </div>
  );
}

function PairsSection({ id, judge }: { id: string; judge: string | null }) {
  const [settings, setSettings] = useState<{ delta_p?: string; ratio_c?: string }>({});
  const pairs = usePairs(id, { ...settings, judge });
  return <PairsCard pairs={pairs} settings={settings} onSettings={setSettings} />;
}
