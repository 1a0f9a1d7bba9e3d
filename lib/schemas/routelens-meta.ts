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

const int = (min: number) =>
  z
    .number({ error: `must be an integer >= ${min}` })
    .int(`must be an integer >= ${min}`)
    .min(min, `must be an integer >= ${min}`);

export const restoredLabelSchema = z.object({
  version: int(1),
  score: z.number({ error: 'must be a finite number' }),
  author: storableString({ error: 'must be a string' }).min(1, 'must not be empty').max(200, 'must be at most 200 characters'),
  created_at: z.iso.datetime({ offset: true, error: 'must be an ISO 8601 date-time' }),
  rationale: storableString({ error: 'must be a string' }).max(1_048_576, 'must be at most 1048576 characters').nullable().optional(),
  revert_of_version: int(1).nullable().optional(),
  revert_to_judge: storableString({ error: 'must be a string' }).min(1, 'must not be empty').max(200, 'must be at most 200 characters').nullable().optional(),
  /** Made before a replace changed the steps under the item. */
  on_earlier_content: z.boolean({ error: 'must be true or false' }).optional(),
});

const steps = z.array(int(0), { error: 'must be an array of step indexes' });
const labels = z.array(restoredLabelSchema, { error: 'must be an array of labels' }).max(100_000, 'must hold at most 100000 labels');

export const restoredJudgmentSchema = z.object({
  /** Index of the judgment in the line's `judgments`, or null for a judgment that a person added. */
  index: int(0).nullable(),
  criterion: storableString({ error: 'must be a string id' }).min(1, 'must not be empty').max(200, 'must be at most 200 characters'),
  steps,
  /** Exports before labels moved to items carried each judgment's labels here; read as its item's. */
  labels: labels.optional(),
});

/** A labelled item with its full history (exports since labels moved to items). */
export const restoredItemSchema = z.object({
  criterion: storableString({ error: 'must be a string id' }).min(1, 'must not be empty').max(200, 'must be at most 200 characters'),
  steps,
  /** The item's version: its newest label's, or more when a replace changed the steps under it since. */
  version: int(0).optional(),
  labels,
});

