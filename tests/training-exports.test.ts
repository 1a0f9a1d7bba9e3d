// The training filters on every export and on the list (api.md "Training": step= one step or from..to,
// group=), pairs within a group (scope=group), the pair limit (a 400 naming scope and cap, default
// 1,000,000 and a setting), and the traces export writing `training` exactly as the line gave it —
// a named default group included.
import { beforeAll, describe, expect, it } from 'vitest';
import { GET as getExport } from '@/app/api/exports/[kind]/route';
import { GET as getPairs } from '@/app/api/queries/[id]/pairs/route';
import { GET as getList } from '@/app/api/trajectories/route';
import { settings as appSettings } from '@/lib/server/settings';
import { EXPORT_KINDS } from '@/lib/schemas/exports';
import { call, json } from './helpers/api';
import { useTestDatabase } from './helpers/db';
import { addLabel, parseCsv, parseJsonl, readParquet } from './helpers/export';
import { ingestText, jsonl, type Json } from './helpers/trace';

process.env.ROUTELENS_EMBEDDED = 'true';
const db = useTestDatabase('trainexp');

const S = { id: 'S', usd_per_mtok_in: 1, usd_per_mtok_out: 0 };
const L = { id: 'L', usd_per_mtok_in: 4, usd_per_mtok_out: 0 };
const RUBRIC = {
  id: 'te-rubric',
  criteria: [{ id: 'c', text: 'Process quality.', weight: 1, scale: { kind: 'numeric', min: 0, max: 4 } }],
};
const TEXT = { qa: 'Find a.', qb: 'Find b.' } as const;

function rollout(id: string, query: keyof typeof TEXT, training: Json | undefined, correct: boolean, score: number, models: ('S' | 'L')[]): Json {
  return {
    format: 'routelens.trace.v1',
    id,
    run: { id: 'te', policy: 'roro' },
    query: { id: query, text: TEXT[query] },
    models: [S, L],
    steps: models.map((m, index) => ({ index, model: m, text: `step ${index} of ${id}`, tokens_in: 1_000_000, tokens_out: 0 })),
    correct,
    rubric: RUBRIC,
    judgments: [{ criterion: 'c', steps: [0], score }],
    ...(training === undefined ? {} : { training }),
  };
}

// Two rollouts per group: right and wrong, so every group forms an outcome pair.
const LINES: Json[] = [
  rollout('te/a0-0', 'qa', { step: 0 }, true, 3, ['S', 'L']),
  rollout('te/a0-1', 'qa', { step: 0 }, false, 1, ['S', 'S']),
  // The default group named explicitly: exported as given.
  rollout('te/a1-0', 'qa', { step: 1, group: 'qa@1' }, true, 4, ['L']),
  rollout('te/a1-1', 'qa', { step: 1, group: 'qa@1' }, false, 0, ['S']),
  rollout('te/b1-0', 'qb', { step: 1, group: 'named-g' }, true, 2, ['S', 'L']),
  rollout('te/b1-1', 'qb', { step: 1, group: 'named-g' }, false, 2, ['L', 'L']),
  rollout('te/b2-0', 'qb', { step: 2 }, true, 3, ['S']),
  rollout('te/b2-1', 'qb', { step: 2 }, false, 1, ['L']),
  rollout('te/a3-0', 'qa', { step: 3 }, true, 2, ['S', 'S', 'L']),
  rollout('te/a3-1', 'qa', { step: 3 }, false, 2, ['L', 'L', 'L']),
  // Not a rollout: no training step, so no step or group filter selects it.
  rollout('te/plain', 'qa', undefined, true, 1, ['S']),
];

const STEP_1 = ['te/a1-0', 'te/a1-1', 'te/b1-0', 'te/b1-1'];
const STEPS_1_2 = [...STEP_1, 'te/b2-0', 'te/b2-1'];
const GROUP_NAMED = ['te/b1-0', 'te/b1-1'];
const GROUP_DEFAULT_NAMED = ['te/a1-0', 'te/a1-1'];
const LABELLED = ['te/a0-0', 'te/a1-0', 'te/b2-0', 'te/plain'];

const FILTERS: [string, string[]][] = [
  ['step=1', STEP_1],
  ['step=1..2', STEPS_1_2],
  ['group=named-g', GROUP_NAMED],
  ['group=qa%401', GROUP_DEFAULT_NAMED],
];

/** The trajectory ids an export names, from its JSON Lines, CSV or Parquet body. */
async function idsOf(kind: string, format: 'jsonl' | 'csv' | 'parquet', body: Buffer): Promise<string[]> {
  const idKeys = kind === 'preferences' ? ['chosen_id', 'rejected_id'] : kind === 'traces' && format === 'jsonl' ? ['id'] : ['trajectory_id'];
  if (format === 'parquet') return (await readParquet(body)).rows.flatMap((r) => idKeys.map((k) => r[k] as string));
  if (format === 'jsonl') return parseJsonl(body.toString('utf8')).flatMap((r) => idKeys.map((k) => r[k] as string));
  const { header, records } = parseCsv(body.toString('utf8'));
  const cols = idKeys.map((k) => header.indexOf(k));
  expect(
    cols.every((c) => c >= 0),
    `${kind} csv has ${idKeys.join(', ')}`,
  ).toBe(true);
  return records.flatMap((r) => cols.map((c) => r[c]!));
}

