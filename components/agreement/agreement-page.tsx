'use client';
// /agreement: how far people agree with the judges (percent agreement and Cohen's kappa on binary and
// ternary criteria, mean absolute difference and Spearman's rho on numeric ones) and with each other
// (Krippendorff's alpha). A judge leaderboard per scale kind (pooled across rubrics) or per criterion
// of one rubric, with 95% bootstrap intervals; how each judge's agreement moved over label dates and
// training steps; the figures overall and per criterion under the judge setting. A figure that rests
// on fewer than 10 items shows "—" with its n. Every choice lives in the URL. Figures come from
// GET /api/agreement (lib/domain).
import Link from 'next/link';
import { usePathname, useRouter, useSearchParams } from 'next/navigation';
import { useMemo, useState } from 'react';
import { useQuery } from '@tanstack/react-query';
import { Markdown } from '@/components/markdown/markdown';
import { Button } from '@/components/ui/button';
import { Card, CardHeader } from '@/components/ui/card';
import { PageHeader } from '@/components/ui/page-header';
import { SkeletonRows } from '@/components/ui/skeleton';
import { EmptyState, ErrorState } from '@/components/ui/states';
import { JudgeSelect } from '@/components/view/view-settings-bar';
import { getJson, withParams, type Params } from '@/lib/client/api';
import { useRuns } from '@/lib/client/hooks';
import { AgreementSeries } from './agreement-series';
import { Figure, metricsOf, someDiffer } from './figures';
import { optionText, plainText } from '@/lib/client/plain-text';
import { boardRows, JudgeLeaderboard, type BoardChoice } from './judge-leaderboard';
import type { AgreementByJudgeResponse, AgreementResponse, AgreementSeriesResponse, Between, CriterionAgreement, ScaleKind } from './types';

const FIELD = 'h-8 rounded-md border border-slate-300 bg-white px-2 text-sm';
const SHOWN = 50;
const KINDS: ScaleKind[] = ['binary', 'ternary', 'numeric'];

export const agreementKey = (params: Params) => ['agreement', params] as const;

function useFilters() {
  const search = useSearchParams();
  const router = useRouter();
  const pathname = usePathname();
  const params: Params = { run: search.get('run'), rubric: search.get('rubric'), criterion: search.get('criterion') };
  const judge = search.get('judge');
  const board = search.get('board');
  const over = search.get('over') === 'day' ? ('day' as const) : ('week' as const);
  const set = (changes: Record<string, string | null>) => {
    const next = new URLSearchParams(search);
    for (const [k, v] of Object.entries(changes)) {
      if (v) next.set(k, v);
      else next.delete(k);
    }
    router.replace(`${pathname}${next.size ? `?${next}` : ''}`, { scroll: false });
  };
  return { params, judge, board, over, set };
}

export function disagreementsHref(between: Between, params: Params): string {
  return withParams('/agreement/disagreements', { between, ...params });
}

