'use client';
// Rubric versions of one query (e.g. one rubric per Rubricor version): every rubric used, with its
// trajectories and mean process score; a diff between any two (lib/domain diffRubrics: criteria
// added, removed, reworded, reweighted, rescaled); and the trajectories scored under each side by side.
// The two rubrics compared are kept in the URL (rubric_a, rubric_b).
import Link from 'next/link';
import { usePathname, useRouter, useSearchParams } from 'next/navigation';
import { useMemo } from 'react';
import { Markdown } from '@/components/markdown/markdown';
import { scaleLabel } from '@/components/replay/judgment-card';
import { Badge, OutcomeBadge } from '@/components/ui/badge';
import { Card, CardHeader } from '@/components/ui/card';
import { pageHref } from '@/lib/client/api';
import { formatInt, formatPercent, formatScore } from '@/lib/client/format';
import type { QueryDetail, QueryTrajectory, Scale } from '@/lib/client/types';
import { diffRubrics, type CriterionChange, type CriterionSide } from '@/lib/domain/rubric-diff';

const TH = 'px-3 py-2 text-left text-[11px] font-medium uppercase tracking-wide text-slate-500 whitespace-nowrap';

const rubricName = (r: { id: string; generator?: string | null }) => (r.generator ? `${r.generator} · ${r.id}` : r.id);

function scaleText(s: Scale): string {
  return `${s.kind} ${scaleLabel(s)}`;
}

function meanProcess(rows: readonly QueryTrajectory[]): number | null {
  const scored = rows.filter((t) => t.process_score !== null);
  return scored.length === 0 ? null : scored.reduce((n, t) => n + t.process_score!, 0) / scored.length;
}

function Weight({ side }: { side: CriterionSide }) {
  return (
    <span className="tabular-nums">
      {side.weight} <span className="text-slate-400">({formatPercent(side.share, 0)})</span>
    </span>
  );
}

const CHANGE_TONE = { added: 'green', removed: 'red', reworded: 'amber', reweighted: 'sky', rescaled: 'violet' } as const;

function ChangeRow({ c }: { c: CriterionChange }) {
  const tags: (keyof typeof CHANGE_TONE)[] =
    c.kind === 'kept'
      ? [...(c.reworded ? ['reworded' as const] : []), ...(c.reweighted ? ['reweighted' as const] : []), ...(c.rescaled ? ['rescaled' as const] : [])]
      : [c.kind];
  const before = c.kind === 'added' ? null : c.before;
  const after = c.kind === 'removed' ? null : c.after;
  const changed = tags.length > 0;
  return (
    <tr
      className={`align-top ${changed ? '' : 'text-slate-500'}`}
      data-testid="rubric-diff-row"
      data-criterion={c.id}
      data-change={tags.join(' ') || 'unchanged'}
    >
      <td className="px-3 py-2 font-mono text-xs font-semibold text-slate-800">{c.id}</td>
      <td className="px-3 py-2">
        <div className="flex flex-wrap gap-1">
          {changed ? (
            tags.map((t) => (
              <Badge key={t} tone={CHANGE_TONE[t]}>
                {t}
              </Badge>
            ))
          ) : (
            <span className="text-xs text-slate-400">unchanged</span>
          )}
        </div>
      </td>
      <td className="min-w-48 px-3 py-2 text-sm">
        {c.kind === 'kept' && c.reworded ? (
          <div className="space-y-1">
            <div className="rounded bg-rose-50 px-1.5 py-0.5 text-rose-900 line-through decoration-rose-300" data-testid="text-before">
              <Markdown text={c.before.text} />
            </div>
            <div className="rounded bg-emerald-50 px-1.5 py-0.5 text-emerald-900" data-testid="text-after">
              <Markdown text={c.after.text} />
            </div>
          </div>
        ) : (
          <div className={c.kind === 'removed' ? 'text-rose-900 line-through decoration-rose-300' : c.kind === 'added' ? 'text-emerald-900' : ''}>
            <Markdown text={(after ?? before)!.text} />
          </div>
        )}
      </td>
      <td className="whitespace-nowrap px-3 py-2 text-right text-xs">
        {before && after && c.kind === 'kept' && c.reweighted ? (
          <>
            <Weight side={before} /> →{' '}
            <b>
              <Weight side={after} />
            </b>
          </>
        ) : (
          <Weight side={(after ?? before)!} />
        )}
      </td>
      <td className="whitespace-nowrap px-3 py-2 text-right text-xs">
        {before && after && c.kind === 'kept' && c.rescaled ? (
          <>
            {scaleText(before.scale)} → <b>{scaleText(after.scale)}</b>
          </>
        ) : (
          scaleText((after ?? before)!.scale)
        )}
      </td>
    </tr>
  );
}

