// How figures read on every page: money with significant digits (a step costs $0.0000412), shares
// as percentages, scores with three decimals, and an em dash where a figure is undefined (null).

export const DASH = '—';

const usdSmall = new Intl.NumberFormat('en-US', { style: 'currency', currency: 'USD', minimumSignificantDigits: 3, maximumSignificantDigits: 3 });
const usdLarge = new Intl.NumberFormat('en-US', { style: 'currency', currency: 'USD', minimumFractionDigits: 2, maximumFractionDigits: 2 });
const integer = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });
const compact = new Intl.NumberFormat('en-US', { notation: 'compact', maximumFractionDigits: 1 });

export function formatUsd(v: number | null | undefined): string {
  if (v === null || v === undefined || !Number.isFinite(v)) return DASH;
  if (v === 0) return '$0';
  return Math.abs(v) < 1 ? usdSmall.format(v) : usdLarge.format(v);
}

/** Axis ticks: like formatUsd, but thousands shortened ($12k) so that ticks stay narrow. */
export function formatUsdTick(v: number): string {
  return Math.abs(v) >= 1000 ? `$${compact.format(v)}` : formatUsd(v);
}

export function formatPercent(v: number | null | undefined, digits = 1): string {
  if (v === null || v === undefined || !Number.isFinite(v)) return DASH;
  return `${(v * 100).toFixed(digits)}%`;
}

export function formatScore(v: number | null | undefined, digits = 3): string {
  if (v === null || v === undefined || !Number.isFinite(v)) return DASH;
  return v.toFixed(digits);
}

export function formatInt(v: number | null | undefined): string {
  if (v === null || v === undefined || !Number.isFinite(v)) return DASH;
  return integer.format(v);
}

export function formatCompact(v: number | null | undefined): string {
  if (v === null || v === undefined || !Number.isFinite(v)) return DASH;
  return compact.format(v);
}

export function formatMs(v: number | null | undefined): string {
  if (v === null || v === undefined || !Number.isFinite(v)) return DASH;
  return v >= 1000 ? `${(v / 1000).toFixed(2)} s` : `${Math.round(v)} ms`;
}

/** Per-million-token price as the model legends show it. */
export function formatPrice(usdPerMtok: number): string {
  return `$${usdPerMtok < 1 ? usdPerMtok.toPrecision(2).replace(/\.?0+$/, '') : usdPerMtok.toFixed(2)}`;
}

export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 ** 2) return `${(n / 1024).toFixed(1)} KB`;
  if (n < 1024 ** 3) return `${(n / 1024 ** 2).toFixed(1)} MB`;
  return `${(n / 1024 ** 3).toFixed(2)} GB`;
}
