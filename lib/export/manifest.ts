// The provenance of an export: what was asked (kind, format, filters, settings), by which routelens,
// when, and how many rows came out. It travels with the data: in a response header (without the row
// count, unknown until the end), in Parquet's key-value metadata, beside a CLI file, in a bundle.
import pkg from '@/package.json';
import { filterToParams } from '@/lib/schemas/filters';
import type { ExportRequest } from '@/lib/schemas/exports';
import type { Column } from './columns';

export const MANIFEST_HEADER = 'X-Routelens-Manifest';
export const MANIFEST_PARQUET_KEY = 'routelens.manifest';

export interface ExportManifest {
  manifest_version: 1;
  routelens_version: string;
  kind: ExportRequest['kind'];
  format: ExportRequest['settings']['format'];
  created_at: string;
  /** The trajectory list's filters, as query parameters. */
  filters: Record<string, string>;
  /** Only these trajectories, besides the filters (the labels export written before a deletion). */
  trajectories?: string[];
  /** Whose judgments the figures rest on (scoring.md's judge setting); null for every judgment. */
  judge: string | null;
  lambda: number;
  mu: number;
  threshold: number | null;
  delta_p: number;
  ratio_c: number;
  cap: number | null;
  unscored: ExportRequest['settings']['unscored'];
  scope: NonNullable<ExportRequest['settings']['scope']>;
  columns: string[];
  /** Known once the last row is written. */
  rows?: number;
}

export const routelensVersion = (): string => pkg.version;

export function buildManifest(req: ExportRequest, columns: readonly Column[], now = new Date()): ExportManifest {
  const s = req.settings;
  return {
    manifest_version: 1,
    routelens_version: routelensVersion(),
    kind: req.kind,
    format: s.format,
    created_at: now.toISOString(),
    filters: filterToParams(req.filter),
    ...(req.trajectories ? { trajectories: req.trajectories } : {}),
    judge: s.judge,
    lambda: s.lambda,
    mu: s.mu,
    threshold: s.threshold,
    delta_p: s.deltaP,
    ratio_c: s.ratioC,
    cap: s.cap,
    unscored: s.unscored,
    scope: s.scope ?? 'query',
    columns: columns.map((c) => c.name),
  };
}

/** JSON that is pure ASCII (HTTP header values are bytes; a filter may hold any character). */
export function asciiJson(value: unknown): string {
  return JSON.stringify(value).replace(/[\u007f-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}
