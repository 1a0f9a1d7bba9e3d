export type ScaleKind = 'binary' | 'ternary' | 'numeric';

export type Scale = { kind: 'binary' } | { kind: 'ternary' } | { kind: 'numeric'; min: number; max: number };

export interface ModelPrice {
  id: string;
  usdPerMtokIn: number;
  usdPerMtokOut: number;
}

export interface StepCostInput {
  model: string;
  tokensIn: number;
  tokensOut: number;
  costUsd?: number | null;
}

export interface CriterionDef {
  id: string;
  weight: number;
  scale: Scale;
}

/** `humanScore` is the newest human label's score, if any (older labels never count). */
export interface JudgmentInput {
  criterion: string;
  /** Step indexes the score is about; empty = the trajectory as a whole. */
  steps: readonly number[];
  judgeScore: number | null;
  humanScore?: number | null;
  /** The judge's name as the trace gave it (absent = the unnamed judge); see judgeOf. */
  judge?: string | null;
}

export interface RewardSettings {
  lambda: number;
  mu: number;
}

export const DEFAULT_REWARD: RewardSettings = { lambda: 0.5, mu: 0.1 };

export interface PairSettings {
  deltaP: number;
  ratioC: number;
  /** Maximum number of pairs kept per query; `null` keeps all. */
  cap: number | null;
}

export const DEFAULT_PAIRS: PairSettings = { deltaP: 0.1, ratioC: 1.2, cap: null };

/** A categorical label as Cohen's kappa and nominal alpha compare them: equal or not. */
export type Label = string | number | boolean;
