'use client';
// One export kind: what it holds, its format and its own settings, and a download link that points at
// GET /api/exports/{kind} with the page's filters (the browser streams the file to disk).
import { useState } from 'react';
import { Card, CardHeader } from '@/components/ui/card';
import { formatInt } from '@/lib/client/format';
import { useExportCounts } from '@/lib/client/hooks';
import { useDebounced } from '@/lib/client/use-debounced';
import { UNSCORED_POLICIES, type ExportFormat } from '@/lib/schemas/exports';
import type { KindDescription } from '@/lib/export/describe';
import {
  cliCommand,
  countParams,
  DEFAULT_KIND_OPTIONS,
  downloadUrl,
  problemOf,
  requestParams,
  type FilterValues,
  type KindOptions,
  type SharedSettings,
} from './export-request';
import { Segmented, SelectField, TextField } from './fields';

const FORMATS: { value: ExportFormat; label: string }[] = [
  { value: 'jsonl', label: 'JSON Lines' },
  { value: 'csv', label: 'CSV' },
  { value: 'parquet', label: 'Parquet' },
];

const TITLES: Record<KindDescription['kind'], string> = {
  traces: 'Traces',
  steps: 'Steps',
  stepwise: 'Stepwise supervision',
  preferences: 'Preference pairs',
  labels: 'Human labels',
};

const UNSCORED_LABELS: Record<(typeof UNSCORED_POLICIES)[number], string> = {
  zero: '0.0 / false',
  skip: 'leave the trajectory out',
  null: 'null (not for TRL)',
};

function KindSettings({ kind, options, set }: { kind: KindDescription['kind']; options: KindOptions; set: (o: Partial<KindOptions>) => void }) {
  if (kind === 'stepwise') {
    return (
      <div className="grid grid-cols-2 gap-3">
        <TextField
          label="Threshold"
          name="threshold"
          inputMode="decimal"
          placeholder="floats"
          hint="Empty: labels are the rubric scores (0..1). A number: labels are booleans, score >= threshold."
          value={options.threshold}
          onChange={(threshold) => set({ threshold })}
        />
        <SelectField
          label="Unscored steps"
          name="unscored"
          hint="A step that no judgment names has no rubric score."
          value={options.unscored}
          onChange={(unscored) => set({ unscored })}
          options={UNSCORED_POLICIES.map((p) => ({ value: p, label: UNSCORED_LABELS[p] }))}
        />
      </div>
    );
  }
  if (kind === 'preferences') {
    return (
      <div className="grid grid-cols-3 gap-3">
        <TextField
          label="delta_p"
          name="delta_p"
          inputMode="decimal"
          hint="Least process-score difference that decides a pair."
          value={options.delta_p}
          onChange={(delta_p) => set({ delta_p })}
        />
        <TextField
          label="ratio_c"
          name="ratio_c"
          inputMode="decimal"
          hint="Least cost ratio that decides a pair."
          value={options.ratio_c}
          onChange={(ratio_c) => set({ ratio_c })}
        />
        <TextField
          label="Cap / query"
          name="cap"
          inputMode="numeric"
          placeholder="none"
          hint="Most pairs kept per query (largest margins first)."
          value={options.cap}
          onChange={(cap) => set({ cap })}
        />
      </div>
    );
  }
  return null;
}

/** How many rows the export would write now, or why none (GET /api/exports/counts). */
function RowCount({ kind, params }: { kind: KindDescription['kind']; params: Record<string, string> }) {
  const key = JSON.stringify(params);
  const settled = useDebounced(key, 300);
  const counts = useExportCounts(JSON.parse(settled) as Record<string, string>);
  const stale = counts.isFetching || settled !== key;
  if (counts.isError) {
    return (
      <p role="alert" className="text-xs text-rose-700" data-testid="row-count" data-state="error">
        {counts.error.message}
      </p>
    );
  }
  const c = counts.data?.kinds[kind];
  if (!c) {
    return (
      <p className="text-xs text-slate-400" data-testid="row-count" data-state="loading">
        Counting rows…
      </p>
    );
  }
  const empty = c.rows === 0 || c.rows === null;
  return (
    <p
      className={`rounded-md px-2 py-1 text-xs ${empty ? 'border border-amber-200 bg-amber-50 text-amber-800' : 'bg-slate-50 text-slate-700'} ${stale ? 'opacity-60' : ''}`}
      data-testid="row-count"
      data-state={stale ? 'stale' : 'settled'}
      data-rows={c.rows ?? ''}
    >
      {c.rows !== null && (
        <span className="font-medium tabular-nums">
          {c.exact ? '' : 'at most '}
          {formatInt(c.rows)} {c.rows === 1 ? 'row' : 'rows'}
        </span>
      )}
      {c.empty_reason && <span className="block">{c.empty_reason}</span>}
    </p>
  );
}

