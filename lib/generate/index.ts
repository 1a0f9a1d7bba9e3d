/**
 * Deterministic generator of realistic routelens trace v1 lines (../shared/spec/trace-format.md):
 * demo data, test fixtures and benchmark inputs of any size, streamed one trajectory at a time.
 *
 * Determinism: the same options give byte-identical output. Query content (text, benchmark, reference
 * answer) and rubrics depend only on the query id, never on `seed`, so files generated with different
 * seeds or sizes agree on every query and rubric and can be ingested into one database; models and
 * runs come from the options. The trajectories (routing, steps, outcome, judgments) depend on `seed`.
 *
 * Pure TypeScript with no Node imports, so it runs in tests, scripts and the browser alike.
 */
import { makeProblem, type Benchmark, type Problem } from './problems';
import {
  buildRubricPlan,
  judge,
  naturalScope,
  type CriterionPlan,
  type JudgeContext,
  ROLE_ANSWER,
  ROLE_CHECK,
  ROLE_COMPUTE,
  ROLE_CRUX,
  ROLE_FILLER,
  ROLE_SETUP,
  RUBRICOR_ID,
  TIER_LARGE,
  TIER_MEDIUM,
  TIER_SMALL,
} from './rubric';
import { hashString, mixSeed, Rng } from './rng';
import {
  TRACE_FORMAT,
  type JsonObject,
  type RubricCriterion,
  type TraceJudgment,
  type TraceLine,
  type TraceModel,
  type TraceQuery,
  type TraceRun,
  type TraceStep,
} from './trace-line';

export type {
  JsonObject,
  JsonValue,
  RubricCriterion,
  RubricScale,
  TraceJudgment,
  TraceLine,
  TraceModel,
  TraceQuery,
  TraceRubric,
  TraceRun,
  TraceStep,
} from './trace-line';
export { TRACE_FORMAT } from './trace-line';

/** How a run's router picks a model for each step. */
export type RoutingPolicy = 'all-small' | 'all-large' | 'random' | 'outcome-rl' | 'roro';

const POLICIES: readonly RoutingPolicy[] = ['all-small', 'all-large', 'random', 'outcome-rl', 'roro'];

export interface RunSpec {
  id: string;
  policy: RoutingPolicy;
  /** Ids of the models the router chooses among (from the options' `models`); cheapest = small, dearest = large. */
  models: readonly string[];
  meta?: JsonObject;
}

export type Range = number | { min: number; max: number };

export interface GenerateOptions {
  /** Seed of the trajectories (routing, steps, outcomes, judgments). Default 42. */
  seed?: number;
  /** Number of distinct queries. Default 300, or more when `limit` needs more to be reached. */
  queries?: number;
  /** Default DEMO_RUNS. */
  runs?: readonly RunSpec[];
  /** Model catalogue that runs refer to. Default DEFAULT_MODELS. */
  models?: readonly TraceModel[];
  /** Default 1. Ids end in /r0, /r1, ... */
  trajectoriesPerQueryPerRun?: number;
  /** Steps per trajectory, 1..20000. Default {min: 4, max: 16}; harder queries get more steps. */
  steps?: Range;
  /** Attach a rubric and judgments. Default true. */
  withRubrics?: boolean;
  /** Judgments per trajectory (without duplicates of a criterion and step set). Default {min: 3, max: 8}. */
  judgmentsPerTrajectory?: Range;
  /** 'short': one sentence per step; 'normal': a sentence of commentary added. Default 'normal'. */
  textSize?: 'short' | 'normal';
  /** Stop after this many trajectories. Default: all (queries × runs × trajectoriesPerQueryPerRun). */
  limit?: number;
}

export const DEFAULT_MODELS: readonly TraceModel[] = deepFreeze<TraceModel[]>([
  { id: 'qwen3-1.7b', params_b: 1.7, usd_per_mtok_in: 0.1, usd_per_mtok_out: 0.4 },
  { id: 'qwen3-8b', params_b: 8, usd_per_mtok_in: 0.25, usd_per_mtok_out: 1 },
  { id: 'qwen3-32b', params_b: 32, usd_per_mtok_in: 0.8, usd_per_mtok_out: 3.2 },
]);

export const DEMO_RUNS: readonly RunSpec[] = deepFreeze<RunSpec[]>([
  {
    id: 'all-small',
    policy: 'all-small',
    models: ['qwen3-1.7b', 'qwen3-32b'],
    meta: { description: 'Baseline: every step on qwen3-1.7b.', baseline: true },
  },
  {
    id: 'outcome-rl',
    policy: 'outcome-rl',
    models: ['qwen3-1.7b', 'qwen3-8b', 'qwen3-32b'],
    meta: {
      checkpoint: 800,
      algorithm: 'GRPO',
      reward: 'outcome',
      router: 'qwen3-0.6b + linear head',
    },
  },
  {
    id: 'roro-s800',
    policy: 'roro',
    models: ['qwen3-1.7b', 'qwen3-32b'],
    meta: {
      checkpoint: 800,
      algorithm: 'GRPO',
      reward: 'outcome + 0.5 * rubric process - 0.1 * cost',
      router: 'qwen3-0.6b + linear head',
      rubricor: RUBRICOR_ID,
      judge: 'judge-v2',
    },
  },
]);