async function exportBody(kind: string, qs: string): Promise<{ status: number; body: string }> {
  const { status, bytes } = await exportBytes(kind, qs);
  return { status, body: bytes.toString('utf8') };
}

async function exportBytes(kind: string, qs: string): Promise<{ status: number; bytes: Buffer }> {
  const res = await call(getExport, { path: `/api/exports/${kind}?${qs}`, params: { kind } });
  return { status: res.status, bytes: Buffer.from(await res.arrayBuffer()) };
}

beforeAll(async () => {
  expect(await ingestText(jsonl(LINES))).toMatchObject({ stored: LINES.length, failed: 0 });
  for (const id of LABELLED) await addLabel(db.pool(), id, 0, { score: 2, author: 'ann' });
});

describe('step= and group= on every export kind', () => {
  it('covers every kind the exports offer', () => {
    expect([...EXPORT_KINDS].sort()).toEqual(['labels', 'preferences', 'steps', 'stepwise', 'traces']);
  });

  for (const kind of EXPORT_KINDS) {
    for (const format of ['jsonl', 'csv', 'parquet'] as const) {
      it(`${kind} (${format}) keeps only the rollouts of the step, the step range or the group`, async () => {
        for (const [filter, expected] of FILTERS) {
          const { status, bytes } = await exportBytes(kind, `format=${format}&run=te&${filter}`);
          expect(status, `${kind} ${filter}: ${bytes.toString('utf8', 0, 300)}`).toBe(200);
          const ids = new Set(await idsOf(kind, format, bytes));
          // Labels name only the labelled rollouts; pairs only rollouts with a partner in the selection.
          const want = kind === 'labels' ? expected.filter((id) => LABELLED.includes(id)) : expected;
          if (kind === 'preferences') {
            for (const id of ids) expect(want, `${kind} ${filter}`).toContain(id);
            expect(ids.size, `${kind} ${filter}`).toBeGreaterThan(0);
          } else {
            expect([...ids].sort(), `${kind} ${filter}`).toEqual([...want].sort());
          }
        }
      });
    }
  }

  it('preferences pair rollouts across the groups of a query unless scope=group keeps them within one', async () => {
    const across = parseJsonl((await exportBody('preferences', 'format=jsonl&run=te&step=0..3')).body);
    const within = parseJsonl((await exportBody('preferences', 'format=jsonl&run=te&step=0..3&scope=group')).body);
    const groupOf = new Map(
      (await db.pool().query("SELECT id, training_group FROM trajectories WHERE run_id = 'te'")).rows.map((r) => [
        r.id as string,
        r.training_group as string | null,
      ]),
    );
    expect(across.some((p) => groupOf.get(p.chosen_id as string) !== groupOf.get(p.rejected_id as string))).toBe(true);
    // Each of the five groups is one right and one wrong rollout: one outcome pair each.
    expect(within).toHaveLength(5);
    for (const p of within) {
      expect(groupOf.get(p.chosen_id as string)).toBe(groupOf.get(p.rejected_id as string));
      expect(p.reason).toBe('outcome');
    }
  });

  it('refuses a bad step with the parameter named', async () => {
    for (const bad of ['step=x', 'step=2..1', 'step=-1']) {
      const { status, body } = await exportBody('traces', `format=jsonl&run=te&${bad}`);
      expect(status, bad).toBe(400);
      expect(body, bad).toMatch(/step/);
    }
  });
});

describe('step= and group= on the list', () => {
  it('selects the same rollouts, carrying training_step and group', async () => {
    for (const [filter, expected] of FILTERS) {
      const res = await call(getList, { path: `/api/trajectories?run=te&limit=100&${filter}` });
      expect(res.status).toBe(200);
      const body = await json<{ items: { id: string; training_step: number | null; group: string | null }[]; total: number }>(res);
      expect(body.items.map((i) => i.id).sort(), filter).toEqual([...expected].sort());
      expect(body.total, filter).toBe(expected.length);
    }
    const all = await json<{ items: { id: string; training_step: number | null; group: string | null }[] }>(
      await call(getList, { path: '/api/trajectories?run=te&limit=100' }),
    );
    expect(all.items.find((i) => i.id === 'te/plain')).toMatchObject({ training_step: null, group: null });
    expect(all.items.find((i) => i.id === 'te/a1-0')).toMatchObject({ training_step: 1, group: 'qa@1' });
    expect(all.items.find((i) => i.id === 'te/b2-0')).toMatchObject({ training_step: 2, group: 'qb@2' });
  });
});

