import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

import { trajectoryFigures } from '../domain';
import {
  DEFAULT_MODELS,
  DEMO_RUNS,
  DEMO_TRAINING_RUNS,
  generateTraces,
  generateTrainingTraces,
  plannedRollouts,
  plannedTrajectories,
  trainingBatches,
  queryIdentity,
  renderJsonl,
  type GenerateOptions,
  type RubricScale,
  type TraceLine,
} from './index';
import { makeProblem, type Benchmark } from './problems';
import { Rng } from './rng';

// The format's rules (../shared/spec/trace-format.md, trace.schema.json), written out so that this
// test does not depend on the ingest code: it returns every problem of one line as "path: message".
const TOP_KEYS = ['format', 'id', 'run', 'query', 'models', 'steps', 'final_answer', 'correct', 'rubric', 'judgments', 'training', 'meta'];
const KEYS = {
  run: ['id', 'policy', 'meta'],
  query: ['id', 'benchmark', 'text', 'reference_answer'],
  model: ['id', 'params_b', 'usd_per_mtok_in', 'usd_per_mtok_out'],
  step: ['index', 'model', 'text', 'tokens_in', 'tokens_out', 'latency_ms', 'router', 'cost_usd'],
  router: ['probs'],
  rubric: ['id', 'generator', 'criteria'],
  criterion: ['id', 'text', 'weight', 'scale'],
  judgment: ['criterion', 'steps', 'score', 'rationale', 'judge'],
  training: ['step', 'group'],
};
const MAX_TEXT = 1_048_576;

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function onScale(score: number, scale: RubricScale): boolean {
  switch (scale.kind) {
    case 'binary':
      return score === 0 || score === 1;
    case 'ternary':
      return score === -1 || score === 0 || score === 1;
    case 'numeric':
      return score >= scale.min && score <= scale.max;
  }
}