function TrajectoriesUnder({
  rubric,
  rows,
  total,
  judge,
}: {
  rubric: QueryDetail['rubrics'][number];
  rows: readonly QueryTrajectory[];
  total: number;
  judge: string | null;
}) {
  const mean = meanProcess(rows);
  return (
    <div className="min-w-0" data-testid="rubric-trajectories" data-rubric={rubric.id}>
      <div className="flex flex-wrap items-baseline justify-between gap-2 px-3 py-2">
        <span className="min-w-0 truncate font-mono text-xs text-slate-700" title={rubric.id}>
          {rubricName(rubric)}
        </span>
        <span className="text-xs text-slate-500">
          {formatInt(total)} trajector{total === 1 ? 'y' : 'ies'}
          {rows.length < total && ` (${formatInt(rows.length)} shown)`} · mean process{' '}
          <b className="tabular-nums text-slate-800" data-testid="rubric-mean-process">
            {formatScore(mean)}
          </b>
        </span>
      </div>
      {rows.length === 0 ? (
        <p className="px-3 pb-3 text-xs text-slate-400">No trajectory of this query shown is scored under this rubric.</p>
      ) : (
        <div className="max-h-80 overflow-auto">
          <table className="w-full text-sm">
            <thead className="sticky top-0 border-b border-slate-200 bg-slate-50">
              <tr>
                <th className={TH}>Trajectory</th>
                <th className={TH}>Run</th>
                <th className={TH}>Outcome</th>
                <th className={`${TH} text-right`}>Process</th>
              </tr>
            </thead>
            <tbody className="divide-y divide-slate-100">
              {rows.map((t) => (
                <tr key={t.id} data-testid="rubric-trajectory" data-trajectory={t.id}>
                  <td className="max-w-56 truncate px-3 py-1.5">
                    <Link
                      href={pageHref.trajectory(t.id, judge ? { judge } : {})}
                      className="font-mono text-xs text-slate-900 hover:text-sky-700 hover:underline"
                      title={t.id}
                    >
                      {t.id}
                    </Link>
                  </td>
                  <td className="max-w-40 truncate px-3 py-1.5 font-mono text-xs text-slate-600" title={t.run_id}>
                    {t.run_id}
                  </td>
                  <td className="px-3 py-1.5">
                    <OutcomeBadge correct={t.correct} />
                  </td>
                  <td className="px-3 py-1.5 text-right tabular-nums" data-testid="process-score">
                    {formatScore(t.process_score)}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </div>
  );
}

export function RubricVersionsCard({ query, judge }: { query: QueryDetail; judge: string | null }) {
  const search = useSearchParams();
  const pathname = usePathname();
  const router = useRouter();
  const rubrics = query.rubrics;
  const ids = rubrics.map((r) => r.id);
  const pick = (key: string, fallback: string) => {
    const v = search.get(key);
    return v !== null && ids.includes(v) ? v : fallback;
  };
  const aId = pick('rubric_a', ids[0] ?? '');
  const bId = pick('rubric_b', ids.find((x) => x !== aId) ?? aId);
  const a = rubrics.find((r) => r.id === aId);
  const b = rubrics.find((r) => r.id === bId);
  const diff = useMemo(() => (a && b ? diffRubrics(a.criteria, b.criteria) : null), [a, b]);
  const byRubric = useMemo(() => {
    const m = new Map<string, QueryTrajectory[]>();
    for (const t of query.trajectories) if (t.rubric_id) m.set(t.rubric_id, [...(m.get(t.rubric_id) ?? []), t]);
    return m;
  }, [query.trajectories]);

  function choose(key: 'rubric_a' | 'rubric_b', value: string) {
    const next = new URLSearchParams(search.toString());
    next.set(key, value);
    router.replace(`${pathname}?${next.toString()}`, { scroll: false });
  }

  if (rubrics.length < 2 || !a || !b || !diff) return null;
  const summary = diff.identical
    ? 'no difference'
    : [
        diff.added && `${diff.added} added`,
        diff.removed && `${diff.removed} removed`,
        diff.reworded && `${diff.reworded} reworded`,
        diff.reweighted && `${diff.reweighted} reweighted`,
        diff.rescaled && `${diff.rescaled} rescaled`,
      ]
        .filter(Boolean)
        .join(' · ');
  const select = (key: 'rubric_a' | 'rubric_b', value: string, label: string) => (
    <label className="flex min-w-0 items-center gap-1.5 text-xs text-slate-600">
      <span className="shrink-0">{label}</span>
      <select
        value={value}
        onChange={(e) => choose(key, e.target.value)}
        className="h-8 min-w-0 max-w-72 rounded-md border border-slate-300 bg-white px-1 font-mono text-xs"
        aria-label={`rubric ${label}`}
        data-testid={`${key}-select`}
      >
        {rubrics.map((r) => (
          <option key={r.id} value={r.id}>
            {rubricName(r)}
          </option>
        ))}
      </select>
    </label>
  );
  return (
    <Card data-testid="rubric-versions">
      <CardHeader title="Rubric versions" subtitle={`${rubrics.length} rubrics scored trajectories of this query`} />
      <div className="overflow-x-auto border-b border-slate-100">
        <table className="w-full text-sm" data-testid="rubric-list">
          <thead className="border-b border-slate-200 bg-slate-50/60">
            <tr>
              <th className={TH}>Rubric</th>
              <th className={TH}>Generator</th>
              <th className={`${TH} text-right`}>Criteria</th>
              <th className={`${TH} text-right`}>Trajectories</th>
              <th className={`${TH} text-right`}>Mean process</th>
            </tr>
          </thead>
          <tbody className="divide-y divide-slate-100">
            {rubrics.map((r) => (
              <tr key={r.id} data-testid="rubric-version" data-rubric={r.id} className={r.id === aId || r.id === bId ? 'bg-sky-50/50' : ''}>
                <td className="px-3 py-1.5 font-mono text-xs text-slate-800">{r.id}</td>
                <td className="px-3 py-1.5 text-xs text-slate-600">{r.generator ?? '—'}</td>
                <td className="px-3 py-1.5 text-right tabular-nums">{r.criteria.length}</td>
                <td className="px-3 py-1.5 text-right tabular-nums">{formatInt(r.trajectories ?? byRubric.get(r.id)?.length ?? 0)}</td>
                <td className="px-3 py-1.5 text-right tabular-nums">{formatScore(meanProcess(byRubric.get(r.id) ?? []))}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <div className="flex flex-wrap items-center gap-3 px-4 py-3">
        {select('rubric_a', aId, 'from')}
        <span className="text-slate-400">→</span>
        {select('rubric_b', bId, 'to')}
        <span className="text-xs text-slate-600" data-testid="rubric-diff-summary">
          {aId === bId ? 'the same rubric' : summary}
        </span>
      </div>
      <div className="overflow-x-auto">
        <table className="w-full text-sm" data-testid="rubric-diff">
          <thead className="border-y border-slate-200 bg-slate-50/60">
            <tr>
              <th className={TH}>Criterion</th>
              <th className={TH}>Change</th>
              <th className={TH}>Text</th>
              <th className={`${TH} text-right`}>Weight (share)</th>
              <th className={`${TH} text-right`}>Scale</th>
            </tr>
          </thead>
          <tbody className="divide-y divide-slate-100">
            {diff.criteria.map((c) => (
              <ChangeRow key={`${c.kind}:${c.id}`} c={c} />
            ))}
          </tbody>
        </table>
      </div>
      <div className="border-t border-slate-200">
        <div className="px-4 pt-3 text-xs font-medium uppercase tracking-wide text-slate-500">Trajectories scored under each</div>
        <div className={`grid gap-2 divide-slate-100 ${aId === bId ? '' : 'md:grid-cols-2 md:divide-x'}`}>
          <TrajectoriesUnder rubric={a} rows={byRubric.get(aId) ?? []} total={a.trajectories ?? 0} judge={judge} />
          {aId !== bId && <TrajectoriesUnder rubric={b} rows={byRubric.get(bId) ?? []} total={b.trajectories ?? 0} judge={judge} />}
        </div>
      </div>
    </Card>
  );
}
