/**
 * The simulated Rubricor (a query-specific rubric of weighted criteria) and Judge (scores of steps and
 * whole trajectories under it). Scores follow what the trajectory did: whether the large model took
 * the crux, whether routine steps stayed small, whether the answer is right.
 */
import type { Problem } from './problems';
import { Rng } from './rng';
import type { RubricScale, TraceJudgment } from './trace-line';

export type CriterionKind = 'crux-routing' | 'crux-correct' | 'routine-small' | 'clarity' | 'final-answer' | 'verification' | 'cost-efficiency' | 'restatement';

export interface CriterionPlan {
  kind: CriterionKind;
  id: string;
  text: string;
  weight: number;
  scale: RubricScale;
  /** Whether the judge also scores it on single steps chosen at random (beyond its natural scope). */
  perStep: boolean;
}

// Role codes of steps, shared with the generator (Uint8Array-friendly).
export const ROLE_SETUP = 0;
export const ROLE_CRUX = 1;
export const ROLE_COMPUTE = 2;
export const ROLE_CHECK = 3;
export const ROLE_ANSWER = 4;
export const ROLE_FILLER = 5;

// Tier codes of models within a run: the cheapest, anything between, the most expensive.
export const TIER_SMALL = 0;
export const TIER_MEDIUM = 1;
export const TIER_LARGE = 2;

export const JUDGE_ID = 'judge-v2';
export const RUBRICOR_ID = 'rubricor-v3';

const BINARY: RubricScale = { kind: 'binary' };
const TERNARY: RubricScale = { kind: 'ternary' };

function criterionPlan(kind: CriterionKind, problem: Problem, rng: Rng): Omit<CriterionPlan, 'id'> {
  switch (kind) {
    case 'crux-routing':
      return {
        kind,
        text: `The step that ${problem.cruxDesc} is routed to the large model.`,
        weight: rng.pick([2, 2, 1.5]),
        scale: BINARY,
        perStep: false,
      };
    case 'crux-correct':
      return {
        kind,
        text: `The key step (${problem.cruxInline}) is carried out correctly: +1 correct, 0 right idea with a slip, −1 wrong.`,
        weight: rng.pick([1.5, 1, 2]),
        scale: TERNARY,
        perStep: false,
      };
    case 'routine-small':
      return {
        kind,
        text: `Routine arithmetic such as ${problem.routineInline} stays on the small model (0 = none of it, 10 = all of it).`,
        weight: rng.pick([1, 0.5, 1]),
        scale: { kind: 'numeric', min: 0, max: 10 },
        perStep: true,
      };
    case 'clarity':
      return {
        kind,
        text: 'Each step follows from the previous one and is justified (1 = hard to follow, 5 = fully justified).',
        weight: rng.pick([0.5, 1]),
        scale: { kind: 'numeric', min: 1, max: 5 },
        perStep: true,
      };
    case 'final-answer':
      return {
        kind,
        text: `The final answer equals the reference answer, $${problem.answer}$.`,
        weight: rng.pick([1, 1.5, 2]),
        scale: BINARY,
        perStep: false,
      };
    case 'verification':
      return {
        kind,
        text: 'Intermediate results are checked before they are used: +1 checked, 0 partly, −1 not at all.',
        weight: rng.pick([0.5, 1]),
        scale: TERNARY,
        perStep: false,
      };
    case 'cost-efficiency':
      return {
        kind,
        text: 'The large model is used only where it changes the outcome (0 = on every step, 10 = only on the key steps).',
        weight: rng.pick([1, 1.5]),
        scale: { kind: 'numeric', min: 0, max: 10 },
        perStep: false,
      };
    case 'restatement':
      return {
        kind,
        text: 'No step is spent merely restating the problem.',
        weight: 0.5,
        scale: BINARY,
        perStep: false,
      };
  }
}

const OPTIONAL_KINDS: readonly CriterionKind[] = ['final-answer', 'verification', 'cost-efficiency', 'restatement'];

/**
 * A rubric of 3-6 criteria for one query, drawn from the query's own stream so that the same query
 * always gets the same rubric. Every rubric has a binary, a ternary and a numeric criterion.
 */
