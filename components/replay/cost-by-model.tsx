'use client';
import { ModelSwatch } from '@/components/ui/model-chip';
import { SkeletonRows } from '@/components/ui/skeleton';
import { ErrorState } from '@/components/ui/states';
import { formatCompact, formatPercent, formatUsd } from '@/lib/client/format';
import { useCost } from '@/lib/client/hooks';
import type { ModelColor } from '@/lib/client/model-colors';

/** scoring.md's breakdown by model, as the cost route computes it. */
/** `enabled`: asked for only once the steps are in, so that it does not delay them. */
export function CostByModel({ trajectoryId, color, enabled = true }: { trajectoryId: string; color: ModelColor; enabled?: boolean }) {
  const cost = useCost(trajectoryId, enabled);
  if (cost.isError) return <ErrorState error={cost.error} onRetry={() => cost.refetch()} />;
  if (!cost.data) return <SkeletonRows rows={2} />;
  return (
    <table className="w-full text-xs" data-testid="cost-by-model">
      <thead>
        <tr className="text-[10px] uppercase tracking-wide text-slate-500">
          <th className="py-1.5 pl-3 pr-1 text-left font-medium">Model</th>
          <th className="px-2 py-1.5 text-right font-medium">Steps</th>
          <th className="px-2 py-1.5 text-right font-medium">Tokens</th>
          <th className="px-2 py-1.5 text-right font-medium">Cost</th>
          <th className="px-3 py-1.5 text-right font-medium">Share</th>
        </tr>
      </thead>
      <tbody className="divide-y divide-slate-100 tabular-nums">
        {cost.data.by_model.map((m) => (
          <tr key={m.model}>
            <td className="whitespace-nowrap py-1.5 pl-3 pr-1">
              <span className="inline-flex items-center gap-1.5 font-mono text-slate-800">
                <ModelSwatch color={color(m.model)} />
                {m.model}
              </span>
            </td>
            <td className="px-2 py-1.5 text-right">{m.steps}</td>
            <td className="px-2 py-1.5 text-right" title={`${m.tokens_in} in, ${m.tokens_out} out`}>
              {formatCompact(m.tokens_in + m.tokens_out)}
            </td>
            <td className="px-2 py-1.5 text-right">{formatUsd(m.cost_usd)}</td>
            <td className="px-3 py-1.5 text-right">{formatPercent(m.share, 0)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
