'use client';
// Each run's steps split by the model that took them, as one stacked bar per run.
import { Bar, BarChart, CartesianGrid, Legend, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import { formatPercent } from '@/lib/client/format';
import type { ModelColor } from '@/lib/client/model-colors';
import type { RunSummary } from '@/lib/client/types';

export function ModelUsageChart({ runs, models, color }: { runs: readonly RunSummary[]; models: readonly string[]; color: ModelColor }) {
  const data = runs.map((r) => ({ run: r.id, ...r.step_share_by_model }));
  const height = Math.max(288, 72 + runs.length * 36);
  return (
    <div className="w-full" style={{ height }} data-testid="model-usage-chart">
      <ResponsiveContainer width="100%" height="100%">
        <BarChart data={data} layout="vertical" margin={{ top: 8, right: 24, bottom: 8, left: 8 }} barCategoryGap="28%">
          <CartesianGrid stroke="#e2e8f0" strokeDasharray="3 3" horizontal={false} />
          <XAxis type="number" domain={[0, 1]} tickFormatter={(v: number) => formatPercent(v, 0)} tick={{ fontSize: 11, fill: '#64748b' }} />
          <YAxis type="category" dataKey="run" width={110} tick={{ fontSize: 11, fill: '#334155' }} />
          <Tooltip
            formatter={(v, name) => [formatPercent(typeof v === 'number' ? v : Number(v)), String(name)]}
            contentStyle={{ fontSize: 12, borderRadius: 6, borderColor: '#e2e8f0' }}
            cursor={{ fill: '#f1f5f9' }}
          />
          <Legend wrapperStyle={{ fontSize: 11 }} iconType="square" iconSize={9} itemSorter={null} />
          {models.map((m) => (
            <Bar key={m} dataKey={m} stackId="share" fill={color(m)} isAnimationActive={false} />
          ))}
        </BarChart>
      </ResponsiveContainer>
    </div>
  );
}
