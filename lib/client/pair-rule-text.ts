// The words for each preference rule that GET /api/compare ran (lib/domain explainPair, on the server):
// what the rule saw, put into a sentence. Nothing here decides; `decided` and the figures are the server's.
import type { RuleCheck } from '@/lib/domain';
import type { Json } from '@/lib/server/json';
import { formatScore, formatUsd } from './format';

export function pairRuleText(check: Json<RuleCheck>): string {
  switch (check.rule) {
    case 'outcome':
      return check.a_correct === check.b_correct
        ? `both are ${check.a_correct ? 'correct' : 'wrong'}: the outcome does not decide`
        : `${check.a_correct ? 'A' : 'B'} is correct and ${check.a_correct ? 'B' : 'A'} is not`;
    case 'process': {
      const { a_process_score: a, b_process_score: b } = check;
      if (a === null || b === null || check.difference === null) return `a process score is undefined (A ${formatScore(a)}, B ${formatScore(b)})`;
      if (check.difference === 0) return `equal process scores (${formatScore(a)})`;
      // The higher score first, so that "B scores higher, x vs y" reads with x as B's.
      const [higher, hi, lo] = a > b ? (['A', a, b] as const) : (['B', b, a] as const);
      return `${higher} scores higher, ${formatScore(hi)} vs ${formatScore(lo)}: difference ${formatScore(check.difference)} ${check.decided ? '≥' : '<'} Δp ${check.delta_p}`;
    }
    case 'cost': {
      const { a_cost_usd: a, b_cost_usd: b } = check;
      if (a === b) return `equal costs (${formatUsd(a)})`;
      const [cheap, dear] = a < b ? (['A', 'B'] as const) : (['B', 'A'] as const);
      const times = check.ratio === null ? 'infinitely more' : `${check.ratio.toFixed(2)}×`;
      return `${cheap} is cheaper, ${formatUsd(Math.min(a, b))} vs ${formatUsd(Math.max(a, b))}: ${dear} costs ${times} ${check.decided ? '≥' : '<'} ratio ${check.ratio_c}`;
    }
  }
}