export function ExportCard({ description, filters, shared }: { description: KindDescription; filters: FilterValues; shared: SharedSettings }) {
  const { kind } = description;
  const [options, setOptions] = useState<KindOptions>(DEFAULT_KIND_OPTIONS);
  const [showCli, setShowCli] = useState(false);
  const set = (o: Partial<KindOptions>) => setOptions((prev) => ({ ...prev, ...o }));
  const params = requestParams(kind, filters, shared, options);
  const problem = problemOf(kind, params);
  const url = downloadUrl(kind, params);
  // JSON Lines and CSV go out zipped with their manifest beside them, so the saved file keeps its
  // provenance (Parquet carries it in its own metadata); the bare file stays one click away.
  const zipped = options.format !== 'parquet';
  const downloadHref = zipped ? downloadUrl(kind, { ...params, package: 'zip' }) : url;

  return (
    <Card className="flex flex-col" data-testid={`export-${kind}`}>
      <CardHeader title={TITLES[kind]} subtitle={<code className="font-mono">{kind}</code>} />
      <div className="flex flex-1 flex-col gap-3 p-4">
        <p className="text-sm text-slate-600">{description.summary}</p>
        <details className="text-xs text-slate-500">
          <summary className="cursor-pointer select-none hover:text-slate-700">{description.columns.length} columns</summary>
          <ul className="mt-2 space-y-1">
            {description.columns.map((c) => (
              <li key={c.name} className="flex gap-2">
                <code className="shrink-0 font-mono text-slate-700">{c.name}</code>
                <span className="text-slate-500">{c.description}</span>
              </li>
            ))}
          </ul>
        </details>
        <Segmented label={`${TITLES[kind]} format`} value={options.format} options={FORMATS} onChange={(format) => set({ format })} />
        <KindSettings kind={kind} options={options} set={set} />
        {!problem && <RowCount kind={kind} params={countParams(params)} />}
        <div className="mt-auto flex flex-wrap items-center gap-2 pt-1">
          {problem ? (
            <span role="alert" className="rounded-md border border-rose-200 bg-rose-50 px-2 py-1 text-xs text-rose-700">
              {problem}
            </span>
          ) : (
            <a
              href={downloadHref}
              download
              data-testid="download"
              title={zipped ? 'A .zip with the file and its manifest (filters, settings, version, row count)' : 'The manifest is in the Parquet metadata'}
              className="inline-flex h-8 items-center gap-1.5 rounded-md bg-slate-900 px-3 text-sm font-medium text-white transition-colors hover:bg-slate-800 focus-visible:outline-2 focus-visible:outline-offset-1 focus-visible:outline-sky-500"
            >
              <svg
                viewBox="0 0 16 16"
                className="h-3.5 w-3.5"
                fill="none"
                stroke="currentColor"
                strokeWidth="2"
                strokeLinecap="round"
                strokeLinejoin="round"
                aria-hidden
              >
                <path d="M8 2v8m0 0 3-3m-3 3L5 7M3 13h10" />
              </svg>
              Download
            </a>
          )}
          {!problem && zipped && (
            <a href={url} download className="text-xs text-slate-500 underline-offset-2 hover:text-slate-800 hover:underline" data-testid="download-bare">
              .{options.format} only
            </a>
          )}
          <button
            type="button"
            onClick={() => setShowCli((v) => !v)}
            className="text-xs text-slate-500 underline-offset-2 hover:text-slate-800 hover:underline"
            aria-expanded={showCli}
          >
            {showCli ? 'Hide' : 'API and CLI'}
          </button>
        </div>
        {showCli && (
          <div className="space-y-1.5 rounded-md bg-slate-50 p-2 font-mono text-[11px] leading-relaxed text-slate-700">
            <p className="break-all">GET {url}</p>
            <p className="break-all">{cliCommand(kind, params)}</p>
          </div>
        )}
      </div>
    </Card>
  );
}
