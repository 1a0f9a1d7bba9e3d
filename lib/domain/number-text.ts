/**
 * A number's text as JavaScript writes it (`String(v)`: the shortest digits that read back as the
 * number), made without V8's number-to-string cache. That cache holds each new number's string long
 * enough for it to outlive the young generation, so a million distinct doubles written through
 * `String()` (step costs, running sums) are a million strings promoted to the old space, tens of MB of
 * garbage that grow the heap until a full collection. JSON.stringify writes a finite number with the
 * same algorithm, into a string of its own; NaN and the infinities (which JSON writes as null) keep
 * `String()`'s "NaN", "Infinity" and "-Infinity".
 */
export function numberText(v: number): string {
  return v - v === 0 ? JSON.stringify(v) : String(v);
}
