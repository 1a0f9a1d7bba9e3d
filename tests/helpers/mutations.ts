// Mutations of a JSON value for the fuzz tests: every path into it, and a copy with one change at a
// path (a key or element removed, a value set, or one added to an object or array).
export type PathStep = string | number;

/** Every path into `value`, the empty path (the value itself) first. */
export function paths(value: unknown, prefix: PathStep[] = [], out: PathStep[][] = []): PathStep[][] {
  out.push(prefix);
  if (Array.isArray(value)) value.forEach((v, i) => paths(v, [...prefix, i], out));
  else if (value && typeof value === 'object') for (const [k, v] of Object.entries(value)) paths(v, [...prefix, k], out);
  return out;
}

/**
 * A copy of `line` changed at `path`: `delete` removes the key or element, `set` puts `value` there,
 * `add` pushes `value` into an array there or sets `key` to it in an object there (else sets it).
 */
export function mutate<T>(line: T, path: PathStep[], op: 'delete' | 'set' | 'add', value: unknown, key: string): T {
  if (path.length === 0) return line;
  const copy = structuredClone(line);
  let cur = copy as Record<PathStep, unknown>;
  for (const p of path.slice(0, -1)) {
    const next = cur[p];
    // An earlier mutation may have removed the way there.
    if (!next || typeof next !== 'object') return copy;
    cur = next as Record<PathStep, unknown>;
  }
  const last = path[path.length - 1]!;
  if (op === 'delete') {
    if (Array.isArray(cur)) cur.splice(last as number, 1);
    else delete cur[last];
  } else if (op === 'set') cur[last] = value;
  else {
    const target = cur[last];
    if (Array.isArray(target)) target.push(value);
    else if (target && typeof target === 'object') (target as Record<string, unknown>)[key] = value;
    else cur[last] = value;
  }
  return copy;
}
