import 'server-only';
import { ingestStream } from '@/lib/ingest/pipeline';
import { InputTooLargeError } from '@/lib/ingest/lines';
import { ApiError, errorResponse } from './errors';
import { settings } from './settings';
import { paramsObject } from '@/lib/schemas/filters';

async function* limited(body: ReadableStream<Uint8Array>, maxBytes: number): AsyncGenerator<Uint8Array> {
  let n = 0;
  const reader = body.getReader();
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return;
      n += value.byteLength;
      if (n > maxBytes) throw new ApiError('payload_too_large', `the request body exceeds the limit of ${maxBytes} bytes (ROUTELENS_INGEST_MAX_BYTES)`);
      yield value;
    }
  } finally {
    reader.releaseLock();
  }
}

// The body types that a page of another site can send without asking (a form, a no-cors fetch).
// Anything else needs a CORS preflight, which routelens never grants.
const FORM_TYPES = /^(text\/plain|application\/x-www-form-urlencoded|multipart\/form-data)\s*(;|$)/i;

/** POST /api/ingest: trace v1 JSON Lines, plain or gzip, streamed (api.md). */
export async function ingest(request: Request, url: URL): Promise<Response> {
  try {
    // The parameter rules of every route (api.md): the last value counts, an empty one is absent.
    const replace = paramsObject(url.searchParams, ['replace']).replace;
    if (replace !== undefined && replace !== 'true' && replace !== 'false') {
      throw new ApiError('invalid_parameter', 'parameter "replace" must be true or false');
    }
    if (!request.body) throw new ApiError('bad_request', 'the request has no body: send trace v1 JSON Lines');
    const type = request.headers.get('content-type');
    if (type !== null && FORM_TYPES.test(type.trim())) {
      throw new ApiError(
        'unsupported_media_type',
        `send trace v1 JSON Lines as Content-Type: application/x-ndjson (or application/gzip), not ${type.split(';')[0]!.trim()}`,
      );
    }
    const declared = Number(request.headers.get('content-length') ?? NaN);
    if (Number.isFinite(declared) && declared > settings.ingestMaxBodyBytes) {
      throw new ApiError('payload_too_large', `the request body exceeds the limit of ${settings.ingestMaxBodyBytes} bytes (ROUTELENS_INGEST_MAX_BYTES)`);
    }
    const summary = await ingestStream(limited(request.body, settings.ingestMaxBodyBytes), {
      replace: replace === 'true',
      maxDecodedBytes: settings.ingestMaxDecodedBytes,
    });
    return Response.json(summary, { status: summary.failed > 0 ? 207 : 200 });
  } catch (e) {
    if (e instanceof InputTooLargeError) {
      return errorResponse(new ApiError('payload_too_large', `${e.message} (ROUTELENS_INGEST_MAX_DECODED_BYTES); the lines before the limit were stored`));
    }
    return errorResponse(e);
  }
}
