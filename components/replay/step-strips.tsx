'use client';
// The timeline (one cell per step, coloured by model, with the step's rubric score beneath and its
// escalation or de-escalation above) and the criteria-by-steps heatmap, drawn on canvases that share one x-axis and one playhead. 20,000 steps
// draw as one pass over pixel columns; the playhead is a positioned element, so moving it redraws
// nothing. The timeline is painted from compact columns (lib/client/timeline-paint.ts): those the
// server rendered with the page, painted by an inline script as soon as the canvas is parsed, until
// the light pages of steps have come and the palette is known.
import { useEffect, useMemo, useRef, useState, type PointerEvent } from 'react';
import type { HeatmapData } from '@/lib/client/heatmap';
import type { ModelColor } from '@/lib/client/model-colors';
import { formatScore } from '@/lib/client/format';
import { centerOf, meanOver, scoreColor, stepAt, stepsOfColumn } from '@/lib/client/timeline';
import {
  columnStep,
  columnsOfSteps,
  paintTimeline,
  switchCounts,
  timelinePaintScript,
  TIMELINE_HEIGHT,
  TIMELINE_ROWS,
  type TimelineColumns,
} from '@/lib/client/timeline-paint';
import { useElementWidth } from '@/lib/client/use-element-width';
import { useHydrated } from '@/lib/client/hydrated';
import type { StepDetail } from '@/lib/client/types';

const GUTTER = 88;
/** Above the model row: a mark where the router switched to a pricier (up) or cheaper (down) model. */
const SWITCH_ROW = TIMELINE_ROWS.switches;
const MODEL_ROW = TIMELINE_ROWS.model;
const SCORE_ROW = TIMELINE_ROWS.score;
const HEAT_ROW = 12;
const EMPTY = '#f1f5f9';
const STRIP_HEIGHT = TIMELINE_HEIGHT;

function setupCanvas(canvas: HTMLCanvasElement, width: number, height: number): CanvasRenderingContext2D | null {
  const dpr = window.devicePixelRatio || 1;
  canvas.width = Math.max(1, Math.round(width * dpr));
  canvas.height = Math.max(1, Math.round(height * dpr));
  canvas.style.width = `${width}px`;
  canvas.style.height = `${height}px`;
  const ctx = canvas.getContext('2d');
  ctx?.setTransform(dpr, 0, 0, dpr, 0, 0);
  return ctx;
}

/** x extent of column/cell c of `columns` over `width` pixels, with a gap when cells are wide. */
function cellBox(c: number, columns: number, width: number): [number, number] {
  const x0 = (c * width) / columns;
  const w = width / columns;
  return w >= 4 ? [x0, w - 1] : [x0, w + 0.5];
}

/** A score mark at least 2 px wide, so one judged step among thousands stays visible. */
function markBox(c: number, columns: number, width: number): [number, number] {
  const [x, w] = cellBox(c, columns, width);
  return w >= 2 ? [x, w] : [x - (2 - w) / 2, 2];
}

function drawHeatmap(ctx: CanvasRenderingContext2D, data: HeatmapData, n: number, width: number) {
  const columns = Math.max(1, Math.min(width, n));
  ctx.clearRect(0, 0, width, data.rows.length * (HEAT_ROW + 2));
  data.rows.forEach((row, r) => {
    const y = r * (HEAT_ROW + 2);
    ctx.fillStyle = EMPTY;
    for (let c = 0; c < columns; c++) {
      const [x, w] = cellBox(c, columns, width);
      ctx.fillRect(x, y, w, HEAT_ROW);
    }
    for (let c = 0; c < columns; c++) {
      const [from, to] = stepsOfColumn(c, columns, n);
      const v = meanOver(row, from, to);
      if (v === null) continue;
      const [x, w] = markBox(c, columns, width);
      ctx.fillStyle = scoreColor(v);
      ctx.fillRect(x, y, w, HEAT_ROW);
    }
  });
}

export interface StepStripsProps {
  steps: StepDetail[] | null;
  stepCount: number;
  modelOrder: readonly string[];
  color: ModelColor;
  heatmap: HeatmapData | null;
  current: number;
  onSeek: (index: number) => void;
  /** Whether `color` knows the models yet (until then every model is grey). */
  colorsReady: boolean;
  /** The timeline of every step as the server rendered it with the page (null when it could not). */
  initialColumns?: TimelineColumns | null;
  /** The page's Content Security Policy nonce, for the inline script that paints `initialColumns`. */
  nonce?: string;
}

