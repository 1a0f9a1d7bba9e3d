// Human labels: the version check (409 on a stale version, and when two people race), the history,
// revert, judgments that people add, and the stored figures that follow the newest label.
import { beforeAll, describe, expect, it } from 'vitest';
import { call, json, signedIn, type Caller } from './helpers/api';
import { useTestDatabase } from './helpers/db';
import { figuresWithLabels, judgmentsOf, otherScore, storeSmallFixture, storedFigures, type StoredJudgment } from './helpers/labels';

process.env.ROUTELENS_EMBEDDED = 'false';
const db = useTestDatabase('labelswrites');

const labelsRoute = () => import('@/app/api/judgments/[id]/labels/route');
const revertRoute = () => import('@/app/api/judgments/[id]/revert/route').then((m) => m.POST);
const judgmentsRoute = () => import('@/app/api/trajectories/[id]/judgments/route').then((m) => m.POST);

type Lines = Awaited<ReturnType<typeof storeSmallFixture>>;
let lines: Lines;
let ann: Caller & { userId: number };
let bob: Caller & { userId: number };
let viewer: Caller;

interface Written {
  label: { id: number; version: number; score: number; author: string; revert_of: number | null };
  version: number;
  judgment: { effective_score: number | null; source: string; version: number };
  trajectory: { process_score: number | null; reward: number; labelled: boolean };
}
interface ErrorBody {
  error: { code: string; message: string; details?: { current_version: number; newest_label: { score: number; author: string } | null } };
}

async function postLabel(as: Caller, judgmentId: number, body: Record<string, unknown>) {
  const { POST } = await labelsRoute();
  return call(POST, { method: 'POST', params: { id: String(judgmentId) }, body, as });
}

async function history(judgmentId: number) {
  const { GET } = await labelsRoute();
  return json<{ judgment: { version: number; effective_score: number | null }; labels: Written['label'][] }>(
    await call(GET, { params: { id: String(judgmentId) }, as: viewer }),
  );
}

beforeAll(async () => {
  lines = await storeSmallFixture();
  ann = await signedIn('ann', 'annotator');
  bob = await signedIn('bob', 'annotator');
  viewer = await signedIn('vic', 'viewer');
});

function lineWithJudgments(n: number): Lines[number] {
  const line = lines.filter((l) => (l.judgments?.length ?? 0) >= n)[0];
  if (!line) throw new Error(`no fixture line has ${n} judgments`);
  return line;
}

describe('a label', () => {
  it('is stored with its author and version, and moves the effective score and the stored figures', async () => {
    const line = lineWithJudgments(2);
    const [j] = await judgmentsOf(line.id);
    const score = otherScore(j!, j!.judge_score);
    const res = await postLabel(ann, j!.id, { score, rationale: '  step 2 is on the small model  ', expected_version: 0 });
    expect(res.status).toBe(201);
    const body = await json<Written>(res);
    expect(body.label).toMatchObject({ version: 1, score, author: 'ann', revert_of: null });
    expect(body.version).toBe(1);
    expect(body.judgment).toMatchObject({ effective_score: score, source: 'human', version: 1 });
    const want = figuresWithLabels(line, new Map([[0, score]]));
    const stored = await storedFigures(line.id);
    expect(stored.process_score).toBeCloseTo(want.processScore!, 12);
    expect(stored.reward).toBeCloseTo(want.reward, 12);
    expect(stored.labelled).toBe(true);
    expect(body.trajectory.process_score).toBe(stored.process_score);
    const row = await db.pool().query('SELECT rationale, user_id FROM labels WHERE id = $1', [body.label.id]);
    expect(row.rows[0]).toEqual({ rationale: 'step 2 is on the small model', user_id: ann.userId });
  });

  it('is refused with 400 naming the score when it is off the criterion scale', async () => {
    const all = (await Promise.all(lines.map((l) => judgmentsOf(l.id)))).flat();
    const offScale: [StoredJudgment | undefined, number][] = [
      [all.find((j) => j.kind === 'binary'), 0.5],
      [all.find((j) => j.kind === 'ternary'), 2],
      [all.find((j) => j.kind === 'numeric'), 1e9],
    ];
    for (const [j, score] of offScale) {
      expect(j, 'the fixture has every kind of scale').toBeDefined();
      const res = await postLabel(ann, j!.id, { score, expected_version: j!.version });
      expect(res.status).toBe(400);
      expect((await json<ErrorBody>(res)).error.message).toMatch(/"score"/);
    }
    const noVersion = await postLabel(ann, all[0]!.id, { score: 0 });
    expect(noVersion.status).toBe(400);
    expect((await json<ErrorBody>(noVersion)).error.message).toMatch(/expected_version/);
    expect((await postLabel(ann, 99_999_999, { score: 0, expected_version: 0 })).status).toBe(404);
    expect((await postLabel(ann, 'abc' as unknown as number, { score: 0, expected_version: 0 })).status).toBe(400);
  });

  it('based on a stale version gets 409 with the current version and who changed it', async () => {
    const line = lineWithJudgments(2);
    const j = (await judgmentsOf(line.id))[1]!;
    expect((await postLabel(ann, j.id, { score: otherScore(j, j.judge_score), expected_version: 0 })).status).toBe(201);
    const stale = await postLabel(bob, j.id, { score: j.judge_score, expected_version: 0 });
    expect(stale.status).toBe(409);
    const err = await json<ErrorBody>(stale);
    expect(err.error.code).toBe('conflict');
    expect(err.error.details).toMatchObject({ current_version: 1, newest_label: { author: 'ann', score: otherScore(j, j.judge_score) } });
    expect((await history(j.id)).labels).toHaveLength(1);
  });
});