export const DEFAULT_QUERIES = 300;
const MAX_STEPS = 20000;
const MAX_ID = 200;
// Salts keep the per-query streams apart from each other; changing them changes every query.
const QUERY_SALT = 0x51ab_c0de;
const TEXT_SALT = 0x7e47_5a1e;
const TRAINING_SALT = 0x6a90_5eed;

// ---------------------------------------------------------------- options

interface Resolved {
  seedLo: number;
  seedHi: number;
  queries: number;
  runs: PreparedRun[];
  perQuery: number;
  stepsMin: number;
  stepsMax: number;
  withRubrics: boolean;
  judgMin: number;
  judgMax: number;
  normalText: boolean;
  limit: number;
}

interface PreparedModel {
  model: TraceModel;
  tier: number;
  /** 0 for the smallest model of the run, 1 for the largest (log of parameters or of price). */
  capability: number;
  ttftMs: number;
  msPerTokenOut: number;
  msPerTokenIn: number;
}

interface PreparedRun {
  index: number;
  spec: RunSpec;
  policy: RoutingPolicy;
  models: PreparedModel[];
  small: number;
  large: number;
  mediums: number[];
  /** run.meta serialized once; parsed per line so that every line owns its objects. */
  metaJson: string | undefined;
}

function range(value: Range, name: string, lo: number, hi: number): [number, number] {
  const [min, max] = typeof value === 'number' ? [value, value] : [value.min, value.max];
  if (!Number.isInteger(min) || !Number.isInteger(max) || min < lo || max > hi || min > max) {
    throw new RangeError(`${name} must be integers with ${lo} <= min <= max <= ${hi}, got ${JSON.stringify(value)}`);
  }
  return [min, max];
}

function count(value: number, name: string, lo: number): number {
  if (!Number.isSafeInteger(value) || value < lo) throw new RangeError(`${name} must be an integer >= ${lo}, got ${value}`);
  return value;
}

function prepareRun(spec: RunSpec, index: number, catalogue: ReadonlyMap<string, TraceModel>): PreparedRun {
  if (spec.id.length === 0 || spec.id.length > 100) throw new RangeError(`run id must have 1..100 characters: ${JSON.stringify(spec.id)}`);
  if (!POLICIES.includes(spec.policy)) throw new RangeError(`run ${spec.id} has unknown policy ${String(spec.policy)}`);
  if (spec.models.length === 0) throw new RangeError(`run ${spec.id} has no models`);
  if (new Set(spec.models).size !== spec.models.length) throw new RangeError(`run ${spec.id} lists a model twice`);
  const models = spec.models.map((id) => {
    const model = catalogue.get(id);
    if (model === undefined) throw new RangeError(`run ${spec.id} names unknown model ${id}`);
    return model;
  });
  const price = (m: TraceModel) => m.usd_per_mtok_out * 4 + m.usd_per_mtok_in;
  // Models without params_b get a size guessed from their price (qwen3-32b: $3.20 out ~ 32B).
  const size = (m: TraceModel) => m.params_b ?? Math.max(0.5, m.usd_per_mtok_out * 10);
  const order = models.map((_, i) => i).sort((a, b) => price(models[a]!) - price(models[b]!) || a - b);
  const small = order[0]!;
  const large = order[order.length - 1]!;
  const sizes = models.map(size);
  const lo = Math.log(Math.min(...sizes));
  const hi = Math.log(Math.max(...sizes));
  const prepared = models.map((model, i): PreparedModel => {
    const b = sizes[i]!;
    return {
      model,
      tier: i === large && models.length > 1 ? TIER_LARGE : i === small ? TIER_SMALL : TIER_MEDIUM,
      capability: hi > lo ? (Math.log(b) - lo) / (hi - lo) : i === large ? 1 : 0,
      ttftMs: 35 + 3 * b,
      msPerTokenOut: 4 + 0.5 * b,
      msPerTokenIn: 0.0004 * b,
    };
  });
  const mediums = order.slice(1, -1);
  const metaJson = spec.meta === undefined ? undefined : JSON.stringify(spec.meta);
  return { index, spec, policy: spec.policy, models: prepared, small, large, mediums, metaJson };
}

function resolveOptions(opts: GenerateOptions): Resolved {
  const seed = opts.seed ?? 42;
  if (!Number.isSafeInteger(seed)) throw new RangeError(`seed must be a safe integer, got ${seed}`);
  const catalogueList = opts.models ?? DEFAULT_MODELS;
  const catalogue = new Map(catalogueList.map((m) => [m.id, m]));
  if (catalogue.size !== catalogueList.length) throw new RangeError('models: duplicate model id');
  const specs = opts.runs ?? DEMO_RUNS;
  if (specs.length === 0) throw new RangeError('runs must not be empty');
  if (new Set(specs.map((r) => r.id)).size !== specs.length) throw new RangeError('runs: duplicate run id');
  const runs = specs.map((spec, i) => prepareRun(spec, i, catalogue));
  const perQuery = count(opts.trajectoriesPerQueryPerRun ?? 1, 'trajectoriesPerQueryPerRun', 1);
  const limit = opts.limit === undefined ? Infinity : count(opts.limit, 'limit', 0);
  const queries =
    opts.queries !== undefined
      ? count(opts.queries, 'queries', 0)
      : Number.isFinite(limit)
        ? Math.max(DEFAULT_QUERIES, Math.ceil(limit / (runs.length * perQuery)))
        : DEFAULT_QUERIES;
  const [stepsMin, stepsMax] = range(opts.steps ?? { min: 4, max: 16 }, 'steps', 1, MAX_STEPS);
  const [judgMin, judgMax] = range(opts.judgmentsPerTrajectory ?? { min: 3, max: 8 }, 'judgmentsPerTrajectory', 0, 100000);
  return {
    seedLo: seed >>> 0,
    seedHi: Math.floor(seed / 4294967296) >>> 0,
    queries,
    runs,
    perQuery,
    stepsMin,
    stepsMax,
    withRubrics: opts.withRubrics ?? true,
    judgMin,
    judgMax,
    normalText: (opts.textSize ?? 'normal') === 'normal',
    limit,
  };
}

