// The small fixture stored, and the figures lib/domain gives for one of its lines when some of its
// judgments carry a human label: what the stored columns must equal after labels are written.
import fs from 'node:fs';
import path from 'node:path';
import { trajectoryFigures, type Scale } from '@/lib/domain';
import { getPool } from '@/lib/db/pool';
import { ingestText } from './trace';

interface FixtureLine {
  id: string;
  correct: boolean;
  models: { id: string; usd_per_mtok_in: number; usd_per_mtok_out: number }[];
  steps: { model: string; tokens_in: number; tokens_out: number; cost_usd?: number | null }[];
  rubric?: { criteria: { id: string; weight: number; scale: Scale }[] };
  judgments?: { criterion: string; steps?: number[]; score: number }[];
}

export const SMALL_FIXTURE = path.resolve(import.meta.dirname, '..', 'fixtures', 'small.jsonl');

export async function storeSmallFixture(): Promise<FixtureLine[]> {
  const text = fs.readFileSync(SMALL_FIXTURE, 'utf8');
  const summary = await ingestText(text);
  if (summary.failed > 0) throw new Error(`fixture did not ingest: ${JSON.stringify(summary.errors)}`);
  return text
    .split('\n')
    .filter((l) => l.trim())
    .map((l) => JSON.parse(l) as FixtureLine);
}

/** Figures of the line with `human` (judgment position -> newest label score) folded in. */
export function figuresWithLabels(line: FixtureLine, human: ReadonlyMap<number, number>, extra: { criterion: string; steps: number[]; score: number }[] = []) {
  return trajectoryFigures({
    models: line.models.map((m) => ({ id: m.id, usdPerMtokIn: m.usd_per_mtok_in, usdPerMtokOut: m.usd_per_mtok_out })),
    steps: line.steps.map((s) => ({ model: s.model, tokensIn: s.tokens_in, tokensOut: s.tokens_out, costUsd: s.cost_usd ?? null })),
    correct: line.correct,
    criteria: line.rubric?.criteria.map((c) => ({ id: c.id, weight: c.weight, scale: c.scale })) ?? [],
    judgments: [
      ...(line.judgments ?? []).map((j, position) => ({
        criterion: j.criterion,
        steps: j.steps ?? [],
        judgeScore: j.score,
        humanScore: human.get(position) ?? null,
      })),
      ...extra.map((e) => ({ criterion: e.criterion, steps: e.steps, judgeScore: null, humanScore: e.score })),
    ],
  });
}

export interface StoredJudgment {
  id: number;
  position: number;
  item_id: number;
  criterion_id: string;
  kind: Scale['kind'];
  scale_min: number | null;
  scale_max: number | null;
  judge_score: number | null;
  /** The item's version (labels belong to items). */
  version: number;
}

export async function judgmentsOf(trajectoryId: string): Promise<StoredJudgment[]> {
  const r = await getPool().query<StoredJudgment>(
    `SELECT j.id, j.position, j.item_id, j.criterion_id, c.kind, c.scale_min, c.scale_max, j.judge_score, i.version
       FROM judgments j JOIN items i ON i.id = j.item_id JOIN trajectories t ON t.pk = j.trajectory_pk
       JOIN criteria c ON c.rubric_id = t.rubric_id AND c.id = j.criterion_id
      WHERE t.id = $1 ORDER BY j.position`,
    [trajectoryId],
  );
  return r.rows;
}

export async function storedFigures(trajectoryId: string) {
  const r = await getPool().query<{ process_score: number | null; reward: number; labelled: boolean; run_id: string }>(
    'SELECT process_score, reward, labelled, run_id FROM trajectories WHERE id = $1',
    [trajectoryId],
  );
  return r.rows[0]!;
}

/** A score on the scale other than `score` (so that a label changes something). */
export function otherScore(j: Pick<StoredJudgment, 'kind' | 'scale_min' | 'scale_max'>, score: number | null): number {
  if (j.kind === 'binary') return score === 1 ? 0 : 1;
  if (j.kind === 'ternary') return score === 1 ? -1 : 1;
  return score === j.scale_max ? j.scale_min! : j.scale_max!;
}
