// Reading exports back for tests, with readers that share no code with the writers: an RFC 4180 CSV
// parser written here, hyparquet for Parquet, JSON.parse for JSON Lines. And human labels written
// the way a relabel writes them (label, judgment version, recomputed figures, one transaction).
import type pg from 'pg';
import { parquetMetadata, parquetReadObjects } from 'hyparquet';
import { recomputeTrajectory } from '@/lib/db/derived';
import { withTransaction } from '@/lib/db/pool';

export async function bytesOf(chunks: AsyncIterable<Uint8Array> | ReadableStream<Uint8Array>): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const c of chunks as AsyncIterable<Uint8Array>) parts.push(Buffer.from(c));
  return Buffer.concat(parts);
}

export function parseJsonl(text: string): Record<string, unknown>[] {
  if (text === '') return [];
  if (!text.endsWith('\n')) throw new Error('JSON Lines must end with a newline');
  return text
    .slice(0, -1)
    .split('\n')
    .map((l) => JSON.parse(l) as Record<string, unknown>);
}

/** RFC 4180: fields separated by commas, records by CRLF, quoted fields may hold anything ("" is a quote). */
export function parseCsv(text: string): { header: string[]; records: (string | null)[][] } {
  const records: (string | null)[][] = [];
  let record: (string | null)[] = [];
  let i = 0;
  const n = text.length;
  while (i < n) {
    let field: string | null;
    if (text[i] === '"') {
      let value = '';
      i++;
      for (;;) {
        if (i >= n) throw new Error('unterminated quoted field');
        if (text[i] === '"') {
          if (text[i + 1] === '"') {
            value += '"';
            i += 2;
            continue;
          }
          i++;
          break;
        }
        value += text[i++];
      }
      field = value;
    } else {
      let end = i;
      while (end < n && text[end] !== ',' && text[end] !== '\r') {
        if (text[end] === '"' || text[end] === '\n') throw new Error(`bare ${JSON.stringify(text[end])} in an unquoted field at ${end}`);
        end++;
      }
      // An empty unquoted field is a null; "" is the empty string.
      field = end === i ? null : text.slice(i, end);
      i = end;
    }
    record.push(field);
    if (text[i] === ',') {
      i++;
    } else if (text.startsWith('\r\n', i)) {
      i += 2;
      records.push(record);
      record = [];
    } else if (i < n) {
      throw new Error(`expected a comma or CRLF at ${i}`);
    }
  }
  if (record.length) throw new Error('the last record has no CRLF');
  const [header, ...rest] = records;
  return { header: (header ?? []) as string[], records: rest };
}

export async function readParquet(
  bytes: Buffer,
): Promise<{ rows: Record<string, unknown>[]; kv: Record<string, string>; rowGroups: number; groupRows: number[] }> {
  const file = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
  const meta = parquetMetadata(file);
  const rows = (await parquetReadObjects({ file })) as Record<string, unknown>[];
  const kv = Object.fromEntries((meta.key_value_metadata ?? []).map((e) => [e.key, e.value ?? '']));
  return { rows, kv, rowGroups: meta.row_groups.length, groupRows: meta.row_groups.map((g) => Number(g.num_rows)) };
}

/** Appends a human label to the item of the judgment at `position` of a trajectory, as a relabel does. */
export async function addLabel(
  pool: pg.Pool,
  trajectoryId: string,
  position: number,
  label: { score: number; author: string; rationale?: string; createdAt?: string; revertOfVersion?: number },
): Promise<number> {
  return withTransaction(async (c) => {
    const j = await c.query<{ id: number; version: number; pk: number }>(
      `SELECT i.id, i.version, t.pk FROM judgments j JOIN items i ON i.id = j.item_id JOIN trajectories t ON t.pk = j.trajectory_pk
        WHERE t.id = $1 AND j.position = $2 FOR UPDATE OF i`,
      [trajectoryId, position],
    );
    const row = j.rows[0];
    if (!row) throw new Error(`no judgment ${position} on ${trajectoryId}`);
    const version = row.version + 1;
    const revertOf =
      label.revertOfVersion === undefined
        ? null
        : (await c.query<{ id: number }>('SELECT id FROM labels WHERE item_id = $1 AND version = $2', [row.id, label.revertOfVersion])).rows[0]!.id;
    const r = await c.query<{ id: number }>(
      `INSERT INTO labels (item_id, version, score, rationale, author, created_at, revert_of_label_id)
       VALUES ($1, $2, $3, $4, $5, coalesce($6::timestamptz AT TIME ZONE 'UTC', now() AT TIME ZONE 'UTC'), $7) RETURNING id`,
      [row.id, version, label.score, label.rationale ?? null, label.author, label.createdAt ?? null, revertOf],
    );
    await c.query('UPDATE items SET version = $2 WHERE id = $1', [row.id, version]);
    await recomputeTrajectory(c, row.pk);
    return r.rows[0]!.id;
  }, pool);
}