/** Only what ingest reads; the derived figures beside it are free to change between versions. */
export const routelensMetaSchema = z.object({
  judgments: z.array(restoredJudgmentSchema, { error: 'must be an array' }).max(100_000, 'must hold at most 100000 judgments').optional(),
  items: z.array(restoredItemSchema, { error: 'must be an array' }).max(100_000, 'must hold at most 100000 items').optional(),
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

const setOf = (a: readonly number[]) => [...new Set(a)].sort((p, q) => p - q);
const sameSteps = (a: readonly number[], b: readonly number[]) => setOf(a).join(',') === setOf(b).join(',');

/**
 * Label versions increase in order (the item's version moves with each label, and with a replace that
 * changes the steps under it, so a history may skip a version); a revert names an earlier label.
 */
function checkLabels(list: readonly RestoredLabel[], scale: Scale | undefined, at: (string | number)[], issue: Issue, itemVersion?: number): void {
  const seen = new Set<number>();
  list.forEach((l, k) => {
    const previous = k === 0 ? 0 : list[k - 1]!.version;
    if (l.version <= previous) issue([...at, 'labels', k, 'version'], `must be more than ${previous}: label versions increase in order`);
    if (scale && !isOnScale(l.score, scale)) issue([...at, 'labels', k, 'score'], `${l.score} is not on the criterion's ${scale.kind} scale`);
    if (l.revert_of_version != null && !seen.has(l.revert_of_version)) {
      issue([...at, 'labels', k, 'revert_of_version'], 'must name an earlier version of the same item');
    }
    seen.add(l.version);
  });
  const last = list.at(-1)?.version ?? 0;
  if (itemVersion !== undefined && itemVersion < last) issue([...at, 'version'], `must be at least ${last}, the newest label's version`);
}

/** A criterion of the rubric and steps of the trajectory (a set: repeats and order do not matter). */
function checkItem(
  criterion: string,
  itemSteps: readonly number[],
  line: LineShape,
  scales: Map<string, Scale>,
  at: (string | number)[],
  issue: Issue,
): boolean {
  if (!scales.has(criterion)) {
    issue([...at, 'criterion'], `"${criterion}" is not one of the rubric's criteria`);
    return false;
  }
  const bad = itemSteps.findIndex((k) => k >= line.steps.length);
  if (bad >= 0) {
    issue([...at, 'steps', bad], `step ${itemSteps[bad]} does not exist (the trajectory has ${line.steps.length} steps)`);
    return false;
  }
  return true;
}

/**
 * The cross-references of `meta.routelens` against the rest of the line: each restored judgment names
 * a judgment of the line (same criterion and step set) or, for a person's own judgment, a criterion of
 * the rubric and steps of the trajectory; so does each restored item; label versions run 1..n; scores
 * lie on the criterion's scale.
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
    } else if (!checkItem(j.criterion, j.steps, line, scales, at, issue)) {
      return;
    }
    checkLabels(j.labels ?? [], scales.get(j.criterion), at, issue);
  });
  const items = new Set<string>();
  parsed.data.items?.forEach((it, i) => {
    const at = [...base, 'items', i];
    if (!checkItem(it.criterion, it.steps, line, scales, at, issue)) return;
    const key = `${it.criterion}\u0000${setOf(it.steps).join(',')}`;
    if (items.has(key)) return issue([...at, 'steps'], `item (criterion "${it.criterion}", steps [${setOf(it.steps).join(', ')}]) is listed twice`);
    items.add(key);
    checkLabels(it.labels, scales.get(it.criterion), at, issue, it.version);
  });
}

/** One item that meta.routelens restores, with its labels in version order (1..n). */
export interface RestoredItem {
  criterion: string;
  /** The step set. */
  steps: number[];
  /** The steps as the entry gave them (a person's own judgment is stored with them). */
  given: number[];
  /** The item's version (at least its newest label's). */
  version: number;
  labels: RestoredLabel[];
}

/**
 * The items of a valid line's meta.routelens with their labels: the `items` of current exports, and
 * the per-judgment labels and people's judgments of older ones. Where one item gets labels from more
 * than one entry (an older export of two judges' judgments of one item, each labelled), they are
 * merged in the order they were written and numbered 1..n again, as the labels_on_items migration does.
 */
export function restoredItems(line: { meta?: Record<string, unknown> }): RestoredItem[] {
  const section = line.meta?.[ROUTELENS_META_KEY];
  if (section === undefined) return [];
  // The trace schema has checked it (checkRoutelensMeta); a failure here is a bug, not bad input.
  const meta = routelensMetaSchema.parse(section);
  const byKey = new Map<string, { item: Omit<RestoredItem, 'labels'>; sources: RestoredLabel[][] }>();
  const add = (criterion: string, given: number[], list: RestoredLabel[] | undefined, person: boolean, version = 0) => {
    if (!person && !list?.length) return;
    const key = `${criterion}\u0000${setOf(given).join(',')}`;
    let entry = byKey.get(key);
    if (!entry) byKey.set(key, (entry = { item: { criterion, steps: setOf(given), given, version: 0 }, sources: [] }));
    entry.item.version = Math.max(entry.item.version, version);
    if (list?.length) entry.sources.push(list);
  };
  for (const j of meta.judgments ?? []) add(j.criterion, j.steps, j.labels, j.index === null);
  for (const it of meta.items ?? []) add(it.criterion, it.steps, it.labels, false, it.version);
  return [...byKey.values()].map(({ item, sources }) => {
    const labels = sources.length <= 1 ? (sources[0] ?? []) : mergeHistories(sources);
    return { ...item, version: Math.max(item.version, labels.at(-1)?.version ?? 0), labels };
  });
}

function mergeHistories(sources: RestoredLabel[][]): RestoredLabel[] {
  const all = sources.flatMap((list, s) => list.map((l, k) => ({ l, s, k, at: Date.parse(l.created_at) })));
  all.sort((a, b) => a.at - b.at || a.s - b.s || a.k - b.k);
  const renumbered = new Map(all.map((x, n) => [`${x.s}:${x.l.version}`, n + 1]));
  return all.map((x, n) => ({
    ...x.l,
    version: n + 1,
    revert_of_version: x.l.revert_of_version == null ? x.l.revert_of_version : (renumbered.get(`${x.s}:${x.l.revert_of_version}`) ?? null),
  }));
}
