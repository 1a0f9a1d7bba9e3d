import 'server-only';
// Query parameters parsed with their zod schema; a failure is a 400 that names the parameter.
import { ZodError } from 'zod';
import { toApiError } from './errors';

export function parseParams<T>(parse: (params: URLSearchParams) => T, params: URLSearchParams): T {
  try {
    return parse(params);
  } catch (e) {
    if (e instanceof ZodError) throw toApiError(e, 'parameter');
    throw e;
  }
}
