// Every export kind in every format against a fixture with known labels: the figures worked out by
// hand (and by lib/domain from the trace file itself), a human label moving them, the three formats
// holding the same rows (CSV read back by an RFC 4180 parser of the test's own, Parquet by hyparquet).
import fs from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildPreferencePairs, combinedReward, cumulativeCosts, stepCosts, stepRouting, stepRubricScores } from '@/lib/domain';
import { startExport } from '@/lib/export/run';
import { MANIFEST_PARQUET_KEY } from '@/lib/export/manifest';
import type { Column } from '@/lib/export/columns';
import { EXPORT_KINDS, parseExportRequest, type ExportFormat, type ExportKind } from '@/lib/schemas/exports';
import type { TraceLine } from '@/lib/schemas/trace';
import { useTestDatabase } from './helpers/db';
import { addLabel, bytesOf, knownLines, parseCsv, parseJsonl, readParquet } from './helpers/export';
import { ingestText, jsonl } from './helpers/trace';

const db = useTestDatabase('exportkinds');

const SMALL = fs.readFileSync('tests/fixtures/small.jsonl', 'utf8');
const SMALL_LINES = SMALL.trim()
  .split('\n')
  .map((l) => JSON.parse(l) as TraceLine);

type Rows = Record<string, unknown>[];

async function exportBytes(kind: ExportKind, params: Record<string, string> = {}) {
  const run = await startExport(parseExportRequest(kind, new URLSearchParams(params)));
  const bytes = await bytesOf(run.chunks);
  return { bytes, rows: run.rows(), columns: run.columns, manifest: run.manifest };
}

async function exportJsonl(kind: ExportKind, params: Record<string, string> = {}): Promise<Rows> {
  return parseJsonl((await exportBytes(kind, { ...params, format: 'jsonl' })).bytes.toString('utf8'));
}

/** CSV fields back to values by the column's type (the manifest names the columns). */
function typedCsv(text: string, columns: Column[]): Rows {
  const { header, records } = parseCsv(text);
  expect(header).toEqual(columns.map((c) => c.name));
  return records.map((rec) =>
    Object.fromEntries(
      columns.map((c, i) => {
        const v = rec[i] ?? null;
        if (v === null) return [c.name, null];
        switch (c.type) {
          case 'int':
          case 'double':
            return [c.name, Number(v)];
          case 'bool':
            return [c.name, v === 'true'];
          case 'string':
          case 'timestamp':
            return [c.name, v];
          case 'json':
            return [c.name, JSON.parse(v)];
          default:
            return [c.name, JSON.parse(v)];
        }
      }),
    ),
  );
}

/** Parquet values back to JSON's shapes: timestamps as ISO text, JSON columns parsed. */
function plainParquet(rows: Rows, columns: Column[]): Rows {
  return rows.map((r) =>
    Object.fromEntries(
      columns.map((c) => {
        const v = r[c.name] ?? null;
        if (v instanceof Date) return [c.name, v.toISOString()];
        if (c.type === 'json' && typeof v === 'string') return [c.name, JSON.parse(v)];
        return [c.name, v];
      }),
    ),
  );
}

/** JSON Lines rows in column form (a traces line is the trace itself: its columns are derived). */
function jsonlAsColumns(kind: ExportKind, rows: Rows): Rows {
  if (kind !== 'traces') return rows;
  return rows.map((t) => {
    const r = (t.meta as Record<string, Record<string, unknown>>).routelens!;
    return {
      trajectory_id: t.id,
      run_id: (t.run as { id: string }).id,
      query_id: (t.query as { id: string }).id,
      correct: t.correct,
      cost_usd: r.cost_usd,
      process_score: r.process_score,
      reward: r.reward,
      labelled: r.labelled,
      training_step: (t.training as { step: number } | undefined)?.step ?? null,
      group: t.training ? ((t.training as { group?: string }).group ?? `${(t.query as { id: string }).id}@${(t.training as { step: number }).step}`) : null,
      trace: t,
    };
  });
}