export function buildRubricPlan(problem: Problem, rng: Rng): CriterionPlan[] {
  const numeric: CriterionKind = rng.chance(0.5) ? 'routine-small' : 'clarity';
  const other: CriterionKind = numeric === 'clarity' ? 'routine-small' : 'clarity';
  const extras = rng.sample([...OPTIONAL_KINDS, other], rng.int(0, 3));
  const kinds: CriterionKind[] = ['crux-routing', 'crux-correct', numeric, ...extras];
  return kinds.map((kind, i) => ({ id: `c${i + 1}`, ...criterionPlan(kind, problem, rng) }));
}

/** What the judge sees of one trajectory. Arrays are indexed by step. */
export interface JudgeContext {
  n: number;
  roles: Uint8Array;
  tiers: Uint8Array;
  /** The model id of each step. */
  modelOf: (step: number) => string;
  smallModel: string;
  largeModel: string;
  /** The step that carries the crux (the answer step when the trajectory is too short to have one). */
  cruxStep: number;
  /** The first check step, or -1. */
  checkStep: number;
  /** A filler step, or -1 (for the restatement criterion). */
  fillerStep: number;
  cruxWrong: boolean;
  correct: boolean;
  largeShare: number;
  quality: number;
  finalAnswer: string | undefined;
  problem: Problem;
}

function clamp(x: number, lo: number, hi: number): number {
  return x < lo ? lo : x > hi ? hi : x;
}

function flip(score: number, rng: Rng, p: number): number {
  return rng.chance(p) ? 1 - score : score;
}

function ternary(rng: Rng, pPlus: number, pZero: number): number {
  const u = rng.next();
  return u < pPlus ? 1 : u < pPlus + pZero ? 0 : -1;
}

const CLARITY_WORDS = ['', 'hard to follow', 'several unexplained jumps', 'understandable, with gaps', 'clear, one small gap', 'clear and fully justified'];

function isRoutine(role: number): boolean {
  return role === ROLE_COMPUTE || role === ROLE_FILLER;
}

function stepsWord(steps: readonly number[]): string {
  return steps.length === 1 ? `Step ${steps[0]}` : `Steps ${steps.join('–')}`;
}

/** The judge's natural scope for a criterion: the steps it is about, or undefined for the whole trajectory. */
export function naturalScope(plan: CriterionPlan, ctx: JudgeContext, rng: Rng): number[] | undefined {
  switch (plan.kind) {
    case 'crux-routing':
    case 'crux-correct':
      return ctx.cruxStep + 1 < ctx.n && ctx.roles[ctx.cruxStep + 1] !== ROLE_ANSWER && rng.chance(0.3) ? [ctx.cruxStep, ctx.cruxStep + 1] : [ctx.cruxStep];
    case 'final-answer':
      return rng.chance(0.6) ? [ctx.n - 1] : undefined;
    case 'verification':
      return ctx.checkStep >= 0 ? [ctx.checkStep] : undefined;
    default:
      return undefined;
  }
}

