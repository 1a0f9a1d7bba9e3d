// The steps export reads each trajectory's step rubric scores as stored (trajectories.step_rubric_scores,
// written by ingest and by every label's recompute) and scores from its judgments a trajectory stored
// before that column, whose value there is null. Both must make the same rows, labels applied, in every
// format: here the same trajectories are exported with the column as written, half of it emptied, and
// all of it emptied, before and after a label.
import fs from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { startExport } from '@/lib/export/run';
import { parseExportRequest } from '@/lib/schemas/exports';
import { useTestDatabase } from './helpers/db';
import { addLabel, bytesOf, knownLines, parseJsonl, readParquet } from './helpers/export';
import { ingestText, jsonl } from './helpers/trace';

const db = useTestDatabase('storedscores');
const SMALL = fs.readFileSync('tests/fixtures/small.jsonl', 'utf8');

async function exported(format: 'jsonl' | 'csv' | 'parquet', params: Record<string, string> = {}) {
  const run = await startExport(parseExportRequest('steps', new URLSearchParams({ ...params, format })));
  const bytes = await bytesOf(run.chunks);
  return format === 'parquet' ? (await readParquet(bytes)).rows : bytes.toString('utf8');
}

/** Every format, and a judge's view (which scores its judge's judgments, stored column or not). */
async function all() {
  return {
    jsonl: await exported('jsonl'),
    csv: await exported('csv'),
    parquet: await exported('parquet'),
    judged: await exported('jsonl', { judge: 'judge' }),
  };
}

const stored = async () =>
  (await db.pool().query<{ id: string; s: (number | null)[] | null }>('SELECT id, step_rubric_scores AS s FROM trajectories ORDER BY pk')).rows;

beforeAll(async () => {
  const s = await ingestText(jsonl(knownLines()) + SMALL);
  expect(s.failed).toBe(0);
});

describe('stored step rubric scores', () => {
  it('are written at ingest, one per step, and rewritten by a label', async () => {
    const rows = await stored();
    expect(rows.length).toBeGreaterThan(10);
    expect(rows.every((r) => r.s !== null)).toBe(true);
    const steps = (await db.pool().query<{ id: string; n: number }>('SELECT id, step_count AS n FROM trajectories ORDER BY pk')).rows;
    expect(rows.map((r) => r.s!.length)).toEqual(steps.map((r) => r.n));
    // x/0's judgment 0 (c1, binary, weight 2) names step 1: a label of 0 there moves step 1's score.
    const before = rows.find((r) => r.id === 'x/0')!.s!;
    const viaJson = parseJsonl((await exported('jsonl')) as string).filter((r) => r.trajectory_id === 'x/0');
    expect(viaJson.map((r) => r.rubric_score)).toEqual(before);
    await addLabel(db.pool(), 'x/0', 0, { score: 0, author: 'ann' });
    const after = (await stored()).find((r) => r.id === 'x/0')!.s!;
    expect(after[1]).not.toBe(before[1]);
    expect(after[0]).toBe(before[0]);
  });

  it('make the same export as scoring the judgments, in every format, labels applied', async () => {
    const fromColumn = await all();
    const jsonlRows = parseJsonl(fromColumn.jsonl as string);
    expect(jsonlRows.some((r) => r.rubric_score !== null)).toBe(true);
    expect(jsonlRows.some((r) => r.rubric_score === null)).toBe(true);
    // A database upgraded in place: trajectories stored before the column have none.
    await db.pool().query('UPDATE trajectories SET step_rubric_scores = NULL WHERE pk % 2 = 0');
    expect(await all()).toEqual(fromColumn);
    await db.pool().query('UPDATE trajectories SET step_rubric_scores = NULL');
    expect(await all()).toEqual(fromColumn);

    // A label on a trajectory without the column fills it, and the export follows the label.
    await addLabel(db.pool(), 'x/0', 1, { score: 10, author: 'bo' });
    const x0 = (await stored()).find((r) => r.id === 'x/0')!.s;
    expect(x0).not.toBeNull();
    const labelled = await all();
    expect(labelled.jsonl).not.toEqual(fromColumn.jsonl);
    expect(
      parseJsonl(labelled.jsonl as string)
        .filter((r) => r.trajectory_id === 'x/0')
        .map((r) => r.rubric_score),
    ).toEqual(x0);
    // The same with every column emptied again.
    await db.pool().query('UPDATE trajectories SET step_rubric_scores = NULL');
    expect(await all()).toEqual(labelled);
  });

  it('are what the export reads where they are stored, and not in a judge’s view', async () => {
    await db.pool().query("UPDATE trajectories SET step_rubric_scores = array_fill(0.25::float8, ARRAY[step_count]) WHERE id = 'x/1'");
    const scores = async (params: Record<string, string> = {}) =>
      parseJsonl((await exported('jsonl', params)) as string)
        .filter((r) => r.trajectory_id === 'x/1')
        .map((r) => r.rubric_score);
    const read = await scores();
    expect(read.length).toBeGreaterThan(0);
    expect(read.every((v) => v === 0.25)).toBe(true);
    expect((await scores({ judge: 'judge' })).some((v) => v !== 0.25)).toBe(true);
  });
});
