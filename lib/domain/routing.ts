// Routing decisions (scoring.md): where in a solution the router escalates, how often it switches,
// how sure it was of each decision, and whether its confidence follows the Judge.
//
// A trajectory contributes a fixed set of counts and sums (`routingContribution`); the figures of any
// set of trajectories are those contributions added up (`addRoutingContribution`) and read out once
// (`routingFigures`). Stored per-run rollups are the same sums, so a rollup and a recomputation from
// the trajectories are the same arithmetic.
import { compareIds } from './compare';
import type { ModelPrice } from './types';

/** Ten bins [0, 0.1), ..., [0.9, 1] for positions, chosen probabilities and normalized entropies. */
export const ROUTING_BINS = 10;
export const ESCALATION_CLASSES = ['0', '1', '2', '3+'] as const;
export type EscalationClass = (typeof ESCALATION_CLASSES)[number];
export type Escalation = 'up' | 'down' | null;

/**
 * Negative when `a` is cheaper than `b`, in the order of the all-largest baseline: by
 * usd_per_mtok_out, then usd_per_mtok_in; among models priced exactly alike the smaller id counts as
 * the more expensive one (it is the one the baseline picks), so the order is total.
 */
export function comparePrice(a: ModelPrice, b: ModelPrice): number {
  if (a.usdPerMtokOut !== b.usdPerMtokOut) return a.usdPerMtokOut < b.usdPerMtokOut ? -1 : 1;
  if (a.usdPerMtokIn !== b.usdPerMtokIn) return a.usdPerMtokIn < b.usdPerMtokIn ? -1 : 1;
  return compareIds(b.id, a.id);
}

/** The models, each id once, cheapest first. */
export function cheapestFirst(models: readonly ModelPrice[]): ModelPrice[] {
  const byId = new Map<string, ModelPrice>();
  for (const m of models) if (!byId.has(m.id)) byId.set(m.id, m);
  return [...byId.values()].sort(comparePrice);
}

/**
 * The bin of step `index` of `n`: `min(9, floor(10 * index / (n - 1)))`, 0 when n = 1. Computed on
 * integers, so a step at exactly a tenth of the way (index 3 of 11) is in the bin that starts there,
 * whatever the rounding of index / (n - 1) would say.
 */
export function positionBin(index: number, n: number): number {
  if (!Number.isInteger(n) || n < 1) throw new RangeError(`a trajectory has at least one step, got ${n}`);
  if (!Number.isInteger(index) || index < 0 || index >= n) throw new RangeError(`step ${index} is not one of steps 0..${n - 1}`);
  if (n === 1) return 0;
  return Math.min(ROUTING_BINS - 1, Math.floor((ROUTING_BINS * index) / (n - 1)));
}

/** The bin of a value in [0, 1]: `min(9, floor(10 * x))`, so exactly 1 is in the last bin, [0.9, 1]. */
export function unitBin(x: number): number {
  if (!(x >= 0 && x <= 1)) throw new RangeError(`expected a value in [0, 1], got ${x}`);
  return Math.min(ROUTING_BINS - 1, Math.floor(ROUTING_BINS * x));
}

export interface RouterConfidence {
  /** The step's model's probability after dividing every probability by their sum; 0 when left out. */
  chosenProbability: number;
  /** `-sum(p * log2 p) / log2(m)` over the trajectory's m models (terms with p = 0 are 0); 0 when m = 1. */
  normalizedEntropy: number;
  /** Whether the step's model is among the most probable ones (ties count as among them). */
  onTopChoice: boolean;
}

/**
 * The router's confidence in one step's decision, or `null` when the step carries no probabilities
 * (no `router`, no `probs`, or an empty `probs`: there is no distribution to read).
 * `modelCount` is the number of distinct models the trajectory lists.
 */
export function routerConfidence(probs: Readonly<Record<string, number>> | null | undefined, model: string, modelCount: number): RouterConfidence | null {
  if (!probs) return null;
  // for-in walks the keys in Object.entries' order (probs is a plain object): the same sums, with no
  // array per step (ingest computes this for every step).
  let total = 0;
  for (const id in probs) total += probs[id]!;
  if (!(total > 0)) return null;
  let entropy = 0;
  let top = 0;
  let chosen = 0;
  for (const id in probs) {
    const p = probs[id]! / total;
    if (p > top) top = p;
    if (p > 0) entropy -= p * Math.log2(p);
    if (id === model) chosen = p;
  }
  // Rounding can put a uniform distribution a hair above 1 (or an all-on-one one at -0): clamp to [0, 1].
  const normalized = modelCount <= 1 ? 0 : Math.min(1, Math.max(0, entropy / Math.log2(modelCount)));
  return { chosenProbability: chosen, normalizedEntropy: normalized === 0 ? 0 : normalized, onTopChoice: chosen === top };
}

