import 'server-only';
// GET /api/exports/{kind} (api.md): parses the parameters (a 400 names the bad one), starts the
// export, and answers with a body that streams as the client reads it. The manifest goes in a header
// (without the row count, which only the end knows; Parquet carries it complete in its metadata).
import { ZodError } from 'zod';
import { FILE_EXTENSIONS, parseExportRequest, type ExportFormat, type ExportKind } from '@/lib/schemas/exports';
import { asciiJson, MANIFEST_HEADER } from '@/lib/export/manifest';
import { startExport } from '@/lib/export/run';
import { toReadableStream } from '@/lib/export/stream';
import { toApiError } from './errors';

export const CONTENT_TYPES: Record<ExportFormat, string> = {
  jsonl: 'application/jsonl; charset=utf-8',
  csv: 'text/csv; charset=utf-8; header=present',
  parquet: 'application/vnd.apache.parquet',
};

export function exportFileName(kind: ExportKind, format: ExportFormat, at: Date): string {
  return `routelens-${kind}-${at.toISOString().slice(0, 10)}.${FILE_EXTENSIONS[format]}`;
}

function parse(kind: string, url: URL) {
  try {
    return parseExportRequest(kind, url.searchParams);
  } catch (e) {
    throw e instanceof ZodError ? toApiError(e, 'parameter') : e;
  }
}

export async function exportResponse(kind: string, url: URL): Promise<Response> {
  const req = parse(kind, url);
  const now = new Date();
  const run = await startExport(req, { now });
  const { format } = req.settings;
  const { rows: _rows, ...manifest } = run.manifest;
  // A failure after the headers went out can only cut the body short: the server's log says why.
  const onError = (e: unknown) => console.error(`routelens: the ${req.kind} export failed mid-stream:`, e);
  return new Response(toReadableStream(run.chunks, run.close, onError), {
    status: 200,
    headers: {
      'Content-Type': CONTENT_TYPES[format],
      'Content-Disposition': `attachment; filename="${exportFileName(req.kind, format, now)}"`,
      'Cache-Control': 'no-store',
      'X-Content-Type-Options': 'nosniff',
      [MANIFEST_HEADER]: asciiJson(manifest),
      'Access-Control-Expose-Headers': MANIFEST_HEADER,
    },
  });
}
