// The `traces` export is a trace file that routelens reads back: into an empty database it restores
// the trajectories and their human labels, and that database exports the same bytes again; into the
// database it came from it changes nothing; a meta.routelens that does not fit is a line error.
import fs from 'node:fs';
import { Readable } from 'node:stream';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { poolConfig } from '@/lib/db/pool';
import { createTestDatabase, type TestDatabase } from '@/lib/db/testing';
import { startExport } from '@/lib/export/run';
import { ingestStream } from '@/lib/ingest/pipeline';
import { parseExportRequest, type ExportKind } from '@/lib/schemas/exports';
import { useTestDatabase } from './helpers/db';
import { addHumanJudgment, addLabel, bytesOf, knownLines, parseJsonl } from './helpers/export';
import { ingestText, jsonl, withChange, type Json } from './helpers/trace';

const db = useTestDatabase('exportrt');

const SMALL = fs.readFileSync('tests/fixtures/small.jsonl', 'utf8');

let other: TestDatabase;
let otherPool: pg.Pool;

async function exported(kind: ExportKind, pool?: pg.Pool, params: Record<string, string> = {}): Promise<Buffer> {
  const run = await startExport(parseExportRequest(kind, new URLSearchParams({ format: 'jsonl', ...params })), { pool });
  return bytesOf(run.chunks);
}

beforeAll(async () => {
  other = await createTestDatabase(inject('adminUrl'), inject('template'), 'exportrt2');
  otherPool = new pg.Pool(poolConfig(other.url));
  await ingestText(jsonl(knownLines()));
  await ingestText(SMALL);
  await ingestText(jsonl([{ ...knownLines()[1]!, id: 'x/2', meta: {} }]));
  // Labels of every shape: a label, a revert of it, a person's own judgment, labels on a generated line.
  await addLabel(db.pool(), 'x/0', 0, { score: 0, author: 'Ann', rationale: 'Not the crux, "really".', createdAt: '2026-02-03T04:05:06.789Z' });
  await addLabel(db.pool(), 'x/0', 0, { score: 1, author: 'Bo', createdAt: '2026-02-04T00:00:00.000Z', revertOfVersion: 1 });
  await addLabel(db.pool(), 'x/0', 2, { score: -1, author: 'Ann', createdAt: '2026-02-05T00:00:00.001Z' });
  await addHumanJudgment(db.pool(), 'x/1', { criterion: 'c2', steps: [0] }, { score: 7, author: 'Cy', createdAt: '2026-02-06T00:00:00.000Z' });
  const generated = JSON.parse(SMALL.split('\n')[0]!) as { id: string };
  await addLabel(db.pool(), generated.id, 0, { score: 0, author: 'Di', createdAt: '2026-02-07T00:00:00.000Z' });
});

afterAll(async () => {
  await otherPool?.end();
  await other?.drop();
});

