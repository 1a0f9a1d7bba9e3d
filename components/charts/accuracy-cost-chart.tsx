'use client';
// One point per run at (mean cost, accuracy), with the Pareto front drawn through the runs that no
// other run beats on both.
import { CartesianGrid, Cell, ComposedChart, LabelList, Line, ResponsiveContainer, Scatter, Tooltip, XAxis, YAxis } from 'recharts';
import { formatPercent, formatUsd, formatUsdTick } from '@/lib/client/format';
import { paretoFront } from '@/lib/client/pareto';
import type { RunSummary } from '@/lib/client/types';

interface Point {
  id: string;
  cost: number | null;
  accuracy: number | null;
  onFront: boolean;
}

function TooltipBody({ active, payload }: { active?: boolean; payload?: readonly { payload?: Point }[] }) {
  const p = active ? payload?.[0]?.payload : undefined;
  if (!p) return null;
  return (
    <div className="rounded-md border border-slate-200 bg-white px-2.5 py-1.5 text-xs shadow-sm">
      <div className="font-mono font-medium text-slate-900">{p.id}</div>
      <div className="tabular-nums text-slate-600">accuracy {formatPercent(p.accuracy)}</div>
      <div className="tabular-nums text-slate-600">mean cost {formatUsd(p.cost)}</div>
      {p.onFront && <div className="text-sky-700">on the Pareto front</div>}
    </div>
  );
}

export function AccuracyCostChart({ runs, onSelect }: { runs: readonly RunSummary[]; onSelect?: (runId: string) => void }) {
  const points: Point[] = runs.map((r) => ({ id: r.id, cost: r.mean_cost_usd, accuracy: r.accuracy, onFront: false }));
  const front = paretoFront(points);
  for (const p of front) p.onFront = true;
  const plotted = points.filter((p) => p.cost !== null && p.accuracy !== null);
  // Runs that differ in cost by orders of magnitude (an all-small baseline and a long-horizon run)
  // would crowd at 0 on a linear axis.
  const costs = plotted.map((p) => p.cost as number).filter((c) => c > 0);
  const logScale = costs.length > 1 && Math.max(...costs) / Math.min(...costs) > 20 && costs.length === plotted.length;
  return (
    <div className="h-72 w-full" data-testid="accuracy-cost-chart">
      <ResponsiveContainer width="100%" height="100%">
        <ComposedChart margin={{ top: 24, right: 48, bottom: 8, left: 16 }}>
          <CartesianGrid stroke="#e2e8f0" strokeDasharray="3 3" />
          <XAxis
            type="number"
            dataKey="cost"
            name="mean cost"
            scale={logScale ? 'log' : 'auto'}
            domain={logScale ? ['auto', 'auto'] : [0, 'auto']}
            tickFormatter={(v: number) => formatUsdTick(v)}
            tick={{ fontSize: 11, fill: '#64748b' }}
            label={{ value: `mean cost per trajectory${logScale ? ' (log scale)' : ''}`, position: 'insideBottom', offset: -4, fontSize: 11, fill: '#64748b' }}
            height={36}
          />
          <YAxis
            type="number"
            dataKey="accuracy"
            name="accuracy"
            domain={[0, 1]}
            tickFormatter={(v: number) => formatPercent(v, 0)}
            tick={{ fontSize: 11, fill: '#64748b' }}
            width={44}
          />
          <Tooltip content={<TooltipBody />} cursor={{ strokeDasharray: '3 3' }} />
          <Line data={front} dataKey="accuracy" type="linear" stroke="#0ea5e9" strokeWidth={1.5} strokeDasharray="5 4" dot={false} isAnimationActive={false} legendType="none" />
          <Scatter
            data={plotted}
            fill="#0f172a"
            isAnimationActive={false}
            cursor={onSelect ? 'pointer' : undefined}
            onClick={(d: { payload?: Point }) => d.payload && onSelect?.(d.payload.id)}
          >
            {plotted.map((p) => (
              <Cell key={p.id} fill={p.onFront ? '#0284c7' : '#94a3b8'} />
            ))}
            <LabelList dataKey="id" position="top" offset={8} style={{ fontSize: 11, fill: '#334155' }} />
          </Scatter>
        </ComposedChart>
      </ResponsiveContainer>
    </div>
  );
}
