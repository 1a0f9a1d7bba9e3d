import 'server-only';
// GET /api/trajectories/{id}/cost: the cost figures of scoring.md for one trajectory, from its steps'
// tokens and given costs and its models' prices.
import {
  allLargestModel,
  costBreakdown,
  counterfactualCosts,
  cumulativeCosts,
  savings,
  stepCosts,
  tokenCost,
  trajectoryCost,
  type StepCostInput,
} from '@/lib/domain';
import { queryRows, sql } from '@/lib/server/sql';
import { findTrajectory, loadModels, pricesOf } from './trajectory-parts';
import { reads } from '@/lib/server/reads';

interface StepTokens {
  model: string;
  tokens_in: number;
  tokens_out: number;
  given_cost_usd: number | null;
}

export async function trajectoryCostFigures(id: string) {
  const db = reads();
  const t = await findTrajectory(db, id);
  const [models, rows] = await Promise.all([
    loadModels(db, t.model_ids),
    queryRows<StepTokens>(db, sql`SELECT model, tokens_in, tokens_out, given_cost_usd FROM steps WHERE trajectory_pk = ${t.pk} ORDER BY index`),
  ]);
  const prices = pricesOf(models);
  const steps: StepCostInput[] = rows.map((s) => ({ model: s.model, tokensIn: s.tokens_in, tokensOut: s.tokens_out, costUsd: s.given_cost_usd }));
  const costs = stepCosts(steps, prices);
  const total = trajectoryCost(costs);
  const baseline = allLargestModel(prices);
  const counterfactual = counterfactualCosts(steps, prices);
  const allLargestUsd = counterfactual[baseline.id]!;

  return {
    id: t.id,
    cost_usd: total,
    by_model: costBreakdown(steps, costs).map((b) => ({
      model: b.model,
      steps: b.steps,
      tokens_in: b.tokensIn,
      tokens_out: b.tokensOut,
      cost_usd: b.costUsd,
      share: b.share,
    })),
    cumulative_usd: cumulativeCosts(costs),
    counterfactual_usd: counterfactual,
    /** The same tokens priced at the all-largest model, step by step: the replay chart's baseline line. */
    all_largest_cumulative_usd: cumulativeCosts(steps.map((s) => tokenCost(s.tokensIn, s.tokensOut, baseline))),
    all_largest_model: baseline.id,
    all_largest_usd: allLargestUsd,
    savings: savings(total, allLargestUsd),
  };
}
