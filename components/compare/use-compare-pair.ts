'use client';
// GET /api/compare: the server's answer to "which of A and B do the preference rules choose, and why".
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { getJson, retryUnlessClientError, type Params } from '@/lib/client/api';
import type { CompareAnswer } from '@/lib/server/compare';
import type { Json } from '@/lib/server/json';

export type CompareResponse = Json<CompareAnswer>;

/** `params`: the view settings and pair thresholds of the request (only those that differ from the defaults). */
export function useComparePair(a: string, b: string, params: Params, enabled = true) {
  return useQuery({
    queryKey: ['compare', a, b, params] as const,
    queryFn: ({ signal }) => getJson<CompareResponse>('/api/compare', { a, b, ...params }, signal),
    enabled: enabled && a !== '' && b !== '',
    placeholderData: keepPreviousData,
    retry: retryUnlessClientError,
  });
}