function lineProblems(value: unknown): string[] {
  const problems: string[] = [];
  const bad = (path: string, message: string) => problems.push(`${path}: ${message}`);
  const keys = (path: string, obj: unknown, allowed: readonly string[], required: readonly string[]) => {
    if (!isObject(obj)) return bad(path, 'not an object');
    for (const k of Object.keys(obj)) if (!allowed.includes(k)) bad(`${path}.${k}`, 'unknown key');
    for (const k of required) if (!(k in obj)) bad(`${path}.${k}`, 'missing');
  };
  const isId = (path: string, v: unknown) => {
    if (typeof v !== 'string' || v.length < 1 || v.length > 200) bad(path, `bad id ${JSON.stringify(v)}`);
  };
  const isText = (path: string, v: unknown) => {
    if (typeof v !== 'string' || v.length > MAX_TEXT) bad(path, 'bad text');
  };
  const isCount = (path: string, v: unknown) => {
    if (typeof v !== 'number' || !Number.isInteger(v) || v < 0) bad(path, `not an integer >= 0: ${String(v)}`);
  };
  const isNonneg = (path: string, v: unknown) => {
    if (typeof v !== 'number' || !Number.isFinite(v) || v < 0) bad(path, `not a number >= 0: ${String(v)}`);
  };

  keys('', value, TOP_KEYS, ['format', 'id', 'run', 'query', 'models', 'steps', 'correct']);
  if (!isObject(value)) return problems;
  const line = value as unknown as TraceLine;
  if (line.format !== 'routelens.trace.v1') bad('format', 'wrong format');
  isId('id', line.id);
  keys('run', line.run, KEYS.run, ['id']);
  isId('run.id', line.run.id);
  if (line.run.meta !== undefined && !isObject(line.run.meta)) bad('run.meta', 'not an object');
  keys('query', line.query, KEYS.query, ['id', 'text']);
  isId('query.id', line.query.id);
  isText('query.text', line.query.text);
  if (typeof line.correct !== 'boolean') bad('correct', 'not a boolean');
  if (line.final_answer !== undefined) isText('final_answer', line.final_answer);
  if (line.meta !== undefined && !isObject(line.meta)) bad('meta', 'not an object');
  if (line.training !== undefined) {
    keys('training', line.training, KEYS.training, ['step']);
    isCount('training.step', line.training.step);
    if (line.training.group !== undefined) isId('training.group', line.training.group);
  }

  if (!Array.isArray(line.models) || line.models.length < 1 || line.models.length > 64) bad('models', 'bad length');
  const modelIds = new Set<string>();
  line.models.forEach((m, i) => {
    keys(`models[${i}]`, m, KEYS.model, ['id', 'usd_per_mtok_in', 'usd_per_mtok_out']);
    isId(`models[${i}].id`, m.id);
    if (modelIds.has(m.id)) bad(`models[${i}].id`, 'duplicate');
    modelIds.add(m.id);
    if (m.params_b !== undefined) isNonneg(`models[${i}].params_b`, m.params_b);
    isNonneg(`models[${i}].usd_per_mtok_in`, m.usd_per_mtok_in);
    isNonneg(`models[${i}].usd_per_mtok_out`, m.usd_per_mtok_out);
  });

  if (!Array.isArray(line.steps) || line.steps.length < 1 || line.steps.length > 20000) bad('steps', 'bad length');
  line.steps.forEach((s, i) => {
    const p = `steps[${i}]`;
    keys(p, s, KEYS.step, ['index', 'model', 'text', 'tokens_in', 'tokens_out']);
    if (s.index !== i) bad(`${p}.index`, `is ${s.index}, expected ${i}`);
    if (!modelIds.has(s.model)) bad(`${p}.model`, `unknown model ${s.model}`);
    isText(`${p}.text`, s.text);
    isCount(`${p}.tokens_in`, s.tokens_in);
    isCount(`${p}.tokens_out`, s.tokens_out);
    if (s.latency_ms !== undefined) isNonneg(`${p}.latency_ms`, s.latency_ms);
    if (s.cost_usd !== undefined && s.cost_usd !== null) isNonneg(`${p}.cost_usd`, s.cost_usd);
    if (s.router !== undefined) {
      keys(`${p}.router`, s.router, KEYS.router, []);
      const probs = s.router.probs;
      if (probs !== undefined) {
        let sum = 0;
        for (const [k, v] of Object.entries(probs)) {
          if (!modelIds.has(k)) bad(`${p}.router.probs.${k}`, 'not a model of the line');
          if (typeof v !== 'number' || v < 0 || v > 1) bad(`${p}.router.probs.${k}`, `out of [0, 1]: ${v}`);
          sum += v;
        }
        if (Math.abs(sum - 1) > 1e-9) bad(`${p}.router.probs`, `sum ${sum}`);
      }
    }
  });

  if (line.judgments !== undefined && line.rubric === undefined) bad('judgments', 'without a rubric');
  if (line.rubric !== undefined) {
    keys('rubric', line.rubric, KEYS.rubric, ['id', 'criteria']);
    isId('rubric.id', line.rubric.id);
    const criteria = line.rubric.criteria;
    if (criteria.length < 1 || criteria.length > 100) bad('rubric.criteria', 'bad length');
    const scales = new Map<string, RubricScale>();
    criteria.forEach((c, i) => {
      const p = `rubric.criteria[${i}]`;
      keys(p, c, KEYS.criterion, ['id', 'text', 'weight', 'scale']);
      isId(`${p}.id`, c.id);
      if (scales.has(c.id)) bad(`${p}.id`, 'duplicate');
      isText(`${p}.text`, c.text);
      if (!(typeof c.weight === 'number' && c.weight > 0)) bad(`${p}.weight`, 'not > 0');
      const sc = c.scale;
      if (sc.kind === 'numeric') {
        keys(`${p}.scale`, sc, ['kind', 'min', 'max'], ['kind', 'min', 'max']);
        if (!(sc.min < sc.max)) bad(`${p}.scale`, 'min >= max');
      } else if (sc.kind === 'binary' || sc.kind === 'ternary') {
        keys(`${p}.scale`, sc, ['kind'], ['kind']);
      } else bad(`${p}.scale.kind`, 'unknown kind');
      scales.set(c.id, sc);
    });
    line.judgments?.forEach((j, i) => {
      const p = `judgments[${i}]`;
      keys(p, j, KEYS.judgment, ['criterion', 'score']);
      const scale = scales.get(j.criterion);
      if (scale === undefined) bad(`${p}.criterion`, `unknown criterion ${j.criterion}`);
      else if (!onScale(j.score, scale)) bad(`${p}.score`, `${j.score} not on ${JSON.stringify(scale)}`);
      for (const k of j.steps ?? []) {
        if (!Number.isInteger(k) || k < 0 || k >= line.steps.length) bad(`${p}.steps`, `no step ${k}`);
      }
    });
  }
  return problems;
}

