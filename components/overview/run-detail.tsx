'use client';
// A run's definition as its trace gave it (policy and meta: algorithm, checkpoint, ...) and its models,
// under its row of the runs table.
import { ModelSwatch } from '@/components/ui/model-chip';
import { formatInt, formatPercent, formatUsd } from '@/lib/client/format';
import type { ModelColor } from '@/lib/client/model-colors';
import type { RunSummary } from '@/lib/client/types';

const show = (v: unknown): string => (typeof v === 'string' ? v : JSON.stringify(v));

export function RunDetail({ run, color }: { run: RunSummary; color: ModelColor }) {
  const meta = run.meta && typeof run.meta === 'object' && !Array.isArray(run.meta) ? Object.entries(run.meta as Record<string, unknown>) : null;
  return (
    <div className="grid gap-4 text-xs text-slate-600 md:grid-cols-2" data-testid="run-detail" data-run={run.id}>
      <dl className="grid grid-cols-[max-content_minmax(0,1fr)] gap-x-3 gap-y-1 self-start">
        <dt className="font-medium text-slate-500">policy</dt>
        <dd className="font-mono text-slate-800" data-testid="run-detail-policy">
          {run.policy ?? '—'}
        </dd>
        {meta === null ? (
          <>
            <dt className="font-medium text-slate-500">meta</dt>
            <dd className="break-all font-mono text-slate-800">{run.meta === null || run.meta === undefined ? '—' : show(run.meta)}</dd>
          </>
        ) : (
          meta.map(([k, v]) => (
            <div key={k} className="contents" data-testid="run-detail-meta">
              <dt className="font-medium text-slate-500">{k}</dt>
              <dd className="break-all font-mono text-slate-800">{show(v)}</dd>
            </div>
          ))
        )}
        {run.created_at && (
          <>
            <dt className="font-medium text-slate-500">stored</dt>
            <dd className="tabular-nums">{new Date(run.created_at).toISOString().slice(0, 16).replace('T', ' ')} UTC</dd>
          </>
        )}
      </dl>
      {run.models && run.models.length > 0 && (
        <table className="w-full self-start tabular-nums">
          <thead className="text-[11px] uppercase tracking-wide text-slate-500">
            <tr>
              <th className="py-0.5 text-left font-medium">model</th>
              <th className="py-0.5 text-right font-medium">steps</th>
              <th className="py-0.5 text-right font-medium">of steps</th>
              <th className="py-0.5 text-right font-medium">cost</th>
              <th className="py-0.5 text-right font-medium">of cost</th>
            </tr>
          </thead>
          <tbody>
            {run.models.map((m) => (
              <tr key={m.id}>
                <td className="py-0.5">
                  <span className="inline-flex items-center gap-1.5 font-mono">
                    <ModelSwatch color={color(m.id)} />
                    {m.id}
                  </span>
                </td>
                <td className="py-0.5 text-right">{formatInt(m.steps)}</td>
                <td className="py-0.5 text-right">{formatPercent(m.step_share)}</td>
                <td className="py-0.5 text-right">{formatUsd(m.cost_usd)}</td>
                <td className="py-0.5 text-right">{formatPercent(m.cost_share)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </div>
  );
}
