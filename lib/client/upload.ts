// Uploads a trace file to POST /api/ingest with XMLHttpRequest, whose upload events report the bytes
// sent (fetch has none), and reads the per-line report of 200/207 or the error of any other status.
import { ApiRequestError } from './api';
import { sniffBytes, type Sniffed } from '@/lib/ingest/sniff';

export { notJsonLines } from '@/lib/ingest/sniff';
import { fetchMe } from './auth';
import type { ApiErrorBody, IngestReport } from './types';

export interface UploadProgress {
  sent: number;
  total: number;
  /** Every byte is sent; the server is still storing lines. */
  processing: boolean;
}

export interface Upload {
  promise: Promise<IngestReport>;
  abort: () => void;
}

export function isGzip(file: File): boolean {
  return /\.gz$/i.test(file.name) || file.type === 'application/gzip' || file.type === 'application/x-gzip';
}

export async function sniffTraceFile(file: File): Promise<Sniffed> {
  const head = new Uint8Array(await file.slice(0, 4096).arrayBuffer());
  return sniffBytes(head);
}

function parse(xhr: XMLHttpRequest): IngestReport | ApiErrorBody | null {
  try {
    return JSON.parse(xhr.responseText) as IngestReport | ApiErrorBody;
  } catch {
    return null;
  }
}

export function uploadTraceFile(
  file: File,
  opts: { replace: boolean; gzip?: boolean; csrfToken: string | null; onProgress: (p: UploadProgress) => void },
): Upload {
  const xhr = new XMLHttpRequest();
  const promise = new Promise<IngestReport>((resolve, reject) => {
    xhr.open('POST', `/api/ingest${opts.replace ? '?replace=true' : ''}`);
    xhr.setRequestHeader('content-type', (opts.gzip ?? isGzip(file)) ? 'application/gzip' : 'application/x-ndjson');
    xhr.setRequestHeader('accept', 'application/json');
    if (opts.csrfToken) xhr.setRequestHeader('x-csrf-token', opts.csrfToken);
    xhr.upload.onprogress = (e) => opts.onProgress({ sent: e.loaded, total: e.lengthComputable ? e.total : file.size, processing: false });
    xhr.upload.onload = () => opts.onProgress({ sent: file.size, total: file.size, processing: true });
    xhr.onload = () => {
      const body = parse(xhr);
      if ((xhr.status === 200 || xhr.status === 207) && body && 'stored' in body) resolve(body);
      else if (body && 'error' in body) reject(new ApiRequestError(xhr.status, body.error.code, body.error.message));
      else reject(new ApiRequestError(xhr.status, 'http_error', `the server answered ${xhr.status}`));
    };
    xhr.onerror = () => reject(new ApiRequestError(0, 'network', 'the upload failed: the server cannot be reached'));
    xhr.onabort = () => reject(new ApiRequestError(0, 'aborted', 'the upload was cancelled'));
    xhr.send(file);
  });
  return { promise, abort: () => xhr.abort() };
}

/** The session's CSRF token when signed in with a cookie; null when none is needed. */
export async function csrfTokenForUpload(): Promise<string | null> {
  const me = await fetchMe().catch(() => null);
  return me?.csrf_token ?? null;
}
