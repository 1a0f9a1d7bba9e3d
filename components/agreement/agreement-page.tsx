'use client';
// /agreement: how far people agree with the judge (percent agreement and Cohen's kappa on binary and
// ternary criteria, mean absolute difference and Spearman's rho on numeric ones) and with each other
// (Krippendorff's alpha), overall and per criterion, each figure with the number of items behind it
// and a way to the items where the sides differ. Figures come from GET /api/agreement (lib/domain).
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
import { getJson, withParams, type Params } from '@/lib/client/api';
import { formatPercent, formatScore } from '@/lib/client/format';
import { useRuns } from '@/lib/client/hooks';
import type { AgreementResponse, Between, CriterionAgreement } from './types';

const FIELD = 'h-8 rounded-md border border-slate-300 bg-white px-2 text-sm';
const SHOWN = 50;

export const agreementKey = (params: Params) => ['agreement', params] as const;

function useFilters() {
  const search = useSearchParams();
  const router = useRouter();
  const pathname = usePathname();
  const params: Params = { run: search.get('run'), rubric: search.get('rubric'), criterion: search.get('criterion') };
  const set = (k: string, v: string) => {
    const next = new URLSearchParams(search);
    if (v) next.set(k, v);
    else next.delete(k);
    router.replace(`${pathname}${next.size ? `?${next}` : ''}`);
  };
  return { params, set };
}

export function disagreementsHref(between: Between, params: Params): string {
  return withParams('/agreement/disagreements', { between, ...params });
}

/** A figure with the number of items it rests on; "—" with n when undefined. */
function Figure({ value, n, testId }: { value: string; n: number; testId?: string }) {
  return (
    <span className="tabular-nums" data-testid={testId}>
      <span className="font-semibold text-slate-900">{value}</span> <span className="text-xs text-slate-400">n={n}</span>
    </span>
  );
}

function OverallCards({ data, params }: { data: AgreementResponse; params: Params }) {
  const { judge_human: jh, people } = data.overall;
  return (
    <div className="mb-4 grid gap-4 md:grid-cols-3">
      <Card className="p-4">
        <div className="text-[11px] font-medium uppercase tracking-wide text-slate-500">Judge vs people · binary and ternary</div>
        <div className="mt-2 space-y-1 text-sm">
          <div>
            agreement <Figure value={formatPercent(jh.categorical.percent_agreement)} n={jh.categorical.n} testId="overall-percent" />
          </div>
          <div>
            Cohen&apos;s κ <Figure value={formatScore(jh.categorical.cohens_kappa)} n={jh.categorical.n} testId="overall-kappa" />
          </div>
        </div>
      </Card>
      <Card className="p-4">
        <div className="text-[11px] font-medium uppercase tracking-wide text-slate-500">Judge vs people · numeric (normalized)</div>
        <div className="mt-2 space-y-1 text-sm">
          <div>
            mean abs. difference <Figure value={formatScore(jh.numeric.mean_absolute_difference)} n={jh.numeric.n} testId="overall-mad" />
          </div>
          <div>
            Spearman ρ <Figure value={formatScore(jh.numeric.spearman_rho)} n={jh.numeric.n} testId="overall-rho" />
          </div>
        </div>
        <Link href={disagreementsHref('judge_human', params)} className="mt-2 inline-block text-xs text-sky-700 hover:underline">
          where judge and people differ →
        </Link>
      </Card>
      <Card className="p-4">
        <div className="text-[11px] font-medium uppercase tracking-wide text-slate-500">Between people · Krippendorff&apos;s alpha</div>
        <div className="mt-2 space-y-1 text-sm">
          <div>
            nominal <Figure value={formatScore(people.nominal.alpha)} n={people.nominal.n_items} testId="overall-alpha-nominal" />
          </div>
          <div>
            interval <Figure value={formatScore(people.interval.alpha)} n={people.interval.n_items} testId="overall-alpha-interval" />
          </div>
        </div>
        <Link href={disagreementsHref('people', params)} className="mt-2 inline-block text-xs text-sky-700 hover:underline">
          where people differ →
        </Link>
      </Card>
    </div>
  );
}

