// Every rule of trace-format.md, each broken by one line of a file: the error names the line and the
// JSON path, nothing of that line is stored, and the valid lines around it are.
import { describe, expect, it } from 'vitest';
import { useTestDatabase } from './helpers/db';
import { call } from './helpers/api';
import { baseLine, ingestText, jsonl, withChange, type Json } from './helpers/trace';

const db = useTestDatabase('rules');

interface Case {
  rule: string;
  line: (l: Json) => Json | string;
  path: string;
  message?: RegExp;
}

const at = (path: (string | number)[], value: unknown) => (l: Json) => withChange(l, path, value);

const CASES: Case[] = [
  { rule: 'format is required', line: at(['format'], undefined), path: '/format' },
  { rule: 'format is exactly routelens.trace.v1', line: at(['format'], 'routelens.trace.v2'), path: '/format', message: /routelens\.trace\.v1/ },
  { rule: 'id is required', line: at(['id'], undefined), path: '/id', message: /required/ },
  { rule: 'id is not empty', line: at(['id'], ''), path: '/id', message: /empty/ },
  { rule: 'id is at most 200 characters', line: at(['id'], 'x'.repeat(201)), path: '/id', message: /200/ },
  { rule: 'run is required', line: at(['run'], undefined), path: '/run' },
  { rule: 'run.id is required', line: at(['run', 'id'], undefined), path: '/run/id' },
  { rule: 'run has no unknown keys', line: at(['run', 'name'], 'x'), path: '/run/name', message: /unknown key/ },
  { rule: 'run.meta is an object', line: at(['run', 'meta'], [1, 2]), path: '/run/meta' },
  { rule: 'query.text is required', line: at(['query', 'text'], undefined), path: '/query/text' },
  { rule: 'query.id is at most 200 characters', line: at(['query', 'id'], 'q'.repeat(201)), path: '/query/id' },
  { rule: 'texts hold no NUL character', line: at(['steps', 1, 'text'], 'a\u0000b'), path: '/steps/1/text', message: /NUL/ },
  { rule: 'texts are at most 1 MB', line: at(['steps', 0, 'text'], 'a'.repeat(1_048_577)), path: '/steps/0/text', message: /1048576/ },
  { rule: 'models has at least one model', line: at(['models'], []), path: '/models' },
  { rule: 'a model has its prices', line: at(['models', 0, 'usd_per_mtok_in'], undefined), path: '/models/0/usd_per_mtok_in' },
  { rule: 'prices are >= 0', line: at(['models', 1, 'usd_per_mtok_out'], -1), path: '/models/1/usd_per_mtok_out' },
  { rule: 'a model id is listed once', line: at(['models', 1, 'id'], 'small'), path: '/models/1/id', message: /twice/ },
  { rule: 'steps has at least one step', line: at(['steps'], []), path: '/steps' },
  {
    rule: 'steps has at most 20000 steps',
    line: (l) => ({
      ...l,
      judgments: [],
      steps: Array.from({ length: 20_001 }, (_, i) => ({ index: i, model: 'small', text: '', tokens_in: 1, tokens_out: 1 })),
    }),
    path: '/steps',
    message: /20000/,
  },
  { rule: 'step indexes run 0..n-1 without gaps', line: at(['steps', 1, 'index'], 2), path: '/steps/1/index', message: /must be 1/ },
  { rule: "a step's model is one of models", line: at(['steps', 0, 'model'], 'medium'), path: '/steps/0/model', message: /not one of the line's models/ },
  { rule: 'tokens are integers', line: at(['steps', 0, 'tokens_in'], 1.5), path: '/steps/0/tokens_in', message: /integer/ },
  { rule: 'tokens are >= 0', line: at(['steps', 0, 'tokens_out'], -1), path: '/steps/0/tokens_out' },
  { rule: 'a step has tokens_in', line: at(['steps', 1, 'tokens_in'], undefined), path: '/steps/1/tokens_in' },
  { rule: 'latency is >= 0', line: at(['steps', 1, 'latency_ms'], -5), path: '/steps/1/latency_ms' },
  { rule: 'a step has no unknown keys', line: at(['steps', 0, 'score'], 1), path: '/steps/0/score', message: /unknown key/ },
  { rule: 'router probs lie in 0..1', line: at(['steps', 1, 'router', 'probs', 'large'], 1.7), path: '/steps/1/router/probs/large' },
  { rule: 'router probs name models', line: at(['steps', 1, 'router', 'probs'], { small: 0.3, medium: 0.7 }), path: '/steps/1/router/probs/medium' },
  { rule: 'router probs sum to about 1', line: at(['steps', 1, 'router', 'probs'], { small: 0.3, large: 0.3 }), path: '/steps/1/router/probs', message: /sum/ },
  { rule: 'cost_usd is >= 0 or null', line: at(['steps', 0, 'cost_usd'], -0.01), path: '/steps/0/cost_usd' },
  { rule: 'correct is required', line: at(['correct'], undefined), path: '/correct', message: /required/ },
  { rule: 'correct is a boolean', line: at(['correct'], 'yes'), path: '/correct', message: /true or false/ },
  { rule: 'final_answer is a string', line: at(['final_answer'], 14), path: '/final_answer' },
  { rule: 'rubric.id is required', line: at(['rubric', 'id'], undefined), path: '/rubric/id' },
  { rule: 'rubric has at least one criterion', line: (l) => ({ ...withChange(l, ['rubric', 'criteria'], []), judgments: [] }), path: '/rubric/criteria' },
  { rule: 'weights are > 0', line: at(['rubric', 'criteria', 0, 'weight'], 0), path: '/rubric/criteria/0/weight' },
  {
    rule: 'scale kinds are binary, ternary or numeric',
    line: at(['rubric', 'criteria', 0, 'scale'], { kind: 'likert' }),
    path: '/rubric/criteria/0/scale/kind',
    message: /binary/,
  },
  { rule: 'a numeric scale has min and max', line: at(['rubric', 'criteria', 1, 'scale'], { kind: 'numeric', min: 0 }), path: '/rubric/criteria/1/scale/max' },
  {
    rule: 'a numeric scale has min < max',
    line: at(['rubric', 'criteria', 1, 'scale'], { kind: 'numeric', min: 3, max: 3 }),
    path: '/rubric/criteria/1/scale',
  },
  { rule: 'a criterion id is listed once', line: at(['rubric', 'criteria', 2, 'id'], 'c1'), path: '/rubric/criteria/2/id', message: /twice/ },
  { rule: 'judgments need a rubric', line: at(['rubric'], undefined), path: '/judgments', message: /rubric/ },
  { rule: "a judgment's criterion is one of the rubric's", line: at(['judgments', 0, 'criterion'], 'c9'), path: '/judgments/0/criterion' },
  {
    rule: "a judgment's steps are steps of the trajectory",
    line: at(['judgments', 0, 'steps'], [0, 2]),
    path: '/judgments/0/steps/1',
    message: /does not exist/,
  },
  { rule: 'a binary score is 0 or 1', line: at(['judgments', 0, 'score'], 0.5), path: '/judgments/0/score', message: /binary/ },
  { rule: 'a numeric score lies in [min, max]', line: at(['judgments', 1, 'score'], 11), path: '/judgments/1/score', message: /0 to 10/ },
  {
    rule: 'a ternary score is -1, 0 or 1',
    line: (l) => withChange(l, ['judgments'], [{ criterion: 'c3', score: 2 }]),
    path: '/judgments/0/score',
    message: /ternary/,
  },
  { rule: 'a judgment has a score', line: at(['judgments', 0, 'score'], undefined), path: '/judgments/0/score' },
  { rule: 'unknown top-level keys are an error', line: at(['extra'], 1), path: '/extra', message: /unknown key "extra"/ },
  { rule: 'meta is an object', line: at(['meta'], 'text'), path: '/meta', message: /object/ },
  { rule: 'huge numbers are not finite', line: () => JSON.stringify(baseLine()).replace('"tokens_in":100', '"tokens_in":1e400'), path: '/steps/0/tokens_in' },
  { rule: 'a line is JSON', line: () => '{"format": "routelens.trace.v1", "id": ', path: '', message: /not valid JSON/ },
  { rule: 'a line is one object', line: () => '[1, 2, 3]', path: '', message: /one JSON object/ },
];

describe('every rule of trace-format.md', () => {
  it('reports each broken line with its number and path, stores none of it, and stores the valid lines', async () => {
    const lines: (Json | string)[] = [];
    const expected: { line: number; case: Case; id: string }[] = [];
    CASES.forEach((c, i) => {
      // Each broken line brings dimensions of its own, so "nothing of it stored" is checkable.
      const own = baseLine(`bad/${i}`, { run: { id: `bad-run-${i}` }, query: { id: `bad-q-${i}`, text: `q ${i}` } });
      own.rubric = { ...(own.rubric as Json), id: `bad-rubric-${i}` };
      own.models = [
        { id: 'small', params_b: 1.7, usd_per_mtok_in: 0.1, usd_per_mtok_out: 0.4 },
        { id: 'large', params_b: 32, usd_per_mtok_in: 0.8, usd_per_mtok_out: 3.2 },
      ];
      lines.push(baseLine(`good/${i}`));
      lines.push(c.line(own));
      expected.push({ line: lines.length, case: c, id: `bad/${i}` });
    });
    const summary = await ingestText(jsonl(lines));
    expect(summary.failed).toBe(CASES.length);
    expect(summary.stored).toBe(CASES.length);
    for (const e of expected) {
      const err = summary.errors.find((x) => x.line === e.line);
      expect(err, `${e.case.rule}: no error for line ${e.line}`).toBeDefined();
      expect(err!.path, e.case.rule).toBe(e.case.path);
      if (e.case.message) expect(err!.message, e.case.rule).toMatch(e.case.message);
      expect(err!.message.length, e.case.rule).toBeGreaterThan(5);
    }
    const pool = db.pool();
    const stored = await pool.query("SELECT count(*) AS n FROM trajectories WHERE id LIKE 'bad/%'");
    expect(stored.rows[0].n).toBe(0);
    const dims = await pool.query(
      `SELECT (SELECT count(*) FROM runs WHERE id LIKE 'bad-run-%') AS runs,
              (SELECT count(*) FROM queries WHERE id LIKE 'bad-q-%') AS queries,
              (SELECT count(*) FROM rubrics WHERE id LIKE 'bad-rubric-%') AS rubrics`,
    );
    expect(dims.rows[0]).toEqual({ runs: 0, queries: 0, rubrics: 0 });
    const good = await pool.query("SELECT count(*) AS n FROM trajectories WHERE id LIKE 'good/%'");
    expect(good.rows[0].n).toBe(CASES.length);
  });

  it('keeps unknown keys inside meta, as given', async () => {
    const line = baseLine('meta/0', { meta: { b: [1, { z: null }], a: 'x', nested: { deep: { deeper: true } } } });
    const s = await ingestText(jsonl([line]));
    expect(s.stored).toBe(1);
    const r = await db.pool().query("SELECT meta::text AS meta FROM trajectories WHERE id = 'meta/0'");
    expect(r.rows[0].meta).toBe('{"b":[1,{"z":null}],"a":"x","nested":{"deep":{"deeper":true}}}');
  });

  it('stores meta, run meta and router as the line writes them, and serves and exports them so', async () => {
    // Numbers as written, integer-like keys where they stand, escapes as written, a key given twice.
    const meta = '{"b": 1.50, "10": "\\u00e9 is \u00e9", "b": 2, "tool": "routelens"}';
    const runMeta = '{ "lr" : 3.0e-6, "2": null }';
    const router = '{"probs": {"large": 0.70, "small": 0.30}}';
    const json = JSON.stringify(baseLine('verbatim/0', { run: { id: 'verbatim-run', policy: 'roro' } }));
    const text = json
      .replace('"policy":"roro"', `"policy":"roro","meta":${runMeta}`)
      .replace('"router":{"probs":{"small":0.3,"large":0.7}}', `"router":${router}`)
      .replace('"meta":{"seed":7,"note":"kept as given"}', `"meta":${meta}`);
    expect(text).toContain(router);
    expect(text).toContain(`"meta":${meta}`);
    const s = await ingestText(text + '\n');
    expect(s).toMatchObject({ stored: 1, failed: 0 });
    const t = await db.pool().query(
      `SELECT t.meta::text AS meta, r.meta::text AS run_meta, s.router::text AS router
         FROM trajectories t JOIN runs r ON r.id = t.run_id JOIN steps s ON s.trajectory_pk = t.pk AND s.index = 1
        WHERE t.id = 'verbatim/0'`,
    );
    expect(t.rows[0]).toEqual({ meta, run_meta: runMeta, router });

    // The same line again is unchanged (identity compares values); with 1.5 for 1.50 too.
    expect(await ingestText(text + '\n')).toMatchObject({ unchanged: 1 });

    process.env.ROUTELENS_EMBEDDED = 'true';
    const { GET } = await import('@/app/api/exports/[kind]/route');
    const res = await call(GET, { path: '/api/exports/traces?format=jsonl&run=verbatim-run', params: { kind: 'traces' } });
    const exported = await res.text();
    expect(exported).toContain(`"meta":${meta.slice(0, -1)},"routelens":`);
    expect(exported).toContain(`"meta":${runMeta}`);
    expect(exported).toContain(`"router":${router}`);
    // meta.routelens of an export is routelens's own: ingest leaves it out of the stored meta.
    await db.pool().query("DELETE FROM steps; DELETE FROM judgments; DELETE FROM trajectories WHERE id = 'verbatim/0'");
    await db.pool().query('DELETE FROM run_stats; DELETE FROM run_model_stats');
    expect(await ingestText(exported)).toMatchObject({ stored: 1, failed: 0 });
    const again = await db.pool().query("SELECT meta::text AS meta FROM trajectories WHERE id = 'verbatim/0'");
    expect(again.rows[0].meta).toBe(meta);
  });
});

describe('definitions that conflict with stored ones', () => {
  it('refuses a line that redefines a model, query, run or rubric; the first definition stands', async () => {
    const first = baseLine('conf/0', { run: { id: 'conf-run', policy: 'roro' }, query: { id: 'conf-q', text: 'original text' } });
    (first.rubric as Json).id = 'conf-rubric';
    await ingestText(jsonl([first]));
    const cases: [Json, string, RegExp][] = [
      [
        withChange(withChange(first, ['id'], 'conf/1'), ['models', 1, 'usd_per_mtok_out'], 3.5),
        '/models/1/usd_per_mtok_out',
        /already defined with usd_per_mtok_out 3\.2, this line says 3\.5/,
      ],
      [withChange(withChange(first, ['id'], 'conf/2'), ['query', 'text'], 'another text'), '/query/text', /already defined/],
      [withChange(withChange(first, ['id'], 'conf/3'), ['run', 'policy'], 'random'), '/run/policy', /already defined/],
      [withChange(withChange(first, ['id'], 'conf/4'), ['rubric', 'criteria', 0, 'weight'], 3), '/rubric/criteria/0', /other criteria/],
    ];
    const s = await ingestText(jsonl(cases.map((c) => c[0])));
    expect(s.failed).toBe(4);
    cases.forEach(([, path, msg], i) => {
      expect(s.errors[i]).toMatchObject({ line: i + 1, id: `conf/${i + 1}`, path });
      expect(s.errors[i]!.message).toMatch(msg);
    });
    const pool = db.pool();
    expect((await pool.query("SELECT usd_per_mtok_out FROM models WHERE id = 'large'")).rows[0].usd_per_mtok_out).toBe(3.2);
    expect((await pool.query("SELECT text FROM queries WHERE id = 'conf-q'")).rows[0].text).toBe('original text');
    expect((await pool.query("SELECT count(*) AS n FROM trajectories WHERE id LIKE 'conf/%'")).rows[0].n).toBe(1);
  });

  it('judges a conflict inside one file by file order: the earlier line stands', async () => {
    const a = baseLine('order/0', { query: { id: 'order-q', text: 'first' } });
    const b = baseLine('order/1', { query: { id: 'order-q', text: 'second' } });
    const s = await ingestText(jsonl([a, b]));
    expect(s).toMatchObject({ stored: 1, failed: 1 });
    expect(s.errors[0]).toMatchObject({ line: 2, path: '/query/text' });
  });
});