function OverallCards({ data, params }: { data: AgreementResponse; params: Params }) {
  const { judge_human: jh, people } = data.overall;
  const differ = (jh.categorical.percent_agreement !== null && jh.categorical.percent_agreement < 1) || (jh.numeric.mean_absolute_difference ?? 0) > 0;
  const peopleDiffer = [people.nominal.alpha, people.interval.alpha].some((a) => a !== null && a < 1);
  return (
    <div className="mb-4 grid gap-4 md:grid-cols-3">
      <Card className="p-4">
        <div className="text-[11px] font-medium uppercase tracking-wide text-slate-500">Judge vs people · binary and ternary</div>
        <div className="mt-2 space-y-1 text-sm">
          <div>
            agreement <Figure value={jh.categorical.percent_agreement} n={jh.categorical.n} metric="percent" testId="overall-percent" />
          </div>
          <div>
            Cohen&apos;s κ <Figure value={jh.categorical.cohens_kappa} n={jh.categorical.n} metric="kappa" testId="overall-kappa" />
          </div>
        </div>
      </Card>
      <Card className="p-4">
        <div className="text-[11px] font-medium uppercase tracking-wide text-slate-500">Judge vs people · numeric (normalized)</div>
        <div className="mt-2 space-y-1 text-sm">
          <div>
            mean abs. difference <Figure value={jh.numeric.mean_absolute_difference} n={jh.numeric.n} metric="mad" testId="overall-mad" />
          </div>
          <div>
            Spearman ρ <Figure value={jh.numeric.spearman_rho} n={jh.numeric.n} metric="rho" testId="overall-rho" />
          </div>
        </div>
        {differ && (
          <Link href={disagreementsHref('judge_human', params)} className="mt-2 inline-block text-xs text-sky-700 hover:underline">
            where judges and people differ →
          </Link>
        )}
      </Card>
      <Card className="p-4">
        <div className="text-[11px] font-medium uppercase tracking-wide text-slate-500">Between people · Krippendorff&apos;s alpha</div>
        <div className="mt-2 space-y-1 text-sm">
          <div>
            nominal <Figure value={people.nominal.alpha} n={people.nominal.n_items} metric="alpha" testId="overall-alpha-nominal" />
          </div>
          <div>
            interval <Figure value={people.interval.alpha} n={people.interval.n_items} metric="alpha" testId="overall-alpha-interval" />
          </div>
        </div>
        {peopleDiffer && (
          <Link href={disagreementsHref('people', params)} className="mt-2 inline-block text-xs text-sky-700 hover:underline">
            where people differ →
          </Link>
        )}
      </Card>
    </div>
  );
}

function JudgeHumanCell({ f, kind }: { f: CriterionAgreement['judge_human']; kind: ScaleKind }) {
  const [a, b] = metricsOf(kind);
  const value = (m: typeof a) =>
    m === 'percent' ? f.percent_agreement : m === 'kappa' ? f.cohens_kappa : m === 'mad' ? f.mean_absolute_difference : f.spearman_rho;
  const label = { percent: '', kappa: 'κ ', mad: 'MAD ', rho: 'ρ ' } as const;
  return (
    <>
      <div>
        {label[a]}
        <Figure value={value(a)} n={f.n} metric={a} testId={`criterion-${a}`} />
      </div>
      <div>
        {label[b]}
        <Figure value={value(b)} n={f.n} metric={b} testId={`criterion-${b}`} />
      </div>
    </>
  );
}

function CriterionRow({ c, params }: { c: CriterionAgreement; params: Params }) {
  const scope = { ...params, rubric: c.rubric_id, criterion: c.id };
  const peopleDiffer = c.people.alpha !== null && c.people.alpha < 1;
  return (
    <tr className="align-top" data-testid="criterion-agreement" data-criterion={c.id}>
      <td className="px-4 py-2">
        <div className="flex gap-2">
          <span className="font-mono font-semibold">{c.id}</span>
          <div className="min-w-0 text-slate-600">
            <Markdown text={c.text} />
          </div>
        </div>
        <div className="text-xs text-slate-400">
          {c.kind} · weight {c.weight} · {c.n_items} labelled
        </div>
      </td>
      <td className="whitespace-nowrap px-4 py-2 text-sm">
        <JudgeHumanCell f={c.judge_human} kind={c.kind} />
        {someDiffer(c.judge_human) && (
          <Link href={disagreementsHref('judge_human', scope)} className="text-xs text-sky-700 hover:underline" data-testid="differing-items">
            differing items
          </Link>
        )}
      </td>
      <td className="whitespace-nowrap px-4 py-2 text-sm">
        <div>
          α ({c.people.level}) <Figure value={c.people.alpha} n={c.people.n_items} metric="alpha" />
        </div>
        {peopleDiffer && (
          <Link href={disagreementsHref('people', scope)} className="text-xs text-sky-700 hover:underline" data-testid="differing-items">
            differing items
          </Link>
        )}
      </td>
    </tr>
  );
}