function CriterionRow({ c, params }: { c: CriterionAgreement; params: Params }) {
  const jh = c.judge_human;
  const numeric = c.kind === 'numeric';
  const scope = { ...params, rubric: c.rubric_id, criterion: c.id };
  return (
    <tr className="align-top" data-testid="criterion-agreement">
      <td className="px-4 py-2">
        <div className="font-mono text-xs text-slate-500">{c.rubric_id}</div>
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
        {numeric ? (
          <>
            <div>
              MAD <Figure value={formatScore(jh.mean_absolute_difference)} n={jh.n} />
            </div>
            <div>
              ρ <Figure value={formatScore(jh.spearman_rho)} n={jh.n} />
            </div>
          </>
        ) : (
          <>
            <div>
              <Figure value={formatPercent(jh.percent_agreement)} n={jh.n} />
            </div>
            <div>
              κ <Figure value={formatScore(jh.cohens_kappa)} n={jh.n} />
            </div>
          </>
        )}
        <Link href={disagreementsHref('judge_human', scope)} className="text-xs text-sky-700 hover:underline">
          differing items
        </Link>
      </td>
      <td className="whitespace-nowrap px-4 py-2 text-sm">
        <div>
          α ({c.people.level}) <Figure value={formatScore(c.people.alpha)} n={c.people.n_items} />
        </div>
        {c.people.n_items > 0 && (
          <Link href={disagreementsHref('people', scope)} className="text-xs text-sky-700 hover:underline">
            differing items
          </Link>
        )}
      </td>
    </tr>
  );
}

export function AgreementPage() {
  const { params, set } = useFilters();
  const runs = useRuns();
  const [all, setAll] = useState(false);
  const agreement = useQuery({
    queryKey: agreementKey(params),
    queryFn: ({ signal }) => getJson<AgreementResponse>('/api/agreement', params, signal),
    staleTime: 0,
  });
  const criteria = useMemo(() => [...(agreement.data?.criteria ?? [])].sort((a, b) => b.n_items - a.n_items || a.rubric_id.localeCompare(b.rubric_id)), [agreement.data]);
  const shown = all ? criteria : criteria.slice(0, SHOWN);

  return (
    <div>
      <PageHeader
        title="Agreement"
        description="Where people and the judge agree, and where people agree with each other. Every figure says how many items it rests on."
        actions={
          <div className="flex flex-wrap gap-2">
            <select className={FIELD} value={String(params.run ?? '')} onChange={(e) => set('run', e.target.value)} aria-label="run">
              <option value="">all runs</option>
              {(runs.data ?? []).map((r) => (
                <option key={r.id} value={r.id}>
                  {r.id}
                </option>
              ))}
            </select>
            <input
              className={FIELD}
              placeholder="criterion id"
              defaultValue={String(params.criterion ?? '')}
              onKeyDown={(e) => e.key === 'Enter' && set('criterion', e.currentTarget.value.trim())}
              onBlur={(e) => set('criterion', e.currentTarget.value.trim())}
              aria-label="criterion"
            />
          </div>
        }
      />
      {agreement.isPending ? (
        <SkeletonRows rows={6} />
      ) : agreement.isError ? (
        <ErrorState error={agreement.error} onRetry={() => agreement.refetch()} />
      ) : agreement.data.overall.n_items === 0 ? (
        <Card>
          <EmptyState title="No human label yet" action={<Link href="/annotate" className="text-sm text-sky-700 hover:underline">Label some judgments</Link>}>
            Agreement needs judgments that people labelled.
          </EmptyState>
        </Card>
      ) : (
        <>
          <p className="mb-2 text-sm text-slate-500" data-testid="labelled-items">
            {agreement.data.overall.n_items} labelled judgments
          </p>
          <OverallCards data={agreement.data} params={params} />
          <Card>
            <CardHeader title="Per criterion" subtitle={`${criteria.length} criteria with labels, most labelled first`} />
            <table className="w-full text-sm">
              <thead className="text-left text-[11px] uppercase tracking-wide text-slate-500">
                <tr>
                  <th className="px-4 py-2">Criterion</th>
                  <th className="px-4 py-2">Judge vs people</th>
                  <th className="px-4 py-2">Between people</th>
                </tr>
              </thead>
              <tbody className="divide-y divide-slate-100">
                {shown.map((c) => (
                  <CriterionRow key={`${c.rubric_id}\u0000${c.id}`} c={c} params={params} />
                ))}
              </tbody>
            </table>
            {criteria.length > SHOWN && (
              <div className="border-t border-slate-100 px-4 py-2">
                <Button size="sm" variant="ghost" onClick={() => setAll((a) => !a)}>
                  {all ? `Show the first ${SHOWN}` : `Show all ${criteria.length}`}
                </Button>
              </div>
            )}
          </Card>
        </>
      )}
    </div>
  );
}