export function StepStrips({ steps, stepCount, modelOrder, color, heatmap, current, onSeek, colorsReady, initialColumns = null, nonce }: StepStripsProps) {
  const area = useRef<HTMLDivElement>(null);
  const timeline = useRef<HTMLCanvasElement>(null);
  const heat = useRef<HTMLCanvasElement>(null);
  const width = Math.max(0, useElementWidth(area));
  const hydrated = useHydrated();
  // The browser's own steps once they and the palette are in (they follow labels and the judge
  // setting); until then the columns that came with the page.
  const columns = useMemo(
    () => (steps && colorsReady ? columnsOfSteps(steps, modelOrder, color) : initialColumns),
    [steps, colorsReady, modelOrder, color, initialColumns],
  );
  // What the canvas shows now: the page's own marker of a drawn timeline (tests and the benchmark wait
  // for it). The inline script marks the canvas it painted from the page's columns itself.
  const [drawn, setDrawn] = useState<TimelineColumns | null>(null);
  const [hover, setHover] = useState<{ index: number; x: number } | null>(null);

  useEffect(() => {
    const canvas = timeline.current;
    if (!canvas || !columns || width <= 0) return;
    paintTimeline(canvas, columns, width);
    setDrawn(columns);
  }, [columns, width]);

  useEffect(() => {
    const canvas = heat.current;
    if (!canvas || !heatmap || width <= 0 || heatmap.rows.length === 0) return;
    const ctx = setupCanvas(canvas, width, heatmap.rows.length * (HEAT_ROW + 2));
    if (ctx) drawHeatmap(ctx, heatmap, stepCount, width);
  }, [heatmap, stepCount, width]);

  const pointerStep = (e: PointerEvent<HTMLElement>) => {
    const rect = e.currentTarget.getBoundingClientRect();
    const x = e.clientX - rect.left;
    return { index: stepAt(x, rect.width, stepCount), x };
  };
  const onPointer = (e: PointerEvent<HTMLDivElement>) => {
    const p = pointerStep(e);
    setHover(p);
    if (e.type === 'pointerdown') e.currentTarget.setPointerCapture(e.pointerId);
    if (e.type === 'pointerdown' || e.buttons === 1) onSeek(p.index);
  };
  const hovered = hover && columns ? columnStep(columns, hover.index) : null;
  const playheadX = centerOf(current, width, stepCount);
  const heatRows = heatmap?.rows.length ?? 0;
  const labels = useMemo(() => heatmap?.criteria ?? [], [heatmap]);
  const switches = useMemo(() => switchCounts(columns), [columns]);
  // The server's HTML paints its columns with the inline script below the canvas; React never runs it again.
  const script = useMemo(() => (initialColumns ? timelinePaintScript(initialColumns) : null), [initialColumns]);

  return (
    <div className="relative select-none" data-testid="step-strips">
      <div className="flex">
        <div className="shrink-0 text-right text-[11px] leading-none text-slate-500" style={{ width: GUTTER }}>
          <div
            className="flex items-center justify-end pr-2 text-[10px]"
            style={{ height: SWITCH_ROW + 1 }}
            title="▲ escalation to a pricier model · ▼ de-escalation to a cheaper one"
          >
            switches
          </div>
          <div className="flex items-center justify-end pr-2" style={{ height: MODEL_ROW }}>
            steps
          </div>
          <div className="flex items-center justify-end pr-2 text-[10px]" style={{ height: SCORE_ROW + 2 }}>
            rubric
          </div>
          {labels.map((c) => (
            <div key={c} className="truncate pr-2 pt-px font-mono text-[10px]" style={{ height: HEAT_ROW + 2 }} title={c}>
              {c}
            </div>
          ))}
        </div>
        <div
          ref={area}
          className="relative min-w-0 flex-1 cursor-pointer touch-none"
          onPointerDown={onPointer}
          onPointerMove={onPointer}
          onPointerLeave={() => setHover(null)}
          role="slider"
          aria-label="Playhead"
          aria-valuemin={0}
          aria-valuemax={Math.max(0, stepCount - 1)}
          aria-valuenow={current}
          aria-valuetext={`step ${current} of ${stepCount}`}
        >
          <canvas
            ref={timeline}
            data-testid="timeline"
            data-ready={columns !== null && drawn === columns ? 'true' : 'false'}
            data-interactive={hydrated ? 'true' : 'false'}
            data-steps={columns?.model.length ?? 0}
            data-escalations={switches.up}
            data-deescalations={switches.down}
            aria-label={`Timeline: ${switches.up} escalations, ${switches.down} de-escalations`}
            className="block rounded-sm"
            style={{ height: STRIP_HEIGHT }}
            // The inline script paints it and marks it ready before React hydrates it.
            suppressHydrationWarning
          />
          {script && (
            <script
              nonce={nonce}
              // The script has run by the time React hydrates; the browser hides its nonce from the DOM.
              suppressHydrationWarning
              dangerouslySetInnerHTML={{ __html: script }}
            />
          )}
          {!columns && <div className="absolute inset-x-0 animate-pulse rounded-sm bg-slate-200/70" style={{ top: SWITCH_ROW + 1, height: MODEL_ROW }} />}
          {heatRows > 0 && <canvas ref={heat} data-testid="heatmap" className="mt-0 block" style={{ height: heatRows * (HEAT_ROW + 2) }} />}
          <div
            aria-hidden
            className="pointer-events-none absolute -top-1 bottom-0 w-0.5 -translate-x-1/2 bg-slate-900 shadow-[0_0_0_1px_rgba(255,255,255,0.8)]"
            style={{ left: playheadX }}
            data-testid="playhead"
          />
          {hover && (
            <div
              className="pointer-events-none absolute -top-7 z-10 -translate-x-1/2 whitespace-nowrap rounded bg-slate-900 px-1.5 py-0.5 text-[11px] text-white tabular-nums"
              style={{ left: Math.max(40, Math.min(width - 40, hover.x)) }}
            >
              step {hover.index}
              {hovered
                ? ` · ${hovered.model}${hovered.escalation === 'up' ? ' ▲ escalation' : hovered.escalation === 'down' ? ' ▼ de-escalation' : ''}${hovered.rubric_score !== null ? ` · rubric ${formatScore(hovered.rubric_score, 2)}` : ''}`
                : ''}
            </div>
          )}
        </div>
      </div>
    </div>
  );
}
