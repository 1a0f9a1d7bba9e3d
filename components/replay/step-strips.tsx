'use client';
// The timeline (one cell per step, coloured by model, with the step's rubric score beneath and its
// escalation or de-escalation above) and the criteria-by-steps heatmap, drawn on canvases that share one x-axis and one playhead. 20,000 steps
// draw as one pass over pixel columns; the playhead is a positioned element, so moving it redraws
// nothing.
import { useEffect, useMemo, useRef, useState, type PointerEvent } from 'react';
import type { HeatmapData } from '@/lib/client/heatmap';
import type { ModelColor } from '@/lib/client/model-colors';
import { formatScore } from '@/lib/client/format';
import { centerOf, columnMix, meanOver, scoreColor, stepAt, stepsOfColumn } from '@/lib/client/timeline';
import { useElementWidth } from '@/lib/client/use-element-width';
import type { StepDetail } from '@/lib/client/types';

const GUTTER = 88;
/** Above the model row: a mark where the router switched to a pricier (up) or cheaper (down) model. */
const SWITCH_ROW = 7;
const MODEL_ROW = 22;
const SCORE_ROW = 6;
const HEAT_ROW = 12;
const EMPTY = '#f1f5f9';
export const ESCALATION_COLOR = '#d97706'; // amber-600: up to a pricier model
export const DEESCALATION_COLOR = '#0284c7'; // sky-600: down to a cheaper one
const STRIP_HEIGHT = SWITCH_ROW + 1 + MODEL_ROW + SCORE_ROW + 2;

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

function drawTimeline(ctx: CanvasRenderingContext2D, steps: readonly StepDetail[], order: readonly string[], color: ModelColor, width: number) {
  const rank = new Map(order.map((m, i) => [m, i]));
  const extra: string[] = [];
  const stepModels = steps.map((s) => {
    let r = rank.get(s.model);
    if (r === undefined) {
      r = order.length + extra.length;
      rank.set(s.model, r);
      extra.push(s.model);
    }
    return r;
  });
  const models = [...order, ...extra];
  const mix = columnMix(stepModels, width);
  const columns = mix.length;
  const scores = steps.map((s) => s.rubric_score);
  ctx.clearRect(0, 0, width, STRIP_HEIGHT);
  drawSwitches(ctx, steps, columns, width);
  ctx.save();
  ctx.translate(0, SWITCH_ROW + 1);
  mix.forEach((counts, c) => {
    const [x, w] = cellBox(c, columns, width);
    let total = 0;
    for (const n of counts) total += n;
    let y = 0;
    counts.forEach((n, m) => {
      if (n === 0) return;
      const h = (n / total) * MODEL_ROW;
      ctx.fillStyle = color(models[m]!);
      ctx.fillRect(x, y, w, h + 0.5);
      y += h;
    });
    ctx.fillStyle = EMPTY;
    ctx.fillRect(x, MODEL_ROW + 2, w, SCORE_ROW);
  });
  // Scores over the background, each mark widened so that sparse ones show.
  mix.forEach((_, c) => {
    const [from, to] = columns === steps.length ? [c, c + 1] : stepsOfColumn(c, columns, steps.length);
    const score = meanOver(scores, from, to);
    if (score === null) return;
    const [x, w] = markBox(c, columns, width);
    ctx.fillStyle = scoreColor(score);
    ctx.fillRect(x, MODEL_ROW + 2, w, SCORE_ROW);
  });
  ctx.restore();
}

/** A small triangle pointing up (escalation) or down (de-escalation), centred on x, at least 5 px wide. */
function triangle(ctx: CanvasRenderingContext2D, x: number, w: number, up: boolean) {
  const half = Math.max(2.5, Math.min(4, w / 2));
  const cx = x + w / 2;
  ctx.beginPath();
  if (up) {
    ctx.moveTo(cx - half, SWITCH_ROW);
    ctx.lineTo(cx + half, SWITCH_ROW);
    ctx.lineTo(cx, 0);
  } else {
    ctx.moveTo(cx - half, 0);
    ctx.lineTo(cx + half, 0);
    ctx.lineTo(cx, SWITCH_ROW);
  }
  ctx.closePath();
  ctx.fill();
}

/** Per column, a mark for each kind of switch among its steps (an escalation drawn over a de-escalation). */
function drawSwitches(ctx: CanvasRenderingContext2D, steps: readonly StepDetail[], columns: number, width: number) {
  for (let c = 0; c < columns; c++) {
    const [from, to] = columns === steps.length ? [c, c + 1] : stepsOfColumn(c, columns, steps.length);
    let up = false;
    let down = false;
    for (let i = from; i < to; i++) {
      const e = steps[i]?.escalation;
      if (e === 'up') up = true;
      else if (e === 'down') down = true;
    }
    if (!up && !down) continue;
    const [x, w] = cellBox(c, columns, width);
    if (down) {
      ctx.fillStyle = DEESCALATION_COLOR;
      triangle(ctx, x, w, false);
    }
    if (up) {
      ctx.fillStyle = ESCALATION_COLOR;
      triangle(ctx, x, w, true);
    }
  }
}

/** How many steps of the timeline escalate and de-escalate (the canvas says so for tests and screen readers). */
function switchCounts(steps: readonly StepDetail[] | null): { up: number; down: number } {
  let up = 0;
  let down = 0;
  for (const s of steps ?? []) {
    if (s.escalation === 'up') up++;
    else if (s.escalation === 'down') down++;
  }
  return { up, down };
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
}

export function StepStrips({ steps, stepCount, modelOrder, color, heatmap, current, onSeek, colorsReady }: StepStripsProps) {
  const wrap = useRef<HTMLDivElement>(null);
  const timeline = useRef<HTMLCanvasElement>(null);
  const heat = useRef<HTMLCanvasElement>(null);
  const width = Math.max(0, useElementWidth(wrap) - GUTTER);
  // What the canvas shows now: the page's own marker of a drawn timeline (tests and the benchmark wait for it).
  const [drawn, setDrawn] = useState<{ steps: StepDetail[]; color: ModelColor } | null>(null);
  const [hover, setHover] = useState<{ index: number; x: number } | null>(null);

  useEffect(() => {
    const canvas = timeline.current;
    if (!canvas || !steps || width <= 0) return;
    const ctx = setupCanvas(canvas, width, STRIP_HEIGHT);
    if (!ctx) return;
    drawTimeline(ctx, steps, modelOrder, color, width);
    setDrawn({ steps, color });
  }, [steps, modelOrder, color, width]);

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
  const hovered = hover && steps?.[hover.index];
  const playheadX = centerOf(current, width, stepCount);
  const heatRows = heatmap?.rows.length ?? 0;
  const labels = useMemo(() => heatmap?.criteria ?? [], [heatmap]);
  const switches = useMemo(() => switchCounts(steps), [steps]);

  return (
    <div ref={wrap} className="relative select-none" data-testid="step-strips">
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
          className="relative cursor-pointer touch-none"
          style={{ width }}
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
            data-ready={steps !== null && colorsReady && drawn?.steps === steps && drawn.color === color ? 'true' : 'false'}
            data-steps={steps?.length ?? 0}
            data-escalations={switches.up}
            data-deescalations={switches.down}
            aria-label={`Timeline: ${switches.up} escalations, ${switches.down} de-escalations`}
            className="block rounded-sm"
            style={{ height: STRIP_HEIGHT }}
          />
          {!steps && <div className="absolute inset-x-0 animate-pulse rounded-sm bg-slate-200/70" style={{ top: SWITCH_ROW + 1, height: MODEL_ROW }} />}
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
