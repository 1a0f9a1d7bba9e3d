// What changed between two rubrics (e.g. two versions of the Rubricor's rubric for one query):
// criteria are matched by id; a criterion is added, removed, or kept — and a kept one may be reworded
// (its text differs beyond whitespace), reweighted (its weight or its share of the rubric's weight
// differs) and rescaled (another scale kind or other bounds), in any combination.
import type { Scale } from './types';

export interface DiffCriterion {
  id: string;
  text: string;
  weight: number;
  scale: Scale;
}

export interface CriterionSide {
  text: string;
  weight: number;
  /** The criterion's weight over the rubric's total weight (the rubric score is a weighted mean). */
  share: number;
  scale: Scale;
}

export type CriterionChange =
  | { id: string; kind: 'added'; after: CriterionSide }
  | { id: string; kind: 'removed'; before: CriterionSide }
  | { id: string; kind: 'kept'; before: CriterionSide; after: CriterionSide; reworded: boolean; reweighted: boolean; rescaled: boolean };

export interface RubricDiff {
  /** Kept and added criteria in the order of the second rubric, then removed ones in the first's order. */
  criteria: CriterionChange[];
  added: number;
  removed: number;
  reworded: number;
  reweighted: number;
  rescaled: number;
  /** Kept criteria with no change at all. */
  unchanged: number;
  /** Nothing differs. */
  identical: boolean;
}

/** Text compared as words: runs of whitespace (and leading or trailing space) do not count. */
export const normalizedText = (text: string): string => text.trim().replace(/\s+/g, ' ');

export function sameScale(a: Scale, b: Scale): boolean {
  if (a.kind !== b.kind) return false;
  if (a.kind === 'numeric' && b.kind === 'numeric') return a.min === b.min && a.max === b.max;
  return true;
}

/** Shares equal to 12 significant digits count as equal (0.1 + 0.2 is 0.3). */
const sameShare = (a: number, b: number): boolean => Math.abs(a - b) <= 1e-12 * Math.max(1, Math.abs(a), Math.abs(b));

function sides(criteria: readonly DiffCriterion[]): Map<string, CriterionSide> {
  const total = criteria.reduce((n, c) => n + c.weight, 0);
  return new Map(criteria.map((c) => [c.id, { text: c.text, weight: c.weight, share: total > 0 ? c.weight / total : 0, scale: c.scale }]));
}

export function diffRubrics(before: readonly DiffCriterion[], after: readonly DiffCriterion[]): RubricDiff {
  const a = sides(before);
  const b = sides(after);
  const criteria: CriterionChange[] = [];
  for (const c of after) {
    const next = b.get(c.id)!;
    const prev = a.get(c.id);
    if (!prev) {
      criteria.push({ id: c.id, kind: 'added', after: next });
      continue;
    }
    criteria.push({
      id: c.id,
      kind: 'kept',
      before: prev,
      after: next,
      reworded: normalizedText(prev.text) !== normalizedText(next.text),
      reweighted: prev.weight !== next.weight || !sameShare(prev.share, next.share),
      rescaled: !sameScale(prev.scale, next.scale),
    });
  }
  for (const c of before) if (!b.has(c.id)) criteria.push({ id: c.id, kind: 'removed', before: a.get(c.id)! });
  const kept = criteria.filter((c) => c.kind === 'kept');
  const count = (f: (c: Extract<CriterionChange, { kind: 'kept' }>) => boolean) => kept.filter(f).length;
  const added = criteria.filter((c) => c.kind === 'added').length;
  const removed = criteria.filter((c) => c.kind === 'removed').length;
  const unchanged = count((c) => !c.reworded && !c.reweighted && !c.rescaled);
  return {
    criteria,
    added,
    removed,
    reworded: count((c) => c.reworded),
    reweighted: count((c) => c.reweighted),
    rescaled: count((c) => c.rescaled),
    unchanged,
    identical: added === 0 && removed === 0 && unchanged === kept.length,
  };
}