async function allFormats(kind: ExportKind, params: Record<string, string> = {}) {
  const out = {} as Record<ExportFormat, { rows: Rows; count: number; bytes: Buffer; kv?: Record<string, string>; columns: Column[] }>;
  for (const format of ['jsonl', 'csv', 'parquet'] as const) {
    const e = await exportBytes(kind, { ...params, format });
    let rows: Rows;
    let kv: Record<string, string> | undefined;
    if (format === 'jsonl') rows = jsonlAsColumns(kind, parseJsonl(e.bytes.toString('utf8')));
    else if (format === 'csv') rows = typedCsv(e.bytes.toString('utf8'), e.columns);
    else {
      const p = await readParquet(e.bytes);
      rows = plainParquet(p.rows, e.columns);
      kv = p.kv;
    }
    out[format] = { rows, count: e.rows, bytes: e.bytes, kv, columns: e.columns };
  }
  return out;
}

const byStep = (rows: Rows, id: string) => rows.filter((r) => r.trajectory_id === id).map((r) => r.rubric_score);

beforeAll(async () => {
  const known = await ingestText(jsonl(knownLines()));
  const small = await ingestText(SMALL);
  expect(known.stored + small.stored).toBe(2 + SMALL_LINES.length);
});

describe('exports with known labels', () => {
  it('a human label changes the exported scores in every kind', async () => {
    // Judge only. Step 0: c2 (weight 1, 5/10). Step 1: c1 (weight 2, 1) and c2: 2.5 / 3. Step 2: none.
    // Process: c1 1, c2 0.5, c3 (1 + 1) / 2 = 1 -> (2 + 0.5 + 1) / 4.
    const before = await exportJsonl('steps', { run: 'x' });
    expect(byStep(before, 'x/0')).toEqual([0.5, 2.5 / 3, null]);
    expect(before[0]!.process_score).toBe(0.875);
    expect(await exportJsonl('labels', { run: 'x' })).toEqual([]);
    const tracesBefore = await exportJsonl('traces', { run: 'x' });
    const judgmentsBefore = ((tracesBefore[0]!.meta as Record<string, Record<string, unknown>>).routelens!.judgments as Rows)[0]!;
    expect(judgmentsBefore).toMatchObject({ index: 0, criterion: 'c1', source: 'judge', effective_score: 1, labelled_by: null });
    expect((tracesBefore[0]!.meta as Record<string, Record<string, unknown>>).routelens!.items).toEqual([]);

    await addLabel(db.pool(), 'x/0', 0, { score: 0, author: 'Ann "A", Lee', rationale: 'Not the crux,\nreally.', createdAt: '2026-02-03T04:05:06.789Z' });

    // Step 1: c1 now 0 -> (0 + 0.5) / 3. Process: (0 + 0.5 + 1) / 4.
    const after = await exportJsonl('steps', { run: 'x' });
    expect(byStep(after, 'x/0')).toEqual([0.5, 0.5 / 3, null]);
    expect(after[0]!.process_score).toBe(0.375);
    expect(after[0]!.reward).not.toBe(before[0]!.reward);

    const labels = await exportJsonl('labels', { run: 'x' });
    expect(labels).toEqual([
      expect.objectContaining({
        trajectory_id: 'x/0',
        run_id: 'x',
        query_id: 'x-q1',
        criterion: 'c1',
        steps: [1],
        judge_score: 1,
        judge_scores: [{ judge: 'judge-v2', score: 1 }],
        human_score: 0,
        version: 1,
        author: 'Ann "A", Lee',
        author_name: 'Ann "A", Lee',
        created_at: '2026-02-03T04:05:06.789Z',
        rationale: 'Not the crux,\nreally.',
        revert_of_label_id: null,
        revert_to_judge: null,
        on_earlier_content: false,
      }),
    ]);

    const traces = await exportJsonl('traces', { run: 'x' });
    const section = (traces[0]!.meta as Record<string, Record<string, unknown>>).routelens!;
    expect((section.judgments as Rows)[0]).toMatchObject({
      index: 0,
      judge_score: 1,
      effective_score: 0,
      source: 'human',
      labelled_by: 'Ann "A", Lee',
      labelled_by_name: 'Ann "A", Lee',
      labelled_at: '2026-02-03T04:05:06.789Z',
    });
    // The label's history belongs to the item (criterion c1, step 1), once, whatever judges scored it.
    expect(section.items).toEqual([
      {
        criterion: 'c1',
        steps: [1],
        version: 1,
        labels: [
          {
            version: 1,
            score: 0,
            author: 'Ann "A", Lee',
            author_name: 'Ann "A", Lee',
            created_at: '2026-02-03T04:05:06.789Z',
            rationale: 'Not the crux,\nreally.',
            revert_of_version: null,
            revert_to_judge: null,
            on_earlier_content: false,
          },
        ],
      },
    ]);
    expect(section).toMatchObject({ process_score: 0.375, labelled: true, lambda: 0.5, mu: 0.1 });
    expect((section.steps as Rows).map((s) => s.rubric_score)).toEqual([0.5, 0.5 / 3, null]);
    // The judge's own score stays in the trace; the label lives beside it.
    expect((traces[0]!.judgments as Rows)[0]).toMatchObject({ criterion: 'c1', score: 1 });

    const stepwise = await exportJsonl('stepwise', { run: 'x' });
    expect(stepwise[0]!.labels).toEqual([0.5, 0.5 / 3, 0]);
  });

  it('steps: one row per step, every figure from lib/domain over the trace as given', async () => {
    const rows = await exportJsonl('steps');
    const stored = await db
      .pool()
      .query<{ id: string; cost_usd: number; reward: number; process_score: number | null; all_largest_usd: number }>(
        'SELECT id, cost_usd, reward, process_score, all_largest_usd FROM trajectories',
      );
    const t = new Map(stored.rows.map((r) => [r.id, r]));
    expect(rows.length).toBe(SMALL_LINES.reduce((n, l) => n + l.steps.length, 0) + 4);
    for (const line of SMALL_LINES) {
      const mine = rows.filter((r) => r.trajectory_id === line.id);
      const criteria = (line.rubric?.criteria ?? []).map((c) => ({ id: c.id, weight: c.weight, scale: c.scale }));
      const judgments = (line.judgments ?? []).map((j) => ({ criterion: j.criterion, steps: j.steps ?? [], judgeScore: j.score }));
      expect(mine.map((r) => r.step_index)).toEqual(line.steps.map((s) => s.index));
      expect(mine.map((r) => r.model)).toEqual(line.steps.map((s) => s.model));
      expect(mine.map((r) => r.tokens_in)).toEqual(line.steps.map((s) => s.tokens_in));
      expect(mine.map((r) => r.tokens_out)).toEqual(line.steps.map((s) => s.tokens_out));
      const prices = line.models.map((m) => ({ id: m.id, usdPerMtokIn: m.usd_per_mtok_in, usdPerMtokOut: m.usd_per_mtok_out }));
      expect(mine.map((r) => r.cost_usd)).toEqual(
        stepCosts(
          line.steps.map((s) => ({ model: s.model, tokensIn: s.tokens_in, tokensOut: s.tokens_out, costUsd: s.cost_usd })),
          prices,
        ),
      );
      expect(mine.map((r) => r.rubric_score)).toEqual(stepRubricScores(line.steps.length, judgments, criteria));
      expect(mine.map((r) => r.cumulative_cost_usd)).toEqual(cumulativeCosts(mine.map((r) => r.cost_usd as number)));
      const routing = stepRouting(
        prices,
        line.steps.map((s) => ({ model: s.model, probs: s.router?.probs })),
      );
      expect(mine.map((r) => r.escalation)).toEqual(routing.map((s) => s.escalation));
      expect(mine.map((r) => r.chosen_probability)).toEqual(routing.map((s) => s.chosenProbability));
      expect(mine.map((r) => r.normalized_entropy)).toEqual(routing.map((s) => s.normalizedEntropy));
      expect(mine.at(-1)!.cumulative_cost_usd).toBe(t.get(line.id)!.cost_usd);
      for (const r of mine) {
        expect(r).toMatchObject({ run_id: line.run.id, query_id: line.query.id, correct: line.correct, process_score: t.get(line.id)!.process_score });
        // At the default lambda and mu the reward is the stored one.
        expect(r.reward).toBe(t.get(line.id)!.reward);
      }
    }
  });

  it('steps: the reward follows the lambda and mu asked for, and the manifest records them', async () => {
    const e = await exportBytes('steps', { run: 'x', lambda: '2', mu: '0.5' });
    const rows = parseJsonl(e.bytes.toString('utf8'));
    const t = (await db.pool().query('SELECT cost_usd, all_largest_usd, process_score, correct FROM trajectories WHERE id = $1', ['x/0'])).rows[0];
    const expected = combinedReward(
      { correct: t.correct, processScore: t.process_score, costUsd: t.cost_usd, allLargestUsd: t.all_largest_usd },
      { lambda: 2, mu: 0.5 },
    );
    expect(rows[0]!.reward).toBe(expected);
    expect(e.manifest).toMatchObject({ kind: 'steps', format: 'jsonl', lambda: 2, mu: 0.5, filters: { run: 'x' } });
  });

  it('stepwise: TRL columns, floats or booleans with a threshold, and the unscored policies', async () => {
    // x/0 step scores after the label: [0.5, 1/6, null]; x/1 has no judge score but none at all.
    const floats = await exportJsonl('stepwise', { run: 'x' });
    expect(Object.keys(floats[0]!)).toEqual(['prompt', 'completions', 'labels', 'trajectory_id', 'run_id', 'query_id', 'correct']);
    expect(floats[0]).toMatchObject({
      prompt: 'Prompt with "quotes", commas,\nand a newline.',
      completions: ['a, b', 'He said "x = 2",\r\nthen stopped.\nÜnïcödé ✓', ''],
      labels: [0.5, 0.5 / 3, 0],
      trajectory_id: 'x/0',
      correct: true,
    });
    expect((await exportJsonl('stepwise', { run: 'x', threshold: '0.5' }))[0]!.labels).toEqual([true, false, false]);
    expect((await exportJsonl('stepwise', { run: 'x', unscored: 'null' }))[0]!.labels).toEqual([0.5, 0.5 / 3, null]);
    expect((await exportJsonl('stepwise', { run: 'x', unscored: 'null', threshold: '0.1' }))[0]!.labels).toEqual([true, true, null]);
    // Both x trajectories have an unscored step: skip leaves neither.
    expect(await exportJsonl('stepwise', { run: 'x', unscored: 'skip' })).toEqual([]);
  });

  it('preferences: the pairs of scoring.md with the settings asked for, with the joined step texts', async () => {
    const known = await exportJsonl('preferences', { run: 'x' });
    expect(known).toEqual([
      {
        prompt: 'Prompt with "quotes", commas,\nand a newline.',
        chosen: 'a, b\n\nHe said "x = 2",\r\nthen stopped.\nÜnïcödé ✓\n\n',
        rejected: 'A guess.\rOr not.',
        query_id: 'x-q1',
        chosen_id: 'x/0',
        rejected_id: 'x/1',
        reason: 'outcome',
        margin: 1,
      },
    ]);
    const stored = await db
      .pool()
      .query<{ id: string; query_id: string; correct: boolean; process_score: number | null; cost_usd: number }>(
        "SELECT id, query_id, correct, process_score, cost_usd FROM trajectories WHERE run_id <> 'x' ORDER BY pk",
      );
    const settings: { params: Record<string, string>; pairs: { deltaP: number; ratioC: number; cap: number | null } }[] = [
      { params: {}, pairs: { deltaP: 0.1, ratioC: 1.2, cap: null } },
      { params: { delta_p: '0.3', ratio_c: '3', cap: '1' }, pairs: { deltaP: 0.3, ratioC: 3, cap: 1 } },
    ];
    for (const s of settings) {
      const e = await exportBytes('preferences', { ...s.params, format: 'jsonl' });
      const rows = parseJsonl(e.bytes.toString('utf8')).filter((r) => r.query_id !== 'x-q1');
      const expected = [...new Set(stored.rows.map((r) => r.query_id))].sort().flatMap((q) =>
        buildPreferencePairs(
          stored.rows.filter((r) => r.query_id === q).map((r) => ({ id: r.id, correct: r.correct, processScore: r.process_score, costUsd: r.cost_usd })),
          s.pairs,
        ),
      );
      const order = (a: { chosen: unknown; rejected: unknown }, b: { chosen: unknown; rejected: unknown }) =>
        `${a.chosen} ${a.rejected}` < `${b.chosen} ${b.rejected}` ? -1 : 1;
      expect(rows.map((r) => ({ chosen: r.chosen_id, rejected: r.rejected_id, reason: r.reason, margin: r.margin })).sort(order)).toEqual(
        expected.map((p) => ({ chosen: p.chosen, rejected: p.rejected, reason: p.reason, margin: p.margin })).sort(order),
      );
      expect(e.manifest).toMatchObject({ delta_p: s.pairs.deltaP, ratio_c: s.pairs.ratioC, cap: s.pairs.cap });
    }
    const pair = parseJsonl((await exportBytes('preferences', { format: 'jsonl' })).bytes.toString('utf8')).find((r) => r.query_id !== 'x-q1')!;
    const chosen = SMALL_LINES.find((l) => l.id === pair.chosen_id)!;
    const rejected = SMALL_LINES.find((l) => l.id === pair.rejected_id)!;
    expect(pair.chosen).toBe(chosen.steps.map((s) => s.text).join('\n\n'));
    expect(pair.rejected).toBe(rejected.steps.map((s) => s.text).join('\n\n'));
    expect(pair.prompt).toBe(chosen.query.text);
  });

  it('labels: every label event, a revert naming the label it reverts', async () => {
    const revert = await addLabel(db.pool(), 'x/0', 0, { score: 1, author: 'Bo', createdAt: '2026-02-04T00:00:00.000Z', revertOfVersion: 1 });
    const rows = await exportJsonl('labels');
    expect(rows.map((r) => [r.version, r.human_score, r.author])).toEqual([
      [1, 0, 'Ann "A", Lee'],
      [2, 1, 'Bo'],
    ]);
    expect(rows[1]).toMatchObject({ label_id: revert, revert_of_label_id: rows[0]!.label_id, item_id: rows[0]!.item_id, rationale: null });
    // The revert restores the judge's view of step 1.
    expect(byStep(await exportJsonl('steps', { run: 'x' }), 'x/0')).toEqual([0.5, 2.5 / 3, null]);
    // Undo, so the other tests see the single label they expect.
    await addLabel(db.pool(), 'x/0', 0, { score: 0, author: 'Ann "A", Lee', createdAt: '2026-02-05T00:00:00.000Z' });
  });

  it('filters select exactly the trajectories of the list', async () => {
    const ids = async (params: Record<string, string>) => [...new Set((await exportJsonl('steps', params)).map((r) => r.trajectory_id))].sort();
    const sqlIds = async (where: string, values: unknown[] = []) =>
      (await db.pool().query<{ id: string }>(`SELECT id FROM trajectories t WHERE ${where} ORDER BY id`, values)).rows.map((r) => r.id).sort();
    expect(await ids({ run: 'x' })).toEqual(['x/0', 'x/1']);
    expect(await ids({ correct: 'false' })).toEqual(await sqlIds('NOT correct'));
    expect(await ids({ labelled: 'true' })).toEqual(['x/0']);
    expect(await ids({ benchmark: 'GSM8K' })).toEqual(await sqlIds("benchmark = 'GSM8K'"));
    expect(await ids({ model: 'large' })).toEqual(['x/0']);
    expect(await ids({ q: 'quotes' })).toEqual(['x/0', 'x/1']);
    expect(await ids({ min_cost: '0.0001' })).toEqual(await sqlIds('cost_usd >= 0.0001'));
    // An unknown run is refused (400), not answered with an empty file.
    await expect(exportJsonl('traces', { run: 'nobody' })).rejects.toThrow(/no run is named "nobody"/);
  });
});