/** The judge's score (on the criterion's scale) and rationale for the given steps (undefined = whole). */
export function judge(plan: CriterionPlan, ctx: JudgeContext, steps: number[] | undefined, rng: Rng): TraceJudgment {
  let score: number;
  let rationale: string;
  const first = steps?.[0] ?? -1;
  switch (plan.kind) {
    case 'crux-routing': {
      const k = ctx.cruxStep;
      const tier = ctx.tiers[k] ?? TIER_SMALL;
      score = flip(tier === TIER_LARGE ? 1 : 0, rng, 0.04);
      const model = ctx.modelOf(k);
      rationale =
        tier === TIER_LARGE ? `Step ${k}, which ${ctx.problem.cruxDesc}, runs on ${model}.` : `Step ${k}, which ${ctx.problem.cruxDesc}, stays on ${model}.`;
      break;
    }
    case 'crux-correct': {
      const k = ctx.cruxStep;
      if (ctx.cruxWrong) score = ternary(rng, 0.02, 0.18);
      else if (ctx.correct) score = ternary(rng, (ctx.tiers[k] ?? 0) === TIER_LARGE ? 0.9 : 0.75, 0.2);
      else score = ternary(rng, 0.55, 0.3);
      rationale =
        score === 1
          ? `Step ${k}: ${ctx.problem.cruxInline} is correct and justified.`
          : score === 0
            ? `Step ${k} has the right idea, but the justification is loose.`
            : `Step ${k} gets the key relation wrong, and the error carries through.`;
      break;
    }
    case 'routine-small': {
      if (steps === undefined) {
        let routine = 0;
        let small = 0;
        for (let i = 0; i < ctx.n; i++) {
          if (!isRoutine(ctx.roles[i] ?? 0)) continue;
          routine++;
          if (ctx.tiers[i] === TIER_SMALL) small++;
        }
        const share = routine === 0 ? 1 : small / routine;
        score = clamp(Math.round(10 * share + 0.8 * rng.gauss()), 0, 10);
        rationale = `${small} of ${routine} routine steps stay on ${ctx.smallModel}.`;
      } else {
        let sum = 0;
        for (const i of steps) {
          const tier = ctx.tiers[i] ?? 0;
          sum += isRoutine(ctx.roles[i] ?? 0) ? (tier === TIER_SMALL ? 9.5 : tier === TIER_MEDIUM ? 6 : 3) : 7;
        }
        score = clamp(Math.round(sum / steps.length + 0.7 * rng.gauss()), 0, 10);
        const routine = isRoutine(ctx.roles[first] ?? 0);
        rationale = routine
          ? `${stepsWord(steps)}: routine arithmetic on ${ctx.modelOf(first)}.`
          : `${stepsWord(steps)} is not routine, so the model choice is not penalized.`;
      }
      break;
    }
    case 'clarity': {
      if (steps === undefined) {
        score = clamp(Math.round(2.3 + 2.4 * ctx.quality + 0.5 * rng.gauss()), 1, 5);
      } else {
        let sum = 0;
        for (const i of steps) {
          const tier = ctx.tiers[i] ?? 0;
          sum += tier === TIER_LARGE ? 4.5 : tier === TIER_MEDIUM ? 4 : 3.2;
          if (ctx.roles[i] === ROLE_FILLER) sum -= 0.7;
        }
        score = clamp(Math.round(sum / steps.length + 0.6 * rng.gauss()), 1, 5);
      }
      rationale = steps === undefined ? `Overall: ${CLARITY_WORDS[score]}.` : `${stepsWord(steps)}: ${CLARITY_WORDS[score]}.`;
      break;
    }
    case 'final-answer': {
      score = flip(ctx.correct ? 1 : 0, rng, 0.03);
      const fa = ctx.finalAnswer;
      rationale =
        fa === undefined
          ? 'The trajectory ends without a final answer.'
          : ctx.correct
            ? `The final answer $${fa}$ matches the reference.`
            : `The final answer $${fa}$ differs from the reference $${ctx.problem.answer}$.`;
      break;
    }
    case 'verification': {
      if (steps !== undefined) {
        score = ternary(rng, ctx.tiers[first] === TIER_LARGE ? 0.9 : 0.6, 0.3);
        rationale = score === 1 ? `Step ${first} substitutes back and confirms the result.` : `Step ${first} checks only part of the result.`;
      } else {
        score = ternary(rng, 0.05, 0.45);
        rationale = 'No step checks the intermediate results.';
      }
      break;
    }
    case 'cost-efficiency': {
      const cruxLarge = ctx.tiers[ctx.cruxStep] === TIER_LARGE;
      const raw = 10 - 14 * Math.max(0, ctx.largeShare - 0.25) - (cruxLarge ? 0 : 3) + 0.7 * rng.gauss();
      score = clamp(Math.round(raw), 0, 10);
      const large = Math.round(ctx.largeShare * ctx.n);
      rationale = `${large} of ${ctx.n} steps use ${ctx.largeModel}${cruxLarge ? ', including the key step' : ', but not the key step'}.`;
      break;
    }
    case 'restatement': {
      const padded = ctx.fillerStep >= 0;
      score = rng.chance(padded ? 0.6 : 0.92) ? 1 : 0;
      rationale =
        score === 1
          ? 'Every step makes progress.'
          : padded
            ? `Step ${ctx.fillerStep} restates the problem without progress.`
            : 'The first step only restates the problem.';
      break;
    }
  }
  score += 0; // Math.round(-0.3) is -0, which JSON would turn into 0: keep objects and their JSON equal
  return steps === undefined ? { criterion: plan.id, score, rationale, judge: JUDGE_ID } : { criterion: plan.id, steps, score, rationale, judge: JUDGE_ID };
}
