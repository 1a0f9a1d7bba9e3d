// The accuracy-vs-cost Pareto front of a set of runs: the runs that no other run beats on both
// accuracy (higher) and mean cost (lower). Chart geometry, not a figure of scoring.md.

export interface ParetoPoint {
  cost: number | null;
  accuracy: number | null;
}

/** The runs on the front, cheapest first; runs without a cost or an accuracy are left out. */
export function paretoFront<T extends ParetoPoint>(points: readonly T[]): T[] {
  const defined = points.filter((p): p is T & { cost: number; accuracy: number } => p.cost !== null && p.accuracy !== null);
  defined.sort((a, b) => a.cost - b.cost || b.accuracy - a.accuracy);
  const front: T[] = [];
  let best = -Infinity;
  for (const p of defined) {
    if (p.accuracy > best) {
      front.push(p);
      best = p.accuracy;
    }
  }
  return front;
}
