// Every rollup table equals a recomputation from the remaining rows after each kind of change that
// moves rollups by deltas: ingest (+1), replace (-1/+1), relabel (-1/+1) and deletion (-1).
import { describe, expect, it } from 'vitest';
import { DEMO_RUNS, generateTraces, serializeLine, type TraceLine } from '@/lib/generate';
import { createUser } from '@/lib/server/users';
import { addLabel } from '@/lib/server/labels';
import type { Actor } from '@/lib/server/auth';
import { useTestDatabase } from './helpers/db';
import { ingestText } from './helpers/trace';
import { expectRollupsExact } from './helpers/rollups';
import { deleteRun, deleteTrajectories } from '@/lib/server/deletion';
import os from 'node:os';
import path from 'node:path';

const db = useTestDatabase('rollups');

const runs = DEMO_RUNS.map((r) => ({ ...r, id: `rx-${r.id}` }));
// The rubric-reward run's trajectories are rollouts of training steps 0-2 (the training rollups).
const lines: TraceLine[] = [...generateTraces({ seed: 11, queries: 12, runs, trajectoriesPerQueryPerRun: 2, steps: { min: 2, max: 9 } })].map((l, i) =>
  l.run.id === 'rx-roro-s800' ? { ...l, training: { step: i % 3 } } : l,
);
const text = (ls: TraceLine[]) => ls.map(serializeLine).join('\n') + '\n';

async function annotator(): Promise<Actor> {
  const u = await createUser({ username: 'rollup-annotator', role: 'annotator', password: 'correct horse battery' });
  return { userId: u.id, username: 'rollup-annotator', name: 'rollup-annotator', role: 'annotator', via: 'session' };
}

describe('rollups stay equal to a recomputation', () => {
  it('after ingest', async () => {
    const s = await ingestText(text(lines), { batchLines: 17 });
    expect(s).toMatchObject({ stored: lines.length, failed: 0 });
    expect(await expectRollupsExact()).toEqual([
      'agreement_cells',
      'agreement_days',
      'agreement_items',
      'agreement_people',
      'agreement_steps',
      'run_benchmark_model_stats',
      'run_benchmark_stats',
      'run_judge_stats',
      'run_model_stats',
      'run_reference_models',
      'run_routing_model_stats',
      'run_routing_stats',
      'run_stats',
      'training_groups',
      'training_step_models',
    ]);
  });

  it('after replacing trajectories with other outcomes, steps and models', async () => {
    const changed = lines
      .filter((_, i) => i % 5 === 0)
      .map((l) => {
        const steps = l.steps.slice(0, Math.max(1, l.steps.length - 1)).map((s, i) => ({ ...s, model: i === 0 ? l.models[0]!.id : s.model }));
        const judgments = l.judgments?.filter((j) => (j.steps ?? []).every((k) => k < steps.length));
        return { ...l, correct: !l.correct, steps, judgments };
      });
    const s = await ingestText(text(changed), { replace: true });
    expect(s).toMatchObject({ replaced: changed.length, failed: 0 });
    await expectRollupsExact();
  });

  it('after relabelling judgments', async () => {
    const actor = await annotator();
    const binary = await db.pool().query<{ id: number; judge_score: number; version: number }>(
      `SELECT DISTINCT ON (j.item_id) j.id, j.judge_score, i.version FROM judgments j
         JOIN items i ON i.id = j.item_id
         JOIN trajectories t ON t.pk = j.trajectory_pk
         JOIN criteria c ON c.rubric_id = t.rubric_id AND c.id = j.criterion_id
        WHERE c.kind = 'binary' ORDER BY j.item_id, j.id LIMIT 40`,
    );
    expect(binary.rows.length).toBeGreaterThan(10);
    for (const j of binary.rows) await addLabel(actor, j.id, { score: 1 - j.judge_score, rationale: null, expected_version: j.version });
    await expectRollupsExact();
  });

  it('after deleting trajectories of runs that stay, and a whole run', async () => {
    const ids = (await db.pool().query<{ id: string }>('SELECT id FROM trajectories ORDER BY pk')).rows.map((r) => r.id).filter((_, i) => i % 7 === 3);
    expect(ids.length).toBeGreaterThan(5);
    await deleteTrajectories(ids, { withLabels: true, labelsFile: path.join(os.tmpdir(), `routelens-rollups-${process.pid}.jsonl`) });
    await expectRollupsExact();
    await deleteRun(runs[0]!.id, { withLabels: true, labelsFile: path.join(os.tmpdir(), `routelens-rollups-run-${process.pid}.jsonl`) });
    expect(await expectRollupsExact()).toEqual(expect.arrayContaining(['run_model_stats', 'run_stats']));
    const left = await db.pool().query('SELECT count(*)::int AS n FROM run_stats WHERE run_id = $1', [runs[0]!.id]);
    expect(left.rows[0].n).toBe(0);
  });
});
