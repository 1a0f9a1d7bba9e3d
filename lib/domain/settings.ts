// The rules for the settings of a view or an export (scoring.md): the reward weights lambda and mu,
// the pair settings delta_p, ratio_c and cap, and the judge setting. One rule per setting, used by the
// zod schema that parses them (lib/schemas/view-settings.ts) and by the functions that take them here.

/** The largest lambda or mu: weights beyond a thousand times the outcome's say nothing more. */
export const MAX_REWARD_WEIGHT = 1_000;

/** The largest per-query cap of preference pairs. */
export const MAX_PAIR_CAP = 1_000_000;

/** What an absent `judge` of a trace line is called (trace-format.md: "the unnamed judge"). */
export const UNNAMED_JUDGE = 'judge';

/**
 * lambda and mu lie in [0, MAX_REWARD_WEIGHT]. A negative weight would reward a worse process or a
 * higher cost; the bound keeps every reward a finite number.
 */
export function rewardWeightProblem(value: number): string | null {
  if (!Number.isFinite(value)) return 'must be a finite number';
  if (value < 0) return 'must be >= 0: a negative weight would reward a worse process or a higher cost';
  if (value > MAX_REWARD_WEIGHT) return `must be at most ${MAX_REWARD_WEIGHT}`;
  return null;
}

/** delta_p lies in [0, 1]: process scores do, so a larger difference can never be reached. */
export function deltaPProblem(value: number): string | null {
  if (!Number.isFinite(value)) return 'must be a finite number';
  if (value < 0 || value > 1) return 'must be between 0 and 1 (process scores lie in [0, 1])';
  return null;
}

/** ratio_c is a finite number >= 1: below 1 the "costlier" trajectory could be the cheaper one. */
export function ratioCProblem(value: number): string | null {
  if (!Number.isFinite(value)) return 'must be a finite number';
  if (value < 1) return 'must be >= 1: below 1 the costlier trajectory could be the cheaper one';
  return null;
}

/** cap is an integer in [0, MAX_PAIR_CAP] (0 keeps no pair), or absent (null) to keep every pair. */
export function capProblem(value: number | null): string | null {
  if (value === null) return null;
  if (!Number.isInteger(value)) return 'must be an integer';
  if (value < 0) return 'must be >= 0 (leave it out to keep every pair)';
  if (value > MAX_PAIR_CAP) return `must be at most ${MAX_PAIR_CAP}`;
  return null;
}

/** Judge names follow the id rules of trace-format.md: 1..200 characters, no NUL. */
export function judgeNameProblem(name: string): string | null {
  if (name.length === 0) return 'must not be empty';
  if (name.length > 200) return 'must be at most 200 characters';
  if (name.includes('\u0000')) return 'must not contain the NUL character';
  return null;
}
