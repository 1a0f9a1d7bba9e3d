import { ModelSwatch } from '@/components/ui/model-chip';
import { formatPrice } from '@/lib/client/format';
import type { ModelColor } from '@/lib/client/model-colors';
import type { ModelInfo } from '@/lib/client/types';

/** The trajectory's models, cheapest first, with their colours and prices per million tokens. */
export function ModelLegend({ models, color }: { models: readonly ModelInfo[]; color: ModelColor }) {
  return (
    <div className="flex flex-wrap items-center gap-x-4 gap-y-1 text-xs text-slate-600" data-testid="model-legend">
      {models.map((m) => (
        <span key={m.id} className="inline-flex items-center gap-1.5">
          <ModelSwatch color={color(m.id)} />
          <span className="font-mono text-slate-800">{m.id}</span>
          <span className="tabular-nums text-slate-400" title="US$ per million tokens, in / out">
            {formatPrice(m.usd_per_mtok_in)} in · {formatPrice(m.usd_per_mtok_out)} out /Mtok
          </span>
        </span>
      ))}
    </div>
  );
}