function KindRow({ k }: { k: AgreementResponse['kinds'][number] }) {
  return (
    <tr className="align-top" data-testid="kind-agreement" data-kind={k.kind}>
      <td className="px-4 py-2 font-medium">{k.kind}</td>
      <td className="whitespace-nowrap px-4 py-2 text-sm">
        <JudgeHumanCell f={k.judge_human} kind={k.kind} />
      </td>
      <td className="whitespace-nowrap px-4 py-2 text-sm">
        α ({k.people.level}) <Figure value={k.people.alpha} n={k.people.n_items} metric="alpha" />
      </td>
    </tr>
  );
}

/** The criteria of one rubric, or (several rubrics) the rubrics to pick one from. */
function CriteriaCard({ data, params, pickRubric }: { data: AgreementResponse; params: Params; pickRubric: (rubric: string) => void }) {
  const [all, setAll] = useState(false);
  const rubrics = useMemo(() => {
    const m = new Map<string, number>();
    for (const c of data.criteria) m.set(c.rubric_id, (m.get(c.rubric_id) ?? 0) + c.n_items);
    return [...m.entries()].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
  }, [data.criteria]);
  if (rubrics.length > 1) {
    const shown = all ? rubrics : rubrics.slice(0, SHOWN);
    return (
      <Card>
        <CardHeader
          title="Per criterion"
          subtitle={`${rubrics.length} rubrics: a criterion id means something only within its rubric, so criteria are shown one rubric at a time`}
        />
        <ul className="divide-y divide-slate-100 text-sm" data-testid="rubric-list">
          {shown.map(([rubric, n]) => (
            <li key={rubric} className="flex items-center justify-between gap-3 px-4 py-1.5">
              <button type="button" className="truncate font-mono text-xs text-sky-700 hover:underline" onClick={() => pickRubric(rubric)}>
                {rubric}
              </button>
              <span className="shrink-0 text-xs text-slate-500 tabular-nums">{n} labelled</span>
            </li>
          ))}
        </ul>
        {rubrics.length > SHOWN && (
          <div className="border-t border-slate-100 px-4 py-2">
            <Button size="sm" variant="ghost" onClick={() => setAll((a) => !a)}>
              {all ? `Show the first ${SHOWN}` : `Show all ${rubrics.length}`}
            </Button>
          </div>
        )}
      </Card>
    );
  }
  return (
    <Card>
      <CardHeader title="Per criterion" subtitle={rubrics[0] ? `rubric ${rubrics[0][0]}` : undefined} />
      <div className="overflow-x-auto">
        <table className="w-full text-sm">
          <thead className="text-left text-[11px] uppercase tracking-wide text-slate-500">
            <tr>
              <th className="px-4 py-2">Criterion</th>
              <th className="px-4 py-2">Judge vs people</th>
              <th className="px-4 py-2">Between people</th>
            </tr>
          </thead>
          <tbody className="divide-y divide-slate-100">
            {data.criteria.map((c) => (
              <CriterionRow key={`${c.rubric_id}\u0000${c.id}`} c={c} params={params} />
            ))}
          </tbody>
        </table>
      </div>
    </Card>
  );
}

/** `kind:binary` or `criterion:c1` from the URL, checked against what the answer holds. */
function boardChoice(board: string | null, byJudge: AgreementByJudgeResponse | undefined, oneRubric: boolean): BoardChoice | null {
  const kinds = KINDS.filter((k) => byJudge?.judges.some((j) => j.kinds.some((x) => x.kind === k && x.judge_human.n > 0)));
  if (board?.startsWith('criterion:') && oneRubric) {
    const id = board.slice('criterion:'.length);
    const c = byJudge?.judges.flatMap((j) => j.criteria).find((x) => x.id === id);
    if (c) return { kind: c.kind, criterion: id };
  }
  const wanted = board?.startsWith('kind:') ? (board.slice('kind:'.length) as ScaleKind) : null;
  const kind = wanted && kinds.includes(wanted) ? wanted : kinds[0];
  return kind ? { kind, criterion: null } : null;
}

