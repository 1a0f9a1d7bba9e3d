'use client';
// Two trajectories of one query side by side: their outcome, cost and scores, which one scoring.md's
// preference rules choose and why (lib/domain decidePair, run here on the stored figures), and their
// steps aligned by index.
import dynamic from 'next/dynamic';
import Link from 'next/link';
import { usePathname, useRouter, useSearchParams } from 'next/navigation';
import { useState } from 'react';
import { Markdown } from '@/components/markdown/markdown';
import { REASON_TONE } from '@/components/query/pairs-card';
import { AnswerText } from '@/components/replay/replay-summary';
import { Badge, OutcomeBadge } from '@/components/ui/badge';
import { Card, CardHeader } from '@/components/ui/card';
import { PageHeader } from '@/components/ui/page-header';
import { Skeleton, SkeletonRows } from '@/components/ui/skeleton';
import { Stat } from '@/components/ui/stat';
import { EmptyState, ErrorState } from '@/components/ui/states';
import { pageHref, withParams } from '@/lib/client/api';
import { pairRuleText } from '@/lib/client/pair-rule-text';
import { formatInt, formatPercent, formatScore, formatUsd } from '@/lib/client/format';
import { useModelPalette, useQueryDetail } from '@/lib/client/hooks';
import { useTrajectoryData, type TrajectoryData } from '@/lib/client/trajectory-data';
import { useViewSettings } from '@/lib/client/use-view-settings';
import { viewFromSearch, viewParams } from '@/lib/client/view-url';
import { ViewSettingsBar } from '@/components/view/view-settings-bar';
import type { Params } from '@/lib/client/api';
import { DEFAULT_PAIRS, validatePairSettings } from '@/lib/domain';
import { CompareSteps } from './compare-steps';
import { useComparePair } from './use-compare-pair';

const CompareCostChart = dynamic(() => import('@/components/charts/compare-cost-chart').then((m) => m.CompareCostChart), {
  ssr: false,
  loading: () => <Skeleton className="h-52" />,
});

function Side({ label, data, chosen, rejected }: { label: 'A' | 'B'; data: TrajectoryData; chosen: boolean; rejected: boolean }) {
  const t = data.info;
  if (data.error && !t) return <ErrorState error={data.error} onRetry={data.refetch} title={`Could not load trajectory ${label}`} />;
  if (!t) return <SkeletonRows rows={4} />;
  return (
    <div className="p-4" data-testid={`side-${label}`}>
      <div className="mb-3 flex flex-wrap items-center gap-2">
        <span className="grid h-6 w-6 place-items-center rounded bg-slate-900 text-xs font-semibold text-white">{label}</span>
        <Link href={pageHref.trajectory(t.id)} className="font-mono text-sm font-medium text-slate-900 hover:text-sky-700 hover:underline">
          {t.id}
        </Link>
        <OutcomeBadge correct={t.correct} />
        {chosen && <Badge tone="green">chosen</Badge>}
        {rejected && <Badge tone="red">rejected</Badge>}
      </div>
      <div className="grid grid-cols-3 gap-x-4 gap-y-3">
        <Stat label="Run" value={<span className="font-mono text-sm">{t.run.id}</span>} />
        <Stat label="Steps" value={formatInt(t.step_count)} />
        <Stat label="Cost" value={formatUsd(t.cost_usd)} />
        <Stat label="Savings" value={formatPercent(t.savings)} />
        <Stat label="Process" value={formatScore(t.process_score)} />
        <Stat label="Reward" value={formatScore(t.reward)} />
      </div>
      <div className="mt-3 flex items-baseline gap-1.5 text-sm">
        <span className="text-slate-500">Final answer</span>
        <div className={t.correct ? 'text-emerald-700' : 'text-rose-700'}>{t.final_answer == null ? '—' : <AnswerText text={t.final_answer} />}</div>
      </div>
    </div>
  );
}

