// The replay timeline as compact columns (one character or number per step, no per-step objects) and
// the one function that paints them on a canvas. The server renders the columns of the whole
// trajectory with the page, and the same function runs as an inline script right after the canvas,
// so the timeline of 20,000 steps shows as soon as the HTML is parsed, before the page's scripts have
// loaded; once hydrated, the page paints with it too. So paintTimeline must be self-contained: it is
// sent as its own source text (no imports, no names from outside its body, nothing the compiler would
// rewrite into a helper call).

/** The timeline of a whole trajectory, column by column. */
export interface TimelineColumns {
  /** The models, in the order their shares stack in a pixel column (cheapest first). */
  models: string[];
  /** Each model's colour. */
  colors: string[];
  /** Per step, its model's position in `models` as one character: String.fromCharCode(48 + position). */
  model: string;
  /** Per step, 'u' (escalation to a pricier model), 'd' (de-escalation to a cheaper one) or another character (neither). */
  switches: string;
  /**
   * The steps that have a rubric score, in index order, as pairs: the step's index, then its score in
   * hundredths (what the strip's colour and the tooltip need). Most steps of a long trajectory have none.
   */
  scores: number[];
}

/** The timeline strip's rows, in CSS pixels. */
export const TIMELINE_ROWS = { switches: 7, model: 22, score: 6 } as const;
export const TIMELINE_HEIGHT = TIMELINE_ROWS.switches + 1 + TIMELINE_ROWS.model + TIMELINE_ROWS.score + 2;
export const ESCALATION_COLOR = '#d97706'; // amber-600: up to a pricier model
export const DEESCALATION_COLOR = '#0284c7'; // sky-600: down to a cheaper one
export const EMPTY_CELL = '#f1f5f9';

/**
 * Paints `cols` over `width` CSS pixels (its own height, TIMELINE_HEIGHT) and marks the canvas ready
 * (data-ready="true"). When steps are fewer than pixels each gets a cell; when they are more, each
 * pixel column shows the mix of models of its run of steps, one mark per kind of switch among them
 * (an escalation over a de-escalation), and the mean rubric score of those that have one.
 */
export function paintTimeline(canvas: HTMLCanvasElement, cols: TimelineColumns, width: number): void {
  // Keep in step with TIMELINE_ROWS and the colours above: this body is all that the inline script has.
  const SW = 7;
  const MR = 22;
  const SR = 6;
  const H = SW + 1 + MR + SR + 2;
  const UP = '#d97706';
  const DOWN = '#0284c7';
  const EMPTY = '#f1f5f9';
  const n = cols.model.length;
  const dpr = window.devicePixelRatio || 1;
  canvas.width = Math.max(1, Math.round(width * dpr));
  canvas.height = Math.max(1, Math.round(H * dpr));
  canvas.style.width = width + 'px';
  canvas.style.height = H + 'px';
  const ctx = canvas.getContext('2d');
  if (!ctx || width <= 0) return;
  ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
  ctx.clearRect(0, 0, width, H);
  const columns = Math.max(1, Math.min(width, n));
  const k = cols.models.length;
  // The steps [from, to) of column c (lib/client/timeline.ts stepsOfColumn).
  const fromOf = (c: number) => Math.min(n - 1, Math.floor((c * n) / columns));
  const toOf = (c: number, from: number) => Math.max(from + 1, Math.min(n, Math.floor(((c + 1) * n) / columns)));
  const cellW = width / columns;
  const counts = new Uint32Array(Math.max(1, k));
  const means = new Float64Array(columns);
  const scores = new Float64Array(n).fill(NaN);
  for (let j = 0; j + 1 < cols.scores.length; j += 2) if (cols.scores[j]! < n) scores[cols.scores[j]!] = cols.scores[j + 1]!;
  for (let c = 0; c < columns && n > 0; c++) {
    const x = (c * width) / columns;
    const w = cellW >= 4 ? cellW - 1 : cellW + 0.5;
    const from = fromOf(c);
    const to = toOf(c, from);
    counts.fill(0);
    let up = false;
    let down = false;
    let sum = 0;
    let scored = 0;
    for (let i = from; i < to; i++) {
      const m = cols.model.charCodeAt(i) - 48;
      if (m >= 0 && m < k) counts[m]!++;
      const s = cols.switches.charCodeAt(i);
      if (s === 117) up = true;
      else if (s === 100) down = true;
      const r = scores[i]!;
      if (!Number.isNaN(r)) {
        sum += r;
        scored++;
      }
    }
    // Switch marks: small triangles, at least 5 px wide, an escalation drawn over a de-escalation.
    const half = Math.max(2.5, Math.min(4, w / 2));
    const cx = x + w / 2;
    if (down) {
      ctx.fillStyle = DOWN;
      ctx.beginPath();
      ctx.moveTo(cx - half, 0);
      ctx.lineTo(cx + half, 0);
      ctx.lineTo(cx, SW);
      ctx.closePath();
      ctx.fill();
    }
    if (up) {
      ctx.fillStyle = UP;
      ctx.beginPath();
      ctx.moveTo(cx - half, SW);
      ctx.lineTo(cx + half, SW);
      ctx.lineTo(cx, 0);
      ctx.closePath();
      ctx.fill();
    }
    // The models' shares, stacked in the order of `models`.
    const total = to - from;
    let y = SW + 1;
    for (let m = 0; m < k; m++) {
      const count = counts[m]!;
      if (count === 0) continue;
      const h = (count / total) * MR;
      ctx.fillStyle = cols.colors[m] || '#94a3b8';
      ctx.fillRect(x, y, w, h + 0.5);
      y += h;
    }
    ctx.fillStyle = EMPTY;
    ctx.fillRect(x, SW + 1 + MR + 2, w, SR);
    means[c] = scored > 0 ? sum / scored / 100 : NaN;
  }
  // The mean rubric scores over the background, each mark at least 2 px wide so that one judged step
  // among thousands shows (colours from rose at 0 through amber to emerald at 1).
  for (let c = 0; c < columns && n > 0; c++) {
    const mean = means[c]!;
    if (Number.isNaN(mean)) continue;
    const x = (c * width) / columns;
    const w = cellW >= 4 ? cellW - 1 : cellW + 0.5;
    const v = Math.max(0, Math.min(1, mean));
    const a = v < 0.5 ? [244, 63, 94] : [251, 191, 36];
    const b = v < 0.5 ? [251, 191, 36] : [16, 185, 129];
    const u = v < 0.5 ? v * 2 : (v - 0.5) * 2;
    const rgb = [0, 1, 2].map((j) => Math.round(a[j]! + (b[j]! - a[j]!) * u));
    ctx.fillStyle = 'rgb(' + rgb[0] + ', ' + rgb[1] + ', ' + rgb[2] + ')';
    ctx.fillRect(w >= 2 ? x : x - (2 - w) / 2, SW + 1 + MR + 2, w >= 2 ? w : 2, SR);
  }
  canvas.setAttribute('data-ready', 'true');
}