describe('two annotators labelling the same judgment at once', () => {
  it('end with exactly one acknowledged label stored and the other told 409, round after round', async () => {
    const line = lines[lines.length - 1]!;
    const j = (await judgmentsOf(line.id))[0]!;
    let version = j.version;
    const acknowledged: number[] = [];
    for (let round = 0; round < 12; round++) {
      const scores = [otherScore(j, j.judge_score), j.judge_score!];
      const [a, b] = await Promise.all([
        postLabel(ann, j.id, { score: scores[0], rationale: `ann ${round}`, expected_version: version }),
        postLabel(bob, j.id, { score: scores[1], rationale: `bob ${round}`, expected_version: version }),
      ]);
      expect([a.status, b.status].sort()).toEqual([201, 409]);
      const winner = await json<Written>(a.status === 201 ? a : b);
      const loser = await json<ErrorBody>(a.status === 201 ? b : a);
      expect(loser.error.details?.current_version).toBe(version + 1);
      expect(loser.error.details?.newest_label?.author).toBe(winner.label.author);
      acknowledged.push(winner.label.id);
      version = winner.version;
    }
    const h = await history(j.id);
    expect(h.labels.map((l) => l.id)).toEqual(acknowledged);
    expect(h.labels.map((l) => l.version)).toEqual(acknowledged.map((_, i) => j.version + i + 1));
    expect(h.judgment.version).toBe(version);
  });

  it('with eight at once, one wins and seven are told, and nothing else is stored', async () => {
    const line = lines[lines.length - 2]!;
    const j = (await judgmentsOf(line.id))[0]!;
    const people = [ann, bob, ann, bob, ann, bob, ann, bob];
    const res = await Promise.all(people.map((p) => postLabel(p, j.id, { score: j.judge_score, expected_version: j.version })));
    expect(res.filter((r) => r.status === 201)).toHaveLength(1);
    expect(res.filter((r) => r.status === 409)).toHaveLength(7);
    const n = await db.pool().query('SELECT count(*)::int AS n FROM labels WHERE item_id = $1', [j.item_id]);
    expect(n.rows[0].n).toBe(1);
  });
});

describe('the history of a judgment', () => {
  it('lists every label oldest first, and revert appends a copy of an earlier one', async () => {
    const line = lineWithJudgments(3);
    const j = (await judgmentsOf(line.id))[2]!;
    const first = otherScore(j, j.judge_score);
    const second = otherScore(j, first);
    const w1 = await json<Written>(await postLabel(ann, j.id, { score: first, rationale: 'one', expected_version: 0 }));
    const w2 = await json<Written>(await postLabel(bob, j.id, { score: second, rationale: 'two', expected_version: 1 }));
    expect(w2.judgment.effective_score).toBe(second);
    const revert = await call(await revertRoute(), {
      method: 'POST',
      params: { id: String(j.id) },
      body: { label_id: w1.label.id, expected_version: 2 },
      as: bob,
    });
    expect(revert.status).toBe(201);
    const w3 = await json<Written>(revert);
    expect(w3.label).toMatchObject({ version: 3, score: first, revert_of: w1.label.id, author: 'bob' });
    const h = await history(j.id);
    expect(h.labels.map((l) => [l.version, l.score, l.author, l.revert_of])).toEqual([
      [1, first, 'ann', null],
      [2, second, 'bob', null],
      [3, first, 'bob', w1.label.id],
    ]);
    expect(h.judgment.effective_score).toBe(first);
    const stale = await call(await revertRoute(), {
      method: 'POST',
      params: { id: String(j.id) },
      body: { label_id: w2.label.id, expected_version: 2 },
      as: ann,
    });
    expect(stale.status).toBe(409);
    const other = (await judgmentsOf(line.id))[0]!;
    const foreign = await call(await revertRoute(), {
      method: 'POST',
      params: { id: String(other.id) },
      body: { label_id: w1.label.id, expected_version: other.version },
      as: ann,
    });
    expect(foreign.status).toBe(400);
  });

  it('keeps labels append-only in the database itself', async () => {
    await expect(db.pool().query('UPDATE labels SET score = 0')).rejects.toThrow(/append-only/);
    await expect(db.pool().query('DELETE FROM labels')).rejects.toThrow(/append-only/);
  });
});