/** Cross-line rules: the same model, query, run or rubric id always has the same content. */
class Registry {
  private seen = new Map<string, string>();
  conflicts: string[] = [];

  add(kind: string, id: string, content: unknown): void {
    const key = `${kind}:${id}`;
    const json = JSON.stringify(content);
    const before = this.seen.get(key);
    if (before === undefined) this.seen.set(key, json);
    else if (before !== json) this.conflicts.push(`${key} differs`);
  }

  addLine(line: TraceLine): void {
    for (const m of line.models) this.add('model', m.id, m);
    this.add('query', line.query.id, line.query);
    this.add('run', line.run.id, line.run);
    if (line.rubric !== undefined) this.add('rubric', line.rubric.id, line.rubric);
  }
}

function collect(opts: GenerateOptions): TraceLine[] {
  return [...generateTraces(opts)];
}

describe('generateTraces', () => {
  it('gives byte-identical output for the same options and different output for another seed', () => {
    const opts: GenerateOptions = { seed: 7, queries: 40, trajectoriesPerQueryPerRun: 2 };
    const a = renderJsonl(generateTraces(opts));
    const b = renderJsonl(generateTraces({ ...opts }));
    expect(a).toBe(b);
    expect(a.length).toBeGreaterThan(100_000);
    const c = renderJsonl(generateTraces({ ...opts, seed: 8 }));
    expect(c).not.toBe(a);
    // The default seed is 42.
    expect(renderJsonl(generateTraces({ queries: 5 }))).toBe(renderJsonl(generateTraces({ queries: 5, seed: 42 })));
  });

  it('generates lines that follow every rule of the format, with consistent ids across lines', () => {
    const registry = new Registry();
    const scaleKinds = new Set<string>();
    const trajectoryIds = new Set<string>();
    let judged = 0;
    let stepJudgments = 0;
    let wholeJudgments = 0;
    const cost = { absent: 0, null: 0, number: 0 };
    let html = 0;
    let latencyAbsent = 0;
    let lines = 0;
    for (const line of generateTraces({ queries: 300, trajectoriesPerQueryPerRun: 2 })) {
      lines++;
      // Through JSON, as a reader would see it.
      const parsed = JSON.parse(JSON.stringify(line)) as TraceLine;
      expect(parsed).toEqual(line);
      const problems = lineProblems(parsed);
      if (problems.length > 0) throw new Error(`${line.id}: ${problems.join('; ')}`);
      expect(trajectoryIds.has(line.id)).toBe(false);
      trajectoryIds.add(line.id);
      expect(line.id).toBe(`${line.run.id}/${line.query.id}/r${line.id.slice(line.id.lastIndexOf('/r') + 2)}`);
      registry.addLine(line);
      if (line.rubric !== undefined) {
        expect(line.rubric.id).toBe(`${line.query.id}/rubricor-v3`);
        expect(line.rubric.criteria.length).toBeGreaterThanOrEqual(3);
        expect(line.rubric.criteria.length).toBeLessThanOrEqual(6);
        for (const c of line.rubric.criteria) scaleKinds.add(c.scale.kind === 'numeric' ? `numeric ${c.scale.min}..${c.scale.max}` : c.scale.kind);
      }
      if (line.judgments !== undefined && line.judgments.length > 0) judged++;
      for (const j of line.judgments ?? []) {
        if (j.steps === undefined) wholeJudgments++;
        else stepJudgments++;
      }
      let prevIn = -1;
      for (const s of line.steps) {
        expect(s.tokens_in).toBeGreaterThan(prevIn); // the context grows
        prevIn = s.tokens_in;
        expect(s.tokens_out).toBeGreaterThanOrEqual(14);
        expect(s.tokens_out).toBeLessThanOrEqual(300);
        if (s.cost_usd === undefined) cost.absent++;
        else if (s.cost_usd === null) cost.null++;
        else cost.number++;
        if (/<(b|script|img|span)\b/.test(s.text)) html++;
        if (s.latency_ms === undefined) latencyAbsent++;
      }
      if (line.run.policy === 'all-small') {
        expect(line.steps.every((s) => s.model === 'qwen3-1.7b' && s.router === undefined)).toBe(true);
      }
    }
    expect(lines).toBe(300 * 3 * 2);
    expect(registry.conflicts).toEqual([]);
    expect([...scaleKinds].sort()).toEqual(['binary', 'numeric 0..10', 'numeric 1..5', 'ternary']);
    expect(judged).toBe(lines);
    expect(stepJudgments).toBeGreaterThan(0);
    expect(wholeJudgments).toBeGreaterThan(0);
    expect(cost.number).toBeGreaterThan(0);
    expect(cost.null).toBeGreaterThan(0);
    expect(cost.absent).toBeGreaterThan(10 * (cost.number + cost.null));
    expect(html).toBeGreaterThan(0);
    expect(latencyAbsent).toBeGreaterThan(0);
  });

  it('keeps queries and rubrics the same across seeds, sizes and text sizes, so files can be mixed', () => {
    const registry = new Registry();
    for (const opts of [
      { seed: 1, queries: 30 },
      { seed: 2, queries: 60, textSize: 'short' as const, steps: 3 },
      { seed: 3, queries: 20, trajectoriesPerQueryPerRun: 3, steps: { min: 40, max: 60 } },
    ]) {
      for (const line of generateTraces(opts)) registry.addLine(line);
    }
    expect(registry.conflicts).toEqual([]);
  });

  it('routes and scores as the three demo policies intend', () => {
    const acc: Record<string, { n: number; correct: number; steps: number; large: number; cruxLarge: number; cruxJudged: number }> = {};
    for (const line of generateTraces({ queries: 300, trajectoriesPerQueryPerRun: 2 })) {
      const a = (acc[line.run.id] ??= { n: 0, correct: 0, steps: 0, large: 0, cruxLarge: 0, cruxJudged: 0 });
      a.n++;
      if (line.correct) a.correct++;
      a.steps += line.steps.length;
      a.large += line.steps.filter((s) => s.model === 'qwen3-32b').length;
      // c1 of every rubric is "the crux step goes to the large model" (binary).
      const c1 = line.judgments?.find((j) => j.criterion === 'c1');
      if (c1 !== undefined) {
        a.cruxJudged++;
        a.cruxLarge += c1.score;
      }
    }
    const rate = (run: string) => acc[run]!.correct / acc[run]!.n;
    const share = (run: string) => acc[run]!.large / acc[run]!.steps;
    expect(rate('all-small')).toBeGreaterThan(0.35);
    expect(rate('all-small')).toBeLessThan(0.55);
    expect(rate('outcome-rl')).toBeGreaterThan(rate('all-small') + 0.08);
    expect(rate('roro-s800')).toBeGreaterThan(rate('outcome-rl') + 0.02);
    expect(rate('roro-s800')).toBeLessThan(0.8);
    expect(share('all-small')).toBe(0);
    expect(share('outcome-rl')).toBeGreaterThan(0.28);
    expect(share('outcome-rl')).toBeLessThan(0.42);
    expect(share('roro-s800')).toBeGreaterThan(0.17);
    expect(share('roro-s800')).toBeLessThan(0.27);
    // The judge sees RoRo put the crux on the large model far more often.
    const crux = (run: string) => acc[run]!.cruxLarge / acc[run]!.cruxJudged;
    expect(crux('roro-s800')).toBeGreaterThan(0.8);
    expect(crux('outcome-rl')).toBeLessThan(0.55);
    expect(crux('all-small')).toBeLessThan(0.1);
  });

  it('makes harder benchmarks less accurate', () => {
    const by: Record<string, [number, number]> = {};
    for (const line of generateTraces({ queries: 300, trajectoriesPerQueryPerRun: 2 })) {
      const b = (by[line.query.benchmark!] ??= [0, 0]);
      b[0]++;
      if (line.correct) b[1]++;
    }
    const rate = (b: string) => by[b]![1] / by[b]![0];
    expect(rate('GSM8K')).toBeGreaterThan(rate('MATH500'));
    expect(rate('MATH500')).toBeGreaterThan(rate('AIME24'));
  });

  it('honours limit, per-query repetitions, steps, rubrics and text size', () => {
    const first12 = collect({ limit: 12, steps: { min: 3, max: 8 } });
    expect(first12.map((l) => l.id)).toEqual([0, 1, 2, 3].flatMap((q) => DEMO_RUNS.map((r) => `${r.id}/${queryIdentity(q).id}/r0`)));
    expect(first12.every((l) => l.steps.length >= 3 && l.steps.length <= 8)).toBe(true);
    // A limit is a prefix of the unlimited output.
    expect(renderJsonl(first12)).toBe(renderJsonl(collect({ queries: 4, steps: { min: 3, max: 8 } })));

    const reps = collect({ queries: 2, trajectoriesPerQueryPerRun: 3 });
    expect(reps).toHaveLength(18);
    const q0 = queryIdentity(0).id;
    expect(reps.slice(0, 3).map((l) => l.id)).toEqual([`all-small/${q0}/r0`, `all-small/${q0}/r1`, `all-small/${q0}/r2`]);

    const fixed = collect({ queries: 3, steps: 1 });
    expect(fixed.every((l) => l.steps.length === 1 && lineProblems(l).length === 0)).toBe(true);
    const long = collect({ queries: 1, steps: 3000, judgmentsPerTrajectory: 40 });
    expect(long.every((l) => l.steps.length === 3000 && lineProblems(l).length === 0)).toBe(true);
    expect(long.every((l) => l.judgments!.length >= 20)).toBe(true);

    const bare = collect({ queries: 5, withRubrics: false });
    expect(bare.every((l) => l.rubric === undefined && l.judgments === undefined)).toBe(true);

    const short = collect({ queries: 20, textSize: 'short' });
    const normal = collect({ queries: 20, textSize: 'normal' });
    const chars = (ls: TraceLine[]) => ls.reduce((n, l) => n + l.steps.reduce((m, s) => m + s.text.length, 0), 0);
    expect(chars(short)).toBeLessThan(chars(normal));

    // Without queries, a limit brings in as many queries as it needs.
    expect(plannedTrajectories({ limit: 5000 })).toBe(5000);
    expect(collect({ limit: 1000, steps: 1, withRubrics: false })).toHaveLength(1000);
    expect(plannedTrajectories({ queries: 10, limit: 5000 })).toBe(30);
  });

  it('supports other runs and model catalogues', () => {
    const lines = collect({
      queries: 20,
      models: [...DEFAULT_MODELS, { id: 'gpt-x', usd_per_mtok_in: 2, usd_per_mtok_out: 8 }],
      runs: [
        { id: 'rand', policy: 'random', models: ['qwen3-1.7b', 'qwen3-8b', 'qwen3-32b'] },
        { id: 'big', policy: 'all-large', models: ['qwen3-1.7b', 'gpt-x'] },
        { id: 'solo', policy: 'roro', models: ['qwen3-8b'] },
        { id: 'roro-3', policy: 'roro', models: ['qwen3-1.7b', 'qwen3-8b', 'gpt-x'], meta: { note: 'three tiers' } },
      ],
    });
    expect(lines).toHaveLength(80);
    for (const line of lines) expect(lineProblems(line)).toEqual([]);
    expect(lines.filter((l) => l.run.id === 'big').every((l) => l.steps.every((s) => s.model === 'gpt-x'))).toBe(true);
    expect(new Set(lines.filter((l) => l.run.id === 'roro-3').flatMap((l) => l.steps.map((s) => s.model))).size).toBe(3);
  });

  it('rejects options it cannot honour', () => {
    expect(() => collect({ steps: 0 })).toThrow(RangeError);
    expect(() => collect({ steps: 20001 })).toThrow(RangeError);
    expect(() => collect({ steps: { min: 5, max: 4 } })).toThrow(RangeError);
    expect(() => collect({ queries: -1 })).toThrow(RangeError);
    expect(() => collect({ seed: 1.5 })).toThrow(RangeError);
    expect(() => collect({ runs: [] })).toThrow(RangeError);
    expect(() => collect({ runs: [{ id: 'x', policy: 'roro', models: ['nope'] }] })).toThrow(/unknown model/);
    expect(() => collect({ runs: [{ id: 'x', policy: 'greedy' as 'roro', models: ['qwen3-8b'] }] })).toThrow(/unknown policy/);
    expect(() => collect({ runs: [DEMO_RUNS[0]!, DEMO_RUNS[0]!] })).toThrow(/duplicate run id/);
  });

  it('yields fresh objects that the caller may mutate', () => {
    const [a, b] = collect({ queries: 1, limit: 2 });
    a!.models[0]!.usd_per_mtok_in = 99;
    a!.run.meta = { changed: true };
    expect(b!.models[0]!.usd_per_mtok_in).toBe(0.1);
    expect(collect({ queries: 1, limit: 1 })[0]!.models[0]!.usd_per_mtok_in).toBe(0.1);
    expect(Object.isFrozen(DEFAULT_MODELS[0])).toBe(true);
  });

  it('streams 20,000 trajectories of 20 steps', () => {
    let n = 0;
    let steps = 0;
    let bytes = 0;
    for (const line of generateTraces({ limit: 20_000, steps: 20 })) {
      n++;
      steps += line.steps.length;
      bytes += JSON.stringify(line).length;
    }
    expect(n).toBe(20_000);
    expect(steps).toBe(400_000);
    expect(bytes).toBeGreaterThan(50_000_000);
  });
});

