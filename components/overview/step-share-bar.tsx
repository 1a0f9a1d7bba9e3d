import type { ModelColor } from '@/lib/client/model-colors';
import { formatPercent } from '@/lib/client/format';

/** A run's (or a trajectory's) step share by model as one thin inline bar, cheapest model first; `compact` leaves out the caption. */
/** `captionClassName`: e.g. a breakpoint that shows the caption only where there is room for it. */
export function StepShareBar({
  shares,
  order,
  color,
  compact = false,
  captionClassName = '',
}: {
  shares: Record<string, number>;
  order: readonly string[];
  color: ModelColor;
  compact?: boolean;
  captionClassName?: string;
}) {
  const parts = order.filter((m) => (shares[m] ?? 0) > 0);
  const extra = Object.keys(shares).filter((m) => !order.includes(m) && (shares[m] ?? 0) > 0);
  const all = [...parts, ...extra];
  const title = all.map((m) => `${m} ${formatPercent(shares[m])}`).join(' · ');
  return (
    <div className={`flex items-center gap-2 ${compact ? '' : 'min-w-0'}`} title={title} aria-label={title}>
      <div className={`flex h-2 shrink-0 overflow-hidden rounded-full bg-slate-100 ${compact ? 'w-16' : 'w-16 xl:w-28'}`}>
        {all.map((m) => (
          <div key={m} data-model={m} style={{ width: `${(shares[m] ?? 0) * 100}%`, backgroundColor: color(m) }} />
        ))}
      </div>
      {!compact && (
        <span className={`min-w-0 truncate text-xs text-slate-500 tabular-nums ${captionClassName}`}>{all.length === 1 ? all[0] : `${all.length} models`}</span>
      )}
    </div>
  );
}
