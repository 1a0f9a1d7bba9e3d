'use client';
import { useMemo } from 'react';
import { CartesianGrid, Legend, Line, LineChart, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import { formatUsd, formatUsdTick } from '@/lib/client/format';
import type { StepDetail } from '@/lib/client/types';
import { sampleIndexes } from './cumulative-cost-chart';

/** Cumulative cost of two trajectories along their steps. */
export function CompareCostChart({ a, b }: { a: readonly StepDetail[]; b: readonly StepDetail[] }) {
  const data = useMemo(() => {
    const n = Math.max(a.length, b.length);
    return sampleIndexes(n).map((i) => ({ index: i, A: a[i]?.cumulative_cost_usd ?? null, B: b[i]?.cumulative_cost_usd ?? null }));
  }, [a, b]);
  return (
    <div className="h-52 w-full" data-testid="compare-cost-chart">
      <ResponsiveContainer width="100%" height="100%">
        <LineChart data={data} margin={{ top: 8, right: 16, bottom: 0, left: 0 }}>
          <CartesianGrid stroke="#e2e8f0" strokeDasharray="3 3" />
          <XAxis dataKey="index" type="number" domain={[0, 'dataMax']} tick={{ fontSize: 10, fill: '#64748b' }} allowDecimals={false} />
          <YAxis tickFormatter={(v: number) => formatUsdTick(v)} tick={{ fontSize: 10, fill: '#64748b' }} width={64} />
          <Tooltip
            formatter={(v, name) => [formatUsd(typeof v === 'number' ? v : Number(v)), String(name)]}
            labelFormatter={(l) => `step ${String(l)}`}
            contentStyle={{ fontSize: 12 }}
          />
          <Legend wrapperStyle={{ fontSize: 11 }} iconType="plainline" />
          <Line dataKey="A" stroke="#0f172a" strokeWidth={1.75} dot={false} isAnimationActive={false} connectNulls={false} />
          <Line dataKey="B" stroke="#0ea5e9" strokeWidth={1.75} dot={false} isAnimationActive={false} connectNulls={false} />
        </LineChart>
      </ResponsiveContainer>
    </div>
  );
}