/** The combined reward at the defaults (lambda 0.5, mu 0.1), computed by lib/domain from the line. */
function rewardOf(l: TraceLine): { reward: number; costUsd: number; processScore: number | null } {
  return trajectoryFigures({
    models: l.models.map((m) => ({ id: m.id, usdPerMtokIn: m.usd_per_mtok_in, usdPerMtokOut: m.usd_per_mtok_out })),
    steps: l.steps.map((s) => ({ model: s.model, tokensIn: s.tokens_in, tokensOut: s.tokens_out, costUsd: s.cost_usd })),
    correct: l.correct,
    criteria: l.rubric?.criteria ?? [],
    judgments: (l.judgments ?? []).map((j) => ({ criterion: j.criterion, steps: j.steps ?? [], judgeScore: j.score, judge: j.judge ?? null })),
  });
}

interface StretchFigures {
  accuracy: number;
  meanCost: number;
  meanProcess: number;
  largeShare: number;
  noSignalOutcome: number;
  noSignalCombined: number;
}

/** The per-step figures of scoring.md "Training (GRPO groups)", over the training steps from..to-1 of one run. */
function stretch(lines: readonly TraceLine[], run: string, from: number, to: number): StretchFigures {
  const ls = lines.filter((l) => l.run.id === run && l.training!.step >= from && l.training!.step < to);
  const figures = ls.map(rewardOf);
  const groups = new Map<string, { outcome: number[]; reward: number[] }>();
  ls.forEach((l, i) => {
    const key = l.training!.group ?? `${l.query.id}@${l.training!.step}`;
    const g = groups.get(key) ?? { outcome: [], reward: [] };
    g.outcome.push(l.correct ? 1 : 0);
    g.reward.push(figures[i]!.reward);
    groups.set(key, g);
  });
  const flat = (r: number[]) => Math.max(...r) - Math.min(...r) <= 1e-12;
  const steps = ls.flatMap((l) => l.steps);
  return {
    accuracy: ls.filter((l) => l.correct).length / ls.length,
    meanCost: figures.reduce((a, f) => a + f.costUsd, 0) / ls.length,
    meanProcess: figures.reduce((a, f) => a + (f.processScore ?? 0), 0) / ls.length,
    largeShare: steps.filter((s) => s.model === 'qwen3-32b').length / steps.length,
    noSignalOutcome: [...groups.values()].filter((g) => flat(g.outcome)).length / groups.size,
    noSignalCombined: [...groups.values()].filter((g) => flat(g.reward)).length / groups.size,
  };
}

