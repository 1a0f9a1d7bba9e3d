'use client';
// One curve (or two on one chart) over training steps. Drawn from at most MAX_POINTS rows (the
// buckets of lib/client/training-curve), without animation, and not redrawn when its own series did
// not change: a λ or μ move redraws the reward charts, not accuracy or cost.
import { memo } from 'react';
import { CartesianGrid, Line, LineChart, ReferenceArea, ReferenceLine, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import { Card } from '@/components/ui/card';
import { formatInt } from '@/lib/client/format';
import { sameSeries, type CurveKey, type CurveRow } from '@/lib/client/training-curve';
import type { StepRange } from '@/lib/schemas/filters';

export interface CurveSeries {
  key: CurveKey;
  name: string;
  color: string;
  dashed?: boolean;
}

interface Props {
  title: string;
  caption: string;
  rows: readonly CurveRow[];
  series: readonly CurveSeries[];
  format: (v: number) => string;
  /** Fixed y range (shares, accuracy); otherwise fitted to the data. */
  domain?: [number, number];
  /** Width of the y axis' ticks, px, and their format (default: `format`). */
  axisWidth?: number;
  tickFormat?: (v: number) => string;
  selected: StepRange | null;
  onSelect: (row: CurveRow) => void;
  testId: string;
}

const stepsLabel = (r: CurveRow) => (r.steps === 1 ? `step ${r.step}` : `steps ${r.step}–${r.last} (mean of ${r.steps})`);

function TooltipBody({
  active,
  payload,
  series,
  format,
}: {
  active?: boolean;
  payload?: readonly { payload?: CurveRow }[];
  series: readonly CurveSeries[];
  format: (v: number) => string;
}) {
  const r = active ? payload?.[0]?.payload : undefined;
  if (!r) return null;
  return (
    <div className="rounded-md border border-slate-200 bg-white px-2.5 py-1.5 text-xs shadow-sm" data-testid="curve-tooltip">
      <div className="font-medium text-slate-900">{stepsLabel(r)}</div>
      {series.map((s) => (
        <div key={s.key} className="flex items-center gap-1.5 tabular-nums text-slate-700">
          <span aria-hidden className="inline-block h-0.5 w-3" style={{ background: s.color }} />
          {s.name}: <span className="font-medium text-slate-900">{r[s.key] === null ? '—' : format(r[s.key] as number)}</span>
        </div>
      ))}
      <div className="tabular-nums text-slate-500">
        {formatInt(r.rollouts)} rollouts · {formatInt(r.groups)} groups
      </div>
      <div className="text-slate-400">click to open its groups</div>
    </div>
  );
}

const UNIT_TICKS = [0, 0.25, 0.5, 0.75, 1];

function CurveChartView({ title, caption, rows, series, format, domain, axisWidth = 44, tickFormat, selected, onSelect, testId }: Props) {
  const unit = domain?.[0] === 0 && domain[1] === 1;
  const last = rows[rows.length - 1];
  return (
    <Card className="min-w-0" data-testid={testId} data-points={rows.length} data-last-step={last?.last ?? ''}>
      <div className="px-3 pt-2">
        <div className="flex items-baseline justify-between gap-2">
          <h3 className="truncate text-[13px] font-semibold text-slate-900">{title}</h3>
          {series.length > 1 && (
            <div className="flex shrink-0 gap-2 text-[11px] text-slate-600">
              {series.map((s) => (
                <span key={s.key} className="inline-flex items-center gap-1">
                  <span aria-hidden className="inline-block h-0.5 w-3" style={{ background: s.color, opacity: s.dashed ? 0.7 : 1 }} />
                  {s.name}
                </span>
              ))}
            </div>
          )}
        </div>
        <p className="truncate text-[11px] text-slate-500" title={caption}>
          {caption}
        </p>
      </div>
      <div className="h-40 w-full cursor-pointer px-1 pb-1">
        <ResponsiveContainer width="100%" height="100%">
          <LineChart
            data={rows as CurveRow[]}
            margin={{ top: 6, right: 10, bottom: 0, left: 0 }}
            syncId="training-curves"
            onClick={(state) => {
              const i = Number(state?.activeTooltipIndex ?? state?.activeIndex);
              const row = Number.isInteger(i) ? rows[i] : undefined;
              if (row) onSelect(row);
            }}
          >
            <CartesianGrid stroke="#e2e8f0" strokeDasharray="3 3" vertical={false} />
            <XAxis
              dataKey="step"
              type="number"
              domain={['dataMin', 'dataMax']}
              allowDecimals={false}
              tick={{ fontSize: 10, fill: '#64748b' }}
              tickMargin={2}
              height={18}
            />
            <YAxis
              domain={domain ?? ['auto', 'auto']}
              tickFormatter={(v: number) => (tickFormat ?? format)(v)}
              tick={{ fontSize: 10, fill: '#64748b' }}
              width={axisWidth}
              ticks={unit ? UNIT_TICKS : undefined}
              tickCount={unit ? undefined : 4}
              allowDataOverflow={false}
            />
            <Tooltip content={<TooltipBody series={series} format={format} />} isAnimationActive={false} />
            {selected &&
              (selected.from === selected.to ? (
                <ReferenceLine x={selected.from} stroke="#0f172a" strokeDasharray="2 2" ifOverflow="hidden" />
              ) : (
                <ReferenceArea x1={selected.from} x2={selected.to} fill="#0ea5e9" fillOpacity={0.12} ifOverflow="hidden" />
              ))}
            {series.map((s) => (
              <Line
                key={s.key}
                type="linear"
                dataKey={s.key}
                name={s.name}
                stroke={s.color}
                strokeWidth={1.75}
                strokeDasharray={s.dashed ? '4 3' : undefined}
                dot={rows.length <= 40 ? { r: 2.5, strokeWidth: 0, fill: s.color } : false}
                activeDot={{ r: 3.5 }}
                isAnimationActive={false}
                connectNulls={false}
              />
            ))}
          </LineChart>
        </ResponsiveContainer>
      </div>
    </Card>
  );
}

export const CurveChart = memo(
  CurveChartView,
  (a, b) =>
    a.title === b.title &&
    a.caption === b.caption &&
    a.format === b.format &&
    a.onSelect === b.onSelect &&
    a.series === b.series &&
    a.selected?.from === b.selected?.from &&
    a.selected?.to === b.selected?.to &&
    sameSeries(
      a.rows,
      b.rows,
      a.series.map((s) => s.key),
    ),
);