function Decision({ a, b, view }: { a: string; b: string; view: Params }) {
  const [deltaP, setDeltaP] = useState(String(DEFAULT_PAIRS.deltaP));
  const [ratioC, setRatioC] = useState(String(DEFAULT_PAIRS.ratioC));
  const settings = { deltaP: Number(deltaP), ratioC: Number(ratioC), cap: null };
  const problem = deltaP.trim() === '' || ratioC.trim() === '' ? 'enter both thresholds' : validatePairSettings(settings);
  // The thresholds typed are checked here only to say what is wrong before asking; the server decides.
  const answer = useComparePair(a, b, { ...view, delta_p: settings.deltaP, ratio_c: settings.ratioC }, problem === null);
  const explanation = problem ? null : (answer.data ?? null);
  const pair = explanation?.pair ?? null;
  const side = (id: string) => (id === a ? 'A' : 'B');
  return (
    <div className="space-y-3 p-4" data-testid="pair-decision">
      <div className="flex flex-wrap items-center gap-3">
        {explanation &&
          (pair ? (
            <p className="text-sm text-slate-800">
              The rules choose <span className="font-semibold">{side(pair.chosen)}</span> over {side(pair.rejected)} by{' '}
              <Badge tone={REASON_TONE[pair.reason]}>{pair.reason}</Badge>
            </p>
          ) : (
            <p className="text-sm text-slate-800">No rule decides: these two form no preference pair.</p>
          ))}
        <div className="ml-auto flex items-center gap-3 text-xs text-slate-500">
          <label className="flex items-center gap-1">
            Δp
            <input
              value={deltaP}
              onChange={(e) => setDeltaP(e.target.value)}
              inputMode="decimal"
              className="h-7 w-14 rounded border border-slate-300 px-1.5 tabular-nums text-slate-800"
              aria-label="delta_p"
            />
          </label>
          <label className="flex items-center gap-1">
            ratio
            <input
              value={ratioC}
              onChange={(e) => setRatioC(e.target.value)}
              inputMode="decimal"
              className="h-7 w-14 rounded border border-slate-300 px-1.5 tabular-nums text-slate-800"
              aria-label="ratio_c"
            />
          </label>
        </div>
      </div>
      {problem && <p className="text-xs text-rose-700">{problem}</p>}
      {!problem && answer.error && <ErrorState error={answer.error} onRetry={() => void answer.refetch()} title="Could not decide the pair" />}
      {explanation && (
        <ol className="space-y-1 text-sm">
          {explanation.rules.map((l, i) => (
            <li key={l.rule} className={`flex gap-2 ${l.decided ? 'text-slate-900' : 'text-slate-500'}`}>
              <span className="w-4 text-right tabular-nums text-slate-400">{i + 1}.</span>
              <span className="w-16 font-medium">{l.rule}</span>
              <span>
                {pairRuleText(l)}
                {l.decided && ' — decides'}
              </span>
            </li>
          ))}
        </ol>
      )}
    </div>
  );
}

/** Switch A or B to another trajectory of the same query. */
function Picker({ queryId, value, onPick, label }: { queryId: string | undefined; value: string; onPick: (id: string) => void; label: string }) {
  const query = useQueryDetail(queryId ?? '');
  const options = queryId && query.data ? query.data.trajectories : [];
  if (options.length === 0) return null;
  return (
    <label className="flex items-center gap-1.5 text-xs text-slate-500">
      {label}
      <select
        value={value}
        onChange={(e) => onPick(e.target.value)}
        className="h-7 max-w-64 rounded-md border border-slate-300 bg-white px-1.5 font-mono text-xs text-slate-800"
      >
        {!options.some((t) => t.id === value) && <option value={value}>{value}</option>}
        {options.map((t) => (
          <option key={t.id} value={t.id}>
            {t.id}
          </option>
        ))}
      </select>
    </label>
  );
}

export function ComparePage() {
  const search = useSearchParams();
  const router = useRouter();
  const pathname = usePathname();
  const a = search.get('a') ?? '';
  const b = search.get('b') ?? '';
  if (!a || !b) {
    return (
      <div data-testid="compare-page">
        <PageHeader title="Compare" />
        <Card>
          <EmptyState title="Pick two trajectories to compare">
            Open a query page and tick two of its trajectories, or follow “Compare” on one of its preference pairs. The address takes
            <code className="mx-1 font-mono">?a=ID&amp;b=ID</code>.
          </EmptyState>
        </Card>
      </div>
    );
  }
  // The view settings stay as A and B change.
  const go = (next: { a: string; b: string }) =>
    router.push(withParams(pathname, { ...viewParams(viewFromSearch(new URLSearchParams(search.toString()))), ...next }));
  return <CompareBoth a={a} b={b} onChange={go} />;
}

