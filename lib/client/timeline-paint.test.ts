import { afterEach, describe, expect, it, vi } from 'vitest';
import { columnStep, columnsOfSteps, paintTimeline, switchCounts, timelinePaintScript, TIMELINE_HEIGHT, type TimelineColumns } from './timeline-paint';

/** A canvas whose 2D context records the rectangles filled and the triangles drawn, with their colours. */
function fakeCanvas() {
  const rects: { fill: string; x: number; y: number; w: number; h: number }[] = [];
  const triangles: { fill: string; tip: number }[] = [];
  let last: [number, number] = [0, 0];
  const ctx = {
    fillStyle: '',
    setTransform: () => undefined,
    clearRect: () => undefined,
    fillRect(x: number, y: number, w: number, h: number) {
      rects.push({ fill: ctx.fillStyle, x, y, w, h });
    },
    beginPath: () => undefined,
    moveTo: () => undefined,
    lineTo(x: number, y: number) {
      last = [x, y];
    },
    closePath: () => undefined,
    fill() {
      triangles.push({ fill: ctx.fillStyle, tip: last[1] });
    },
  };
  const attributes: Record<string, string> = {};
  const canvas = {
    width: 0,
    height: 0,
    style: {} as Record<string, string>,
    getContext: () => ctx,
    setAttribute: (k: string, v: string) => void (attributes[k] = v),
  };
  return { canvas: canvas as unknown as HTMLCanvasElement, rects, triangles, attributes, raw: canvas };
}

const steps = [
  { model: 'small', escalation: null, rubric_score: null },
  { model: 'large', escalation: 'up', rubric_score: 1 },
  { model: 'large', escalation: null, rubric_score: 0.5 },
  { model: 'small', escalation: 'down', rubric_score: 0 },
] as const;

describe('timeline columns', () => {
  afterEach(() => vi.unstubAllGlobals());

  it('encode the steps one character each, models in the palette order, scores in hundredths', () => {
    const cols = columnsOfSteps(steps, ['small', 'mid', 'large'], (m) => (m === 'small' ? '#111111' : '#222222'));
    expect(cols).toEqual({ models: ['small', 'large'], colors: ['#111111', '#222222'], model: '0110', switches: '-u-d', scores: [1, 100, 2, 50, 3, 0] });
    expect(switchCounts(cols)).toEqual({ up: 1, down: 1 });
    expect(columnStep(cols, 1)).toEqual({ model: 'large', escalation: 'up', rubric_score: 1 });
    expect(columnStep(cols, 0)).toEqual({ model: 'small', escalation: null, rubric_score: null });
    expect(columnStep(cols, 4)).toBeNull();
  });

  it('paint a cell per step, the switch marks above and the scores below, and mark the canvas ready', () => {
    vi.stubGlobal('window', { devicePixelRatio: 2 });
    const cols = columnsOfSteps(steps, ['small', 'large'], (m) => (m === 'small' ? '#111111' : '#222222'));
    const c = fakeCanvas();
    paintTimeline(c.canvas, cols, 400);
    expect([c.raw.width, c.raw.height]).toEqual([800, TIMELINE_HEIGHT * 2]);
    expect(c.raw.style.width).toBe('400px');
    const models = c.rects.filter((r) => r.fill.startsWith('#') && r.fill !== '#f1f5f9').map((r) => [r.fill, r.x]);
    expect(models).toEqual([
      ['#111111', 0],
      ['#222222', 100],
      ['#222222', 200],
      ['#111111', 300],
    ]);
    // Escalation: a triangle pointing up (its tip at the top); de-escalation: pointing down.
    expect(c.triangles).toEqual([
      { fill: '#d97706', tip: 0 },
      { fill: '#0284c7', tip: 7 },
    ]);
    expect(c.rects.filter((r) => r.fill.startsWith('rgb')).map((r) => r.fill)).toEqual(['rgb(16, 185, 129)', 'rgb(251, 191, 36)', 'rgb(244, 63, 94)']);
    expect(c.attributes['data-ready']).toBe('true');
  });

  it('paint 20,000 steps as one column per pixel, each with the mix of its steps', () => {
    vi.stubGlobal('window', { devicePixelRatio: 1 });
    const n = 20_000;
    const cols: TimelineColumns = { models: ['a', 'b'], colors: ['#aaaaaa', '#bbbbbb'], model: '01'.repeat(n / 2), switches: '-'.repeat(n), scores: [] };
    const c = fakeCanvas();
    paintTimeline(c.canvas, cols, 1000);
    const a = c.rects.filter((r) => r.fill === '#aaaaaa');
    expect(a).toHaveLength(1000);
    // Half of each column's steps on each model: half the model row each.
    expect(a[0]!.h).toBeCloseTo(11 + 0.5);
    expect(c.rects.some((r) => r.fill.startsWith('rgb'))).toBe(false);
  });

  it('go into the inline script self-contained, with nothing in the data that could end the script', () => {
    const cols = columnsOfSteps([{ model: '</script><b>', escalation: null, rubric_score: null }], [], () => '#000000');
    const script = timelinePaintScript(cols);
    expect(script).not.toContain('</script');
    // The script's function runs on its own: no name from this module is left in it.
    vi.stubGlobal('window', { devicePixelRatio: 1 });
    const c = fakeCanvas();
    const canvas = c.canvas as unknown as { parentElement: unknown };
    canvas.parentElement = { getBoundingClientRect: () => ({ width: 300.7 }) };
    new Function('document', script)({ currentScript: { previousElementSibling: c.canvas } });
    expect(c.attributes['data-ready']).toBe('true');
    expect(c.raw.style.width).toBe('300px');
  });
});
