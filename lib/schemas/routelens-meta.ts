// `meta.routelens`: the part of a trace line that routelens itself writes on export (docs/exports.md).
// Trace v1 refuses unknown top-level keys, so derived figures and human labels travel inside `meta`,
// under a key that belongs to routelens. On ingest the derived figures are ignored (they are computed
// again) and the human judgments and labels are restored, so that labels survive an export and a
// re-import; this schema says what ingest accepts there.
import { z } from 'zod';
import { storableString } from './text';
import { isOnScale } from '@/lib/domain/rubric';
import type { Scale } from '@/lib/domain/types';

export const ROUTELENS_META_KEY = 'routelens';

const int = (min: number) => z.number({ error: `must be an integer >= ${min}` }).int(`must be an integer >= ${min}`).min(min, `must be an integer >= ${min}`);

export const restoredLabelSchema = z.object({
  version: int(1),
  score: z.number({ error: 'must be a finite number' }),
  author: storableString({ error: 'must be a string' }).min(1, 'must not be empty').max(200, 'must be at most 200 characters'),
  created_at: z.iso.datetime({ offset: true, error: 'must be an ISO 8601 date-time' }),
  rationale: storableString({ error: 'must be a string' }).max(1_048_576, 'must be at most 1048576 characters').nullable().optional(),
  revert_of_version: int(1).nullable().optional(),
});

export const restoredJudgmentSchema = z.object({
  /** Index of the judgment in the line's `judgments`, or null for a judgment that a person added. */
  index: int(0).nullable(),
  criterion: storableString({ error: 'must be a string id' }).min(1, 'must not be empty').max(200, 'must be at most 200 characters'),
  steps: z.array(int(0), { error: 'must be an array of step indexes' }),
  labels: z.array(restoredLabelSchema, { error: 'must be an array of labels' }).max(100_000, 'must hold at most 100000 labels'),
});

/** Only what ingest reads; the derived figures beside it are free to change between versions. */
export const routelensMetaSchema = z.object({
  judgments: z.array(restoredJudgmentSchema, { error: 'must be an array' }).max(100_000, 'must hold at most 100000 judgments').optional(),
});

export type RestoredLabel = z.infer<typeof restoredLabelSchema>;
export type RestoredJudgment = z.infer<typeof restoredJudgmentSchema>;
export type RoutelensMeta = z.infer<typeof routelensMetaSchema>;

interface LineShape {
  steps: readonly unknown[];
  rubric?: { criteria: readonly { id: string; scale: Scale }[] };
  judgments?: readonly { criterion: string; steps?: readonly number[] }[];
  meta?: Record<string, unknown>;
}

type Issue = (path: (string | number)[], message: string) => void;

const sameSteps = (a: readonly number[], b: readonly number[]) => {
  const x = [...a].sort((p, q) => p - q);
  const y = [...b].sort((p, q) => p - q);
  return x.length === y.length && x.every((v, i) => v === y[i]);
};

function checkLabels(labels: readonly RestoredLabel[], scale: Scale | undefined, at: (string | number)[], issue: Issue): void {
  labels.forEach((l, k) => {
    if (l.version !== k + 1) issue([...at, 'labels', k, 'version'], `must be ${k + 1}: label versions run 1, 2, 3, ... in order`);
    if (scale && !isOnScale(l.score, scale)) issue([...at, 'labels', k, 'score'], `${l.score} is not on the criterion's ${scale.kind} scale`);
    if (l.revert_of_version != null && l.revert_of_version >= l.version) {
      issue([...at, 'labels', k, 'revert_of_version'], 'must name an earlier version of the same judgment');
    }
  });
}

/**
 * The cross-references of `meta.routelens` against the rest of the line: each restored judgment names
 * a judgment of the line (same criterion and steps) or, for a person's own judgment, a criterion of
 * the rubric and steps of the trajectory; label versions run 1..n; scores lie on the criterion's scale.
 */
export function checkRoutelensMeta(line: LineShape, issue: Issue): void {
  const meta = line.meta;
  if (!meta || !Object.prototype.hasOwnProperty.call(meta, ROUTELENS_META_KEY)) return;
  const base = ['meta', ROUTELENS_META_KEY];
  const parsed = routelensMetaSchema.safeParse(meta[ROUTELENS_META_KEY]);
  if (!parsed.success) {
    const first = parsed.error.issues[0];
    issue([...base, ...((first?.path ?? []) as (string | number)[])], `${first?.message ?? 'invalid'} (meta.routelens is written by routelens exports)`);
    return;
  }
  const scales = new Map((line.rubric?.criteria ?? []).map((c) => [c.id, c.scale]));
  const judged = line.judgments ?? [];
  const seen = new Set<number>();
  parsed.data.judgments?.forEach((j, i) => {
    const at = [...base, 'judgments', i];
    if (j.index !== null) {
      const target = judged[j.index];
      if (!target) return issue([...at, 'index'], `the line has no judgment ${j.index}`);
      if (seen.has(j.index)) return issue([...at, 'index'], `judgment ${j.index} is named twice`);
      seen.add(j.index);
      if (target.criterion !== j.criterion || !sameSteps(target.steps ?? [], j.steps)) {
        return issue([...at, 'criterion'], `does not match judgment ${j.index} (criterion "${target.criterion}", steps [${(target.steps ?? []).join(', ')}])`);
      }
    } else {
      if (!scales.has(j.criterion)) return issue([...at, 'criterion'], `"${j.criterion}" is not one of the rubric's criteria`);
      const bad = j.steps.findIndex((k, n) => k >= line.steps.length || j.steps.indexOf(k) !== n);
      if (bad >= 0) return issue([...at, 'steps', bad], `step ${j.steps[bad]} does not exist or is named twice`);
    }
    checkLabels(j.labels, scales.get(j.criterion), at, issue);
  });
}
