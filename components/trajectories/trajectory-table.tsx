'use client';
import Link from 'next/link';
import { Badge, OutcomeBadge } from '@/components/ui/badge';
import { pageHref } from '@/lib/client/api';
import { formatInt, formatScore, formatUsd } from '@/lib/client/format';
import type { ListState } from '@/lib/client/list-url';
import type { ModelColor } from '@/lib/client/model-colors';
import { plainText } from '@/lib/client/plain-text';
import { StepShareBar } from '@/components/overview/step-share-bar';
import type { TrajectoryListItem } from '@/lib/client/types';
import type { SortField } from '@/lib/schemas/filters';

const TH = 'px-2 py-2 text-left text-[11px] font-medium uppercase tracking-wide text-slate-500 whitespace-nowrap xl:px-3';
const TD = 'px-2 py-1.5 tabular-nums whitespace-nowrap xl:px-3';
// Below 1280 px the run and the benchmark columns go (the id names the run), below 1024 px the
// query's text and the labels column: the figures always fit, without a sideways scroll.
const WIDE = 'hidden xl:table-cell';
const MEDIUM = 'hidden lg:table-cell';

function SortHeader({
  field,
  label,
  state,
  onSort,
  align = 'left',
}: {
  field: SortField;
  label: string;
  state: ListState;
  onSort: (f: SortField) => void;
  align?: 'left' | 'right';
}) {
  const active = (state.sort ?? 'id') === field;
  const order = active ? (state.order ?? 'asc') : null;
  return (
    <th className={`${TH} ${align === 'right' ? 'text-right' : ''}`} aria-sort={order === 'asc' ? 'ascending' : order === 'desc' ? 'descending' : 'none'}>
      <button
        type="button"
        onClick={() => onSort(field)}
        className={`inline-flex items-center gap-1 uppercase hover:text-slate-900 ${active ? 'text-slate-900' : ''}`}
        data-testid={`sort-${field}`}
      >
        {label}
        <span aria-hidden className="w-2 text-[10px]">
          {order === 'asc' ? '▲' : order === 'desc' ? '▼' : ''}
        </span>
      </button>
    </th>
  );
}

export function TrajectoryTable({
  items,
  state,
  onSort,
  color,
  modelOrder,
}: {
  items: readonly TrajectoryListItem[];
  state: ListState;
  onSort: (f: SortField) => void;
  color: ModelColor;
  modelOrder: readonly string[];
}) {
  return (
    // No scroll box of its own from 768 px up, so that the header row can stick under the app's header;
    // below that the box scrolls and the header row does not stick (top-12 inside the box would cover the first rows).
    <div className="max-md:overflow-x-auto">
      <table className="w-full text-sm" data-testid="trajectory-table">
        <thead className="z-10 border-b md:sticky md:top-12 border-slate-200 bg-slate-50 shadow-[0_1px_0_#e2e8f0]">
          <tr>
            <SortHeader field="id" label="Trajectory" state={state} onSort={onSort} />
            <th className={`${TH} ${WIDE}`}>Run</th>
            <th className={TH}>Query</th>
            <th className={`${TH} ${WIDE}`}>Benchmark</th>
            <th className={TH}>Outcome</th>
            <th className={TH} title="Share of the trajectory's steps on each model, cheapest first">
              Models
            </th>
            <SortHeader field="steps" label="Steps" state={state} onSort={onSort} align="right" />
            <SortHeader field="cost" label="Cost" state={state} onSort={onSort} align="right" />
            <SortHeader field="process_score" label="Process" state={state} onSort={onSort} align="right" />
            <SortHeader field="reward" label="Reward" state={state} onSort={onSort} align="right" />
            <th className={`${TH} ${MEDIUM}`}>Labels</th>
          </tr>
        </thead>
        <tbody className="divide-y divide-slate-100">
          {items.map((t) => (
            <tr key={t.id} className="hover:bg-slate-50" data-testid="trajectory-row">
              <td className="max-w-44 truncate px-2 py-1.5 xl:max-w-72 xl:px-3">
                <Link href={pageHref.trajectory(t.id)} className="font-mono text-[13px] text-slate-900 hover:text-sky-700 hover:underline" title={t.id}>
                  {t.id}
                </Link>
              </td>
              <td className={`px-3 py-1.5 font-mono text-xs text-slate-600 ${WIDE}`} data-col="run">
                {t.run_id}
              </td>
              <td
                className="max-w-40 truncate px-2 py-1.5 lg:max-w-64 xl:max-w-80 xl:px-3"
                data-col="query"
                title={t.query_text ? plainText(t.query_text) : t.query_id}
              >
                <Link href={pageHref.query(t.query_id)} className="font-mono text-xs text-slate-700 hover:text-sky-700 hover:underline">
                  {t.query_id}
                </Link>
                {t.query_text && (
                  <span className="ml-2 hidden text-xs text-slate-500 lg:inline" data-testid="query-excerpt">
                    {plainText(t.query_text)}
                  </span>
                )}
              </td>
              <td className={`px-3 py-1.5 text-xs text-slate-600 ${WIDE}`}>{t.benchmark ?? '—'}</td>
              <td className="px-2 py-1.5 xl:px-3" data-col="outcome">
                <OutcomeBadge correct={t.correct} />
              </td>
              <td className="px-2 py-1.5 xl:px-3" data-testid="model-usage">
                <StepShareBar shares={t.step_share_by_model} order={modelOrder} color={color} compact />
              </td>
              <td className={`${TD} text-right`}>{formatInt(t.steps)}</td>
              <td className={`${TD} text-right`} data-col="cost">
                {formatUsd(t.cost_usd)}
              </td>
              <td className={`${TD} text-right`}>{formatScore(t.process_score)}</td>
              <td className={`${TD} text-right`}>{formatScore(t.reward)}</td>
              <td className={`px-3 py-1.5 ${MEDIUM}`}>
                {t.labelled ? <Badge tone="violet">labelled</Badge> : <span className="text-xs text-slate-400">—</span>}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
