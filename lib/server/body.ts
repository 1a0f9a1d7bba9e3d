import 'server-only';
// JSON request bodies parsed with their zod schema: a body that is not JSON, or fails the schema, is
// a 400 that names the field.
import type { z } from 'zod';
import { ApiError, toApiError } from './errors';
import { MAX_ROW_ID } from '@/lib/schemas/text';

const MAX_BODY_BYTES = 1024 * 1024;

/** application/json, with or without parameters (charset=utf-8). */
export function isJsonContentType(value: string | null): boolean {
  return value !== null && /^application\/json\s*(;|$)/i.test(value.trim());
}

const tooLarge = () => new ApiError('payload_too_large', `the body exceeds ${MAX_BODY_BYTES} bytes`);

/**
 * The body as text, read up to MAX_BODY_BYTES bytes: a body sent without Content-Length (chunked)
 * that goes on past the limit is cut off there, not held in memory whole first.
 */
async function bodyText(request: Request): Promise<string> {
  if (!request.body) return '';
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let bytes = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    bytes += value.byteLength;
    if (bytes > MAX_BODY_BYTES) {
      await reader.cancel().catch(() => undefined);
      throw tooLarge();
    }
    chunks.push(value);
  }
  // As Request.text() decodes: UTF-8, a leading byte order mark dropped, bad bytes replaced.
  return new TextDecoder().decode(Buffer.concat(chunks, bytes));
}

export async function parseJsonBody<S extends z.ZodType>(request: Request, schema: S): Promise<z.output<S>> {
  const declared = Number(request.headers.get('content-length') ?? NaN);
  if (Number.isFinite(declared) && declared > MAX_BODY_BYTES) throw tooLarge();
  const text = await bodyText(request);
  let value: unknown = {};
  if (text.trim() !== '') {
    // A form or a no-cors fetch of another site can send text/plain or form types, never this one.
    if (!isJsonContentType(request.headers.get('content-type'))) {
      throw new ApiError('unsupported_media_type', 'send the body as JSON with Content-Type: application/json');
    }
    try {
      value = JSON.parse(text);
    } catch {
      throw new ApiError('bad_request', 'the body is not JSON');
    }
  }
  const parsed = schema.safeParse(value);
  if (!parsed.success) throw toApiError(parsed.error, 'field');
  return parsed.data;
}

/** A positive integer path segment (a row id): anything else is a 400 naming it. */
export function idParam(name: string, raw: string | undefined): number {
  const n = raw !== undefined && /^[1-9][0-9]{0,9}$/.test(raw) ? Number(raw) : NaN;
  if (!Number.isSafeInteger(n) || n > MAX_ROW_ID) throw new ApiError('invalid_parameter', `parameter "${name}" must be a positive integer id`);
  return n;
}
