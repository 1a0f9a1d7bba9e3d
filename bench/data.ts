// Data the benchmarks load, as a team's database would hold it: generated trace lines, with human
// labels on a share of the judgments (restored by ingest from meta.routelens, as an exported and
// re-imported file brings them), so that the label lookups of reads and exports run.
import { Rng } from '@/lib/generate/rng';
import type { JsonObject, RubricScale, TraceLine } from '@/lib/generate/trace-line';
import { ROUTELENS_META_KEY } from '@/lib/schemas/routelens-meta';

/** A score on the scale other than the judge's (a person disagreeing), or the judge's when none is. */
function otherScore(scale: RubricScale, judge: number, rng: Rng): number {
  const choices = scale.kind === 'binary' ? [0, 1] : scale.kind === 'ternary' ? [-1, 0, 1] : [scale.min, (scale.min + scale.max) / 2, scale.max];
  const others = choices.filter((c) => c !== judge);
  return others.length > 0 ? rng.pick(others) : judge;
}

export interface LabelledLines {
  lines: Generator<TraceLine>;
  /** Filled as the lines are drawn. */
  counts: { judgments: number; labelled: number; labels: number };
}

/**
 * Gives `share` of the judgments (seeded, 0..1) a human label — a quarter of those a second one by
 * another person — through meta.routelens, the way ingest restores labels.
 */
export function withHumanLabels(source: Iterable<TraceLine>, share: number, seed = 5): LabelledLines {
  const rng = new Rng(seed);
  const counts = { judgments: 0, labelled: 0, labels: 0 };
  const at = Date.UTC(2026, 10, 2, 9, 30);
  function* lines(): Generator<TraceLine> {
    for (const line of source) {
      const scales = new Map((line.rubric?.criteria ?? []).map((c) => [c.id, c.scale]));
      const restored: JsonObject[] = [];
      (line.judgments ?? []).forEach((j, index) => {
        counts.judgments++;
        const scale = scales.get(j.criterion);
        if (!scale || !rng.chance(share)) return;
        const first = otherScore(scale, j.score, rng);
        const labels: JsonObject[] = [
          { version: 1, score: first, author: 'bench-ann', created_at: new Date(at + counts.labelled * 1000).toISOString(), rationale: 'The judge missed the step.' },
        ];
        if (rng.chance(0.25)) labels.push({ version: 2, score: j.score, author: 'bench-cy', created_at: new Date(at + counts.labelled * 1000 + 500).toISOString(), rationale: null });
        counts.labelled++;
        counts.labels += labels.length;
        restored.push({ index, criterion: j.criterion, steps: j.steps ?? [], labels });
      });
      if (restored.length > 0) line.meta = { ...(line.meta ?? {}), [ROUTELENS_META_KEY]: { judgments: restored } };
      yield line;
    }
  }
  return { lines: lines(), counts };
}