// ---------------------------------------------------------------- queries

function pad(n: number, width: number): string {
  return String(n).padStart(width, '0');
}

// Of every ten queries, five MATH500, four GSM8K and one AIME24, interleaved so that even the first
// few queries mix the benchmarks (300 queries hold all 30 AIME24 problems).
const BENCHMARK_CYCLE: readonly Benchmark[] = ['MATH500', 'GSM8K', 'AIME24', 'MATH500', 'GSM8K', 'MATH500', 'GSM8K', 'MATH500', 'GSM8K', 'MATH500'];
const PER_CYCLE: Record<Benchmark, number> = { MATH500: 5, GSM8K: 4, AIME24: 1 };
// The rank of each cycle position among the positions of its benchmark.
const CYCLE_RANK = BENCHMARK_CYCLE.map((b, pos) => BENCHMARK_CYCLE.slice(0, pos).filter((x) => x === b).length);

/**
 * The id and benchmark of the i-th query. Problem numbers are a fixed shuffle within each benchmark's
 * real size (MATH500: 500, GSM8K test: 1319, AIME24: 30) and simply count on beyond it.
 */
export function queryIdentity(i: number): { id: string; benchmark: Benchmark } {
  const pos = i % BENCHMARK_CYCLE.length;
  const benchmark = BENCHMARK_CYCLE[pos]!;
  const k = Math.floor(i / BENCHMARK_CYCLE.length) * PER_CYCLE[benchmark] + CYCLE_RANK[pos]!;
  switch (benchmark) {
    case 'MATH500':
      return { id: `math500-${pad(k < 500 ? (k * 263 + 37) % 500 : k, 4)}`, benchmark };
    case 'GSM8K':
      return { id: `gsm8k-${pad(k < 1319 ? (k * 577 + 101) % 1319 : k, 4)}`, benchmark };
    case 'AIME24':
      return { id: `aime24-${pad(k, 2)}`, benchmark };
  }
}

const ROLE_CODES = { setup: ROLE_SETUP, crux: ROLE_CRUX, compute: ROLE_COMPUTE, check: ROLE_CHECK, answer: ROLE_ANSWER, filler: ROLE_FILLER } as const;

// Commentary appended to steps in 'normal' text size, by role code.
const ELABORATION: readonly (readonly string[])[] = [
  [' This fixes the notation for the rest of the solution.', ' Nothing is computed yet.'],
  [' This is the key step: everything after it is mechanical.', ' Getting this relation right decides the problem.'],
  [' This is routine arithmetic.', ' Nothing subtle here, just careful arithmetic.'],
  [' The result is consistent.', ' Substituting back confirms it.'],
  [''],
  [' Then back to the main line.', ' No new information, but it lowers the risk of a slip.'],
];

const GENERIC_FILLERS: readonly ((p: Problem) => string)[] = [
  () => 'Let me re-read the problem to make sure no condition is missed.',
  (p) => `So far the key relation is ${p.cruxInline}.`,
  () => 'Is there a shortcut? The direct route is short enough, so keep going.',
  () => 'Double-checking the previous step: it holds.',
  (p) => `Let me redo ${p.routineInline} carefully to avoid a slip.`,
  (p) => `Summary so far:\n\n1. The key relation is ${p.cruxInline}.\n2. The rest is arithmetic.`,
  () => 'Wait — the signs need a second look before continuing. They are fine.',
  () => '**Sanity check.** The size of the intermediate result is reasonable for this problem.',
  () => 'Hmm, let me think about whether any case was missed. None was.',
];

// Texts that try HTML, so that renderers are seen to escape it.
const HTML_PROBES: readonly string[] = [
  ' Marking the important part in <b>bold</b>.',
  ' <script>alert("step")</script>',
  ' <img src=x onerror="alert(1)"> (an image tag that must not load)',
  ' Using <span style="color:red">red</span> here means nothing; back to the algebra.',
];

const ANSWER_LEADS: readonly string[] = ['Therefore, the answer is $\\boxed{', 'So the final answer is $\\boxed{', 'Answer: $\\boxed{'];
const ANSWER_LEADS_NORMAL: readonly string[] = [
  'Putting everything together, the answer is $\\boxed{',
  'All the pieces are in place. The final answer is $\\boxed{',
  'Collecting the results: $\\boxed{',
];
const GAVE_UP = 'I am running out of budget and cannot determine the answer with confidence.';

interface QueryContext {
  id: string;
  benchmark: Benchmark;
  problem: Problem;
  /** 0 (easy) .. 1 (hard). */
  difficulty: number;
  coreRoles: number[];
  coreTexts: string[];
  coreWrong: (string | undefined)[];
  cruxCore: number;
  fillerTexts: string[];
  promptTokens: number;
  rubricPlan: CriterionPlan[] | undefined;
  rubricId: string;
}

