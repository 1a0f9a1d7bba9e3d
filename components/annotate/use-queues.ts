'use client';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { getJson } from '@/lib/client/api';
import { sendJson } from '@/lib/client/auth';
import type { AnnotatorProgress, QueueCreated, QueueItem, QueueSummary } from '@/lib/client/label-types';

export const queueKeys = {
  list: ['queues'] as const,
  detail: (id: number) => ['queues', id] as const,
};

export function useQueues() {
  return useQuery({
    queryKey: queueKeys.list,
    queryFn: ({ signal }) => getJson<{ queues: QueueSummary[] }>('/api/queues', undefined, signal).then((r) => r.queues),
  });
}

export function useQueue(id: number) {
  return useQuery({
    queryKey: queueKeys.detail(id),
    queryFn: ({ signal }) => getJson<{ queue: QueueSummary; annotators: AnnotatorProgress[] }>(`/api/queues/${id}`, undefined, signal),
  });
}

export interface NewQueue {
  name: string;
  filters: Record<string, string>;
  criterion: string | null;
  rule: QueueSummary['rule'];
  overlap: number;
  guidelines: string | null;
}

export function useCreateQueue() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (q: NewQueue) => sendJson<QueueCreated>('POST', '/api/queues', q),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: queueKeys.list }),
  });
}

export const leaseNext = (queueId: number, skip: number[]) =>
  sendJson<{ item: QueueItem | null; queue: QueueSummary }>('POST', `/api/queues/${queueId}/next`, { skip });

export const fetchItem = (queueId: number, itemId: number) => getJson<QueueItem>(`/api/queues/${queueId}/items/${itemId}`);

export const releaseItem = (queueId: number, itemId: number) => sendJson<{ released: boolean }>('POST', `/api/queues/${queueId}/items/${itemId}/release`);
