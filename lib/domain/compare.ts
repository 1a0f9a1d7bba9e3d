/**
 * Orders ids by UTF-16 code units. Deliberately not `localeCompare`: the order must be the same on
 * every server and in every export, whatever the locale or ICU version.
 */
export function compareIds(a: string, b: string): number {
  if (a < b) return -1;
  if (a > b) return 1;
  return 0;
}

/** Plain left-to-right sum, so that every figure built from the same numbers is bit-identical. */
export function sum(values: readonly number[]): number {
  let total = 0;
  for (const v of values) total += v;
  return total;
}
