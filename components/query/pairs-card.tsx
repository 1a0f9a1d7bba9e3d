'use client';
import Link from 'next/link';
import type { UseQueryResult } from '@tanstack/react-query';
import { useState } from 'react';
import { Badge, type BadgeTone } from '@/components/ui/badge';
import { Card, CardHeader } from '@/components/ui/card';
import { SkeletonRows } from '@/components/ui/skeleton';
import { EmptyState, ErrorState } from '@/components/ui/states';
import { pageHref } from '@/lib/client/api';
import { formatInt } from '@/lib/client/format';
import { DEFAULT_PAIRS } from '@/lib/domain';
import type { PairsResponse } from '@/lib/client/types';

/** Pairs shown at first and added by "Show more": a query with 90 trajectories has thousands of pairs. */
export const PAIRS_PAGE = 100;

export const REASON_TONE: Record<'outcome' | 'process' | 'cost', BadgeTone> = { outcome: 'green', process: 'sky', cost: 'amber' };

function marginText(reason: string, margin: number): string {
  if (reason === 'outcome') return 'correct vs wrong';
  if (reason === 'process') return `+${margin.toFixed(3)} process`;
  return margin >= Number.MAX_VALUE ? 'free vs paid' : `${margin.toFixed(2)}× cheaper`;
}

function SettingInput({
  label,
  value,
  placeholder,
  onCommit,
}: {
  label: string;
  value: string | undefined;
  placeholder: string;
  onCommit: (v: string | undefined) => void;
}) {
  const [draft, setDraft] = useState(value ?? '');
  const commit = () => onCommit(draft.trim() === '' ? undefined : draft.trim());
  return (
    <label className="flex items-center gap-1.5 text-xs text-slate-500">
      {label}
      <input
        value={draft}
        placeholder={placeholder}
        onChange={(e) => setDraft(e.target.value)}
        onBlur={commit}
        onKeyDown={(e) => e.key === 'Enter' && commit()}
        inputMode="decimal"
        className="h-7 w-16 rounded border border-slate-300 px-1.5 text-xs tabular-nums text-slate-800"
      />
    </label>
  );
}

export function PairsCard({
  pairs,
  settings,
  onSettings,
}: {
  pairs: UseQueryResult<PairsResponse>;
  settings: { delta_p?: string; ratio_c?: string };
  onSettings: (s: { delta_p?: string; ratio_c?: string }) => void;
}) {
  const list = pairs.data?.pairs ?? [];
  const [shown, setShown] = useState(PAIRS_PAGE);
  const visible = list.length > shown ? list.slice(0, shown) : list;
  return (
    <Card data-testid="pairs">
      <CardHeader
        title="Preference pairs"
        subtitle="Outcome first, then process score (Δp), then cost (ratio); the rule that decided is the reason"
        actions={
          <>
            <SettingInput
              key={`dp:${settings.delta_p ?? ''}`}
              label="Δp"
              value={settings.delta_p}
              placeholder={String(DEFAULT_PAIRS.deltaP)}
              onCommit={(v) => onSettings({ ...settings, delta_p: v })}
            />
            <SettingInput
              key={`rc:${settings.ratio_c ?? ''}`}
              label="ratio"
              value={settings.ratio_c}
              placeholder={String(DEFAULT_PAIRS.ratioC)}
              onCommit={(v) => onSettings({ ...settings, ratio_c: v })}
            />
          </>
        }
      />
      {pairs.isError ? (
        <ErrorState error={pairs.error} onRetry={() => pairs.refetch()} title="Could not form the pairs" />
      ) : !pairs.data ? (
        <SkeletonRows rows={3} />
      ) : list.length === 0 ? (
        <EmptyState title="No pairs">No two trajectories of this query differ enough in outcome, process or cost for a rule to decide.</EmptyState>
      ) : (
        <>
          <table className="w-full text-sm">
            <thead className="border-b border-slate-200 bg-slate-50/60">
              <tr className="text-[11px] uppercase tracking-wide text-slate-500">
                <th className="px-3 py-2 text-left font-medium">Chosen</th>
                <th className="px-3 py-2 text-left font-medium">Rejected</th>
                <th className="px-3 py-2 text-left font-medium">Reason</th>
                <th className="px-3 py-2 text-right font-medium">Margin</th>
                <th className="px-3 py-2" />
              </tr>
            </thead>
            <tbody className="divide-y divide-slate-100">
              {visible.map((p) => (
                <tr key={`${p.chosen}\u0000${p.rejected}`}>
                  <td className="px-3 py-1.5 font-mono text-xs text-emerald-800">{p.chosen}</td>
                  <td className="px-3 py-1.5 font-mono text-xs text-rose-800">{p.rejected}</td>
                  <td className="px-3 py-1.5">
                    <Badge tone={REASON_TONE[p.reason]}>{p.reason}</Badge>
                  </td>
                  <td className="px-3 py-1.5 text-right text-xs tabular-nums text-slate-600">{marginText(p.reason, p.margin)}</td>
                  <td className="px-3 py-1.5 text-right">
                    <Link href={pageHref.compare(p.chosen, p.rejected)} className="text-xs font-medium text-sky-700 hover:underline" data-testid="pair-compare">
                      Compare →
                    </Link>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
          {visible.length < list.length && (
            <div className="flex items-center justify-between gap-3 border-t border-slate-100 px-3 py-2 text-xs text-slate-500" data-testid="pairs-more">
              <span>
                {formatInt(visible.length)} of {formatInt(list.length)} pairs
              </span>
              <button type="button" onClick={() => setShown((n) => n + PAIRS_PAGE * 5)} className="font-medium text-sky-700 hover:underline">
                Show {formatInt(Math.min(PAIRS_PAGE * 5, list.length - visible.length))} more
              </button>
            </div>
          )}
        </>
      )}
    </Card>
  );
}
