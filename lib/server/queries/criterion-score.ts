import 'server-only';
import { sql, type Sql } from '@/lib/server/sql';

/**
 * A score of criterion `c` on [0, 1] as scoring.md normalizes it (binary as is, ternary (s + 1) / 2,
 * a numeric scale (s - min) / (max - min)). SQL, not lib/domain, because it selects and aggregates
 * rows rather than producing a figure; a test holds it equal to normalizedScore for every kind of scale.
 */
export function normalizedCriterionScore(score: Sql): Sql {
  return sql`(CASE c.kind
    WHEN 'binary' THEN ${score}
    WHEN 'ternary' THEN (${score} + 1) / 2
    ELSE (${score} - c.scale_min) / (c.scale_max - c.scale_min) END)`;
}