/** Per step: `up` for a switch to a more expensive model, `down` to a cheaper one, `null` otherwise. */
export function stepEscalations(models: readonly ModelPrice[], stepModels: readonly string[]): Escalation[] {
  const byId = new Map(models.map((m) => [m.id, m]));
  const price = (id: string) => {
    const m = byId.get(id);
    if (!m) throw new Error(`step names model "${id}", which is not among the trajectory's models`);
    return m;
  };
  return stepModels.map((model, k) => {
    const prev = k === 0 ? undefined : stepModels[k - 1]!;
    if (prev === undefined || prev === model) return null;
    return comparePrice(price(model), price(prev)) > 0 ? 'up' : 'down';
  });
}

export interface RoutingStepInput {
  model: string;
  /** `router.probs` as given; absent or null when the step has no router. */
  probs?: Readonly<Record<string, number>> | null;
}

export interface RoutingTrajectoryInput {
  models: readonly ModelPrice[];
  steps: readonly RoutingStepInput[];
  correct: boolean;
  /** The step rubric scores (scoring.md, under the view's judge setting); null where none. */
  stepScores: readonly (number | null)[];
}

/** What the replay and the steps export show per step. */
export interface StepRouting {
  escalation: Escalation;
  chosenProbability: number | null;
  normalizedEntropy: number | null;
  onTopChoice: boolean | null;
}

export function stepRouting(models: readonly ModelPrice[], steps: readonly RoutingStepInput[]): StepRouting[] {
  const m = new Set(models.map((x) => x.id)).size;
  const escalations = stepEscalations(
    models,
    steps.map((s) => s.model),
  );
  const out: StepRouting[] = new Array(steps.length);
  for (let k = 0; k < steps.length; k++) {
    const s = steps[k]!;
    const c = s.probs ? routerConfidence(s.probs, s.model, m) : null;
    out[k] = c
      ? { escalation: escalations[k]!, chosenProbability: c.chosenProbability, normalizedEntropy: c.normalizedEntropy, onTopChoice: c.onTopChoice }
      : { escalation: escalations[k]!, chosenProbability: null, normalizedEntropy: null, onTopChoice: null };
  }
  return out;
}

/** Step quality by decision, for one trajectory: scored steps and score sums by model and by bin. */
export interface RoutingQuality {
  /** Per model (in `models` order): steps with a rubric score, and the sum of their scores. */
  scoredByModel: number[];
  scoreSumByModel: number[];
  /** Per chosen-probability bin: the same, over the steps that carry probabilities. */
  scoredByBin: number[];
  scoreSumByBin: number[];
}

const zeros = () => new Array<number>(ROUTING_BINS).fill(0);

/**
 * The quality part of a contribution, on its own: it is the part that moves when a label changes a
 * step score (the steps' models and chosen probabilities stay).
 */
export function routingQuality(
  models: readonly string[],
  stepModels: readonly string[],
  chosenProbabilities: readonly (number | null)[],
  stepScores: readonly (number | null)[],
): RoutingQuality {
  if (stepScores.length !== stepModels.length || chosenProbabilities.length !== stepModels.length) {
    throw new Error(`routingQuality: ${stepModels.length} steps, ${chosenProbabilities.length} probabilities, ${stepScores.length} scores`);
  }
  const slot = new Map(models.map((m, i) => [m, i]));
  const q: RoutingQuality = { scoredByModel: models.map(() => 0), scoreSumByModel: models.map(() => 0), scoredByBin: zeros(), scoreSumByBin: zeros() };
  stepModels.forEach((model, k) => {
    const score = stepScores[k];
    if (score === null || score === undefined) return;
    const i = slot.get(model);
    if (i === undefined) throw new Error(`routingQuality: step ${k} is on "${model}", which is not among ${models.join(', ')}`);
    q.scoredByModel[i]! += 1;
    q.scoreSumByModel[i]! += score;
    const p = chosenProbabilities[k];
    if (p === null || p === undefined) return;
    const b = unitBin(p);
    q.scoredByBin[b]! += 1;
    q.scoreSumByBin[b]! += score;
  });
  return q;
}

/** One trajectory's part of every routing figure. */
export interface RoutingContribution extends RoutingQuality {
  steps: number;
  /** The models that took at least one step, cheapest first. */
  models: string[];
  /** Per model (in `models` order), the steps in each position bin. */
  positionSteps: number[][];
  switches: number;
  escalations: number;
  deescalations: number;
  /** Steps that carry router probabilities. */
  routerSteps: number;
  /** Of those, steps whose model is not among the most probable ones. */
  notArgmax: number;
  chosenProbabilityHistogram: number[];
  normalizedEntropyHistogram: number[];
  perStep: StepRouting[];
}