function buildQuery(i: number, o: Resolved): QueryContext {
  const { id, benchmark } = queryIdentity(i);
  const idHash = hashString(id);
  const rng = new Rng(mixSeed(idHash, QUERY_SALT));
  const problem = makeProblem(benchmark, rng);
  const u = rng.next();
  const difficulty =
    benchmark === 'GSM8K' ? 0.08 + 0.08 * problem.level + 0.12 * u : benchmark === 'AIME24' ? 0.85 + 0.13 * u : 0.2 + 0.13 * (problem.level - 1) + 0.1 * u;
  const rubricPlan = o.withRubrics ? buildRubricPlan(problem, rng) : undefined;
  // Step texts come from their own stream so that the text size never changes the query or rubric.
  const textRng = new Rng(mixSeed(idHash, TEXT_SALT));
  const elaborate = (text: string, role: number) => (o.normalText ? text + textRng.pick(ELABORATION[role] ?? ['']) : text);
  const coreRoles = problem.core.map((s) => ROLE_CODES[s.role]);
  const fillers = [...problem.fillers, ...GENERIC_FILLERS.map((f) => f(problem))];
  return {
    id,
    benchmark,
    problem,
    difficulty,
    coreRoles,
    coreTexts: problem.core.map((s, k) => elaborate(s.text, coreRoles[k]!)),
    coreWrong: problem.core.map((s) => s.wrong),
    cruxCore: Math.max(0, coreRoles.indexOf(ROLE_CRUX)),
    fillerTexts: fillers.map((t) => elaborate(t, ROLE_FILLER)),
    promptTokens: 180 + Math.ceil(problem.text.length / 3.5),
    rubricPlan,
    rubricId: `${id}/${RUBRICOR_ID}`,
  };
}

// ---------------------------------------------------------------- trajectories

const IMPORTANCE = [0.55, 0.95, 0.2, 0.45, 0.4, 0.12];
// tokens_out ranges by role code: [min, spread].
const TOKENS_OUT: readonly (readonly [number, number])[] = [
  [40, 100],
  [90, 210],
  [30, 130],
  [40, 110],
  [20, 40],
  [20, 100],
];

function clamp(x: number, lo: number, hi: number): number {
  return x < lo ? lo : x > hi ? hi : x;
}

function logistic(x: number): number {
  return 1 / (1 + Math.exp(-x));
}

/** Per-generator scratch space, grown on demand, so long trajectories allocate nothing per step. */
class Scratch {
  roles = new Uint8Array(64);
  tiers = new Uint8Array(64);
  models = new Uint8Array(64);
  texts = new Int32Array(64);
  slots = new Int32Array(64);

  ensure(n: number): void {
    if (this.roles.length >= n) return;
    const size = Math.max(n, this.roles.length * 2);
    this.roles = new Uint8Array(size);
    this.tiers = new Uint8Array(size);
    this.models = new Uint8Array(size);
    this.texts = new Int32Array(size);
  }

  ensureSlots(n: number): void {
    if (this.slots.length < n) this.slots = new Int32Array(Math.max(n, this.slots.length * 2));
  }
}

/**
 * Lays out n steps: the solution's core steps with filler steps spread between them, or, when n is
 * smaller than the solution, the most important core steps. texts[i] >= 0 is a core step index,
 * texts[i] < 0 is filler -1 - k, and the last step is always the answer.
 */
function planSteps(q: QueryContext, n: number, rng: Rng, s: Scratch): number {
  const core = q.coreRoles.length;
  let cruxStep = -1;
  if (n === 1) {
    s.roles[0] = ROLE_ANSWER;
    s.texts[0] = 0;
    return 0;
  }
  if (n - 1 >= core) {
    // Fillers go after the crux (they may refer to it), spread evenly over the remaining core steps.
    const extra = n - 1 - core;
    const first = q.cruxCore;
    const slots = core - first;
    s.ensureSlots(core);
    const per = Math.floor(extra / slots);
    for (let j = 0; j < core; j++) s.slots[j] = j < first ? 0 : per;
    for (let r = extra - per * slots; r > 0; r--) {
      const j = first + rng.int(0, slots - 1);
      s.slots[j] = s.slots[j]! + 1;
    }
    let i = 0;
    const nf = q.fillerTexts.length;
    for (let j = 0; j < core; j++) {
      const role = q.coreRoles[j]!;
      if (role === ROLE_CRUX && cruxStep < 0) cruxStep = i;
      s.roles[i] = role;
      s.texts[i++] = j;
      for (let f = s.slots[j]!; f > 0; f--) {
        s.roles[i] = ROLE_FILLER;
        s.texts[i++] = -1 - rng.int(0, nf - 1);
      }
    }
  } else {
    // Keep the crux first, then setup, check and compute steps, in solution order.
    const priority = (role: number) => (role === ROLE_CRUX ? 0 : role === ROLE_SETUP ? 1 : role === ROLE_CHECK ? 3 : 2);
    const keep = q.coreRoles
      .map((role, j) => [priority(role), j] as const)
      .sort((a, b) => a[0] - b[0] || a[1] - b[1])
      .slice(0, n - 1)
      .map(([, j]) => j)
      .sort((a, b) => a - b);
    keep.forEach((j, i) => {
      const role = q.coreRoles[j]!;
      if (role === ROLE_CRUX) cruxStep = i;
      s.roles[i] = role;
      s.texts[i] = j;
    });
  }
  s.roles[n - 1] = ROLE_ANSWER;
  s.texts[n - 1] = 0;
  return cruxStep < 0 ? n - 1 : cruxStep;
}