function CompareBoth({ a, b, onChange }: { a: string; b: string; onChange: (next: { a: string; b: string }) => void }) {
  const [settings] = useViewSettings();
  const view = viewParams(settings);
  const da = useTrajectoryData(a, undefined, view);
  const db = useTrajectoryData(b, undefined, view);
  const palette = useModelPalette();
  const ia = da.info;
  const ib = db.info;
  // The badges follow the default thresholds; the Preference card's own thresholds re-ask the server.
  const answer = useComparePair(a, b, view);
  const pair = answer.data?.pair ?? null;
  const sameQuery = !ia || !ib || ia.query.id === ib.query.id;
  return (
    <div data-testid="compare-page">
      <PageHeader
        crumbs={
          ia ? (
            <Link href={pageHref.query(ia.query.id)} className="hover:text-slate-800">
              Query <span className="font-mono">{ia.query.id}</span>
            </Link>
          ) : undefined
        }
        title="Compare"
        actions={
          <>
            <Picker queryId={ia?.query.id} value={a} label="A" onPick={(id) => onChange({ a: id, b })} />
            <Picker queryId={ia?.query.id} value={b} label="B" onPick={(id) => onChange({ a, b: id })} />
            <button type="button" onClick={() => onChange({ a: b, b: a })} className="text-xs font-medium text-sky-700 hover:underline">
              Swap
            </button>
            <ViewSettingsBar />
          </>
        }
      />
      <div className="space-y-4">
        {!sameQuery && (
          <div className="rounded-md border border-amber-200 bg-amber-50 px-4 py-2 text-sm text-amber-900" role="status">
            These trajectories answer different queries ({ia?.query.id} and {ib?.query.id}): preference pairs form only within one query.
          </div>
        )}
        {ia && (
          <Card className="p-4">
            <div className="max-h-40 overflow-y-auto text-[15px] leading-relaxed text-slate-900">
              <Markdown text={ia.query.text} />
            </div>
          </Card>
        )}
        <Card>
          <div className="grid divide-y divide-slate-100 md:grid-cols-2 md:divide-x md:divide-y-0">
            <Side label="A" data={da} chosen={pair?.chosen === a} rejected={pair?.rejected === a} />
            <Side label="B" data={db} chosen={pair?.chosen === b} rejected={pair?.rejected === b} />
          </div>
        </Card>
        <Card>
          <CardHeader
            title="Preference"
            subtitle={
              <>
                <Link href="/docs/scoring#preference-pairs" className="text-sky-700 hover:underline">
                  routelens&apos;s preference rules
                </Link>{' '}
                on the outcome, process score (under the page&apos;s judge) and cost
              </>
            }
          />
          {ia && ib && sameQuery ? (
            <Decision a={a} b={b} view={view} />
          ) : (
            <div className="p-4">{ia && ib ? <p className="text-sm text-slate-500">Not a pair: different queries.</p> : <Skeleton className="h-10" />}</div>
          )}
        </Card>
        <Card>
          <CardHeader title="Cumulative cost" subtitle="A and B along their steps" />
          <div className="p-2">{da.steps && db.steps ? <CompareCostChart a={da.steps} b={db.steps} /> : <Skeleton className="h-52" />}</div>
        </Card>
        <Card>
          <CardHeader
            title="Steps, aligned by index"
            subtitle={ia && ib ? `A has ${formatInt(ia.step_count)} steps, B has ${formatInt(ib.step_count)}` : undefined}
          />
          <div className="grid grid-cols-[3rem_minmax(0,1fr)_minmax(0,1fr)] border-b border-slate-200 bg-slate-50/60 text-[11px] font-medium uppercase tracking-wide text-slate-500">
            <div className="px-2 py-1.5 text-right">#</div>
            <div className="px-3 py-1.5">A</div>
            <div className="px-3 py-1.5">B</div>
          </div>
          {ia && ib ? (
            <CompareSteps a={a} b={b} stepsA={da.steps} stepsB={db.steps} countA={ia.step_count} countB={ib.step_count} color={palette.color} />
          ) : (
            <SkeletonRows rows={6} />
          )}
        </Card>
      </div>
    </div>
  );
}
