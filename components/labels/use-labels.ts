'use client';
// react-query over the label routes. A written label invalidates every view that shows its figures:
// the judgment's history, the trajectory (replay, scores), the lists, the queues and agreement.
import { useMutation, useQuery, useQueryClient, type QueryClient } from '@tanstack/react-query';
import { getJson } from '@/lib/client/api';
import { sendJson, WriteError } from '@/lib/client/auth';
import type { LabelHistory, LabelWritten, StaleVersion } from '@/lib/client/label-types';

export const labelKeys = {
  history: (judgmentId: number) => ['judgment', judgmentId, 'labels'] as const,
};

export function useLabelHistory(judgmentId: number, enabled = true) {
  return useQuery({
    queryKey: labelKeys.history(judgmentId),
    queryFn: ({ signal }) => getJson<LabelHistory>(`/api/judgments/${judgmentId}/labels`, undefined, signal),
    enabled,
    staleTime: 0,
  });
}

export function invalidateAfterLabel(queryClient: QueryClient, judgmentId: number, trajectoryId: string | undefined): void {
  void queryClient.invalidateQueries({ queryKey: labelKeys.history(judgmentId) });
  // Every judgment of the item shares its history.
  void queryClient.invalidateQueries({ queryKey: ['judgment'] });
  if (trajectoryId) void queryClient.invalidateQueries({ queryKey: ['trajectory', trajectoryId] });
  void queryClient.invalidateQueries({ queryKey: ['trajectories'] });
  void queryClient.invalidateQueries({ queryKey: ['runs'] });
  void queryClient.invalidateQueries({ queryKey: ['agreement'] });
  void queryClient.invalidateQueries({ queryKey: ['queues'] });
}

export type LabelWrite =
  | { kind: 'label'; score: number; rationale: string | null; expectedVersion: number }
  | { kind: 'revert'; labelId: number; rationale: string | null; expectedVersion: number }
  /** Appends a label equal to the score of the judge of `judgmentId` (a judgment of the same item). */
  | { kind: 'revert-judge'; judgmentId: number; rationale: string | null; expectedVersion: number };

export function useWriteLabel(judgmentId: number, trajectoryId?: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (w: LabelWrite) =>
      w.kind === 'label'
        ? sendJson<LabelWritten>('POST', `/api/judgments/${judgmentId}/labels`, { score: w.score, rationale: w.rationale, expected_version: w.expectedVersion })
        : w.kind === 'revert'
          ? sendJson<LabelWritten>('POST', `/api/judgments/${judgmentId}/revert`, {
              label_id: w.labelId,
              rationale: w.rationale,
              expected_version: w.expectedVersion,
            })
          : sendJson<LabelWritten>('POST', `/api/judgments/${w.judgmentId}/revert`, {
              to: 'judge',
              rationale: w.rationale,
              expected_version: w.expectedVersion,
            }),
    onSettled: () => invalidateAfterLabel(queryClient, judgmentId, trajectoryId),
  });
}

/** The 409 of a stale version, or null for any other failure. */
export function staleVersionOf(error: unknown): StaleVersion | null {
  if (!(error instanceof WriteError) || error.status !== 409) return null;
  const d = error.details as Partial<StaleVersion> | undefined;
  return typeof d?.current_version === 'number' ? { current_version: d.current_version, newest_label: d.newest_label ?? null } : null;
}

export function formatTime(iso: string): string {
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? iso : d.toLocaleString('en-GB', { dateStyle: 'medium', timeStyle: 'short' });
}

/** What the person is told when someone else labelled first. */
export function conflictText(stale: StaleVersion): string {
  const l = stale.newest_label;
  const what = l ? `${l.author_name} set ${l.score} at ${formatTime(l.created_at)}` : `the judgment is now at version ${stale.current_version}`;
  return `Changed meanwhile: ${what} — your label was not saved; review and resubmit.`;
}