/**
 * The router's probabilities for one step under the run's policy, written to `out` in integer
 * thousandths per model (in the run's model order), so that the emitted probabilities sum to 1.
 */
function route(run: PreparedRun, importance: number, rng: Rng, out: Int32Array, progress: number | undefined): void {
  const k = run.models.length;
  if (k === 1) {
    out[0] = 1000;
    return;
  }
  let pLarge: number;
  let pMedium = 0;
  if (progress !== undefined) {
    pLarge = trainingLargeShare(run.policy, importance, progress, rng);
    if (run.mediums.length > 0) pMedium = clamp(0.15 * (1 - pLarge) + 0.04 * rng.gauss(), 0.01, 0.98 - pLarge);
  } else {
    switch (run.policy) {
      case 'random':
        for (let m = 0; m < k; m++) out[m] = Math.floor(1000 / k) + (m < 1000 % k ? 1 : 0);
        return;
      case 'outcome-rl':
        // Trained on outcome reward only: leans large everywhere, barely aware of which steps matter.
        pLarge = clamp(0.35 + 0.18 * (importance - 0.35) + 0.15 * rng.gauss(), 0.02, 0.95);
        if (run.mediums.length > 0) pMedium = clamp(0.15 + 0.05 * rng.gauss(), 0.01, 0.98 - pLarge);
        break;
      case 'roro':
        // Rubric-guided: sharp on the crux, cheap on routine steps.
        pLarge = clamp(logistic(9 * (importance - 0.55)) + 0.06 * rng.gauss(), 0.005, 0.995);
        if (run.mediums.length > 0) pMedium = 0.5 * (1 - pLarge) * logistic(8 * (importance - 0.45));
        break;
      default:
        throw new RangeError(`route: policy ${run.policy} has no router`);
    }
  }
  out.fill(0, 0, k);
  const kLarge = Math.round(pLarge * 1000);
  let used = kLarge;
  if (run.mediums.length > 0) {
    const each = Math.floor((pMedium * 1000) / run.mediums.length);
    for (const m of run.mediums) {
      out[m] = Math.max(1, each);
      used += out[m]!;
    }
  }
  out[run.large] = kLarge;
  out[run.small] = 1000 - used;
  if (out[run.small]! < 1) {
    out[run.large] = kLarge - (1 - out[run.small]!);
    out[run.small] = 1;
  }
}

/**
 * The probability of the large model for a step of the given importance, at `progress` (0 = the first
 * training step, 1 = the last) of a GRPO run. Both kinds of run start from the same router, which
 * barely tells steps apart. Trained on the outcome alone it learns only where groups differ in
 * outcome, so it drifts slowly towards the large model everywhere (accuracy bought with cost); with
 * process rewards it learns fast which steps matter: large on the crux, small on routine steps.
 */
function trainingLargeShare(policy: RoutingPolicy, importance: number, progress: number, rng: Rng): number {
  const start = 0.42 + 0.12 * (importance - 0.35);
  let end: number;
  let learnt: number;
  if (policy === 'roro') {
    end = logistic(9 * (importance - 0.55));
    learnt = (1 - Math.exp(-3.5 * progress)) / (1 - Math.exp(-3.5));
  } else if (policy === 'outcome-rl') {
    end = 0.62 + 0.2 * (importance - 0.35);
    learnt = progress * (0.6 + 0.4 * progress);
  } else {
    throw new RangeError(`a training run needs policy outcome-rl or roro, got ${policy}`);
  }
  return clamp(start + learnt * (end - start) + 0.08 * rng.gauss(), 0.01, 0.99);
}

function roundUsd(x: number): number {
  return Math.round(x * 1e10) / 1e10;
}

function modelCopy(m: TraceModel): TraceModel {
  return m.params_b === undefined
    ? { id: m.id, usd_per_mtok_in: m.usd_per_mtok_in, usd_per_mtok_out: m.usd_per_mtok_out }
    : { id: m.id, params_b: m.params_b, usd_per_mtok_in: m.usd_per_mtok_in, usd_per_mtok_out: m.usd_per_mtok_out };
}

function criterionCopy(c: CriterionPlan): RubricCriterion {
  return { id: c.id, text: c.text, weight: c.weight, scale: { ...c.scale } };
}

/** Where a rollout of a training run was sampled: its training step, and how far through the run that is (0..1). */
interface TrainingPoint {
  step: number;
  progress: number;
}

