// GET /api/routing for one side of the Routing page.
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { getJson, retryUnlessClientError as retry, type Params } from '@/lib/client/api';
import type { RoutingAnswer } from '@/lib/server/queries/routing';

export type { RoutingAnswer };

export function useRouting(params: Params, enabled = true) {
  return useQuery({
    queryKey: ['routing', params],
    queryFn: ({ signal }) => getJson<RoutingAnswer>('/api/routing', params, signal),
    placeholderData: keepPreviousData,
    enabled,
    retry,
  });
}
