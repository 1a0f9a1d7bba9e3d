// A batch the database refuses part-way, for reasons the ingest's own checks cannot foresee (here,
// triggers that raise on one trajectory's row, one of its steps and one of its judgments): the batch
// rolls back whole and is stored again line by line, so that only the guilty lines fail, each with
// the database's message, and nothing of them is half-written.
import { Readable } from 'node:stream';
import { beforeAll, describe, expect, it } from 'vitest';
import { DEMO_RUNS, generateTraces, renderJsonl } from '@/lib/generate';
import { ingestStream } from '@/lib/ingest/pipeline';
import { useTestDatabase } from './helpers/db';

const db = useTestDatabase('ingestrefused');
process.env.ROUTELENS_EMBEDDED = 'true';

const lines = [
  ...generateTraces({ seed: 11, queries: 12, runs: DEMO_RUNS.map((r) => ({ ...r, id: `refused-${r.id}` })), judgmentsPerTrajectory: { min: 2, max: 4 } }),
];
const ids = lines.map((l) => l.id);
// One refused by each table: the trajectory's own row (the first COPY), a step (the second) and a judgment (the last).
const [onTrajectory, onStep, onJudgment] = [ids[3]!, ids[11]!, ids[lines.length - 2]!];

beforeAll(async () => {
  const pool = db.pool();
  await pool.query(`CREATE FUNCTION refuse_trajectory() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN IF NEW.id = '${onTrajectory}' THEN RAISE EXCEPTION 'test trigger refuses trajectory %', NEW.id; END IF; RETURN NEW; END $$`);
  await pool.query(`CREATE TRIGGER refuse_trajectory BEFORE INSERT ON trajectories FOR EACH ROW EXECUTE FUNCTION refuse_trajectory()`);
  await pool.query(`CREATE FUNCTION refuse_step() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN IF NEW.index = 1 AND (SELECT id FROM trajectories WHERE pk = NEW.trajectory_pk) = '${onStep}' THEN
      RAISE EXCEPTION 'test trigger refuses a step of %', '${onStep}'; END IF; RETURN NEW; END $$`);
  await pool.query(`CREATE TRIGGER refuse_step BEFORE INSERT ON steps FOR EACH ROW EXECUTE FUNCTION refuse_step()`);
  await pool.query(`CREATE FUNCTION refuse_judgment() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN IF (SELECT id FROM trajectories WHERE pk = NEW.trajectory_pk) = '${onJudgment}' THEN
      RAISE EXCEPTION 'test trigger refuses a judgment of %', '${onJudgment}'; END IF; RETURN NEW; END $$`);
  await pool.query(`CREATE TRIGGER refuse_judgment BEFORE INSERT ON judgments FOR EACH ROW EXECUTE FUNCTION refuse_judgment()`);
});

describe('a batch the database refuses part-way', () => {
  it('stores every other line, fails the guilty ones with the database’s message, and leaves nothing of them', async () => {
    expect(lines.length).toBeGreaterThan(20);
    expect(lines.find((l) => l.id === onJudgment)!.judgments!.length).toBeGreaterThan(0);
    const summary = await ingestStream(Readable.from([Buffer.from(renderJsonl(lines))]));
    expect(summary.stored).toBe(lines.length - 3);
    expect(summary.failed).toBe(3);
    expect(summary.errors.map((e) => [e.line, e.id])).toEqual([
      [4, onTrajectory],
      [12, onStep],
      [lines.length - 1, onJudgment],
    ]);
    expect(summary.errors[0]!.message).toBe(`the database refused the line: test trigger refuses trajectory ${onTrajectory}`);
    expect(summary.errors[1]!.message).toBe(`the database refused the line: test trigger refuses a step of ${onStep}`);
    expect(summary.errors[2]!.message).toBe(`the database refused the line: test trigger refuses a judgment of ${onJudgment}`);

    const pool = db.pool();
    const stored = await pool.query<{ id: string }>('SELECT id FROM trajectories ORDER BY id');
    expect(stored.rows.map((r) => r.id)).toEqual(ids.filter((id) => ![onTrajectory, onStep, onJudgment].includes(id)).sort());
    // Every stored trajectory whole, and the rollups count exactly the stored ones.
    const whole = await pool.query(`
      SELECT (SELECT count(*)::int FROM steps) AS steps, (SELECT sum(step_count)::int FROM trajectories) AS step_count,
             (SELECT count(*)::int FROM judgments) AS judgments,
             (SELECT sum(trajectories)::int FROM run_stats) AS run_stats,
             (SELECT count(*)::int FROM items i LEFT JOIN trajectories t ON t.pk = i.trajectory_pk WHERE t.pk IS NULL) AS orphan_items`);
    const expected = lines.filter((l) => ![onTrajectory, onStep, onJudgment].includes(l.id));
    expect(whole.rows[0]).toEqual({
      steps: expected.reduce((n, l) => n + l.steps.length, 0),
      step_count: expected.reduce((n, l) => n + l.steps.length, 0),
      judgments: expected.reduce((n, l) => n + (l.judgments?.length ?? 0), 0),
      run_stats: expected.length,
      orphan_items: 0,
    });

    // With the triggers gone, the same file stores the three and leaves the rest unchanged.
    await pool.query('DROP TRIGGER refuse_trajectory ON trajectories; DROP TRIGGER refuse_step ON steps; DROP TRIGGER refuse_judgment ON judgments');
    const again = await ingestStream(Readable.from([Buffer.from(renderJsonl(lines))]));
    expect(again).toMatchObject({ stored: 3, unchanged: lines.length - 3, failed: 0 });
  });
});
