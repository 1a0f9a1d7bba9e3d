'use client';
import Link from 'next/link';
import { Badge, OutcomeBadge } from '@/components/ui/badge';
import { pageHref } from '@/lib/client/api';
import { formatInt, formatScore, formatUsd } from '@/lib/client/format';
import type { ListState } from '@/lib/client/list-url';
import type { TrajectoryListItem } from '@/lib/client/types';
import type { SortField } from '@/lib/schemas/filters';

const TH = 'px-3 py-2 text-left text-[11px] font-medium uppercase tracking-wide text-slate-500 whitespace-nowrap';
const TD = 'px-3 py-1.5 tabular-nums whitespace-nowrap';

function SortHeader({ field, label, state, onSort, align = 'left' }: { field: SortField; label: string; state: ListState; onSort: (f: SortField) => void; align?: 'left' | 'right' }) {
  const active = (state.sort ?? 'id') === field;
  const order = active ? (state.order ?? 'asc') : null;
  return (
    <th className={`${TH} ${align === 'right' ? 'text-right' : ''}`} aria-sort={order === 'asc' ? 'ascending' : order === 'desc' ? 'descending' : 'none'}>
      <button type="button" onClick={() => onSort(field)} className={`inline-flex items-center gap-1 uppercase hover:text-slate-900 ${active ? 'text-slate-900' : ''}`} data-testid={`sort-${field}`}>
        {label}
        <span aria-hidden className="w-2 text-[10px]">
          {order === 'asc' ? '▲' : order === 'desc' ? '▼' : ''}
        </span>
      </button>
    </th>
  );
}

export function TrajectoryTable({ items, state, onSort }: { items: readonly TrajectoryListItem[]; state: ListState; onSort: (f: SortField) => void }) {
  return (
    <div className="overflow-x-auto">
      <table className="w-full text-sm" data-testid="trajectory-table">
        <thead className="border-b border-slate-200 bg-slate-50/60">
          <tr>
            <SortHeader field="id" label="Trajectory" state={state} onSort={onSort} />
            <th className={TH}>Run</th>
            <th className={TH}>Query</th>
            <th className={TH}>Benchmark</th>
            <th className={TH}>Outcome</th>
            <SortHeader field="steps" label="Steps" state={state} onSort={onSort} align="right" />
            <SortHeader field="cost" label="Cost" state={state} onSort={onSort} align="right" />
            <SortHeader field="process_score" label="Process" state={state} onSort={onSort} align="right" />
            <SortHeader field="reward" label="Reward" state={state} onSort={onSort} align="right" />
            <th className={TH}>Labels</th>
          </tr>
        </thead>
        <tbody className="divide-y divide-slate-100">
          {items.map((t) => (
            <tr key={t.id} className="hover:bg-slate-50" data-testid="trajectory-row">
              <td className="max-w-72 truncate px-3 py-1.5">
                <Link href={pageHref.trajectory(t.id)} className="font-mono text-[13px] text-slate-900 hover:text-sky-700 hover:underline" title={t.id}>
                  {t.id}
                </Link>
              </td>
              <td className="px-3 py-1.5 font-mono text-xs text-slate-600">{t.run_id}</td>
              <td className="max-w-80 truncate px-3 py-1.5" title={t.query_text ?? t.query_id}>
                <Link href={pageHref.query(t.query_id)} className="font-mono text-xs text-slate-700 hover:text-sky-700 hover:underline">
                  {t.query_id}
                </Link>
                {t.query_text && <span className="ml-2 text-xs text-slate-500">{t.query_text}</span>}
              </td>
              <td className="px-3 py-1.5 text-xs text-slate-600">{t.benchmark ?? '—'}</td>
              <td className="px-3 py-1.5">
                <OutcomeBadge correct={t.correct} />
              </td>
              <td className={`${TD} text-right`}>{formatInt(t.steps)}</td>
              <td className={`${TD} text-right`}>{formatUsd(t.cost_usd)}</td>
              <td className={`${TD} text-right`}>{formatScore(t.process_score)}</td>
              <td className={`${TD} text-right`}>{formatScore(t.reward)}</td>
              <td className="px-3 py-1.5">{t.labelled ? <Badge tone="violet">labelled</Badge> : <span className="text-xs text-slate-400">—</span>}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
