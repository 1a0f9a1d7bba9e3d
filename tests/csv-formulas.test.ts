// CSV cells that a spreadsheet would run (=, +, -, @, tab, CR at the start, not a number) are written
// with a leading ' in every CSV export; JSON Lines keeps the texts unchanged.
import { beforeAll, describe, expect, it } from 'vitest';
import { defuseFormula } from '@/lib/export/csv';
import { startExport } from '@/lib/export/run';
import { EXPORT_KINDS, parseExportRequest } from '@/lib/schemas/exports';
import { call, signedIn } from './helpers/api';
import { useTestDatabase } from './helpers/db';
import { bytesOf, parseCsv } from './helpers/export';
import { judgmentsOf } from './helpers/labels';
import { baseLine, ingestText, jsonl } from './helpers/trace';

process.env.ROUTELENS_EMBEDDED = 'false';
useTestDatabase('csvformulas');

const HYPERLINK = '=HYPERLINK("http://evil.example/","x")';
const HOSTILE = [HYPERLINK, '+cmd|" /C calc"!A0', '@SUM(1+1)*cmd|" /C calc"!A0', '-2+3+cmd|" /C calc"!A0', '\t=1+1', '\r=1+1'];
const FORMULA_START = /^[=+\-@\t\r]/;
const NUMBER = /^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/;

describe('defuseFormula', () => {
  it('prefixes what a spreadsheet would run and leaves numbers and plain text alone', () => {
    for (const t of HOSTILE) expect(defuseFormula(t)).toBe(`'${t}`);
    for (const t of ['-0.5', '+3', '-1e-9', '1.5', '.5', 'plain', "'=already", ' =1', '']) expect(defuseFormula(t)).toBe(t);
    expect(defuseFormula('-')).toBe("'-");
    expect(defuseFormula('-x')).toBe("'-x");
  });
});

describe('every CSV export', () => {
  beforeAll(async () => {
    const line = (i: number, correct: boolean) =>
      baseLine(`evil/${i}`, {
        run: { id: 'evil', policy: HOSTILE[1] },
        query: { id: HOSTILE[2], benchmark: HOSTILE[3], text: HYPERLINK, reference_answer: HOSTILE[4] },
        steps: [
          { index: 0, model: 'small', text: HOSTILE[1], tokens_in: 100, tokens_out: 50 },
          { index: 1, model: 'large', text: HOSTILE[2], tokens_in: 200, tokens_out: 100 },
          { index: 2, model: 'small', text: '-0.5', tokens_in: 10, tokens_out: 5 },
        ],
        final_answer: HOSTILE[5],
        correct,
        judgments: [
          { criterion: 'c1', steps: [1], score: correct ? 1 : 0, rationale: HOSTILE[0], judge: '@judge' },
          { criterion: 'c2', steps: [0], score: 5, rationale: '-bad' },
        ],
      });
    const s = await ingestText(jsonl([line(0, true), line(1, false)]));
    expect(s.failed, JSON.stringify(s.errors)).toBe(0);
    const ann = await signedIn('ann', 'annotator');
    const [j] = await judgmentsOf('evil/0');
    const { POST } = await import('@/app/api/judgments/[id]/labels/route');
    const res = await call(POST, {
      method: 'POST',
      params: { id: String(j!.id) },
      body: { score: 0, rationale: '=1+1', expected_version: j!.version },
      as: ann,
    });
    expect(res.status).toBe(201);
  });

  it('writes no cell that starts a formula, and the hostile texts with a leading quote', async () => {
    const cells: string[] = [];
    for (const kind of EXPORT_KINDS) {
      const run = await startExport(parseExportRequest(kind, new URLSearchParams({ format: 'csv' })));
      const { records } = parseCsv((await bytesOf(run.chunks)).toString('utf8'));
      expect(records.length, kind).toBeGreaterThan(0);
      for (const rec of records) for (const cell of rec) if (cell !== null) cells.push(cell);
    }
    for (const cell of cells) expect(FORMULA_START.test(cell) && !NUMBER.test(cell), JSON.stringify(cell)).toBe(false);
    // The query text (stepwise and preference prompts), the query id, a label's rationale, and the
    // step texts of a preference pair (which start with a step that starts with +).
    expect(cells).toContain(`'${HYPERLINK}`);
    expect(cells).toContain(`'${HOSTILE[2]}`);
    expect(cells).toContain("'=1+1");
    expect(cells.some((c) => c.startsWith(`'${HOSTILE[1]}`))).toBe(true);
  });

  it('leaves JSON Lines unchanged', async () => {
    const run = await startExport(parseExportRequest('stepwise', new URLSearchParams({ format: 'jsonl' })));
    const text = (await bytesOf(run.chunks)).toString('utf8');
    expect(text).toContain(JSON.stringify(HOSTILE[1]));
    expect(text).toContain(JSON.stringify(HYPERLINK));
    expect(text).not.toContain(`"'${HOSTILE[1]!.slice(0, 5)}`);
  });
});
