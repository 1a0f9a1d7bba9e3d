'use client';
// Upload a trace file (.jsonl or .jsonl.gz): the bytes sent as they go, then the server's report,
// line by line for the lines that could not be stored.
import Link from 'next/link';
import { useQueryClient } from '@tanstack/react-query';
import { useRef, useState, type DragEvent } from 'react';
import { Button } from '@/components/ui/button';
import { Card, CardHeader } from '@/components/ui/card';
import { PageHeader } from '@/components/ui/page-header';
import { Stat } from '@/components/ui/stat';
import { ErrorState } from '@/components/ui/states';
import { pageHref } from '@/lib/client/api';
import { formatBytes, formatInt } from '@/lib/client/format';
import type { IngestReport } from '@/lib/client/types';
import { csrfTokenForUpload, notJsonLines, sniffTraceFile, uploadTraceFile, type Upload, type UploadProgress } from '@/lib/client/upload';

type State =
  | { kind: 'idle' }
  | { kind: 'uploading'; progress: UploadProgress; upload: Upload | null }
  | { kind: 'done'; report: IngestReport; status: 'ok' | 'partial' }
  | { kind: 'failed'; error: unknown }
  | { kind: 'refused'; message: string };

const ACCEPT = '.jsonl,.jsonl.gz,.gz,.json,.ndjson,application/gzip,application/x-ndjson';

function ProgressBar({ progress }: { progress: UploadProgress }) {
  const frac = progress.total > 0 ? Math.min(1, progress.sent / progress.total) : 0;
  return (
    <div data-testid="upload-progress">
      <div className="mb-1 flex justify-between text-xs text-slate-600 tabular-nums">
        <span>{progress.processing ? 'Uploaded; storing the lines…' : `Uploading ${formatBytes(progress.sent)} of ${formatBytes(progress.total)}`}</span>
        <span>{(frac * 100).toFixed(0)}%</span>
      </div>
      <div
        className="h-2 overflow-hidden rounded-full bg-slate-100"
        role="progressbar"
        aria-valuemin={0}
        aria-valuemax={100}
        aria-valuenow={Math.round(frac * 100)}
      >
        <div
          className={`h-full rounded-full bg-sky-500 transition-[width] ${progress.processing ? 'animate-pulse' : ''}`}
          style={{ width: `${frac * 100}%` }}
        />
      </div>
    </div>
  );
}

const count = (n: number, one: string, many = `${one}s`) => `${formatInt(n)} ${n === 1 ? one : many}`;

/** What the upload did, in a sentence: the headline of the report. */
export function reportHeadline(r: IngestReport): string {
  const total = r.stored + r.unchanged + r.replaced + r.failed;
  if (total === 0) return 'The file holds no trajectories';
  if (r.failed === 0) {
    if (r.stored + r.replaced === 0) return `Nothing new: all ${count(total, 'trajectory', 'trajectories')} were already stored`;
    return `Imported ${count(r.stored + r.replaced, 'trajectory', 'trajectories')}`;
  }
  if (r.failed === total) return `Nothing imported: ${total === 1 ? 'the line' : `all ${formatInt(total)} lines`} failed`;
  return `Imported ${count(r.stored + r.replaced, 'trajectory', 'trajectories')}; ${count(r.failed, 'line')} failed`;
}

function reportDetail(r: IngestReport): string {
  const parts = [`${formatInt(r.stored)} new`, `${formatInt(r.replaced)} replaced`, `${formatInt(r.unchanged)} already stored`];
  return r.failed > 0 ? `${parts.join(', ')}; the failed lines are listed below and nothing of them was stored` : parts.join(', ');
}

function Report({ report }: { report: IngestReport }) {
  return (
    <div className="space-y-4" data-testid="ingest-report">
      <div className="grid grid-cols-2 gap-4 px-4 pt-4 md:grid-cols-4">
        <Stat label="Stored" value={formatInt(report.stored)} testId="report-stored" />
        <Stat label="Unchanged" value={formatInt(report.unchanged)} />
        <Stat label="Replaced" value={formatInt(report.replaced)} />
        <Stat label="Failed" value={<span className={report.failed > 0 ? 'text-rose-700' : ''}>{formatInt(report.failed)}</span>} testId="report-failed" />
      </div>
      {report.errors.length > 0 && (
        <div className="overflow-x-auto border-t border-slate-200">
          <table className="w-full text-sm" data-testid="ingest-errors">
            <thead className="bg-slate-50/60">
              <tr className="text-[11px] uppercase tracking-wide text-slate-500">
                <th className="px-4 py-2 text-right font-medium">Line</th>
                <th className="px-3 py-2 text-left font-medium">Trajectory</th>
                <th className="px-3 py-2 text-left font-medium">Path</th>
                <th className="px-4 py-2 text-left font-medium">Problem</th>
              </tr>
            </thead>
            <tbody className="divide-y divide-slate-100">
              {report.errors.map((e) => (
                <tr key={`${e.line}-${e.path}`} className="align-top" data-testid="ingest-error" data-line={e.line}>
                  <td className="px-4 py-1.5 text-right font-mono text-xs tabular-nums text-slate-700">{e.line}</td>
                  <td className="px-3 py-1.5 font-mono text-xs text-slate-700">{e.id ?? '—'}</td>
                  <td className="px-3 py-1.5 font-mono text-xs text-slate-500">{e.path || '—'}</td>
                  <td className="px-4 py-1.5 text-rose-800">{e.message}</td>
                </tr>
              ))}
            </tbody>
          </table>
          {(report.errors_omitted ?? 0) > 0 && (
            <p className="px-4 py-2 text-xs text-slate-500">… and {formatInt(report.errors_omitted ?? 0)} more lines failed.</p>
          )}
        </div>
      )}
    </div>
  );
}

