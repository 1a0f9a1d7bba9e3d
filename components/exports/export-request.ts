// The Exports page's form state as what the API and the CLI take: the query string of
// GET /api/exports/{kind}, the equivalent `npm run export` command, and the first problem, if any,
// as the API would name it (the same zod schemas validate both sides).
import { parseExportRequest, exportUrl, FILE_EXTENSIONS, type ExportFormat, type ExportKind } from '@/lib/schemas/exports';
import { FILTER_KEYS } from '@/lib/schemas/filters';

export type FilterValues = Partial<Record<(typeof FILTER_KEYS)[number], string>>;

export interface KindOptions {
  format: ExportFormat;
  threshold: string;
  unscored: string;
  delta_p: string;
  ratio_c: string;
  cap: string;
}

export interface SharedSettings {
  lambda: string;
  mu: string;
  /** A judge's name, or '' for every judge. */
  judge?: string;
}

export const DEFAULT_KIND_OPTIONS: KindOptions = { format: 'jsonl', threshold: '', unscored: 'zero', delta_p: '0.1', ratio_c: '1.2', cap: '' };

/** Only the parameters that apply to the kind, and only when they differ from the defaults. */
export function requestParams(kind: ExportKind, filters: FilterValues, shared: SharedSettings, o: KindOptions): Record<string, string> {
  const p: Record<string, string> = {};
  for (const k of FILTER_KEYS) {
    const v = filters[k]?.trim();
    if (v) p[k] = v;
  }
  if (o.format !== 'jsonl') p.format = o.format;
  if (shared.judge?.trim()) p.judge = shared.judge.trim();
  if (shared.lambda.trim() && Number(shared.lambda) !== 0.5) p.lambda = shared.lambda.trim();
  if (shared.mu.trim() && Number(shared.mu) !== 0.1) p.mu = shared.mu.trim();
  if (kind === 'stepwise') {
    if (o.threshold.trim()) p.threshold = o.threshold.trim();
    if (o.unscored !== 'zero') p.unscored = o.unscored;
  }
  if (kind === 'preferences') {
    if (o.delta_p.trim() && Number(o.delta_p) !== 0.1) p.delta_p = o.delta_p.trim();
    if (o.ratio_c.trim() && Number(o.ratio_c) !== 1.2) p.ratio_c = o.ratio_c.trim();
    if (o.cap.trim()) p.cap = o.cap.trim();
  }
  return p;
}

/** The first problem with the parameters, as "name: reason", or null when the API would accept them. */
export function problemOf(kind: ExportKind, params: Record<string, string>): string | null {
  try {
    parseExportRequest(kind, new URLSearchParams(params));
    return null;
  } catch (e) {
    const issue = (e as { issues?: { path: PropertyKey[]; message: string }[] }).issues?.[0];
    return issue ? `${String(issue.path[0] ?? 'parameters')}: ${issue.message}` : 'invalid parameters';
  }
}

/** The parameters that decide how many rows a kind writes (GET /api/exports/counts): not the format nor the weights. */
export function countParams(params: Record<string, string>): Record<string, string> {
  const { format: _format, lambda: _lambda, mu: _mu, threshold: _threshold, ...rest } = params;
  return rest;
}

export function downloadUrl(kind: ExportKind, params: Record<string, string>): string {
  return exportUrl(kind, params);
}

const shellQuote = (s: string) => (/^[\w./:=@%+-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`);

export function cliCommand(kind: ExportKind, params: Record<string, string>): string {
  const format = (params.format as ExportFormat | undefined) ?? 'jsonl';
  const parts = ['npm run export --', kind, '--format', format];
  for (const [k, v] of Object.entries(params)) {
    if (k === 'format') continue;
    parts.push(`--${k.replace('_', '-')}`, shellQuote(v));
  }
  parts.push('--out', `routelens-${kind}.${FILE_EXTENSIONS[format]}`);
  return parts.join(' ');
}
