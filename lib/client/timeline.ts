// Geometry of the step strips (timeline, criteria heatmap): n steps over w pixels. When steps are
// fewer than pixels each gets a cell; when they are more, each pixel column stands for a run of steps
// and shows their mix, so 20,000 steps draw as ~1,000 columns in one pass.

/** The steps [from, to) that pixel column x of a strip w pixels wide stands for (at least one step). */
export function stepsOfColumn(x: number, width: number, n: number): [number, number] {
  const from = Math.min(n - 1, Math.floor((x * n) / width));
  const to = Math.max(from + 1, Math.min(n, Math.floor(((x + 1) * n) / width)));
  return [from, to];
}

/** The step under pixel x (pointer position), clamped to the strip. */
export function stepAt(x: number, width: number, n: number): number {
  if (n <= 0 || width <= 0) return 0;
  return Math.max(0, Math.min(n - 1, Math.floor((x / width) * n)));
}

/** The centre of step i's cell, in pixels. */
export function centerOf(i: number, width: number, n: number): number {
  return n <= 0 ? 0 : ((i + 0.5) * width) / n;
}

/** Per pixel column, how many of its steps went to each model (models by their position in `order`). */
export function columnMix(stepModels: readonly number[], width: number): Uint32Array[] {
  const n = stepModels.length;
  const columns = Math.max(1, Math.min(width, n));
  let k = 1;
  for (const m of stepModels) if (m + 1 > k) k = m + 1;
  const out: Uint32Array[] = [];
  for (let x = 0; x < columns; x++) {
    const [from, to] = stepsOfColumn(x, columns, n);
    const counts = new Uint32Array(k);
    for (let i = from; i < to; i++) counts[stepModels[i]!]!++;
    out.push(counts);
  }
  return out;
}

const LOW = [244, 63, 94]; // rose-500
const MID = [251, 191, 36]; // amber-400
const HIGH = [16, 185, 129]; // emerald-500

/** A score in [0, 1] as a colour from rose (0) through amber to emerald (1). */
export function scoreColor(v: number): string {
  const t = Math.max(0, Math.min(1, v));
  const [a, b, u] = t < 0.5 ? [LOW, MID, t * 2] : [MID, HIGH, (t - 0.5) * 2];
  const c = a.map((x, i) => Math.round(x + (b[i]! - x) * u));
  return `rgb(${c[0]}, ${c[1]}, ${c[2]})`;
}

/** Mean of the defined values of steps [from, to); null when none is defined. */
export function meanOver(values: readonly (number | null | undefined)[], from: number, to: number): number | null {
  let sum = 0;
  let count = 0;
  for (let i = from; i < to; i++) {
    const v = values[i];
    if (v !== null && v !== undefined) {
      sum += v;
      count++;
    }
  }
  return count === 0 ? null : sum / count;
}
