'use client';
// Cumulative cost along the steps against the all-largest baseline (the same tokens priced as if every
// step had gone to the trajectory's most expensive model), with the playhead.
import { useMemo } from 'react';
import { CartesianGrid, Legend, Line, LineChart, ReferenceLine, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import { formatUsd, formatUsdTick } from '@/lib/client/format';
import type { StepDetail } from '@/lib/client/types';

/** At most this many points are drawn; long trajectories are sampled evenly, the last step always kept. */
const MAX_POINTS = 400;

export function sampleIndexes(n: number, max = MAX_POINTS): number[] {
  if (n <= max) return Array.from({ length: n }, (_, i) => i);
  return Array.from({ length: max }, (_, k) => Math.round((k * (n - 1)) / (max - 1)));
}

/**
 * `baseline` and `baselineId`: the cost route's all_largest_cumulative_usd and all_largest_model (the
 * server prices the steps with lib/domain), absent until it answers.
 */
export function CumulativeCostChart({
  steps,
  baseline,
  baselineId,
  current,
}: {
  steps: readonly StepDetail[];
  baseline: readonly number[] | undefined;
  baselineId: string | undefined;
  current: number;
}) {
  const data = useMemo(
    () => sampleIndexes(steps.length).map((i) => ({ index: i, actual: steps[i]!.cumulative_cost_usd, baseline: baseline?.[i] ?? null })),
    [steps, baseline],
  );
  return (
    <div className="h-56 w-full" data-testid="cumulative-cost-chart">
      <ResponsiveContainer width="100%" height="100%">
        <LineChart data={data} margin={{ top: 8, right: 12, bottom: 0, left: 0 }}>
          <CartesianGrid stroke="#e2e8f0" strokeDasharray="3 3" />
          <XAxis dataKey="index" type="number" domain={[0, Math.max(0, steps.length - 1)]} tick={{ fontSize: 10, fill: '#64748b' }} allowDecimals={false} />
          <YAxis tickFormatter={(v: number) => formatUsdTick(v)} tick={{ fontSize: 10, fill: '#64748b' }} width={64} />
          <Tooltip
            formatter={(v, name) => [formatUsd(typeof v === 'number' ? v : Number(v)), String(name)]}
            labelFormatter={(l) => `step ${String(l)}`}
            contentStyle={{ fontSize: 12, borderRadius: 6, borderColor: '#e2e8f0' }}
          />
          <Legend wrapperStyle={{ fontSize: 11 }} iconType="plainline" />
          <Line dataKey="actual" name="this trajectory" stroke="#0f172a" strokeWidth={1.75} dot={false} isAnimationActive={false} />
          <Line
            dataKey="baseline"
            name={baselineId ? `all ${baselineId}` : 'all-largest'}
            stroke="#f97316"
            strokeDasharray="5 4"
            strokeWidth={1.5}
            dot={false}
            isAnimationActive={false}
          />
          <ReferenceLine x={current} stroke="#0ea5e9" strokeWidth={1} />
        </LineChart>
      </ResponsiveContainer>
    </div>
  );
}
