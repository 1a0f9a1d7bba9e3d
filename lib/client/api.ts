// Typed calls of the read API from the browser. Every failure becomes an ApiRequestError that carries
// api.md's error code and message, so pages can say what went wrong instead of "failed to fetch".
import type {
  ApiErrorBody,
  JudgeSummary,
  CostResponse,
  ExportCounts,
  PairsResponse,
  QueryDetail,
  RunsResponse,
  ScoresResponse,
  TrajectoryListResponse,
} from './types';

export class ApiRequestError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'ApiRequestError';
  }
}

/** react-query's retry: once for a network or server failure, never for a 4xx (asking again changes nothing). */
export function retryUnlessClientError(failures: number, error: Error): boolean {
  if (error instanceof ApiRequestError && error.status >= 400 && error.status < 500) return false;
  return failures < 1;
}

type ParamValue = string | number | boolean | null | undefined;
export type Params = Record<string, ParamValue>;

export function withParams(path: string, params: Params = {}): string {
  const search = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) {
    if (v === undefined || v === null || v === '') continue;
    search.set(k, String(v));
  }
  const s = search.toString();
  return s ? `${path}?${s}` : path;
}

function isErrorBody(v: unknown): v is ApiErrorBody {
  return typeof v === 'object' && v !== null && typeof (v as ApiErrorBody).error?.message === 'string';
}

export async function errorFromResponse(res: Response): Promise<ApiRequestError> {
  const body: unknown = await res.json().catch(() => null);
  if (isErrorBody(body)) return new ApiRequestError(res.status, body.error.code, body.error.message);
  return new ApiRequestError(res.status, 'http_error', `the server answered ${res.status} ${res.statusText}`.trim());
}

export async function getJson<T>(path: string, params?: Params, signal?: AbortSignal): Promise<T> {
  let res: Response;
  try {
    // No extra headers: a request that differs from a <link rel="preload" as="fetch"> would not reuse it.
    res = await fetch(withParams(path, params), { signal });
  } catch (e) {
    if ((e as Error).name === 'AbortError') throw e;
    throw new ApiRequestError(0, 'network', 'the server cannot be reached');
  }
  if (!res.ok) throw await errorFromResponse(res);
  return (await res.json()) as T;
}

/** Ids hold "/" (run/query/rep): one path segment each, encoded. */
export const trajectoryPath = (id: string) => `/api/trajectories/${encodeURIComponent(id)}`;
export const queryPath = (id: string) => `/api/queries/${encodeURIComponent(id)}`;

export const api = {
  /** `view`: the view settings' parameters (judge, lambda, mu), only those that differ from the defaults. */
  runs: (signal?: AbortSignal, view: Params = {}) => getJson<RunsResponse>('/api/runs', view, signal),
  benchmarks: (signal?: AbortSignal) => getJson<{ benchmarks: string[] }>('/api/benchmarks', undefined, signal),
  exportCounts: (params: Params, signal?: AbortSignal) => getJson<ExportCounts>('/api/exports/counts', params, signal),
  judges: (run?: string, signal?: AbortSignal) => getJson<{ judges: JudgeSummary[] }>('/api/judges', { run }, signal),
  trajectories: (params: Params, signal?: AbortSignal) => getJson<TrajectoryListResponse>('/api/trajectories', params, signal),
  scores: (id: string, lambda: number, mu: number, signal?: AbortSignal, judge: string | null = null) =>
    getJson<ScoresResponse>(`${trajectoryPath(id)}/scores`, { lambda, mu, judge }, signal),
  cost: (id: string, signal?: AbortSignal) => getJson<CostResponse>(`${trajectoryPath(id)}/cost`, undefined, signal),
  query: (id: string, signal?: AbortSignal, view: Params = {}) => getJson<QueryDetail>(queryPath(id), view, signal),
  pairs: (id: string, params: Params = {}, signal?: AbortSignal) => getJson<PairsResponse>(`${queryPath(id)}/pairs`, params, signal),
};

/** Where the pages live; ids are encoded as one segment. */
export const pageHref = {
  trajectory: (id: string, view: Params = {}) => withParams(`/trajectories/${encodeURIComponent(id)}`, view),
  query: (id: string) => `/queries/${encodeURIComponent(id)}`,
  compare: (a: string, b: string, view: Params = {}) => withParams('/compare', { a, b, ...view }),
  trajectories: (params: Params = {}) => withParams('/trajectories', params),
};

/** A page param as Next hands it over: percent-encoded or not depending on the path; decode once, safely. */
export function decodeParam(raw: string): string {
  try {
    return decodeURIComponent(raw);
  } catch {
    return raw;
  }
}