function LeaderboardCard({ params, judge, board, over, set }: ReturnType<typeof useFilters>) {
  const byJudge = useQuery({
    queryKey: agreementKey({ ...params, by: 'judge' }),
    queryFn: ({ signal }) => getJson<AgreementByJudgeResponse>('/api/agreement', { ...params, by: 'judge' }, signal),
    staleTime: 0,
  });
  const series = useQuery({
    queryKey: agreementKey({ ...params, by: 'judge', over }),
    queryFn: ({ signal }) => getJson<AgreementSeriesResponse>('/api/agreement', { ...params, by: 'judge', over }, signal),
    staleTime: 0,
  });
  const steps = useQuery({
    queryKey: agreementKey({ ...params, by: 'judge', over: 'step' }),
    queryFn: ({ signal }) => getJson<AgreementSeriesResponse>('/api/agreement', { ...params, by: 'judge', over: 'step' }, signal),
    staleTime: 0,
  });
  const criteria = useMemo(() => {
    const m = new Map<string, { id: string; text: string; kind: ScaleKind; rubric: string }>();
    for (const c of byJudge.data?.judges.flatMap((j) => j.criteria) ?? [])
      m.set(`${c.rubric_id}\u0000${c.id}`, { id: c.id, text: c.text, kind: c.kind, rubric: c.rubric_id });
    return [...m.values()];
  }, [byJudge.data]);
  const oneRubric = new Set(criteria.map((c) => c.rubric)).size <= 1;
  const choice = boardChoice(board, byJudge.data, oneRubric);
  if (byJudge.isPending) return <SkeletonRows rows={4} />;
  if (byJudge.isError) return <ErrorState error={byJudge.error} onRetry={() => byJudge.refetch()} />;
  if (!choice) return null;
  const rows = boardRows(byJudge.data, choice);
  const [, main] = metricsOf(choice.kind);
  const kinds = KINDS.filter((k) => byJudge.data.judges.some((j) => j.kinds.some((x) => x.kind === k && x.judge_human.n > 0)));
  const picked = choice.criterion ? criteria.find((c) => c.id === choice.criterion) : null;
  return (
    <>
      <Card className="mb-4">
        <CardHeader
          title="Which judge agrees with people"
          subtitle={picked ? `criterion ${picked.id} of ${picked.rubric}` : `every ${choice.kind} criterion${oneRubric ? '' : ', pooled across rubrics'}`}
          actions={
            <select
              className={`${FIELD} max-w-64`}
              aria-label="leaderboard criterion"
              data-testid="board-select"
              value={choice.criterion ? `criterion:${choice.criterion}` : `kind:${choice.kind}`}
              onChange={(e) => set({ board: e.target.value })}
            >
              {kinds.map((k) => (
                <option key={k} value={`kind:${k}`}>
                  every {k} criterion
                </option>
              ))}
              {oneRubric &&
                criteria.map((c) => (
                  <option key={c.id} value={`criterion:${c.id}`} title={plainText(c.text)}>
                    {c.id} · {optionText(c.text, 48)}
                  </option>
                ))}
            </select>
          }
        />
        {picked && (
          <div className="border-b border-slate-100 px-4 py-2 text-sm text-slate-600">
            <Markdown text={picked.text} />
          </div>
        )}
        <JudgeLeaderboard rows={rows} kind={choice.kind} selected={judge} />
      </Card>
      <Card className="mb-4">
        <CardHeader
          title="Agreement over time"
          subtitle={`each judge's ${main === 'kappa' ? 'κ' : 'ρ'} on every ${choice.kind} criterion, by when people labelled`}
          actions={
            <div className="flex gap-1" role="group" aria-label="bucket">
              {(['week', 'day'] as const).map((o) => (
                <Button
                  key={o}
                  size="sm"
                  variant={over === o ? 'primary' : 'ghost'}
                  aria-pressed={over === o}
                  onClick={() => set({ over: o === 'week' ? null : o })}
                >
                  by {o}
                </Button>
              ))}
            </div>
          }
        />
        {series.isPending ? (
          <SkeletonRows rows={3} />
        ) : series.isError ? (
          <ErrorState error={series.error} onRetry={() => series.refetch()} />
        ) : (
          <AgreementSeries data={series.data} kind={choice.kind} metric={main} testId="agreement-over-time" />
        )}
      </Card>
      {steps.data && steps.data.judges.some((j) => j.points.length > 0) && (
        <Card className="mb-4">
          <CardHeader title="Agreement over training steps" subtitle={`each judge's ${main === 'kappa' ? 'κ' : 'ρ'} on the rollouts of each training step`} />
          <AgreementSeries data={steps.data} kind={choice.kind} metric={main} testId="agreement-over-steps" />
        </Card>
      )}
    </>
  );
}

