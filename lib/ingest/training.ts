// The rule of trace-format.md on training groups: (run id, group) names a group, and all its rollouts
// share one query and one step; a line whose group is stored with another query or step is an error
// for that line. Decided against the stored groups and the lines of the batch before it.
import type { NormalizedLine } from './normalize';

export interface KnownGroup {
  queryId: string;
  step: number;
  rollouts: number;
}

export const groupKey = (runId: string, group: string) => `${runId}\u0000${group}`;

/** Run and group of the lines' rollouts, for loading the stored groups. */
export function groupsOf(lines: readonly { norm: NormalizedLine }[]): { runs: string[]; names: string[] } {
  const seen = new Set<string>();
  const runs: string[] = [];
  const names: string[] = [];
  for (const { norm } of lines) {
    const t = norm.trajectory;
    if (t.trainingGroup === null) continue;
    const k = groupKey(t.runId, t.trainingGroup);
    if (seen.has(k)) continue;
    seen.add(k);
    runs.push(t.runId);
    names.push(t.trainingGroup);
  }
  return { runs, names };
}

/**
 * Why the line's group contradicts what is known, or null. `replacing` is the group that the stored
 * trajectory of the same id is in now (a replacement may move its own group when it is its only rollout).
 */
export function groupConflict(
  norm: NormalizedLine,
  known: ReadonlyMap<string, KnownGroup>,
  replacing: string | null,
): { path: string; message: string } | null {
  const t = norm.trajectory;
  if (t.trainingGroup === null || t.trainingStep === null) return null;
  const key = groupKey(t.runId, t.trainingGroup);
  const g = known.get(key);
  if (!g || (g.queryId === t.queryId && g.step === t.trainingStep)) return null;
  if (replacing === key && g.rollouts === 1) return null;
  const differs = g.queryId !== t.queryId ? `query "${g.queryId}"` : `training step ${g.step}`;
  return {
    path: norm.trainingGroupGiven ? '/training/group' : '/training',
    message:
      `group "${t.trainingGroup}" of run "${t.runId}" is stored with query "${g.queryId}" at training step ${g.step}; ` +
      `this line has query "${t.queryId}" at step ${t.trainingStep}: a group's rollouts share one query and one step (${differs} stands)`,
  };
}

/** Records the line's group as known once the line is accepted. */
export function noteGroup(norm: NormalizedLine, known: Map<string, KnownGroup>, replacing: string | null): void {
  const t = norm.trajectory;
  if (t.trainingGroup === null || t.trainingStep === null) return;
  const key = groupKey(t.runId, t.trainingGroup);
  const g = known.get(key);
  const own = replacing === key ? 1 : 0;
  const left = replacing !== null && replacing !== key ? known.get(replacing) : undefined;
  if (left) known.set(replacing!, { ...left, rollouts: left.rollouts - 1 });
  known.set(key, { queryId: t.queryId, step: t.trainingStep, rollouts: (g?.rollouts ?? 0) - own + 1 });
}
