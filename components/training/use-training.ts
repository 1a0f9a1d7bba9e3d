'use client';
// The training routes (api.md "Training") as react-query hooks. Every key starts with
// ['training', run], so one invalidation (a stored batch) refreshes the curve, the open step's groups
// and the open group together.
import { keepPreviousData, useInfiniteQuery, useQuery } from '@tanstack/react-query';
import { getJson, retryUnlessClientError as retry, type Params } from '@/lib/client/api';
import type { TrainingCurve } from '@/lib/client/training-curve';
import { trainingApiPath } from '@/lib/client/training-url';
import type { GroupDetail, GroupListItem } from '@/lib/server/queries/training';

export type { GroupDetail, GroupListItem, GroupRollout } from '@/lib/server/queries/training';

export interface GroupPage {
  items: GroupListItem[];
  next_cursor: string | null;
  total: number;
}

export const GROUPS_PAGE = 50;

export const trainingKeys = {
  run: (run: string) => ['training', run] as const,
  curve: (run: string, view: Params) => ['training', run, 'curve', view] as const,
  groups: (run: string, params: Params) => ['training', run, 'groups', params] as const,
  group: (run: string, group: string, view: Params) => ['training', run, 'group', group, view] as const,
};

export function useTrainingCurve(run: string, view: Params) {
  return useQuery({
    queryKey: trainingKeys.curve(run, view),
    queryFn: ({ signal }) => getJson<TrainingCurve>(`${trainingApiPath(run)}/training`, view, signal),
    placeholderData: keepPreviousData,
    retry,
  });
}

/** `params`: the view and the page's groups parameters (step, filter, sort); pages follow next_cursor. */
export function useGroupPages(run: string, params: Params, enabled: boolean) {
  return useInfiniteQuery({
    queryKey: trainingKeys.groups(run, params),
    queryFn: ({ signal, pageParam }) => getJson<GroupPage>(`${trainingApiPath(run)}/groups`, { ...params, cursor: pageParam, limit: GROUPS_PAGE }, signal),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => last.next_cursor ?? undefined,
    placeholderData: keepPreviousData,
    enabled,
    retry,
  });
}

export function useGroup(run: string, group: string | null, view: Params) {
  return useQuery({
    queryKey: trainingKeys.group(run, group ?? '', view),
    // Group names hold "@" and may hold "/": one path segment, encoded.
    queryFn: ({ signal }) => getJson<GroupDetail>(`${trainingApiPath(run)}/groups/${encodeURIComponent(group ?? '')}`, view, signal),
    enabled: group !== null,
    // Another λ, μ of the same group keeps its rows on screen while it loads; another group does not.
    placeholderData: (previous) => (previous?.group === group ? previous : undefined),
    retry,
  });
}