function buildTrajectory(
  q: QueryContext,
  run: PreparedRun,
  rep: number,
  qIndex: number,
  o: Resolved,
  s: Scratch,
  probsBuf: Int32Array,
  training?: TrainingPoint,
): TraceLine {
  const rng = new Rng(
    training === undefined
      ? mixSeed(o.seedLo, o.seedHi, qIndex, run.index, rep)
      : mixSeed(o.seedLo, o.seedHi, qIndex, run.index, rep, training.step, TRAINING_SALT),
  );
  const span = o.stepsMax - o.stepsMin + 1;
  const n = o.stepsMin + Math.floor(span * clamp(0.5 * q.difficulty + 0.5 * rng.next(), 0, 0.9999));
  s.ensure(n);
  const cruxStep = planSteps(q, n, rng, s);

  // Routing: decide every step's model first; the outcome depends on it, and step texts on the outcome.
  const k = run.models.length;
  const hasRouter = run.policy !== 'all-small' && run.policy !== 'all-large';
  const probs: (Record<string, number> | undefined)[] = [];
  let largeSteps = 0;
  let otherCap = 0;
  let otherImp = 0;
  for (let i = 0; i < n; i++) {
    const role = s.roles[i]!;
    const importance = IMPORTANCE[role]! + (role === ROLE_FILLER ? 0.05 * rng.gauss() : 0);
    let m: number;
    if (!hasRouter) {
      m = run.policy === 'all-large' ? run.large : run.small;
      probs.push(undefined);
    } else {
      route(run, importance, rng, probsBuf, training?.progress);
      let u = rng.int(0, 999);
      m = 0;
      while (m < k - 1 && u >= probsBuf[m]!) u -= probsBuf[m++]!;
      const p: Record<string, number> = {};
      for (let j = 0; j < k; j++) p[run.models[j]!.model.id] = probsBuf[j]! / 1000;
      probs.push(p);
    }
    s.models[i] = m;
    const pm = run.models[m]!;
    s.tiers[i] = pm.tier;
    if (pm.tier === TIER_LARGE) largeSteps++;
    if (i !== cruxStep) {
      otherCap += importance * pm.capability;
      otherImp += importance;
    }
  }
  const cruxCap = run.models[s.models[cruxStep]!]!.capability;
  const quality = 0.7 * cruxCap + 0.3 * (otherImp > 0 ? otherCap / otherImp : cruxCap);
  // A rollout's chance is its query's more than its routing's (rollouts of one group often agree),
  // which is what leaves GRPO groups without an outcome signal.
  const decisive = training === undefined ? 1 : 1.8;
  const correct = rng.chance(logistic(decisive * (-0.32 + 1.5 * quality - 5.2 * (q.difficulty - 0.42))));
  const problem = q.problem;
  const gaveUp = !correct && rng.chance(0.03);
  const finalAnswer = correct ? problem.answer : gaveUp ? undefined : rng.pick(problem.wrong);
  const cruxWrong = !correct && s.roles[cruxStep] === ROLE_CRUX && s.tiers[cruxStep] !== TIER_LARGE && q.coreWrong[q.cruxCore] !== undefined && rng.chance(0.6);

  // Steps.
  const steps: TraceStep[] = new Array<TraceStep>(n);
  let tokensIn = q.promptTokens;
  for (let i = 0; i < n; i++) {
    const role = s.roles[i]!;
    const pm = run.models[s.models[i]!]!;
    const t = s.texts[i]!;
    let text: string;
    if (role === ROLE_ANSWER) {
      text = finalAnswer === undefined ? GAVE_UP : `${rng.pick(o.normalText ? ANSWER_LEADS_NORMAL : ANSWER_LEADS)}${finalAnswer}}$.`;
    } else if (t < 0) {
      text = q.fillerTexts[-1 - t]!;
    } else if (cruxWrong && role === ROLE_CRUX) {
      text = q.coreWrong[t] ?? q.coreTexts[t]!;
    } else {
      text = q.coreTexts[t]!;
    }
    if (role !== ROLE_CRUX && role !== ROLE_ANSWER && rng.chance(0.004)) text += rng.pick(HTML_PROBES);
    const [outMin, outSpread] = TOKENS_OUT[role]!;
    const tokensOut = Math.min(300, Math.round((outMin + outSpread * rng.next()) * (o.normalText ? 1 : 0.7) * (1 + 0.1 * pm.capability)));
    const step: TraceStep = { index: i, model: pm.model.id, text, tokens_in: tokensIn, tokens_out: tokensOut };
    if (rng.chance(0.99)) {
      const ms = pm.ttftMs + tokensOut * pm.msPerTokenOut + tokensIn * pm.msPerTokenIn;
      step.latency_ms = Math.max(1, Math.round(ms * (1 + 0.12 * rng.gauss())));
    }
    const p = probs[i];
    if (p !== undefined) step.router = { probs: p };
    const c = rng.next();
    if (c < 0.03) {
      // A provider-billed cost, with a cache discount on the input that the list price does not know.
      const m = pm.model;
      step.cost_usd = roundUsd((tokensIn * m.usd_per_mtok_in * 0.5 + tokensOut * m.usd_per_mtok_out) / 1e6);
    } else if (c < 0.05) {
      step.cost_usd = null;
    }
    steps[i] = step;
    tokensIn += tokensOut + 6;
  }

  const id = training === undefined ? `${run.spec.id}/${q.id}/r${rep}` : `${run.spec.id}/s${training.step}/${q.id}/r${rep}`;
  const runObj: TraceRun =
    run.metaJson === undefined
      ? { id: run.spec.id, policy: run.policy }
      : { id: run.spec.id, policy: run.policy, meta: JSON.parse(run.metaJson) as JsonObject };
  const query: TraceQuery = { id: q.id, benchmark: q.benchmark, text: problem.text, reference_answer: problem.answer };
  const models = run.models.map((pm) => modelCopy(pm.model));
  // Key order follows the format's description (final_answer before correct).
  const line: TraceLine =
    finalAnswer === undefined
      ? { format: TRACE_FORMAT, id, run: runObj, query, models, steps, correct }
      : { format: TRACE_FORMAT, id, run: runObj, query, models, steps, final_answer: finalAnswer, correct };

  if (q.rubricPlan !== undefined) {
    line.rubric = { id: q.rubricId, generator: RUBRICOR_ID, criteria: q.rubricPlan.map(criterionCopy) };
    let fillerStep = -1;
    let checkStep = -1;
    for (let i = 0; i < n && (fillerStep < 0 || checkStep < 0); i++) {
      if (fillerStep < 0 && s.roles[i] === ROLE_FILLER) fillerStep = i;
      if (checkStep < 0 && s.roles[i] === ROLE_CHECK) checkStep = i;
    }
    const ctx: JudgeContext = {
      n,
      roles: s.roles,
      tiers: s.tiers,
      modelOf: (i) => run.models[s.models[i]!]!.model.id,
      smallModel: run.models[run.small]!.model.id,
      largeModel: run.models[run.large]!.model.id,
      cruxStep,
      checkStep,
      fillerStep,
      cruxWrong,
      correct,
      largeShare: largeSteps / n,
      quality,
      finalAnswer,
      problem,
    };
    line.judgments = judgeTrajectory(q.rubricPlan, ctx, rng, rng.int(o.judgMin, o.judgMax));
  }
  // The group is left to its default, "<query.id>@<step>": the rollouts of one query at one step.
  if (training !== undefined) line.training = { step: training.step };

  if (rng.chance(0.7)) {
    line.meta = { subject: problem.subject, level: problem.level, temperature: 0.6, top_p: 0.95, sample: rep };
  }
  return line;
}

