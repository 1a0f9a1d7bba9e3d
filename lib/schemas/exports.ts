// The export endpoints' parameters (api.md "Export"): which kind, which format, the trajectory list's
// filters, and the settings of scoring.md that the figures depend on. One schema, parsed from
// URLSearchParams by the route and from flags by `npm run export`, and used by the Exports page to
// build its links.
import { z } from 'zod';
import { FILTER_KEYS, paramsObject, trajectoryFilterSchema, type TrajectoryFilter } from './filters';
import { pairSettingsSchema, viewSettingsSchema } from './view-settings';

export const EXPORT_KINDS = ['traces', 'steps', 'stepwise', 'preferences', 'labels'] as const;
export type ExportKind = (typeof EXPORT_KINDS)[number];

export const EXPORT_FORMATS = ['jsonl', 'csv', 'parquet'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

/** What a stepwise label becomes for a step that no judgment names (its rubric score is null). */
export const UNSCORED_POLICIES = ['zero', 'skip', 'null'] as const;
export type UnscoredPolicy = (typeof UNSCORED_POLICIES)[number];

export const FILE_EXTENSIONS: Record<ExportFormat, string> = { jsonl: 'jsonl', csv: 'csv', parquet: 'parquet' };

export const SETTING_KEYS = ['format', 'judge', 'lambda', 'mu', 'threshold', 'delta_p', 'ratio_c', 'cap', 'unscored', 'scope'] as const;

/** Which trajectories form preference pairs: any two of a query, or only two rollouts of one training group. */
export const PAIR_SCOPES = ['query', 'group'] as const;
export type PairScope = (typeof PAIR_SCOPES)[number];
export const pairScopeSchema = z.enum(PAIR_SCOPES, { error: 'must be query or group' });

const finite = (what: string) => z.coerce.number({ error: `must be ${what}` }).refine(Number.isFinite, `must be ${what}`);

export const exportKindSchema = z.enum(EXPORT_KINDS, { error: `must be one of ${EXPORT_KINDS.join(', ')}` });

/** The view settings (judge, lambda, mu) and pair settings of every view, plus what only exports take. */
export const exportSettingsSchema = viewSettingsSchema.extend(pairSettingsSchema.shape).extend({
  format: z.enum(EXPORT_FORMATS, { error: `must be one of ${EXPORT_FORMATS.join(', ')}` }).default('jsonl'),
  threshold: finite('a number between 0 and 1')
    .refine((t) => t >= 0 && t <= 1, 'must be a number between 0 and 1')
    .optional(),
  unscored: z.enum(UNSCORED_POLICIES, { error: `must be one of ${UNSCORED_POLICIES.join(', ')}` }).default('zero'),
  scope: pairScopeSchema.default('query'),
});

/**
 * How a download is packaged: `none`, the file itself (the manifest rides in a response header, and in
 * Parquet's metadata); `zip`, the file and its manifest (with the row count) side by side in one ZIP,
 * so that a JSON Lines or CSV file saved by a browser keeps its provenance (docs/exports.md).
 */
export const EXPORT_PACKAGES = ['none', 'zip'] as const;
export type ExportPackage = (typeof EXPORT_PACKAGES)[number];
export const exportPackageSchema = z.object({
  package: z.enum(EXPORT_PACKAGES, { error: `must be one of ${EXPORT_PACKAGES.join(', ')}` }).default('none'),
});

export type ExportSettingsInput = z.input<typeof exportSettingsSchema>;

export interface ExportSettings {
  format: ExportFormat;
  /** Whose judgments enter the figures (scoring.md's judge setting); `null` for every judgment. */
  judge: string | null;
  lambda: number;
  mu: number;
  /** Stepwise labels become booleans (score >= threshold) when set. */
  threshold: number | null;
  deltaP: number;
  ratioC: number;
  /** Pairs kept per query; null keeps all. */
  cap: number | null;
  unscored: UnscoredPolicy;
  /** Preference pairs within a query (absent: the default) or within a training group; `cap` is per such unit. */
  scope?: PairScope;
}

export interface ExportRequest {
  kind: ExportKind;
  filter: TrajectoryFilter;
  settings: ExportSettings;
  /** Only these trajectories (by id), besides the filter: the labels export of a deletion. */
  trajectories?: string[];
}

/** Parses a kind and query-string parameters; throws the ZodError of the first bad parameter. */
export function parseExportRequest(kind: string, params: URLSearchParams): ExportRequest {
  const k = z.object({ kind: exportKindSchema }).parse({ kind }).kind;
  const filter = trajectoryFilterSchema.parse(paramsObject(params, FILTER_KEYS));
  const s = exportSettingsSchema.parse(paramsObject(params, SETTING_KEYS));
  return {
    kind: k,
    filter,
    settings: {
      format: s.format,
      judge: s.judge ?? null,
      lambda: s.lambda,
      mu: s.mu,
      threshold: s.threshold ?? null,
      deltaP: s.delta_p,
      ratioC: s.ratio_c,
      cap: s.cap ?? null,
      unscored: s.unscored,
      scope: s.scope,
    },
  };
}

/** The API path of an export, for links: only the parameters that are set. */
export function exportUrl(kind: ExportKind, params: Record<string, string | undefined>): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v.trim() !== '') q.set(k, v.trim());
  const s = q.toString();
  return `/api/exports/${kind}${s ? `?${s}` : ''}`;
}
