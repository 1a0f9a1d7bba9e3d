import type { ModelColor } from '@/lib/client/model-colors';
import { formatPercent } from '@/lib/client/format';

/** A run's step share by model as one thin inline bar, cheapest model first. */
export function StepShareBar({ shares, order, color }: { shares: Record<string, number>; order: readonly string[]; color: ModelColor }) {
  const parts = order.filter((m) => (shares[m] ?? 0) > 0);
  const extra = Object.keys(shares).filter((m) => !order.includes(m) && (shares[m] ?? 0) > 0);
  const all = [...parts, ...extra];
  const title = all.map((m) => `${m} ${formatPercent(shares[m])}`).join(' · ');
  return (
    <div className="flex min-w-32 items-center gap-2" title={title}>
      <div className="flex h-2 w-28 overflow-hidden rounded-full bg-slate-100">
        {all.map((m) => (
          <div key={m} style={{ width: `${(shares[m] ?? 0) * 100}%`, backgroundColor: color(m) }} />
        ))}
      </div>
      <span className="truncate text-xs text-slate-500 tabular-nums">{all.length === 1 ? all[0] : `${all.length} models`}</span>
    </div>
  );
}