describe('traces round trip', () => {
  it('ingests into an empty database and exports again byte for byte the same', async () => {
    const first = await exported('traces');
    const summary = await ingestStream(Readable.from([first]), { pool: otherPool });
    expect(summary).toMatchObject({ stored: parseJsonl(first.toString('utf8')).length, failed: 0 });
    const second = await exported('traces', otherPool);
    expect(second.equals(first)).toBe(true);
    // The restored labels move the figures exactly as the originals did.
    expect((await exported('steps', otherPool)).equals(await exported('steps'))).toBe(true);
    expect((await exported('stepwise', otherPool)).equals(await exported('stepwise'))).toBe(true);
    expect((await exported('preferences', otherPool)).equals(await exported('preferences'))).toBe(true);
  });

  it('restores every label with its author, time, rationale, version and revert', async () => {
    const strip = (rows: Record<string, unknown>[], idOf: Map<unknown, unknown>) =>
      rows.map(({ label_id, item_id: _i, revert_of_label_id, ...rest }) => ({
        ...rest,
        reverts: idOf.get(revert_of_label_id) ?? null,
        self: idOf.get(label_id),
      }));
    const a = parseJsonl((await exported('labels')).toString('utf8'));
    const b = parseJsonl((await exported('labels', otherPool)).toString('utf8'));
    const key = (r: Record<string, unknown>) => `${r.trajectory_id}/${r.criterion}/${r.version}`;
    expect(a.length).toBe(5);
    expect(strip(b, new Map(b.map((r) => [r.label_id, key(r)])))).toEqual(strip(a, new Map(a.map((r) => [r.label_id, key(r)]))));
    const versions = await otherPool.query(
      `SELECT t.id, j.position, i.version, j.judge_score, t.labelled FROM judgments j JOIN items i ON i.id = j.item_id
         JOIN trajectories t ON t.pk = j.trajectory_pk
        WHERE t.id IN ('x/0', 'x/1') AND (i.version > 0 OR j.judge_score IS NULL) ORDER BY t.id, j.position`,
    );
    expect(versions.rows).toEqual([
      { id: 'x/0', position: 0, version: 2, judge_score: 1, labelled: true },
      { id: 'x/0', position: 2, version: 1, judge_score: 1, labelled: true },
      { id: 'x/1', position: 0, version: 1, judge_score: null, labelled: true },
    ]);
    // Stored meta is the trace's own: meta.routelens is not kept, and {} is no meta at all.
    const metas = await otherPool.query("SELECT id, meta::text AS meta FROM trajectories WHERE id LIKE 'x/%' ORDER BY id");
    expect(metas.rows).toEqual([
      { id: 'x/0', meta: '{"b":1,"a":{"y":2,"x":1}}' },
      { id: 'x/1', meta: null },
      { id: 'x/2', meta: null },
    ]);
  });

  it('ingests back into the database it came from as unchanged', async () => {
    const file = await exported('traces');
    const before = (await db.pool().query('SELECT count(*) AS n FROM labels')).rows[0].n;
    const summary = await ingestStream(Readable.from([file]));
    expect(summary).toMatchObject({ stored: 0, replaced: 0, failed: 0, unchanged: parseJsonl(file.toString('utf8')).length });
    expect((await db.pool().query('SELECT count(*) AS n FROM labels')).rows[0].n).toBe(before);
  });

  it('carries every field of the trace as it was ingested', async () => {
    const lines = new Map(parseJsonl((await exported('traces')).toString('utf8')).map((l) => [l.id, l]));
    // What routelens adds lives under meta.routelens; without it, the line is the one ingested
    // (less cost_usd: null, judgments: [] and meta: {}, which trace v1 treats as absent).
    const own = (l: Json): Json => {
      const copy = structuredClone(l);
      const meta = copy.meta as Json | undefined;
      if (meta) delete meta.routelens;
      if (meta && Object.keys(meta).length === 0) delete copy.meta;
      if (Array.isArray(copy.judgments) && copy.judgments.length === 0) delete copy.judgments;
      for (const s of copy.steps as Json[]) if (s.cost_usd === null) delete s.cost_usd;
      return copy;
    };
    const originals = [
      ...knownLines(),
      ...SMALL.trim()
        .split('\n')
        .map((l) => JSON.parse(l) as Json),
    ];
    for (const original of originals) expect(own(lines.get(original.id as string)!)).toEqual(own(original));
  });
});