describe('formats', () => {
  const settings: Partial<Record<ExportKind, Record<string, string>[]>> = {
    stepwise: [{}, { threshold: '0.5' }, { unscored: 'null' }],
  };
  for (const kind of EXPORT_KINDS) {
    for (const params of settings[kind] ?? [{}]) {
      it(`${kind} ${JSON.stringify(params)}: JSON Lines, CSV and Parquet hold the same rows`, async () => {
        const f = await allFormats(kind, params);
        expect(f.jsonl.rows.length).toBeGreaterThan(0);
        expect(f.jsonl.count).toBe(f.jsonl.rows.length);
        expect(f.csv.rows).toEqual(f.jsonl.rows);
        expect(f.parquet.rows).toEqual(f.jsonl.rows);
        // Parquet carries its manifest, with the row count, in its key-value metadata.
        const manifest = JSON.parse(f.parquet.kv![MANIFEST_PARQUET_KEY]!);
        expect(manifest).toMatchObject({ kind, format: 'parquet', rows: f.jsonl.rows.length, columns: f.parquet.columns.map((c) => c.name) });
      });
    }
  }

  it('CSV follows RFC 4180: quotes, commas, CR and LF inside fields survive, null and "" stay apart', async () => {
    const e = await exportBytes('stepwise', { run: 'x', format: 'csv', unscored: 'null' });
    const text = e.bytes.toString('utf8');
    expect(text.startsWith('prompt,completions,labels,trajectory_id,run_id,query_id,correct\r\n')).toBe(true);
    const { records } = parseCsv(text);
    expect(records[0]![0]).toBe('Prompt with "quotes", commas,\nand a newline.');
    expect(JSON.parse(records[0]![1]!)).toEqual(['a, b', 'He said "x = 2",\r\nthen stopped.\nÜnïcödé ✓', '']);
    const steps = parseCsv((await exportBytes('preferences', { run: 'x', format: 'csv' })).bytes.toString('utf8')).records[0]!;
    expect(steps[1]).toBe('a, b\n\nHe said "x = 2",\r\nthen stopped.\nÜnïcödé ✓\n\n');
    const labels = parseCsv((await exportBytes('labels', { format: 'csv' })).bytes.toString('utf8'));
    const rationale = labels.header.indexOf('rationale');
    const revert = labels.header.indexOf('revert_of_label_id');
    expect(labels.records[0]![rationale]).toBe('Not the crux,\nreally.');
    expect(labels.records[0]![revert]).toBeNull();
    // The empty step text is "" (an empty string), not a missing value.
    const stepsCsv = parseCsv((await exportBytes('traces', { run: 'x', format: 'csv' })).bytes.toString('utf8'));
    expect(JSON.parse(stepsCsv.records[0]![stepsCsv.header.indexOf('trace')]!).steps[2].text).toBe('');
  });

  it('Parquet types: lists, nullable list items, booleans and timestamps read back by hyparquet', async () => {
    const stepwise = await readParquet((await exportBytes('stepwise', { run: 'x', format: 'parquet', unscored: 'null', threshold: '0.4' })).bytes);
    expect(stepwise.rows[0]).toMatchObject({
      completions: ['a, b', 'He said "x = 2",\r\nthen stopped.\nÜnïcödé ✓', ''],
      labels: [true, false, null],
      correct: true,
    });
    const labels = await readParquet((await exportBytes('labels', { format: 'parquet' })).bytes);
    expect(labels.rows[0]!.created_at).toEqual(new Date('2026-02-03T04:05:06.789Z'));
    expect(labels.rows[0]!.steps).toEqual([1]);
  });
});