/** A contribution without its per-step values: what the rollups add up. */
export type RoutingSums = Omit<RoutingContribution, 'perStep'>;

export function routingContribution(input: Omit<RoutingTrajectoryInput, 'correct'>): RoutingContribution {
  const { models, steps, stepScores } = input;
  const n = steps.length;
  if (n === 0) throw new RangeError('a trajectory has at least one step');
  const perStep = stepRouting(models, steps);
  const used = new Set(steps.map((s) => s.model));
  const order = cheapestFirst(models)
    .map((m) => m.id)
    .filter((id) => used.has(id));
  const slot = new Map(order.map((m, i) => [m, i]));
  const positionSteps = order.map(zeros);
  const c: RoutingContribution = {
    steps: n,
    models: order,
    positionSteps,
    switches: 0,
    escalations: 0,
    deescalations: 0,
    routerSteps: 0,
    notArgmax: 0,
    chosenProbabilityHistogram: zeros(),
    normalizedEntropyHistogram: zeros(),
    ...routingQuality(
      order,
      steps.map((s) => s.model),
      perStep.map((s) => s.chosenProbability),
      stepScores,
    ),
    perStep,
  };
  steps.forEach((s, k) => {
    positionSteps[slot.get(s.model)!]![positionBin(k, n)]! += 1;
    const r = perStep[k]!;
    if (r.escalation === 'up') c.escalations++;
    if (r.escalation === 'down') c.deescalations++;
    if (r.chosenProbability !== null) {
      c.routerSteps++;
      if (!r.onTopChoice) c.notArgmax++;
      c.chosenProbabilityHistogram[unitBin(r.chosenProbability)]! += 1;
      c.normalizedEntropyHistogram[unitBin(r.normalizedEntropy!)]! += 1;
    }
  });
  c.switches = c.escalations + c.deescalations;
  return c;
}

export function escalationClass(escalations: number): number {
  return Math.min(ESCALATION_CLASSES.length - 1, escalations);
}

export interface ModelTotals {
  positionSteps: number[];
  scoredSteps: number;
  scoreSum: number;
}

/** The sums behind every routing figure of a set of trajectories. */
export interface RoutingTotals {
  trajectories: number;
  steps: number;
  switches: number;
  escalations: number;
  deescalations: number;
  /** By escalation class 0, 1, 2, 3+: trajectories, and how many of them are correct. */
  trajectoriesByEscalations: number[];
  correctByEscalations: number[];
  routerSteps: number;
  notArgmax: number;
  chosenProbabilityHistogram: number[];
  normalizedEntropyHistogram: number[];
  scoredByBin: number[];
  scoreSumByBin: number[];
  byModel: Map<string, ModelTotals>;
}

export function emptyRoutingTotals(): RoutingTotals {
  return {
    trajectories: 0,
    steps: 0,
    switches: 0,
    escalations: 0,
    deescalations: 0,
    trajectoriesByEscalations: [0, 0, 0, 0],
    correctByEscalations: [0, 0, 0, 0],
    routerSteps: 0,
    notArgmax: 0,
    chosenProbabilityHistogram: zeros(),
    normalizedEntropyHistogram: zeros(),
    scoredByBin: zeros(),
    scoreSumByBin: zeros(),
    byModel: new Map(),
  };
}

function addInto(into: number[], from: readonly number[], sign: number): void {
  from.forEach((v, i) => {
    into[i] = (into[i] ?? 0) + sign * v;
  });
}

export function modelTotals(totals: RoutingTotals, model: string): ModelTotals {
  let m = totals.byModel.get(model);
  if (!m) totals.byModel.set(model, (m = { positionSteps: zeros(), scoredSteps: 0, scoreSum: 0 }));
  return m;
}

/** Adds (sign 1) or removes (sign -1) one trajectory's contribution. */
export function addRoutingContribution(totals: RoutingTotals, c: RoutingSums, correct: boolean, sign: 1 | -1 = 1): void {
  totals.trajectories += sign;
  totals.steps += sign * c.steps;
  totals.switches += sign * c.switches;
  totals.escalations += sign * c.escalations;
  totals.deescalations += sign * c.deescalations;
  const e = escalationClass(c.escalations);
  totals.trajectoriesByEscalations[e]! += sign;
  if (correct) totals.correctByEscalations[e]! += sign;
  totals.routerSteps += sign * c.routerSteps;
  totals.notArgmax += sign * c.notArgmax;
  addInto(totals.chosenProbabilityHistogram, c.chosenProbabilityHistogram, sign);
  addInto(totals.normalizedEntropyHistogram, c.normalizedEntropyHistogram, sign);
  addInto(totals.scoredByBin, c.scoredByBin, sign);
  addInto(totals.scoreSumByBin, c.scoreSumByBin, sign);
  c.models.forEach((model, i) => {
    const m = modelTotals(totals, model);
    addInto(m.positionSteps, c.positionSteps[i]!, sign);
    m.scoredSteps += sign * c.scoredByModel[i]!;
    m.scoreSum += sign * c.scoreSumByModel[i]!;
  });
}