describe('pairs of a query', () => {
  it('scope=group pairs only rollouts of one group', async () => {
    const res = await call(getPairs, { path: '/api/queries/qa/pairs?run=te&scope=group', params: { id: 'qa' } });
    expect(res.status).toBe(200);
    const body = await json<{ scope: string; pairs: { chosen: string; rejected: string; group: string }[] }>(res);
    expect(body.scope).toBe('group');
    expect(body.pairs.map((p) => [p.group, p.chosen, p.rejected]).sort()).toEqual([
      ['qa@0', 'te/a0-0', 'te/a0-1'],
      ['qa@1', 'te/a1-0', 'te/a1-1'],
      ['qa@3', 'te/a3-0', 'te/a3-1'],
    ]);
  });
});

describe('the pair limit', () => {
  it('is 1,000,000 by default and ROUTELENS_PAIRS_MAX sets it', () => {
    delete process.env.ROUTELENS_PAIRS_MAX;
    expect(appSettings.pairsMax).toBe(1_000_000);
    process.env.ROUTELENS_PAIRS_MAX = '7';
    try {
      expect(appSettings.pairsMax).toBe(7);
    } finally {
      delete process.env.ROUTELENS_PAIRS_MAX;
    }
  });

  it('refuses pairs and preference exports above it with a 400 naming scope and cap, and allows them at it', async () => {
    // Query qa has 7 trajectories in run te: up to 21 pairs; within its groups (2 rollouts each) 3.
    const pairs = (qs: string) => call(getPairs, { path: `/api/queries/qa/pairs?run=te${qs}`, params: { id: 'qa' } });
    expect((await pairs('')).status).toBe(200);
    process.env.ROUTELENS_PAIRS_MAX = '21';
    try {
      expect((await pairs('')).status).toBe(200);
      process.env.ROUTELENS_PAIRS_MAX = '20';
      const refused = await pairs('');
      expect(refused.status).toBe(400);
      const err = (await json<{ error: { message: string; details: { parameters: string[]; pairs: number; limit: number } } }>(refused)).error;
      expect(err.details).toMatchObject({ parameters: ['scope', 'cap'], pairs: 21, limit: 20 });
      expect(err.message).toMatch(/scope=group/);
      expect(err.message).toMatch(/cap=/);
      expect((await pairs('&scope=group')).status).toBe(200);
      expect((await pairs('&cap=2')).status).toBe(200);

      // The export over both queries: qa 21 + qb 6 = 27 possible pairs.
      process.env.ROUTELENS_PAIRS_MAX = '26';
      for (const format of ['jsonl', 'csv', 'parquet']) {
        const { status, body } = await exportBody('preferences', `format=${format}&run=te`);
        expect(status, format).toBe(400);
        const e = (JSON.parse(body) as { error: { message: string; details: { parameters: string[]; pairs: number } } }).error;
        expect(e.details).toMatchObject({ parameters: ['scope', 'cap'], pairs: 27 });
      }
      expect((await exportBody('preferences', 'format=jsonl&run=te&scope=group')).status).toBe(200);
      expect((await exportBody('preferences', 'format=jsonl&run=te&step=1..2')).status).toBe(200);
      process.env.ROUTELENS_PAIRS_MAX = '27';
      expect((await exportBody('preferences', 'format=jsonl&run=te')).status).toBe(200);
    } finally {
      delete process.env.ROUTELENS_PAIRS_MAX;
    }
  });
});

describe('the traces export', () => {
  it('writes training exactly as each line gave it, a named default group included, and ingests back unchanged', async () => {
    const { status, body } = await exportBody('traces', 'format=jsonl&run=te');
    expect(status).toBe(200);
    const lines = body.trim().split('\n');
    expect(lines).toHaveLength(LINES.length);
    for (const given of LINES) {
      const out = lines.find((l) => l.startsWith(`{"format":"routelens.trace.v1","id":${JSON.stringify(given.id)},`))!;
      expect(out, given.id as string).toBeTruthy();
      if (given.training === undefined) expect(out).not.toContain('"training"');
      else expect(out, given.id as string).toContain(`,"training":${JSON.stringify(given.training)}`);
    }
    expect(lines.find((l) => l.includes('"id":"te/a1-0"'))).toContain(',"training":{"step":1,"group":"qa@1"}');
    expect(lines.find((l) => l.includes('"id":"te/a0-0"'))).toContain(',"training":{"step":0}');
    expect(await ingestText(lines.join('\n') + '\n')).toMatchObject({ unchanged: LINES.length, failed: 0 });
  });

  it('follows a replace that names the group or stops naming it', async () => {
    const named = { ...LINES[6]!, training: { step: 2, group: 'qb@2' }, correct: false };
    const unnamed = { ...LINES[2]!, training: { step: 1 }, correct: false };
    expect(await ingestText(jsonl([named, unnamed]), { replace: true })).toMatchObject({ replaced: 2, failed: 0 });
    const lines = (await exportBody('traces', 'format=jsonl&run=te&step=1..2')).body.trim().split('\n');
    expect(lines.find((l) => l.includes('"id":"te/b2-0"'))).toContain(',"training":{"step":2,"group":"qb@2"}');
    expect(lines.find((l) => l.includes('"id":"te/a1-0"'))).toContain(',"training":{"step":1}');
  });
});