export function ImportPage() {
  const [file, setFile] = useState<File | null>(null);
  const [replace, setReplace] = useState(false);
  const [dragging, setDragging] = useState(false);
  const [state, setState] = useState<State>({ kind: 'idle' });
  const input = useRef<HTMLInputElement>(null);
  const queryClient = useQueryClient();
  const busy = state.kind === 'uploading';

  const pick = (f: File | null | undefined) => {
    if (!f || busy) return;
    setFile(f);
    setState({ kind: 'idle' });
  };
  const onDrop = (e: DragEvent) => {
    e.preventDefault();
    setDragging(false);
    pick(e.dataTransfer.files[0]);
  };

  async function start() {
    if (!file) return;
    const sniffed = await sniffTraceFile(file);
    if (sniffed.kind === 'binary') {
      setState({ kind: 'refused', message: notJsonLines(file.name, sniffed.what) });
      return;
    }
    setState({ kind: 'uploading', progress: { sent: 0, total: file.size, processing: false }, upload: null });
    try {
      const csrfToken = await csrfTokenForUpload();
      const upload = uploadTraceFile(file, {
        replace,
        gzip: sniffed.kind === 'gzip',
        csrfToken,
        onProgress: (progress) => setState((s) => (s.kind === 'uploading' ? { ...s, progress } : s)),
      });
      setState((s) => (s.kind === 'uploading' ? { ...s, upload } : s));
      const report = await upload.promise;
      setState({ kind: 'done', report, status: report.failed > 0 ? 'partial' : 'ok' });
      // New trajectories change every list and figure.
      void queryClient.invalidateQueries();
    } catch (error) {
      setState({ kind: 'failed', error });
    }
  }

  return (
    <div data-testid="import-page">
      <PageHeader
        title="Import"
        description="Upload trace v1 JSON Lines (.jsonl, or gzip-compressed .jsonl.gz). Valid lines are stored even when others fail."
      />
      <div className="grid gap-4 lg:grid-cols-[minmax(0,1fr)_320px]">
        <div className="space-y-4">
          <Card className="p-4">
            <div
              onDragOver={(e) => {
                e.preventDefault();
                setDragging(true);
              }}
              onDragLeave={() => setDragging(false)}
              onDrop={onDrop}
              className={`flex flex-col items-center justify-center gap-2 rounded-lg border-2 border-dashed px-6 py-10 text-center transition-colors ${dragging ? 'border-sky-400 bg-sky-50' : 'border-slate-300 bg-slate-50/50'}`}
              data-testid="drop-zone"
            >
              <p className="text-sm text-slate-700">{file ? <span className="font-mono">{file.name}</span> : 'Drop a trace file here'}</p>
              <p className="text-xs text-slate-500">{file ? formatBytes(file.size) : '.jsonl or .jsonl.gz, one trajectory per line'}</p>
              <Button size="sm" onClick={() => input.current?.click()} disabled={busy}>
                {file ? 'Choose another file' : 'Choose a file'}
              </Button>
              <input
                ref={input}
                type="file"
                accept={ACCEPT}
                className="sr-only"
                onChange={(e) => pick(e.target.files?.[0])}
                data-testid="file-input"
                aria-label="Trace file"
              />
            </div>
            <div className="mt-4 flex flex-wrap items-center justify-between gap-3">
              <label className="flex items-center gap-2 text-sm text-slate-700">
                <input type="checkbox" checked={replace} onChange={(e) => setReplace(e.target.checked)} className="accent-sky-600" disabled={busy} />
                Replace stored trajectories whose content differs
              </label>
              <div className="flex gap-2">
                {busy && state.upload && (
                  <Button size="md" variant="ghost" onClick={() => state.upload?.abort()}>
                    Cancel
                  </Button>
                )}
                <Button variant="primary" disabled={!file || busy} onClick={start} data-testid="upload">
                  {busy ? 'Uploading…' : 'Upload'}
                </Button>
              </div>
            </div>
            {state.kind === 'uploading' && (
              <div className="mt-4">
                <ProgressBar progress={state.progress} />
              </div>
            )}
          </Card>
          {state.kind === 'refused' && (
            <Card>
              <div role="alert" className="px-4 py-3 text-sm text-rose-800" data-testid="upload-refused">
                {state.message}
              </div>
            </Card>
          )}
          {state.kind === 'failed' && (
            <Card>
              <ErrorState error={state.error} title="The upload failed" onRetry={file ? start : undefined} />
            </Card>
          )}
          {state.kind === 'done' && (
            <Card>
              <CardHeader
                title={<span data-testid="report-headline">{reportHeadline(state.report)}</span>}
                subtitle={reportDetail(state.report)}
                actions={
                  <Link href={pageHref.trajectories({ sort: 'ingested_at', order: 'desc' })} className="text-xs font-medium text-sky-700 hover:underline">
                    Newest trajectories →
                  </Link>
                }
              />
              <Report report={state.report} />
            </Card>
          )}
        </div>
        <Card className="h-fit p-4 text-sm text-slate-600">
          <h2 className="mb-2 text-sm font-semibold text-slate-900">What happens</h2>
          <ul className="list-disc space-y-1.5 pl-4">
            <li>Each line is checked against trace format v1; a bad line is reported with its number and the JSON path of the problem.</li>
            <li>A trajectory already stored with the same content is left unchanged; with other content it fails unless “replace” is ticked.</li>
            <li>
              Large files: <code className="font-mono text-xs">npm run ingest -- FILE</code> does the same from a terminal.
            </li>
          </ul>
        </Card>
      </div>
    </div>
  );
}
