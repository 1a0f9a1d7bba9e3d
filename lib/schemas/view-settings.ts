// The settings of a view (scoring.md): `judge` (whose judgments enter the figures), `lambda` and `mu`
// (the weights of the combined reward), and where pairs are formed `delta_p`, `ratio_c` and `cap`.
// One schema for every route, page and export that takes them; the rules themselves are lib/domain's
// (settings.ts), so a value that a page accepts is one that lib/domain computes with.
import { z } from 'zod';
import { capProblem, deltaPProblem, judgeNameProblem, ratioCProblem, rewardWeightProblem } from '@/lib/domain/settings';
import { DEFAULT_PAIRS, DEFAULT_REWARD, type PairSettings } from '@/lib/domain/types';
import { paramsObject } from './filters';

/** A number parsed from a query string, then held to one of lib/domain's rules. */
const ruled = (rule: (n: number) => string | null) =>
  z.coerce.number({ error: 'must be a finite number' }).check((ctx) => {
    const problem = rule(ctx.value);
    if (problem) ctx.issues.push({ code: 'custom', message: problem, input: ctx.value });
  });

export const judgeNameSchema = z.string().check((ctx) => {
  const problem = judgeNameProblem(ctx.value);
  if (problem) ctx.issues.push({ code: 'custom', message: problem, input: ctx.value });
});

export const VIEW_SETTING_KEYS = ['judge', 'lambda', 'mu'] as const;
export const PAIR_SETTING_KEYS = ['delta_p', 'ratio_c', 'cap'] as const;

export const viewSettingsSchema = z.object({
  judge: judgeNameSchema.optional(),
  lambda: ruled(rewardWeightProblem).default(DEFAULT_REWARD.lambda),
  mu: ruled(rewardWeightProblem).default(DEFAULT_REWARD.mu),
});

export const pairSettingsSchema = z.object({
  delta_p: ruled(deltaPProblem).default(DEFAULT_PAIRS.deltaP),
  ratio_c: ruled(ratioCProblem).default(DEFAULT_PAIRS.ratioC),
  cap: ruled((n) => capProblem(n)).optional(),
});

export interface ViewSettings {
  /** A judge's name, or `null` for every judgment (the stored figures). */
  judge: string | null;
  lambda: number;
  mu: number;
}

export const DEFAULT_VIEW: ViewSettings = { judge: null, lambda: DEFAULT_REWARD.lambda, mu: DEFAULT_REWARD.mu };

/** Parses judge, lambda and mu (other keys are ignored); throws the ZodError of the first bad one. */
export function parseViewSettings(params: URLSearchParams): ViewSettings {
  const v = viewSettingsSchema.parse(paramsObject(params, VIEW_SETTING_KEYS));
  return { judge: v.judge ?? null, lambda: v.lambda, mu: v.mu };
}

/** Parses delta_p, ratio_c and cap into lib/domain's PairSettings. */
export function parsePairSettings(params: URLSearchParams): PairSettings {
  const p = pairSettingsSchema.parse(paramsObject(params, PAIR_SETTING_KEYS));
  return { deltaP: p.delta_p, ratioC: p.ratio_c, cap: p.cap ?? null };
}

/** The stored reward is at these weights: figures at them need no recomputation. */
export function isDefaultReward(v: { lambda: number; mu: number }): boolean {
  return v.lambda === DEFAULT_REWARD.lambda && v.mu === DEFAULT_REWARD.mu;
}

/** The view settings that differ from the defaults, in query-string form (for links and URLs). */
export function viewSettingsParams(v: Partial<ViewSettings>): Record<string, string> {
  const out: Record<string, string> = {};
  if (v.judge) out.judge = v.judge;
  if (v.lambda !== undefined && v.lambda !== DEFAULT_REWARD.lambda) out.lambda = String(v.lambda);
  if (v.mu !== undefined && v.mu !== DEFAULT_REWARD.mu) out.mu = String(v.mu);
  return out;
}
