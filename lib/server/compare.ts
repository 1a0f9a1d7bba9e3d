import 'server-only';
// GET /api/compare: two trajectories side by side and why the preference rules of scoring.md choose
// one of them (lib/domain explainPair), from their figures in the caller's view (judge, λ, μ) and
// pair settings (Δp, ratio). The compare page shows this answer; it decides nothing itself.
import { explainPair, type PairExplanation, type PairSettings } from '@/lib/domain';
import type { ViewSettings } from '@/lib/schemas/view-settings';
import { getTrajectory } from './queries/trajectory';

export interface CompareSide {
  id: string;
  query_id: string;
  correct: boolean;
  process_score: number | null;
  cost_usd: number;
}

export interface CompareAnswer extends PairExplanation {
  a: CompareSide;
  b: CompareSide;
  /** Preference pairs form only within one query: across queries, pair is null and rules empty. */
  same_query: boolean;
  delta_p: number;
  ratio_c: number;
}

/** The figures the rules read, without the steps. */
async function side(id: string, view: ViewSettings): Promise<CompareSide> {
  const t = await getTrajectory(id, { steps_from: 0, steps_limit: 1, fields: 'light' }, view);
  return { id: t.id, query_id: t.query.id, correct: t.correct, process_score: t.process_score, cost_usd: t.cost_usd };
}

export async function comparePair(aId: string, bId: string, settings: PairSettings, view: ViewSettings): Promise<CompareAnswer> {
  const [a, b] = await Promise.all([side(aId, view), side(bId, view)]);
  const same_query = a.query_id === b.query_id;
  const explanation: PairExplanation = same_query
    ? explainPair(
        { id: a.id, correct: a.correct, processScore: a.process_score, costUsd: a.cost_usd },
        { id: b.id, correct: b.correct, processScore: b.process_score, costUsd: b.cost_usd },
        settings,
      )
    : { pair: null, rules: [] };
  return { a, b, same_query, delta_p: settings.deltaP, ratio_c: settings.ratioC, ...explanation };
}
