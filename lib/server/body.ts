import 'server-only';
// JSON request bodies parsed with their zod schema: a body that is not JSON, or fails the schema, is
// a 400 that names the field.
import type { z } from 'zod';
import { ApiError, toApiError } from './errors';

const MAX_BODY_BYTES = 1024 * 1024;

export async function parseJsonBody<S extends z.ZodType>(request: Request, schema: S): Promise<z.output<S>> {
  const declared = Number(request.headers.get('content-length') ?? NaN);
  if (Number.isFinite(declared) && declared > MAX_BODY_BYTES) throw new ApiError('payload_too_large', `the body exceeds ${MAX_BODY_BYTES} bytes`);
  const text = await request.text();
  if (text.length > MAX_BODY_BYTES) throw new ApiError('payload_too_large', `the body exceeds ${MAX_BODY_BYTES} bytes`);
  let value: unknown = {};
  if (text.trim() !== '') {
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
  if (!Number.isSafeInteger(n) || n > 2 ** 31 - 1) throw new ApiError('invalid_parameter', `parameter "${name}" must be a positive integer id`);
  return n;
}