describe('meta.routelens on ingest', () => {
  const base = () =>
    parseJsonl(
      knownLines()
        .map((l) => JSON.stringify(l))
        .join('\n') + '\n',
    )[0]!;
  const withSection = (judgments: unknown) => withChange(withChange(base(), ['id'], `bad/${Math.random()}`), ['meta', 'routelens'], { judgments });
  const label = { version: 1, score: 0, author: 'Ann', created_at: '2026-01-01T00:00:00.000Z' };

  it.each([
    ['a label on a judgment the line does not have', [{ index: 7, criterion: 'c1', steps: [1], labels: [label] }], '/meta/routelens/judgments/0/index'],
    ['a judgment that does not match the line', [{ index: 0, criterion: 'c2', steps: [1], labels: [label] }], '/meta/routelens/judgments/0/criterion'],
    [
      'versions that go back',
      [{ index: 0, criterion: 'c1', steps: [1], labels: [{ ...label, version: 2 }, label] }],
      '/meta/routelens/judgments/0/labels/1/version',
    ],
    [
      'a revert of a version that is not there',
      [{ index: 0, criterion: 'c1', steps: [1], labels: [{ ...label, revert_of_version: 1 }] }],
      '/meta/routelens/judgments/0/labels/0/revert_of_version',
    ],
    ['a score off the scale', [{ index: 0, criterion: 'c1', steps: [1], labels: [{ ...label, score: 0.5 }] }], '/meta/routelens/judgments/0/labels/0/score'],
    ['a person’s judgment on an unknown criterion', [{ index: null, criterion: 'c9', steps: [], labels: [label] }], '/meta/routelens/judgments/0/criterion'],
    [
      'a person’s judgment on a step that does not exist',
      [{ index: null, criterion: 'c1', steps: [3], labels: [label] }],
      '/meta/routelens/judgments/0/steps/0',
    ],
    [
      'a time that is not ISO 8601',
      [{ index: 0, criterion: 'c1', steps: [1], labels: [{ ...label, created_at: 'yesterday' }] }],
      '/meta/routelens/judgments/0/labels/0/created_at',
    ],
  ])('refuses %s, naming where', async (_what, judgments, path) => {
    const s = await ingestText(jsonl([withSection(judgments)]));
    expect(s.failed).toBe(1);
    expect(s.errors[0]!.path).toBe(path);
  });

  const withItems = (items: unknown) => withChange(withChange(base(), ['id'], `bad/${Math.random()}`), ['meta', 'routelens'], { items });
  it.each([
    ['an item on an unknown criterion', [{ criterion: 'c9', steps: [], labels: [label] }], '/meta/routelens/items/0/criterion'],
    ['an item on a step that does not exist', [{ criterion: 'c1', steps: [0, 5], labels: [label] }], '/meta/routelens/items/0/steps/1'],
    [
      'an item listed twice',
      [
        { criterion: 'c1', steps: [1], labels: [label] },
        { criterion: 'c1', steps: [1, 1], labels: [label] },
      ],
      '/meta/routelens/items/1/steps',
    ],
    ['an item whose versions repeat', [{ criterion: 'c1', steps: [1], labels: [label, label] }], '/meta/routelens/items/0/labels/1/version'],
    [
      'an item older than its newest label',
      [{ criterion: 'c1', steps: [1], version: 1, labels: [{ ...label, version: 2 }] }],
      '/meta/routelens/items/0/version',
    ],
  ])('refuses %s, naming where', async (_what, items, path) => {
    const s = await ingestText(jsonl([withItems(items)]));
    expect(s.failed).toBe(1);
    expect(s.errors[0]!.path).toBe(path);
  });

  it("reads an export made before labels moved to items: two judges' histories of one item merge in time order", async () => {
    const line = withChange(base(), ['id'], 'old-export/0');
    (line.judgments as Json[]).push({ criterion: 'c1', steps: [1], score: 0, judge: 'judge-v3' });
    const at = (d: number) => `2026-01-0${d}T00:00:00.000Z`;
    (line.meta as Json).routelens = {
      version: 1,
      judgments: [
        {
          index: 0,
          criterion: 'c1',
          steps: [1],
          labels: [
            { ...label, created_at: at(1) },
            { version: 2, score: 1, author: 'Bo', created_at: at(4), revert_of_version: 1 },
          ],
        },
        { index: 3, criterion: 'c1', steps: [1], labels: [{ ...label, score: 1, author: 'Cy', created_at: at(2) }] },
      ],
    };
    expect(await ingestText(jsonl([line]))).toMatchObject({ stored: 1, failed: 0 });
    const rows = await db.pool().query(
      `SELECT l.version, l.score, l.author, rv.version AS reverts FROM labels l JOIN items i ON i.id = l.item_id
         JOIN trajectories t ON t.pk = i.trajectory_pk LEFT JOIN labels rv ON rv.id = l.revert_of_label_id
        WHERE t.id = 'old-export/0' ORDER BY l.version`,
    );
    expect(rows.rows).toEqual([
      { version: 1, score: 0, author: 'Ann', reverts: null },
      { version: 2, score: 1, author: 'Cy', reverts: null },
      { version: 3, score: 1, author: 'Bo', reverts: 1 },
    ]);
    const items = await db
      .pool()
      .query("SELECT i.version FROM items i JOIN trajectories t ON t.pk = i.trajectory_pk WHERE t.id = 'old-export/0' AND i.criterion_id = 'c1'");
    expect(items.rows).toEqual([{ version: 3 }]);
  });

  it('stores a line whose labels fit, with its figures computed from them', async () => {
    const line = withSection([{ index: 0, criterion: 'c1', steps: [1], labels: [label] }]);
    expect((await ingestText(jsonl([line]))).stored).toBe(1);
    const t = (await db.pool().query('SELECT process_score, labelled FROM trajectories WHERE id = $1', [line.id])).rows[0];
    expect(t).toEqual({ process_score: 0.375, labelled: true });
  });
});