export function AgreementPage() {
  const filters = useFilters();
  const { params, judge, set } = filters;
  const runs = useRuns();
  const pooled = { ...params, judge };
  const agreement = useQuery({
    queryKey: agreementKey(pooled),
    queryFn: ({ signal }) => getJson<AgreementResponse>('/api/agreement', pooled, signal),
    staleTime: 0,
  });

  return (
    <div>
      <PageHeader
        title="Agreement"
        description="Which judge agrees with people, and where people agree with each other. Every figure says how many items it rests on; one that rests on fewer than 10 shows —."
        actions={
          <div className="flex flex-wrap items-center gap-2">
            <select className={FIELD} value={String(params.run ?? '')} onChange={(e) => set({ run: e.target.value })} aria-label="run">
              <option value="">all runs</option>
              {(runs.data ?? []).map((r) => (
                <option key={r.id} value={r.id}>
                  {r.id}
                </option>
              ))}
            </select>
            {params.rubric && (
              <span className="flex h-8 items-center gap-1 rounded-md border border-slate-300 bg-slate-50 px-2 font-mono text-xs" data-testid="rubric-filter">
                {String(params.rubric)}
                <button
                  type="button"
                  aria-label="all rubrics"
                  className="text-slate-400 hover:text-slate-700"
                  onClick={() => set({ rubric: null, board: null })}
                >
                  ×
                </button>
              </span>
            )}
            <JudgeSelect value={judge} run={params.run ? String(params.run) : undefined} onChange={(j) => set({ judge: j })} />
          </div>
        }
      />
      {agreement.isPending ? (
        <SkeletonRows rows={6} />
      ) : agreement.isError ? (
        <ErrorState error={agreement.error} onRetry={() => agreement.refetch()} />
      ) : agreement.data.overall.n_items === 0 ? (
        <Card>
          <EmptyState
            title="No human label yet"
            action={
              <Link href="/annotate" className="text-sm text-sky-700 hover:underline">
                Label some judgments
              </Link>
            }
          >
            Agreement needs judgments that people labelled.
          </EmptyState>
        </Card>
      ) : (
        <>
          <LeaderboardCard {...filters} />
          <h2 className="mb-2 mt-6 text-sm font-semibold text-slate-900" data-testid="figures-heading">
            {judge ? `${judge} and people` : 'Every judge and people'}
          </h2>
          <p className="mb-2 text-sm text-slate-500" data-testid="labelled-items">
            {agreement.data.overall.n_items} labelled items{judge ? ` that ${judge} or a person judged` : ''}
          </p>
          <OverallCards data={agreement.data} params={params} />
          <Card className="mb-4">
            <CardHeader title="Per scale kind" subtitle="every criterion of a kind, across rubrics" />
            <div className="overflow-x-auto">
              <table className="w-full text-sm">
                <thead className="text-left text-[11px] uppercase tracking-wide text-slate-500">
                  <tr>
                    <th className="px-4 py-2">Kind</th>
                    <th className="px-4 py-2">Judge vs people</th>
                    <th className="px-4 py-2">Between people</th>
                  </tr>
                </thead>
                <tbody className="divide-y divide-slate-100">
                  {agreement.data.kinds.map((k) => (
                    <KindRow key={k.kind} k={k} />
                  ))}
                </tbody>
              </table>
            </div>
          </Card>
          <CriteriaCard data={agreement.data} params={params} pickRubric={(rubric) => set({ rubric, board: null })} />
        </>
      )}
    </div>
  );
}