describe('generateTrainingTraces', () => {
  const lines = [...generateTrainingTraces()];

  it('gives two runs of 40 steps x 16 queries x 8 rollouts, each a valid line with its training step', () => {
    expect(plannedRollouts()).toBe(10_240);
    expect(lines).toHaveLength(10_240);
    expect(DEMO_TRAINING_RUNS.map((r) => [r.id, r.policy])).toEqual([
      ['grpo-outcome', 'outcome-rl'],
      ['grpo-roro', 'roro'],
    ]);
    expect(lines[0]!.id).toBe('grpo-outcome/s0/gsm8k-0925/r0');
    expect(lines[8]!.id).toBe('grpo-outcome/s0/math500-0141/r0');
    expect(new Set(lines.map((l) => l.id)).size).toBe(lines.length);
    const perGroup = new Map<string, number>();
    for (const l of lines) {
      expect(lineProblems(l)).toEqual([]);
      // The default group: the line gives only the step.
      expect(Object.keys(l.training!)).toEqual(['step']);
      expect(l.steps.length).toBeGreaterThanOrEqual(2);
      expect(l.steps.length).toBeLessThanOrEqual(6);
      expect(l.judgments!.length).toBeGreaterThanOrEqual(2);
      const key = `${l.run.id} ${l.query.id}@${l.training!.step}`;
      perGroup.set(key, (perGroup.get(key) ?? 0) + 1);
    }
    expect(perGroup.size).toBe(2 * 40 * 16);
    expect(new Set(perGroup.values())).toEqual(new Set([8]));
    expect(new Set(lines.map((l) => l.training!.step))).toEqual(new Set(Array.from({ length: 40 }, (_, i) => i)));
  });

  it('draws each step a batch of 16 consecutive queries of a pool of 160, in a seeded order per epoch, the same for both runs', () => {
    const batches = trainingBatches();
    expect(batches).toHaveLength(40);
    expect(batches.slice(0, 12).map((b) => b[0])).toEqual([16, 144, 80, 64, 0, 112, 32, 96, 128, 48, 0, 48]);
    expect(batches[0]).toEqual(Array.from({ length: 16 }, (_, i) => 16 + i));
    // Each epoch of ten steps visits every batch once.
    for (let e = 0; e < 4; e++)
      expect(new Set(batches.slice(10 * e, 10 * e + 10).map((b) => b[0]))).toEqual(new Set([0, 16, 32, 48, 64, 80, 96, 112, 128, 144]));
    for (const run of ['grpo-outcome', 'grpo-roro']) {
      const step7 = lines.filter((l) => l.run.id === run && l.training!.step === 7).map((l) => l.query.id);
      expect(new Set(step7)).toEqual(new Set(batches[7]!.map((i) => queryIdentity(i).id)));
    }
  });

  it('shares queries and rubrics with generateTraces, so both load into one database', () => {
    const registry = new Registry();
    for (const line of generateTraces({ queries: 160 })) registry.addLine(line);
    for (const line of lines) registry.addLine(line);
    expect(registry.conflicts).toEqual([]);
  });

  it('is deterministic: the same seed gives the same bytes, another seed other rollouts on the same queries', () => {
    const opts = { trainingSteps: 3, queriesPerStep: 4, rolloutsPerQuery: 3, queryPool: 8 };
    const a = renderJsonl(generateTrainingTraces(opts));
    expect(renderJsonl(generateTrainingTraces({ ...opts }))).toBe(a);
    expect(a.trimEnd().split('\n')).toHaveLength(2 * 3 * 4 * 3);
    expect(renderJsonl(generateTrainingTraces({ ...opts, seed: 42 }))).toBe(a);
    const b = [...generateTrainingTraces({ ...opts, seed: 43 })];
    expect(renderJsonl(b)).not.toBe(a);
    expect(new Set(b.map((l) => l.query.id)).size).toBeLessThanOrEqual(8);
    expect(() => [...generateTrainingTraces({ runs: [DEMO_RUNS[0]!] })]).toThrow(/outcome-rl or roro/);
    expect(() => [...generateTrainingTraces({ queryPool: 20 })]).toThrow(/multiple of queriesPerStep/);
  });

  it('moves over training: the outcome run buys accuracy with cost, the RoRo run gains more accuracy and process score at about the same cost', () => {
    const early = (run: string) => stretch(lines, run, 0, 10);
    const late = (run: string) => stretch(lines, run, 30, 40);
    const [o0, o1, r0, r1] = [early('grpo-outcome'), late('grpo-outcome'), early('grpo-roro'), late('grpo-roro')];
    // One starting router: the first ten steps of both runs look alike.
    expect(Math.abs(o0.accuracy - r0.accuracy)).toBeLessThan(0.05);
    expect(Math.abs(o0.largeShare - r0.largeShare)).toBeLessThan(0.05);
    expect(o0.accuracy).toBeCloseTo(0.651, 3);
    expect(r1.accuracy).toBeCloseTo(0.752, 3);
    expect(o1.accuracy - o0.accuracy).toBeGreaterThan(0.05);
    expect(r1.accuracy - r0.accuracy).toBeGreaterThan(0.07);
    expect(r1.accuracy).toBeGreaterThan(o1.accuracy);
    // The outcome run leans on the large model: its cost rises by more than a quarter; RoRo's by under a tenth.
    expect(o1.largeShare - o0.largeShare).toBeGreaterThan(0.12);
    expect(o1.meanCost / o0.meanCost).toBeGreaterThan(1.25);
    expect(r1.meanCost / r0.meanCost).toBeLessThan(1.1);
    expect(r1.meanProcess - r0.meanProcess).toBeGreaterThan(0.12);
    expect(r1.meanProcess).toBeGreaterThan(o1.meanProcess + 0.1);
  });

  it('leaves many groups without an outcome signal, and the combined reward gives them one', () => {
    for (const run of ['grpo-outcome', 'grpo-roro']) {
      const all = stretch(lines, run, 0, 40);
      expect(all.noSignalOutcome).toBeGreaterThan(0.2);
      expect(all.noSignalOutcome).toBeLessThan(0.6);
      expect(all.noSignalCombined).toBeLessThan(0.02);
    }
    // As RoRo's accuracy rises, more of its groups are all right: the outcome alone says less and less.
    expect(stretch(lines, 'grpo-roro', 30, 40).noSignalOutcome).toBeGreaterThan(stretch(lines, 'grpo-roro', 0, 10).noSignalOutcome + 0.1);
  });
});

