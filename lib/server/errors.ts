// One error type for every route, and one mapping of errors to HTTP (api.md's error shape):
// bad input 400/422 naming the field, 401/403 for access, 404, 409, 413; the database unreachable is
// 503 with a clear message; anything else a logged 500 with no internals in the body.
import { ZodError } from 'zod';
import { isConnectionError } from '@/lib/db/connection-errors';

export type ErrorCode =
  | 'bad_request'
  | 'invalid_parameter'
  | 'unauthenticated'
  | 'forbidden'
  | 'not_found'
  | 'conflict'
  | 'payload_too_large'
  | 'unsupported_media_type'
  | 'misdirected_request'
  | 'rate_limited'
  | 'database_unavailable'
  | 'internal';

const STATUS: Record<ErrorCode, number> = {
  bad_request: 400,
  invalid_parameter: 400,
  unauthenticated: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  payload_too_large: 413,
  unsupported_media_type: 415,
  misdirected_request: 421,
  rate_limited: 429,
  database_unavailable: 503,
  internal: 500,
};

export class ApiError extends Error {
  constructor(
    public readonly code: ErrorCode,
    message: string,
    public readonly details?: unknown,
    public readonly headers?: Record<string, string>,
  ) {
    super(message);
  }
  get status(): number {
    return STATUS[this.code];
  }
}

export const notFound = (what: string) => new ApiError('not_found', `${what} not found`);

function zodDetails(e: ZodError, source: string) {
  return e.issues.map((i) => ({ [source]: i.path.join('.'), message: i.message }));
}

// 22021: invalid byte sequence ("0x00") in text; 22P05: \u0000 in jsonb. An error of pg has the code
// itself; one of Prisma Client carries the driver's under meta.driverAdapterError.cause (originalCode,
// originalMessage), as lib/db/connection-errors.ts reads it.
function isNulError(e: unknown): boolean {
  const err = e as {
    code?: unknown;
    message?: unknown;
    meta?: { driverAdapterError?: { cause?: { originalCode?: unknown; originalMessage?: unknown } } };
  } | null;
  const nul = (code: unknown, message: unknown) => (code === '22021' || code === '22P05') && typeof message === 'string' && /0x00|\\u0000/.test(message);
  const cause = err?.meta?.driverAdapterError?.cause;
  return nul(err?.code, err?.message) || (typeof cause === 'object' && cause !== null && nul(cause.originalCode, cause.originalMessage));
}

export function toApiError(e: unknown, source: 'parameter' | 'field' = 'field'): ApiError {
  if (e instanceof ApiError) return e;
  if (e instanceof ZodError) {
    const first = e.issues[0];
    const name = first?.path.join('.') || '(body)';
    return new ApiError(
      source === 'parameter' ? 'invalid_parameter' : 'bad_request',
      `${source} "${name}": ${first?.message ?? 'invalid'}`,
      zodDetails(e, source),
    );
  }
  // A NUL that reached PostgreSQL despite the schemas (lib/schemas/text.ts): bad input, not a 500.
  if (isNulError(e)) {
    return new ApiError('bad_request', 'a value holds the NUL character (\\u0000), which PostgreSQL cannot store');
  }
  if (isConnectionError(e)) {
    return new ApiError('database_unavailable', 'the database is unavailable; try again shortly', undefined, { 'Retry-After': '5' });
  }
  return new ApiError('internal', 'internal error');
}

/** The body of every error response (api.md). */
export interface ErrorBody {
  error: { code: ErrorCode; message: string; details?: unknown };
}

export function errorResponse(e: unknown): Response {
  const err = toApiError(e);
  if (err.code === 'internal') console.error('routelens: unhandled error', e);
  const body: ErrorBody = { error: { code: err.code, message: err.message } };
  if (err.details !== undefined) body.error.details = err.details;
  return Response.json(body, { status: err.status, headers: err.headers });
}
