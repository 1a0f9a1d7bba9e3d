'use client';
// One point per run at (mean cost, accuracy), with the Pareto front drawn through the runs that no
// other run beats on both.
//
// A ScatterChart, not a ComposedChart: a ComposedChart's tooltip is by axis (the only kind it
// allows), so it takes the nth entry of every series' data at the pointer's position, and with the
// front's line among the series the nth entry is another run's. A ScatterChart's tooltip is by item:
// the point under the pointer, and nothing else.
import { CartesianGrid, Cell, type LabelProps, ErrorBar, LabelList, ResponsiveContainer, Scatter, ScatterChart, Tooltip, XAxis, YAxis } from 'recharts';
import { formatInt, formatPercent, formatUsd, formatUsdTick } from '@/lib/client/format';
import { labelSides, logTicks, type LabelSide } from '@/lib/client/chart-layout';
import { paretoFront } from '@/lib/client/pareto';
import type { RunSummary } from '@/lib/client/types';

interface Point {
  id: string;
  cost: number | null;
  accuracy: number | null;
  trajectories: number;
  onFront: boolean;
  /** Distances below and above the figure to its 95% interval's bounds (recharts' ErrorBar form). */
  accuracyError: [number, number] | null;
  costError: [number, number] | null;
  accuracyCi: readonly [number, number] | null;
  costCi: readonly [number, number] | null;
  /** Where the run's name is printed: above its point, or beside it when another run is close. */
  labelSide: LabelSide;
}

function TooltipBody({ active, payload }: { active?: boolean; payload?: readonly { payload?: Point }[] }) {
  const p = active ? payload?.[0]?.payload : undefined;
  if (!p) return null;
  return (
    <div className="rounded-md border border-slate-200 bg-white px-2.5 py-1.5 text-xs shadow-sm" data-testid="chart-tooltip" data-run={p.id}>
      <div className="font-mono font-medium text-slate-900">{p.id}</div>
      <div className="tabular-nums text-slate-600">
        accuracy {formatPercent(p.accuracy)}
        {p.accuracyCi && (
          <span className="text-slate-400">
            {' '}
            (95% {formatPercent(p.accuracyCi[0])}–{formatPercent(p.accuracyCi[1])})
          </span>
        )}
      </div>
      <div className="tabular-nums text-slate-600">
        mean cost {formatUsd(p.cost)}
        {p.costCi && (
          <span className="text-slate-400">
            {' '}
            (95% {formatUsd(Math.max(0, p.costCi[0]))}–{formatUsd(p.costCi[1])}
            {p.costCi[0] < 0 && (
              <span data-testid="cost-ci-clipped">; the t interval&apos;s lower bound {formatUsd(p.costCi[0])} is below any cost, shown as $0</span>
            )}
            )
          </span>
        )}
      </div>
      <div className="tabular-nums text-slate-500">{formatInt(p.trajectories)} trajectories</div>
      {p.onFront && <div className="text-sky-700">on the Pareto front</div>}
    </div>
  );
}

/**
 * The whisker lengths below and above a value. On a log axis a whisker may not reach 0 or below (a t
 * interval of a few very different costs can): its lower part is left out, the upper one stays.
 */
function errorOf(value: number | null, ci: readonly [number, number] | null | undefined, log = false): [number, number] | null {
  if (value === null || !ci || !Number.isFinite(ci[0]) || !Number.isFinite(ci[1])) return null;
  const below = log && ci[0] <= 0 ? 0 : Math.max(0, value - ci[0]);
  return [below, Math.max(0, ci[1] - value)];
}

/** The run's point, named so that a test (and a person's devtools) can tell which run it is. */
function RunDot(props: { cx?: number; cy?: number; fill?: unknown; payload?: unknown }) {
  const { cx, cy } = props;
  const payload = props.payload as Point | undefined;
  const fill = typeof props.fill === 'string' ? props.fill : undefined;
  if (cx === undefined || cy === undefined || !payload) return <g />;
  return <circle cx={cx} cy={cy} r={6} fill={fill} stroke="#fff" strokeWidth={1.5} data-testid="run-point" data-run={payload.id} />;
}

const noShape = () => <g />;

/** Run names above their points, or beside them when two runs are close (sides by index). */
function runLabel(sides: readonly LabelSide[]) {
  return function RunLabel(props: LabelProps) {
    const x = Number(props.x) + Number(props.width ?? 0) / 2;
    const y = Number(props.y) + Number(props.height ?? 0) / 2;
    const side = (props.index !== undefined && sides[props.index]) || 'top';
    if (!Number.isFinite(x) || !Number.isFinite(y)) return null;
    const at: { x: number; y: number; anchor: 'middle' | 'end' | 'start' } =
      side === 'top' ? { x, y: y - 10, anchor: 'middle' } : side === 'left' ? { x: x - 10, y: y + 4, anchor: 'end' } : { x: x + 10, y: y + 4, anchor: 'start' };
    return (
      <text x={at.x} y={at.y} textAnchor={at.anchor} fontSize={11} fill="#334155" data-testid="run-label" data-side={side}>
        {String(props.value ?? '')}
      </text>
    );
  };
}