/**
 * The inline script that paints the canvas just before it (its previous element sibling) at the
 * width of the canvas's parent, while the page is parsed. The JSON is safe inside <script>: every "<"
 * is escaped, so no "</script>" can end it early.
 */
export function timelinePaintScript(cols: TimelineColumns): string {
  const data = JSON.stringify(cols)
    .replace(/</g, '\\u003c')
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029');
  return (
    `(function(){var c=document.currentScript&&document.currentScript.previousElementSibling;` +
    `if(!c||!c.parentElement)return;` +
    `try{(${paintTimeline.toString()})(c,${data},Math.floor(c.parentElement.getBoundingClientRect().width))}catch(e){}})()`
  );
}

/** The columns of steps that the browser has (light pages), under the page's model order and colours. */
export function columnsOfSteps(
  steps: readonly { model: string; escalation: 'up' | 'down' | null; rubric_score: number | null }[],
  order: readonly string[],
  color: (model: string) => string,
): TimelineColumns {
  const used = new Set<string>();
  for (const s of steps) used.add(s.model);
  // The catalogue's order first, then models outside it in the order the steps name them.
  const models = order.filter((m) => used.has(m));
  for (const s of steps) if (!models.includes(s.model)) models.push(s.model);
  const position = new Map(models.map((m, i) => [m, i]));
  let model = '';
  let switches = '';
  const scores: number[] = [];
  steps.forEach((s, i) => {
    model += String.fromCharCode(48 + position.get(s.model)!);
    switches += s.escalation === 'up' ? 'u' : s.escalation === 'down' ? 'd' : '-';
    if (s.rubric_score !== null) scores.push(i, Math.round(s.rubric_score * 100));
  });
  return { models, colors: models.map(color), model, switches, scores };
}

/** How many steps of the columns escalate and de-escalate. */
export function switchCounts(cols: TimelineColumns | null): { up: number; down: number } {
  let up = 0;
  let down = 0;
  if (cols) {
    for (let i = 0; i < cols.switches.length; i++) {
      const c = cols.switches.charCodeAt(i);
      if (c === 117) up++;
      else if (c === 100) down++;
    }
  }
  return { up, down };
}

/** Step i of the columns: its model, switch and rubric score (as the tooltip shows them). */
export function columnStep(cols: TimelineColumns, i: number): { model: string; escalation: 'up' | 'down' | null; rubric_score: number | null } | null {
  if (i < 0 || i >= cols.model.length) return null;
  const s = cols.switches[i];
  let score: number | null = null;
  for (let j = 0; j + 1 < cols.scores.length && cols.scores[j]! <= i; j += 2) if (cols.scores[j] === i) score = cols.scores[j + 1]! / 100;
  return {
    model: cols.models[cols.model.charCodeAt(i) - 48] ?? '?',
    escalation: s === 'u' ? 'up' : s === 'd' ? 'down' : null,
    rubric_score: score,
  };
}
