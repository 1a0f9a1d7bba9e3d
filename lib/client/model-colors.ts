// One colour per model on every page. Models are ranked by price (output, then input, then id: the
// order scoring.md uses for the all-largest baseline) over the whole catalogue, not one trajectory's
// models, so a model keeps its colour wherever it appears: cheap ones cool (teal, sky), dear ones warm
// or violet.
import type { ModelInfo } from './types';

const TEAL = '#14b8a6';
const SKY = '#0ea5e9';
const AMBER = '#f59e0b';
const VIOLET = '#8b5cf6';
// Cheap to dear, for catalogues of more than four models.
const WIDE = ['#14b8a6', '#0ea5e9', '#84cc16', '#eab308', '#f59e0b', '#f97316', '#f43f5e', '#d946ef', '#8b5cf6', '#6366f1'];
export const UNKNOWN_MODEL_COLOR = '#94a3b8';

const BY_COUNT: Record<number, string[]> = {
  1: [TEAL],
  2: [TEAL, VIOLET],
  3: [TEAL, AMBER, VIOLET],
  4: [TEAL, SKY, AMBER, VIOLET],
};

export function byPrice(a: Pick<ModelInfo, 'id' | 'usd_per_mtok_in' | 'usd_per_mtok_out'>, b: typeof a): number {
  if (a.usd_per_mtok_out !== b.usd_per_mtok_out) return a.usd_per_mtok_out - b.usd_per_mtok_out;
  if (a.usd_per_mtok_in !== b.usd_per_mtok_in) return a.usd_per_mtok_in - b.usd_per_mtok_in;
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}

function rampFor(n: number): string[] {
  const fixed = BY_COUNT[n];
  if (fixed) return fixed;
  if (n <= WIDE.length) return Array.from({ length: n }, (_, i) => WIDE[Math.round((i * (WIDE.length - 1)) / (n - 1))]!);
  return Array.from({ length: n }, (_, i) => WIDE[i % WIDE.length]!);
}

export type ModelColor = (modelId: string) => string;

/** The colour of each model of a catalogue; ids outside it are grey. */
export function modelPalette(catalogue: readonly Pick<ModelInfo, 'id' | 'usd_per_mtok_in' | 'usd_per_mtok_out'>[]): ModelColor {
  const ranked = [...catalogue].sort(byPrice);
  const ramp = rampFor(ranked.length);
  const colors = new Map(ranked.map((m, i) => [m.id, ramp[i] ?? UNKNOWN_MODEL_COLOR]));
  return (id) => colors.get(id) ?? UNKNOWN_MODEL_COLOR;
}

/** Model ids cheapest first, as legends and stacked bars list them. */
export function modelsByPrice<T extends Pick<ModelInfo, 'id' | 'usd_per_mtok_in' | 'usd_per_mtok_out'>>(models: readonly T[]): T[] {
  return [...models].sort(byPrice);
}