function judgeTrajectory(plan: CriterionPlan[], ctx: JudgeContext, rng: Rng, target: number): TraceJudgment[] {
  const judgments: TraceJudgment[] = [];
  const seen: string[] = [];
  const add = (c: CriterionPlan, steps: number[] | undefined): void => {
    const key = `${c.id}:${steps === undefined ? '' : steps.join(',')}`;
    if (seen.includes(key)) return;
    seen.push(key);
    judgments.push(judge(c, ctx, steps, rng));
  };
  for (const c of plan) {
    if (judgments.length >= target) return judgments;
    add(c, naturalScope(c, ctx, rng));
  }
  const perStep = plan.filter((c) => c.perStep);
  if (perStep.length === 0) return judgments;
  for (let attempt = 0; judgments.length < target && attempt < target * 3; attempt++) {
    const c = rng.pick(perStep);
    const i = rng.int(0, ctx.n - 1);
    add(c, i + 1 < ctx.n && rng.chance(0.3) ? [i, i + 1] : [i]);
  }
  return judgments;
}

// ---------------------------------------------------------------- public API

/**
 * Streams trajectories, query by query (every run and repetition of a query, then the next query),
 * so any prefix of the output (`limit`) covers whole queries across runs. Each yielded line is a fresh
 * object that the caller may keep or mutate.
 */
export function* generateTraces(opts: GenerateOptions = {}): Generator<TraceLine, void, undefined> {
  const o = resolveOptions(opts);
  const scratch = new Scratch();
  const probsBuf = new Int32Array(Math.max(...o.runs.map((r) => r.models.length)));
  let emitted = 0;
  for (let qi = 0; qi < o.queries && emitted < o.limit; qi++) {
    const q = buildQuery(qi, o);
    for (const run of o.runs) {
      for (let rep = 0; rep < o.perQuery; rep++) {
        if (emitted >= o.limit) return;
        const line = buildTrajectory(q, run, rep, qi, o, scratch, probsBuf);
        if (line.id.length > MAX_ID) throw new RangeError(`trajectory id longer than ${MAX_ID}: ${line.id}`);
        emitted++;
        yield line;
      }
    }
  }
}

export interface TrainingOptions {
  /** Seed of the rollouts and of the order in which batches are drawn. Default 42. */
  seed?: number;
  /** The training runs, each with policy 'outcome-rl' or 'roro'. Default DEMO_TRAINING_RUNS. */
  runs?: readonly RunSpec[];
  /** Model catalogue that runs refer to. Default DEFAULT_MODELS. */
  models?: readonly TraceModel[];
  /** Training steps 0..n-1. Default 40. */
  trainingSteps?: number;
  /** Queries in each step's batch (one GRPO group each). Default 16. */
  queriesPerStep?: number;
  /** Rollouts per query per step: the group size. Default 8. */
  rolloutsPerQuery?: number;
  /** The queries batches are drawn from (a multiple of queriesPerStep). Default 160: 10 batches, reshuffled each epoch. */
  queryPool?: number;
  /** Steps per rollout. Default {min: 2, max: 6}. */
  steps?: Range;
  /** Judgments per rollout. Default {min: 2, max: 4}. */
  judgmentsPerTrajectory?: Range;
  /** Default 'short'. */
  textSize?: 'short' | 'normal';
}

/**
 * The demo's two GRPO training runs of one router from one starting point, over the same batches of
 * queries in the same order: one rewarded by the outcome alone, one RoRo-style by outcome, process
 * (rubric) score and cost.
 */
export const DEMO_TRAINING_RUNS: readonly RunSpec[] = deepFreeze<RunSpec[]>([
  {
    id: 'grpo-outcome',
    policy: 'outcome-rl',
    models: ['qwen3-1.7b', 'qwen3-32b'],
    meta: { algorithm: 'GRPO', reward: 'outcome', group_size: 8, router: 'qwen3-0.6b + linear head', init: 'sft-router-v1' },
  },
  {
    id: 'grpo-roro',
    policy: 'roro',
    models: ['qwen3-1.7b', 'qwen3-32b'],
    meta: {
      algorithm: 'GRPO',
      reward: 'outcome + 0.5 * rubric process - 0.1 * cost',
      group_size: 8,
      router: 'qwen3-0.6b + linear head',
      init: 'sft-router-v1',
      rubricor: RUBRICOR_ID,
      judge: 'judge-v2',
    },
  },
]);

