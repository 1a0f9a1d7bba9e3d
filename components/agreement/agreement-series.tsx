'use client';
// How each judge's agreement with people moved: one line per judge over the newest label's day or week
// (UTC), or over training steps. A point that rests on fewer than MIN_AGREEMENT_ITEMS items is left out
// (a gap), never drawn as a number; the tooltip gives each point's n.
import { useMemo } from 'react';
import { CartesianGrid, Legend, Line, LineChart, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import { MIN_AGREEMENT_ITEMS } from '@/lib/domain/agreement';
import { enough, formatMetric, METRIC_LABEL, valueOf, type Metric } from './figures';
import type { AgreementSeriesResponse, ScaleKind } from './types';

const COLORS = ['#0284c7', '#f97316', '#16a34a', '#9333ea', '#e11d48', '#0d9488', '#ca8a04', '#475569'];

interface Point {
  at: string | number;
  [judgeValue: string]: number | string | null;
}

export function seriesPoints(data: AgreementSeriesResponse, kind: ScaleKind, metric: Metric): { points: Point[]; judges: string[]; drawn: number } {
  const byAt = new Map<string | number, Point>();
  let drawn = 0;
  for (const j of data.judges) {
    for (const p of j.points) {
      const f = p.kinds.find((k) => k.kind === kind)?.judge_human;
      if (!f) continue;
      let row = byAt.get(p.at);
      if (!row) byAt.set(p.at, (row = { at: p.at }));
      const { value } = valueOf(f, metric);
      row[j.judge] = enough(f.n) ? value : null;
      row[`${j.judge}\u0000n`] = f.n;
      if (enough(f.n) && value !== null) drawn++;
    }
  }
  const points = [...byAt.values()].sort((a, b) => (typeof a.at === 'number' && typeof b.at === 'number' ? a.at - b.at : String(a.at) < String(b.at) ? -1 : 1));
  return { points, judges: data.judges.map((j) => j.judge), drawn };
}

export function AgreementSeries({ data, kind, metric, testId }: { data: AgreementSeriesResponse; kind: ScaleKind; metric: Metric; testId: string }) {
  const { points, judges, drawn } = useMemo(() => seriesPoints(data, kind, metric), [data, kind, metric]);
  const step = data.over === 'step';
  if (points.length === 0)
    return (
      <p className="px-4 py-6 text-sm text-slate-500">
        No {kind} item labelled here{step ? ' in a training run' : ''}.
      </p>
    );
  if (drawn === 0) {
    return (
      <p className="px-4 py-6 text-sm text-slate-500" data-testid={testId}>
        Every {step ? 'training step' : data.over === 'week' ? 'week' : 'day'} rests on fewer than {MIN_AGREEMENT_ITEMS} {kind} items per judge: nothing to draw
        yet.
      </p>
    );
  }
  const domain: [number, number] = metric === 'kappa' || metric === 'rho' ? [-1, 1] : [0, 1];
  return (
    <div className="px-2 py-3" data-testid={testId}>
      <div className="h-56 w-full">
        <ResponsiveContainer width="100%" height="100%">
          <LineChart data={points} margin={{ top: 8, right: 16, bottom: 0, left: 0 }}>
            <CartesianGrid stroke="#e2e8f0" strokeDasharray="3 3" />
            <XAxis dataKey="at" tick={{ fontSize: 10, fill: '#64748b' }} tickFormatter={(v) => (step ? `step ${String(v)}` : String(v))} />
            <YAxis domain={domain} tick={{ fontSize: 10, fill: '#64748b' }} width={44} tickFormatter={(v: number) => formatMetric(metric, v)} />
            <Tooltip
              contentStyle={{ fontSize: 12, borderRadius: 6, borderColor: '#e2e8f0' }}
              labelFormatter={(l) => (step ? `training step ${String(l)}` : data.over === 'week' ? `week of ${String(l)}` : String(l))}
              formatter={(v, name, item) => {
                const n = (item.payload as Point)[`${String(name)}\u0000n`];
                return [`${formatMetric(metric, typeof v === 'number' ? v : null)} (n=${String(n ?? 0)})`, String(name)];
              }}
            />
            <Legend wrapperStyle={{ fontSize: 11 }} iconType="plainline" />
            {judges.map((j, i) => (
              <Line
                key={j}
                dataKey={j}
                name={j}
                stroke={COLORS[i % COLORS.length]}
                strokeWidth={1.75}
                dot={{ r: 2.5 }}
                connectNulls={false}
                isAnimationActive={false}
              />
            ))}
          </LineChart>
        </ResponsiveContainer>
      </div>
      <p className="px-2 text-xs text-slate-500">
        {step
          ? `${METRIC_LABEL[metric]} per training step, over the rollouts of that step.`
          : `${METRIC_LABEL[metric]} per ${data.over === 'week' ? 'label week (UTC, from Monday)' : 'label day (UTC)'}, by the date of each item’s newest label.`}{' '}
        Points that rest on fewer than {MIN_AGREEMENT_ITEMS} items are left out.
      </p>
    </div>
  );
}
