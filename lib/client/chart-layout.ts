// Layout helpers for the overview's accuracy–cost chart: ticks a log axis can be read by, and which
// run names go below their point so that two runs close together do not print over each other.

/**
 * Ticks for a log axis over [min, max] (both > 0): 1, 2 and 5 times each power of ten, from the last
 * one at or below min to the first one at or above max, thinned to every decade when that leaves at
 * least three. The first and last ticks are the axis's domain, so every point sits inside it.
 */
export function logTicks(min: number, max: number): number[] {
  if (!(min > 0) || !(max >= min) || !Number.isFinite(max)) return [];
  const all: { value: number; decade: boolean }[] = [];
  for (let k = Math.floor(Math.log10(min)) - 1; k <= Math.ceil(Math.log10(max)) + 1; k++) {
    for (const s of [1, 2, 5]) all.push({ value: Number((s * 10 ** k).toPrecision(12)), decade: s === 1 });
  }
  const lo = all.filter((t) => t.value <= min).pop() ?? all[0]!;
  const hi = all.find((t) => t.value >= max) ?? all[all.length - 1]!;
  const inRange = all.filter((t) => t.value >= lo.value && t.value <= hi.value);
  const thinned = inRange.filter((t, i) => t.decade || i === 0 || i === inRange.length - 1);
  return (inRange.length > 8 && thinned.length >= 3 ? thinned : inRange).map((t) => t.value);
}

export type LabelSide = 'top' | 'left' | 'right';

/**
 * Where each point's name goes, for points at (x, y) as fractions of the plot (0..1 on each axis):
 * above it, unless another point within `dx` across and `dy` up or down also has its name above; then
 * the two names go beside their points, outwards (the left point's to its left, the right one's to its
 * right), so that each name is next to its own point. Greedy in the given order.
 */
export function labelSides(points: readonly { x: number; y: number }[], dx = 0.14, dy = 0.09): LabelSide[] {
  const sides: LabelSide[] = points.map(() => 'top');
  points.forEach((p, i) => {
    for (let j = 0; j < i; j++) {
      const q = points[j]!;
      if (Math.abs(q.x - p.x) >= dx || Math.abs(q.y - p.y) >= dy) continue;
      if (sides[i] !== 'top' || sides[j] !== 'top') continue;
      const pLeft = p.x < q.x || (p.x === q.x && p.y < q.y);
      sides[i] = pLeft ? 'left' : 'right';
      sides[j] = pLeft ? 'right' : 'left';
    }
  });
  return sides;
}
