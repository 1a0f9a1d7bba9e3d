import 'server-only';
// GET /api/exports/{kind} (api.md): parses the parameters (a 400 names the bad one), starts the
// export, and answers with a body that streams as the client reads it. The manifest goes in a header
// (without the row count, which only the end knows; Parquet carries it complete in its metadata).
import { ZodError } from 'zod';
import { exportPackageSchema, FILE_EXTENSIONS, parseExportRequest, type ExportFormat, type ExportKind } from '@/lib/schemas/exports';
import { paramsObject } from '@/lib/schemas/filters';
import { asciiJson, MANIFEST_HEADER } from '@/lib/export/manifest';
import { startExport } from '@/lib/export/run';
import { toReadableStream } from '@/lib/export/stream';
import { zipStream } from '@/lib/export/zip';
import { getExportPool } from '@/lib/db/pool';
import { ApiError, toApiError } from './errors';
import { settings } from './settings';

export const CONTENT_TYPES: Record<ExportFormat, string> = {
  jsonl: 'application/jsonl; charset=utf-8',
  csv: 'text/csv; charset=utf-8; header=present',
  parquet: 'application/vnd.apache.parquet',
};

export function exportFileName(kind: ExportKind, format: ExportFormat, at: Date): string {
  return `${exportBaseName(kind, at)}.${FILE_EXTENSIONS[format]}`;
}

const exportBaseName = (kind: ExportKind, at: Date) => `routelens-${kind}-${at.toISOString().slice(0, 10)}`;

function parse(kind: string, url: URL) {
  try {
    return { ...parseExportRequest(kind, url.searchParams), package: exportPackageSchema.parse(paramsObject(url.searchParams, ['package'])).package };
  } catch (e) {
    throw e instanceof ZodError ? toApiError(e, 'parameter') : e;
  }
}

// Exports that stream now, per person and in all (this process). An export holds a connection of the
// export pool until its body ends, so these caps keep downloads from queueing on each other forever.
const running = new Map<string, number>();
let runningTotal = 0;

/** Takes a slot for `person`, or refuses with 429; the returned function gives it back (once). */
function takeExportSlot(person: string): () => void {
  const mine = running.get(person) ?? 0;
  const busy = (what: string) => new ApiError('rate_limited', `${what}; try again when one finishes`, { retry_after_seconds: 5 }, { 'Retry-After': '5' });
  if (mine >= settings.exportsPerPerson) throw busy(`you have ${mine} exports running (ROUTELENS_EXPORTS_PER_PERSON)`);
  if (runningTotal >= settings.exportsMax) throw busy(`${runningTotal} exports are running (ROUTELENS_EXPORTS_MAX)`);
  running.set(person, mine + 1);
  runningTotal++;
  let given = false;
  return () => {
    if (given) return;
    given = true;
    runningTotal--;
    const left = (running.get(person) ?? 1) - 1;
    if (left > 0) running.set(person, left);
    else running.delete(person);
  };
}

export async function exportResponse(kind: string, url: URL, person: string): Promise<Response> {
  const req = parse(kind, url);
  const now = new Date();
  const release = takeExportSlot(person);
  let run: Awaited<ReturnType<typeof startExport>>;
  try {
    run = await startExport(req, { now, pool: getExportPool() });
  } catch (e) {
    release();
    throw e;
  }
  const { format } = req.settings;
  const { rows: _rows, ...manifest } = run.manifest;
  // A failure after the headers went out can only cut the body short: the server's log says why.
  const onError = (e: unknown) => console.error(`routelens: the ${req.kind} export failed mid-stream:`, e instanceof Error ? e.message : e);
  const fileName = exportFileName(req.kind, format, now);
  // Zipped: the data file, then its manifest with the row count (known once the data is written).
  const chunks =
    req.package === 'zip'
      ? zipStream(
          [
            { name: fileName, data: run.chunks },
            { name: `${exportBaseName(req.kind, now)}.manifest.json`, data: () => JSON.stringify({ ...run.manifest, rows: run.rows() }, null, 2) + '\n' },
          ],
          now,
        )
      : run.chunks;
  const body = toReadableStream(chunks, run.close, onError, { idleMs: settings.exportIdleSeconds * 1000, onEnd: release });
  return new Response(body, {
    status: 200,
    headers: {
      'Content-Type': req.package === 'zip' ? 'application/zip' : CONTENT_TYPES[format],
      'Content-Disposition': `attachment; filename="${req.package === 'zip' ? `${exportBaseName(req.kind, now)}.zip` : fileName}"`,
      'Cache-Control': 'no-store',
      'X-Content-Type-Options': 'nosniff',
      [MANIFEST_HEADER]: asciiJson(manifest),
      'Access-Control-Expose-Headers': MANIFEST_HEADER,
    },
  });
}
