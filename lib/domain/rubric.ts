import { sum } from './compare';
import type { CriterionDef, JudgmentInput, Scale } from './types';

export interface CriterionScore {
  id: string;
  weight: number;
  /** Mean normalized effective score of the criterion's judgments; `null` when it has none. */
  score: number | null;
}

/** A scale as stored (a criterion's kind, scale_min, scale_max): a numeric scale without bounds is [0, 1]. */
export function scaleOf(kind: Scale['kind'], min: number | null, max: number | null): Scale {
  return kind === 'numeric' ? { kind, min: min ?? 0, max: max ?? 1 } : { kind };
}

/** The scores a scale allows, as error messages name them: "binary (0 or 1)", "ternary (-1, 0 or 1)", "numeric (0 to 10)". */
export function scaleText(scale: Scale): string {
  if (scale.kind === 'binary') return 'binary (0 or 1)';
  if (scale.kind === 'ternary') return 'ternary (-1, 0 or 1)';
  return `numeric (${scale.min} to ${scale.max})`;
}

/** Why a scale cannot be used, or `null` when it can. Ingest refuses a criterion whose scale fails. */
export function validateScale(scale: Scale): string | null {
  if (scale.kind !== 'numeric') return null;
  const { min, max } = scale;
  if (!Number.isFinite(min) || !Number.isFinite(max)) {
    return `numeric scale bounds must be finite numbers (min ${min}, max ${max})`;
  }
  if (min >= max) return `numeric scale needs min < max (min ${min}, max ${max})`;
  // A range that overflows would normalize every score to 0 or NaN.
  if (!Number.isFinite(max - min)) return `numeric scale range max - min is too large (min ${min}, max ${max})`;
  return null;
}

/** Why a criterion weight cannot be used, or `null` when it can (weights are finite and > 0). */
export function validateWeight(weight: number): string | null {
  if (!Number.isFinite(weight) || weight <= 0) return `criterion weight must be a finite number > 0, got ${weight}`;
  return null;
}

export function isOnScale(score: number, scale: Scale): boolean {
  switch (scale.kind) {
    case 'binary':
      return score === 0 || score === 1;
    case 'ternary':
      return score === -1 || score === 0 || score === 1;
    case 'numeric':
      return Number.isFinite(score) && score >= scale.min && score <= scale.max;
  }
}

/** Maps a score on its scale to [0, 1]. Throws on an invalid scale or an off-scale score: ingest rejects both. */
export function normalizedScore(score: number, scale: Scale): number {
  const problem = validateScale(scale);
  if (problem) throw new RangeError(problem);
  if (!isOnScale(score, scale)) throw new RangeError(`score ${score} is not on the ${scale.kind} scale`);
  switch (scale.kind) {
    case 'binary':
      return score === 0 ? 0 : 1; // not `score` itself: -0 would leak into exports as -0
    case 'ternary':
      return (score + 1) / 2;
    case 'numeric':
      return (score - scale.min) / (scale.max - scale.min);
  }
}

/** The newest human label when there is one, else the judge's score; `null` when neither exists. */
export function effectiveScore(j: JudgmentInput): number | null {
  return j.humanScore ?? j.judgeScore;
}

export interface Weighted {
  weight: number;
  value: number;
}

/**
 * sum(weight * value) / sum(weight), `null` for no terms. When the weights' sum overflows, they are
 * rescaled by the largest one (the mean is scale-free) instead of returning 0 or NaN.
 */
export function weightedMean(terms: readonly Weighted[]): number | null {
  if (terms.length === 0) return null;
  const plain = weightedSums(terms, 1);
  if (Number.isFinite(plain.denominator)) return plain.numerator / plain.denominator;
  const rescaled = weightedSums(
    terms,
    terms.reduce((top, t) => Math.max(top, t.weight), 0),
  );
  return rescaled.numerator / rescaled.denominator;
}