export function AccuracyCostChart({ runs, onSelect }: { runs: readonly RunSummary[]; onSelect?: (runId: string) => void }) {
  const points: Point[] = runs.map((r) => ({
    id: r.id,
    cost: r.mean_cost_usd,
    accuracy: r.accuracy,
    trajectories: r.trajectories,
    onFront: false,
    accuracyCi: r.accuracy_ci ?? null,
    costCi: r.mean_cost_ci ?? null,
    accuracyError: errorOf(r.accuracy, r.accuracy_ci),
    costError: null,
    labelSide: 'top',
  }));
  const front = paretoFront(points);
  for (const p of front) p.onFront = true;
  const plotted = points.filter((p) => p.cost !== null && p.accuracy !== null);
  // Runs that differ in cost by orders of magnitude (an all-small baseline and a long-horizon run)
  // would crowd at 0 on a linear axis.
  const costs = plotted.map((p) => p.cost as number).filter((c) => c > 0);
  const logScale = costs.length > 1 && Math.max(...costs) / Math.min(...costs) > 20 && costs.length === plotted.length;
  for (const p of points) p.costError = errorOf(p.cost, p.costCi, logScale);
  // A log axis gets its own 1-2-5 ticks around the points (recharts' own can leave a single tick when
  // one run costs far more than the rest).
  const ticks = logScale ? logTicks(Math.min(...costs), Math.max(...costs)) : undefined;
  // Names on the points stay readable while there are few; beyond that the tooltip names them. Two
  // runs close together get their names beside their points, outwards.
  const labelled = plotted.length <= 6;
  if (labelled && plotted.length > 1) {
    const xs = plotted.map((p) => (logScale ? Math.log10(p.cost as number) : (p.cost as number)));
    const x0 = Math.min(...xs, logScale ? Infinity : 0);
    const span = Math.max(...xs) - x0 || 1;
    const sides = labelSides(plotted.map((p, i) => ({ x: (xs[i]! - x0) / span, y: p.accuracy as number })));
    plotted.forEach((p, i) => (p.labelSide = sides[i]!));
  }
  return (
    <div className="h-72 w-full" data-testid="accuracy-cost-chart">
      <ResponsiveContainer width="100%" height="100%">
        <ScatterChart margin={{ top: 24, right: 48, bottom: 8, left: 16 }}>
          <CartesianGrid stroke="#e2e8f0" strokeDasharray="3 3" />
          <XAxis
            type="number"
            dataKey="cost"
            name="mean cost"
            scale={logScale ? 'log' : 'auto'}
            domain={ticks && ticks.length > 1 ? [ticks[0]!, ticks[ticks.length - 1]!] : logScale ? ['auto', 'auto'] : [0, 'auto']}
            ticks={ticks && ticks.length > 1 ? ticks : undefined}
            allowDataOverflow={logScale}
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
            allowDataOverflow
            tickFormatter={(v: number) => formatPercent(v, 0)}
            tick={{ fontSize: 11, fill: '#64748b' }}
            width={44}
          />
          <Tooltip content={<TooltipBody />} cursor={{ strokeDasharray: '3 3' }} isAnimationActive={false} />
          {/* The front: a line through its runs, cheapest first, with no points of its own to hover. */}
          <Scatter
            data={front}
            line={{ stroke: '#0ea5e9', strokeWidth: 1.5, strokeDasharray: '5 4' }}
            lineJointType="linear"
            shape={noShape}
            tooltipType="none"
            legendType="none"
            isAnimationActive={false}
          />
          <Scatter
            data={plotted}
            fill="#0f172a"
            shape={RunDot}
            isAnimationActive={false}
            cursor={onSelect ? 'pointer' : undefined}
            onClick={(d: { payload?: Point }) => d.payload && onSelect?.(d.payload.id)}
          >
            <ErrorBar dataKey="accuracyError" direction="y" width={4} stroke="#94a3b8" strokeWidth={1} />
            <ErrorBar dataKey="costError" direction="x" width={4} stroke="#94a3b8" strokeWidth={1} />
            {plotted.map((p) => (
              <Cell key={p.id} fill={p.onFront ? '#0284c7' : '#94a3b8'} />
            ))}
            {labelled && <LabelList dataKey="id" content={runLabel(plotted.map((p) => p.labelSide))} />}
          </Scatter>
        </ScatterChart>
      </ResponsiveContainer>
    </div>
  );
}