/** A judgment that a person adds where the judge gave none (no judge score), with its first label. */
export async function addHumanJudgment(
  pool: pg.Pool,
  trajectoryId: string,
  judgment: { criterion: string; steps: number[] },
  label: { score: number; author: string; rationale?: string; createdAt?: string },
): Promise<number> {
  const position = await withTransaction(async (c) => {
    const r = await c.query<{ position: number }>(
      `WITH t AS (SELECT pk FROM trajectories WHERE id = $1),
            item AS (INSERT INTO items (trajectory_pk, criterion_id, steps) SELECT pk, $2, step_set($3) FROM t RETURNING id, trajectory_pk)
       INSERT INTO judgments (trajectory_pk, position, item_id, criterion_id, steps, judge_score)
       SELECT item.trajectory_pk, coalesce((SELECT max(position) + 1 FROM judgments WHERE trajectory_pk = item.trajectory_pk), 0), item.id, $2, $3, NULL
         FROM item RETURNING position`,
      [trajectoryId, judgment.criterion, judgment.steps],
    );
    return r.rows[0]!.position;
  }, pool);
  await addLabel(pool, trajectoryId, position, label);
  return position;
}

/**
 * Trajectories whose figures are worked out by hand in tests/export-kinds.test.ts. Query x-q1: "x/0"
 * (correct) and "x/1" (wrong). Step texts hold commas, quotes, CRLF, a lone CR and LF, and one is empty.
 * Judgments of x/0: 0 = c1 (binary, weight 2) on step 1 = 1; 1 = c2 (numeric 0..10, weight 1) on
 * steps 0 and 1 = 5; 2 = c3 (ternary, weight 1) on the whole trajectory = 1.
 */
export function knownLines(): Record<string, unknown>[] {
  const models = [
    { id: 'small', params_b: 1.7, usd_per_mtok_in: 0.1, usd_per_mtok_out: 0.4 },
    { id: 'large', params_b: 32, usd_per_mtok_in: 0.8, usd_per_mtok_out: 3.2 },
  ];
  const rubric = {
    id: 'x-q1/rubric',
    criteria: [
      { id: 'c1', text: 'The crux goes to the large model.', weight: 2, scale: { kind: 'binary' } },
      { id: 'c2', text: 'Arithmetic stays small, "mostly".', weight: 1, scale: { kind: 'numeric', min: 0, max: 10 } },
      { id: 'c3', text: 'No wasted steps.', weight: 1, scale: { kind: 'ternary' } },
    ],
  };
  const query = { id: 'x-q1', benchmark: 'MATH500', text: 'Prompt with "quotes", commas,\nand a newline.' };
  return [
    {
      format: 'routelens.trace.v1',
      id: 'x/0',
      run: { id: 'x', policy: 'roro', meta: { z: 1, a: [1, 2] } },
      query,
      models,
      steps: [
        { index: 0, model: 'small', text: 'a, b', tokens_in: 10, tokens_out: 5 },
        {
          index: 1,
          model: 'large',
          text: 'He said "x = 2",\r\nthen stopped.\nÜnïcödé ✓',
          tokens_in: 20,
          tokens_out: 10,
          latency_ms: 12.5,
          router: { probs: { small: 0.25, large: 0.75 } },
          cost_usd: 0.00005,
        },
        { index: 2, model: 'small', text: '', tokens_in: 1, tokens_out: 1, cost_usd: null },
      ],
      final_answer: '2',
      correct: true,
      rubric,
      judgments: [
        { criterion: 'c1', steps: [1], score: 1, rationale: 'Crux, on large.', judge: 'judge-v2' },
        { criterion: 'c2', steps: [0, 1], score: 5 },
        { criterion: 'c3', score: 1, judge: 'judge-v2' },
      ],
      meta: { b: 1, a: { y: 2, x: 1 } },
    },
    {
      format: 'routelens.trace.v1',
      id: 'x/1',
      run: { id: 'x', policy: 'roro', meta: { z: 1, a: [1, 2] } },
      query,
      models,
      steps: [{ index: 0, model: 'small', text: 'A guess.\rOr not.', tokens_in: 10, tokens_out: 3 }],
      correct: false,
      rubric,
      judgments: [],
    },
  ];
}

/**
 * Strings that every escape of COPY, JSON and CSV meets, and every first character, with one text of
 * `longLength` characters.
 */
export function escapeCorpus(longLength: number): string[] {
  return [
    '',
    'plain',
    '\\N',
    '\\',
    '\\\\N',
    'back\\slash and \\n not a newline',
    'tab\there',
    'line\nbreak',
    'cr\rlf\r\n',
    'only\rcr',
    'only\nlf',
    'quote " inside',
    '"quoted"',
    'comma, inside',
    '\b\f\v\u0001\u001f\u007f',
    'Ünïcödé ✓ 😀 \u2028',
    '=1+1',
    '+SUM(A1)',
    '-3',
    '-x',
    '@cmd',
    '\tstarts with a tab',
    '\rstarts with CR',
    '"=a quote, then a formula',
    '""',
    '1e-05',
    '$x^2$ and \\frac{1}{2}',
    '{"a": "b\\"c"}',
    'x'.repeat(longLength),
    ...Array.from({ length: 127 }, (_, i) => `${String.fromCharCode(i + 1)}rest, "of" it\\`),
  ];
}