function weightedSums(terms: readonly Weighted[], unit: number): { numerator: number; denominator: number } {
  let numerator = 0;
  let denominator = 0;
  for (const { weight, value } of terms) {
    const w = weight / unit; // exact when unit is 1
    numerator += w * value;
    denominator += w;
  }
  return { numerator, denominator };
}

function mean(values: readonly number[]): number | null {
  return values.length === 0 ? null : sum(values) / values.length;
}

export function criteriaById(criteria: readonly CriterionDef[]): Map<string, CriterionDef> {
  const byId = new Map<string, CriterionDef>();
  for (const criterion of criteria) {
    if (byId.has(criterion.id)) throw new Error(`criterion "${criterion.id}" is defined twice`);
    const problem = validateWeight(criterion.weight);
    if (problem) throw new RangeError(`criterion "${criterion.id}": ${problem}`);
    byId.set(criterion.id, criterion);
  }
  return byId;
}

interface ScoredJudgment {
  criterion: CriterionDef;
  steps: readonly number[];
  normalized: number;
}

/** Judgments that carry a score (judge or human), normalized; the rest are ignored everywhere. */
function scoredJudgments(judgments: readonly JudgmentInput[], criteria: readonly CriterionDef[]): ScoredJudgment[] {
  const byId = criteriaById(criteria);
  const scored: ScoredJudgment[] = [];
  for (const j of judgments) {
    const criterion = byId.get(j.criterion);
    if (!criterion) throw new Error(`judgment names criterion "${j.criterion}", which is not in the rubric`);
    const score = effectiveScore(j);
    if (score === null) continue;
    scored.push({ criterion, steps: j.steps, normalized: normalizedScore(score, criterion.scale) });
  }
  return scored;
}

function checkStepIndex(index: number, stepCount: number): void {
  if (!Number.isInteger(index) || index < 0 || index >= stepCount) {
    throw new RangeError(`judgment names step ${index}, but the trajectory has steps 0..${stepCount - 1}`);
  }
}

/**
 * Per step, the criterion-weighted mean of the judgments that name it. A judgment listing the same
 * step twice still counts once: `steps` is a set of steps, not a multiplicity.
 */
export function stepRubricScores(stepCount: number, judgments: readonly JudgmentInput[], criteria: readonly CriterionDef[]): (number | null)[] {
  if (!Number.isInteger(stepCount) || stepCount < 0) throw new RangeError(`stepCount must be an integer >= 0, got ${stepCount}`);
  const terms: Weighted[][] = Array.from({ length: stepCount }, () => []);
  for (const j of scoredJudgments(judgments, criteria)) {
    for (const index of new Set(j.steps)) {
      checkStepIndex(index, stepCount);
      terms[index]?.push({ weight: j.criterion.weight, value: j.normalized });
    }
  }
  return terms.map(weightedMean);
}

/** In the rubric's criteria order; whole-trajectory and step judgments count alike. */
export function criterionScores(judgments: readonly JudgmentInput[], criteria: readonly CriterionDef[]): CriterionScore[] {
  const byCriterion = new Map<string, number[]>();
  for (const j of scoredJudgments(judgments, criteria)) {
    const list = byCriterion.get(j.criterion.id) ?? [];
    list.push(j.normalized);
    byCriterion.set(j.criterion.id, list);
  }
  return criteria.map((c) => ({ id: c.id, weight: c.weight, score: mean(byCriterion.get(c.id) ?? []) }));
}

/** Weighted mean over the criteria that have a score; `null` when none has. */
export function processScoreOf(scores: readonly CriterionScore[]): number | null {
  const terms: Weighted[] = [];
  for (const { weight, score } of scores) if (score !== null) terms.push({ weight, value: score });
  return weightedMean(terms);
}

export function processScore(judgments: readonly JudgmentInput[], criteria: readonly CriterionDef[]): number | null {
  return processScoreOf(criterionScores(judgments, criteria));
}