describe('tests/fixtures/small.jsonl', () => {
  it('is what the command in tests/fixtures/README.md writes (regenerate it when this fails)', () => {
    const file = readFileSync(new URL('../../tests/fixtures/small.jsonl', import.meta.url), 'utf8');
    expect(file).toBe(renderJsonl(generateTraces({ seed: 54, limit: 12, steps: { min: 3, max: 8 } })));
    for (const line of file.trimEnd().split('\n')) expect(lineProblems(JSON.parse(line))).toEqual([]);
  });
});

describe('renderJsonl', () => {
  it('writes one JSON object per line, each ended by a newline', () => {
    const lines = collect({ queries: 2 });
    const text = renderJsonl(lines);
    expect(text.endsWith('\n')).toBe(true);
    const parsed = text
      .trimEnd()
      .split('\n')
      .map((l) => JSON.parse(l) as unknown);
    expect(parsed).toEqual(lines);
    expect(renderJsonl([])).toBe('');
  });
});

describe('problems', () => {
  it('states each problem with a reference answer and wrong answers that differ from it', () => {
    for (const benchmark of ['MATH500', 'GSM8K', 'AIME24'] as Benchmark[]) {
      const rng = new Rng(123);
      for (let i = 0; i < 400; i++) {
        const p = makeProblem(benchmark, rng);
        expect(p.text.length).toBeGreaterThan(10);
        expect(p.answer).not.toMatch(/NaN|undefined|Infinity/);
        expect(p.text + p.core.map((s) => s.text).join('')).not.toMatch(/NaN|undefined|Infinity|\[object/);
        expect(p.wrong.length).toBeGreaterThan(0);
        expect(p.wrong).not.toContain(p.answer);
        expect(p.core.filter((s) => s.role === 'crux')).toHaveLength(1);
        if (benchmark === 'AIME24') expect(Number(p.answer)).toBeLessThanOrEqual(999);
        // Balanced math delimiters: an even number of unescaped $ signs.
        for (const t of [p.text, ...p.core.map((s) => s.text)]) {
          expect(t.replace(/\\\$/g, '').split('$').length % 2, t).toBe(1);
        }
      }
    }
  });

  it('spreads query ids over MATH500, GSM8K and AIME24 without duplicates', () => {
    const ids = new Set<string>();
    const counts: Record<string, number> = {};
    for (let i = 0; i < 5000; i++) {
      const { id, benchmark } = queryIdentity(i);
      expect(ids.has(id)).toBe(false);
      ids.add(id);
      if (i < 300) counts[benchmark] = (counts[benchmark] ?? 0) + 1;
    }
    expect(counts).toEqual({ MATH500: 150, GSM8K: 120, AIME24: 30 });
    expect(queryIdentity(0).id).toMatch(/^math500-\d{4}$/);
    expect(queryIdentity(2).id).toBe('aime24-00');
    expect(queryIdentity(12).id).toBe('aime24-01');
    expect([0, 1, 2, 3].map((i) => queryIdentity(i).benchmark)).toEqual(['MATH500', 'GSM8K', 'AIME24', 'MATH500']);
  });
});