/**
 * The batch of query indexes (into 0..queryPool-1) of each training step. The pool is cut into
 * batches of consecutive queries (so every batch mixes the benchmarks alike), and each epoch visits
 * the batches in its own seeded order; every run sees the same batches in the same order.
 */
export function trainingBatches(opts: TrainingOptions = {}): number[][] {
  const o = resolveTraining(opts);
  return batchesOf(o);
}

interface ResolvedTraining {
  base: Resolved;
  trainingSteps: number;
  queriesPerStep: number;
  rollouts: number;
  pool: number;
}

function resolveTraining(opts: TrainingOptions): ResolvedTraining {
  const runs = opts.runs ?? DEMO_TRAINING_RUNS;
  for (const r of runs) {
    if (r.policy !== 'outcome-rl' && r.policy !== 'roro') throw new RangeError(`training run ${r.id} needs policy outcome-rl or roro, got ${r.policy}`);
  }
  const queriesPerStep = count(opts.queriesPerStep ?? 16, 'queriesPerStep', 1);
  const pool = count(opts.queryPool ?? queriesPerStep * 10, 'queryPool', 1);
  if (pool % queriesPerStep !== 0) throw new RangeError(`queryPool (${pool}) must be a multiple of queriesPerStep (${queriesPerStep})`);
  const base = resolveOptions({
    seed: opts.seed,
    runs,
    models: opts.models,
    queries: pool,
    steps: opts.steps ?? { min: 2, max: 6 },
    judgmentsPerTrajectory: opts.judgmentsPerTrajectory ?? { min: 2, max: 4 },
    textSize: opts.textSize ?? 'short',
  });
  return {
    base,
    trainingSteps: count(opts.trainingSteps ?? 40, 'trainingSteps', 1),
    queriesPerStep,
    rollouts: count(opts.rolloutsPerQuery ?? 8, 'rolloutsPerQuery', 1),
    pool,
  };
}

function batchesOf(o: ResolvedTraining): number[][] {
  const perEpoch = o.pool / o.queriesPerStep;
  const batches: number[][] = [];
  let order: number[] = [];
  for (let step = 0; step < o.trainingSteps; step++) {
    const slot = step % perEpoch;
    if (slot === 0) {
      const rng = new Rng(mixSeed(o.base.seedLo, o.base.seedHi, step / perEpoch, TRAINING_SALT));
      order = Array.from({ length: perEpoch }, (_, i) => i);
      for (let i = perEpoch - 1; i > 0; i--) {
        const j = rng.int(0, i);
        [order[i], order[j]] = [order[j]!, order[i]!];
      }
    }
    const first = order[slot]! * o.queriesPerStep;
    batches.push(Array.from({ length: o.queriesPerStep }, (_, i) => first + i));
  }
  return batches;
}

/**
 * Streams the rollouts of GRPO training runs (trace-format.md "training"), step by step as a trainer
 * logs them: at each training step, for each run, `rolloutsPerQuery` rollouts of each query of the
 * step's batch, each with `training.step` and its default group "<query.id>@<step>". Queries and
 * rubrics are generateTraces's (they depend only on the query id), so both files load into one database.
 */
export function* generateTrainingTraces(opts: TrainingOptions = {}): Generator<TraceLine, void, undefined> {
  const o = resolveTraining(opts);
  const scratch = new Scratch();
  const probsBuf = new Int32Array(Math.max(...o.base.runs.map((r) => r.models.length)));
  const queries = new Map<number, QueryContext>();
  const last = Math.max(1, o.trainingSteps - 1);
  for (const [step, batch] of batchesOf(o).entries()) {
    const point: TrainingPoint = { step, progress: step / last };
    for (const run of o.base.runs) {
      for (const qi of batch) {
        let q = queries.get(qi);
        if (q === undefined) queries.set(qi, (q = buildQuery(qi, o.base)));
        for (let rep = 0; rep < o.rollouts; rep++) yield buildTrajectory(q, run, rep, qi, o.base, scratch, probsBuf, point);
      }
    }
  }
}

/** How many rollouts generateTrainingTraces yields for these options. */
export function plannedRollouts(opts: TrainingOptions = {}): number {
  const o = resolveTraining(opts);
  return o.trainingSteps * o.base.runs.length * o.queriesPerStep * o.rollouts;
}

/** How many trajectories generateTraces yields for these options. */
export function plannedTrajectories(opts: GenerateOptions = {}): number {
  const o = resolveOptions(opts);
  return Math.min(o.limit, o.queries * o.runs.length * o.perQuery);
}

/** One JSON Lines line (without the newline). */
export function serializeLine(line: TraceLine): string {
  return JSON.stringify(line);
}

/** JSON Lines text: one line per trajectory, each ended by a newline. */
export function renderJsonl(lines: Iterable<TraceLine>): string {
  const out: string[] = [];
  for (const line of lines) out.push(JSON.stringify(line));
  return out.length === 0 ? '' : out.join('\n') + '\n';
}

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object') {
    for (const v of Object.values(value)) deepFreeze(v);
    Object.freeze(value);
  }
  return value;
}
