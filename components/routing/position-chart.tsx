'use client';
// Model share by relative position: one stacked area per model over the ten position bins, cheapest
// model at the bottom; a bin without steps leaves a gap rather than a made-up share.
import { Area, AreaChart, CartesianGrid, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import { formatInt, formatPercent } from '@/lib/client/format';
import type { ModelColor } from '@/lib/client/model-colors';
import { binLabel } from '@/lib/client/routing-url';
import type { RoutingAnswer } from './use-routing';

export function PositionChart({ data, color }: { data: RoutingAnswer; color: ModelColor }) {
  const rows = data.position_profile.map((b) => ({ bin: binLabel(b.bin), steps: b.steps, ...b.share_by_model }));
  return (
    <div className="h-56 w-full" data-testid="position-chart">
      <ResponsiveContainer width="100%" height="100%">
        <AreaChart data={rows} margin={{ top: 8, right: 12, bottom: 4, left: 0 }}>
          <CartesianGrid stroke="#e2e8f0" strokeDasharray="3 3" vertical={false} />
          <XAxis dataKey="bin" tick={{ fontSize: 10, fill: '#64748b' }} interval="preserveStartEnd" />
          <YAxis
            domain={[0, 1]}
            ticks={[0, 0.25, 0.5, 0.75, 1]}
            tickFormatter={(v: number) => formatPercent(v, 0)}
            tick={{ fontSize: 10, fill: '#64748b' }}
            width={40}
          />
          <Tooltip
            formatter={(v, name) => [formatPercent(typeof v === 'number' ? v : Number(v)), String(name)]}
            labelFormatter={(label, payload) => {
              const steps = (payload?.[0]?.payload as { steps?: number } | undefined)?.steps;
              return `position ${String(label)} · ${formatInt(steps ?? 0)} steps`;
            }}
            contentStyle={{ fontSize: 12, borderRadius: 6, borderColor: '#e2e8f0' }}
          />
          {data.models.map((m) => (
            <Area
              key={m}
              type="linear"
              dataKey={m}
              stackId="share"
              stroke={color(m)}
              fill={color(m)}
              fillOpacity={0.85}
              isAnimationActive={false}
              connectNulls={false}
            />
          ))}
        </AreaChart>
      </ResponsiveContainer>
    </div>
  );
}