export interface RoutingFigures {
  trajectories: number;
  steps: number;
  /** The models that took steps in the set, cheapest first. */
  models: string[];
  positionProfile: { bin: number; steps: number; shareByModel: Record<string, number | null> }[];
  switches: {
    meanSwitches: number | null;
    meanEscalations: number | null;
    meanDeescalations: number | null;
    shareEscalating: number | null;
    byEscalations: { escalations: EscalationClass; trajectories: number; accuracy: number | null }[];
  };
  confidence: {
    steps: number;
    chosenProbability: number[];
    normalizedEntropy: number[];
    shareNotArgmax: number | null;
  };
  quality: {
    byModel: { model: string; scoredSteps: number; meanStepScore: number | null }[];
    byChosenProbability: { bin: number; scoredSteps: number; meanStepScore: number | null }[];
  };
}

const ratio = (part: number, whole: number): number | null => (whole === 0 ? null : part / whole);
const sumOf = (xs: readonly number[]) => xs.reduce((a, b) => a + b, 0);

/**
 * The figures of a set from its totals. `prices` must hold every model of the totals (models are
 * ordered cheapest first). A model whose steps have all been removed is left out.
 */
export function routingFigures(totals: RoutingTotals, prices: readonly ModelPrice[]): RoutingFigures {
  const byId = new Map(prices.map((p) => [p.id, p]));
  const present = [...totals.byModel.entries()].filter(([, m]) => sumOf(m.positionSteps) > 0);
  const models = present
    .map(([id]) => {
      const p = byId.get(id);
      if (!p) throw new Error(`routingFigures: no price for model "${id}"`);
      return p;
    })
    .sort(comparePrice)
    .map((p) => p.id);
  const binSteps = Array.from({ length: ROUTING_BINS }, (_, b) => sumOf(models.map((id) => totals.byModel.get(id)!.positionSteps[b]!)));
  const n = totals.trajectories;
  return {
    trajectories: n,
    steps: totals.steps,
    models,
    positionProfile: binSteps.map((steps, bin) => ({
      bin,
      steps,
      shareByModel: Object.fromEntries(models.map((id) => [id, ratio(totals.byModel.get(id)!.positionSteps[bin]!, steps)])),
    })),
    switches: {
      meanSwitches: ratio(totals.switches, n),
      meanEscalations: ratio(totals.escalations, n),
      meanDeescalations: ratio(totals.deescalations, n),
      shareEscalating: ratio(n - totals.trajectoriesByEscalations[0]!, n),
      byEscalations: ESCALATION_CLASSES.map((escalations, i) => ({
        escalations,
        trajectories: totals.trajectoriesByEscalations[i]!,
        accuracy: ratio(totals.correctByEscalations[i]!, totals.trajectoriesByEscalations[i]!),
      })),
    },
    confidence: {
      steps: totals.routerSteps,
      chosenProbability: [...totals.chosenProbabilityHistogram],
      normalizedEntropy: [...totals.normalizedEntropyHistogram],
      shareNotArgmax: ratio(totals.notArgmax, totals.routerSteps),
    },
    quality: {
      byModel: models.map((model) => {
        const m = totals.byModel.get(model)!;
        return { model, scoredSteps: m.scoredSteps, meanStepScore: ratio(m.scoreSum, m.scoredSteps) };
      }),
      byChosenProbability: totals.scoredByBin.map((scoredSteps, bin) => ({
        bin,
        scoredSteps,
        meanStepScore: ratio(totals.scoreSumByBin[bin]!, scoredSteps),
      })),
    },
  };
}

/** Every routing figure of scoring.md over a set of trajectories, straight from their content. */
export function routingDecisions(trajectories: readonly RoutingTrajectoryInput[]): RoutingFigures {
  const totals = emptyRoutingTotals();
  const prices = new Map<string, ModelPrice>();
  for (const t of trajectories) {
    for (const m of t.models) if (!prices.has(m.id)) prices.set(m.id, m);
    addRoutingContribution(totals, routingContribution(t), t.correct);
  }
  return routingFigures(totals, [...prices.values()]);
}