describe('the stored figures', () => {
  it('follow the newest label of every judgment, and the run rollups follow them', async () => {
    const line = lineWithJudgments(3);
    const judgments = await judgmentsOf(line.id);
    const newest = new Map<number, number>();
    for (const j of judgments) {
      const h = await history(j.id);
      const last = h.labels[h.labels.length - 1];
      if (last) newest.set(j.position, last.score);
    }
    for (const [i, j] of judgments.entries()) {
      const current = (await history(j.id)).judgment.version;
      const score = otherScore(j, newest.get(j.position) ?? j.judge_score);
      const res = await postLabel(i % 2 ? ann : bob, j.id, { score, expected_version: current });
      expect(res.status).toBe(201);
      newest.set(j.position, score);
      const want = figuresWithLabels(line, newest);
      const stored = await storedFigures(line.id);
      expect(stored.process_score).toBeCloseTo(want.processScore!, 12);
      expect(stored.reward).toBeCloseTo(want.reward, 12);
    }
    const { run_id } = await storedFigures(line.id);
    const r = await db.pool().query(
      `SELECT s.sum_process, s.n_process, s.sum_reward, x.sp, x.np, x.sr
         FROM run_stats s,
              (SELECT sum(process_score) AS sp, count(process_score)::int AS np, sum(reward) AS sr FROM trajectories WHERE run_id = $1) x
        WHERE s.run_id = $1`,
      [run_id],
    );
    const row = r.rows[0];
    expect(row.sum_process).toBeCloseTo(row.sp, 9);
    expect(row.n_process).toBe(row.np);
    expect(row.sum_reward).toBeCloseTo(row.sr, 9);
  });
});

describe('a judgment that a person adds', () => {
  it('has no judge score, carries its first label, and enters the figures', async () => {
    const line = lineWithJudgments(1);
    const criteria = line.rubric!.criteria;
    const taken = new Set((line.judgments ?? []).map((j) => `${j.criterion}:${[...(j.steps ?? [])].sort().join(',')}`));
    const c = criteria.find((x) => !taken.has(`${x.id}:0`))!;
    const score = c.scale.kind === 'numeric' ? c.scale.min : 1;
    const res = await call(await judgmentsRoute(), {
      method: 'POST',
      params: { id: line.id },
      body: { criterion: c.id, steps: [0, 0], score, rationale: 'the judge missed step 0' },
      as: ann,
    });
    expect(res.status).toBe(201);
    const body = await json<Written & { judgment: { id: number; judge_score: null; steps: number[] } }>(res);
    expect(body.judgment).toMatchObject({ judge_score: null, steps: [0], version: 1, effective_score: score, source: 'human' });
    expect(body.label.version).toBe(1);
    const before = await history(body.judgment.id);
    expect(before.labels).toHaveLength(1);
    const labels = new Map<number, number>();
    for (const j of await judgmentsOf(line.id)) {
      const last = (await history(j.id)).labels.at(-1);
      if (last && j.judge_score !== null) labels.set(j.position, last.score);
    }
    const want = figuresWithLabels(line, labels, [{ criterion: c.id, steps: [0], score }]);
    expect((await storedFigures(line.id)).process_score).toBeCloseTo(want.processScore!, 12);

    const again = await call(await judgmentsRoute(), { method: 'POST', params: { id: line.id }, body: { criterion: c.id, steps: [0], score }, as: bob });
    expect(again.status).toBe(409);
    expect((await json<{ error: { details: { judgment_id: number } } }>(again)).error.details.judgment_id).toBe(body.judgment.id);
    const badCriterion = await call(await judgmentsRoute(), {
      method: 'POST',
      params: { id: line.id },
      body: { criterion: 'nope', steps: [0], score },
      as: ann,
    });
    expect(badCriterion.status).toBe(400);
    expect((await json<ErrorBody>(badCriterion)).error.message).toMatch(/"criterion"/);
    const badStep = await call(await judgmentsRoute(), { method: 'POST', params: { id: line.id }, body: { criterion: c.id, steps: [9999], score }, as: ann });
    expect(badStep.status).toBe(400);
    expect((await json<ErrorBody>(badStep)).error.message).toMatch(/"steps"/);
    const missing = await call(await judgmentsRoute(), { method: 'POST', params: { id: 'no/such/trajectory' }, body: { criterion: c.id, score }, as: ann });
    expect(missing.status).toBe(404);
  });
});
