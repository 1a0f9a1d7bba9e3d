// Where a trace line's free-form values (meta, run.meta, each step's router) are in the line's text,
// so that ingest stores them as given — `1.50` stays `1.50`, key order, escapes and duplicate keys
// as written — rather than as JSON.stringify of the parsed value. PostgreSQL's json type keeps text
// verbatim. The line has already been parsed (JSON.parse) and validated, so this walks well-formed
// JSON and never has to report an error. It is on ingest's hot path: strings (most of a line's bytes:
// step texts) are skipped with indexOf, not character by character, and only the keys it needs are
// descended into.

export type Span = readonly [start: number, end: number];

export interface FreeFormSpans {
  meta: Span | null;
  runMeta: Span | null;
  /** One per element of `steps`, null where the step has no router. */
  routers: (Span | null)[];
}

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPEN_OBJECT = 0x7b;
const CLOSE_OBJECT = 0x7d;
const OPEN_ARRAY = 0x5b;
const CLOSE_ARRAY = 0x5d;
const COMMA = 0x2c;

function isSpace(c: number): boolean {
  return c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d;
}

function skipSpace(t: string, i: number): number {
  while (i < t.length && isSpace(t.charCodeAt(i))) i++;
  return i;
}

/** t[i] is the opening quote; returns the index after the closing one. */
function skipString(t: string, i: number): number {
  let j = t.indexOf('"', i + 1);
  for (;;) {
    let k = j - 1;
    while (t.charCodeAt(k) === BACKSLASH) k--;
    // An even number of backslashes before the quote: they escape each other, and the quote ends it.
    if ((j - 1 - k) % 2 === 0) return j + 1;
    j = t.indexOf('"', j + 1);
  }
}

/** Returns the index after the value that starts at i. */
function skipValue(t: string, i: number): number {
  const c = t.charCodeAt(i);
  if (c === QUOTE) return skipString(t, i);
  if (c === OPEN_OBJECT || c === OPEN_ARRAY) {
    let depth = 0;
    for (;;) {
      const d = t.charCodeAt(i);
      if (d === QUOTE) {
        i = skipString(t, i);
        continue;
      }
      if (d === OPEN_OBJECT || d === OPEN_ARRAY) depth++;
      else if (d === CLOSE_OBJECT || d === CLOSE_ARRAY) {
        depth--;
        if (depth === 0) return i + 1;
      }
      i++;
    }
  }
  // A number, true, false or null: up to the next delimiter.
  while (i < t.length) {
    const d = t.charCodeAt(i);
    if (d === COMMA || d === CLOSE_OBJECT || d === CLOSE_ARRAY || isSpace(d)) break;
    i++;
  }
  return i;
}

function keyAt(t: string, start: number, end: number): string {
  const raw = t.slice(start + 1, end - 1);
  return raw.includes('\\') ? (JSON.parse(t.slice(start, end)) as string) : raw;
}

/**
 * Calls onMember for each member of the object at i (t[i] === '{') with its key and the span of its
 * value; returns the index after the object.
 */
function eachMember(t: string, i: number, onMember: (key: string, value: Span, member: Span) => void): number {
  i = skipSpace(t, i + 1);
  if (t.charCodeAt(i) === CLOSE_OBJECT) return i + 1;
  for (;;) {
    const keyStart = i;
    const keyEnd = skipString(t, i);
    i = skipSpace(t, keyEnd);
    i = skipSpace(t, i + 1); // the colon
    const valueEnd = skipValue(t, i);
    onMember(keyAt(t, keyStart, keyEnd), [i, valueEnd], [keyStart, valueEnd]);
    i = skipSpace(t, valueEnd);
    if (t.charCodeAt(i) === CLOSE_OBJECT) return i + 1;
    i = skipSpace(t, i + 1); // the comma
  }
}

/** Walks the array of steps at i (t[i] === '['); returns the index after it. */
function stepRouters(t: string, i: number, routers: (Span | null)[]): number {
  i = skipSpace(t, i + 1);
  if (t.charCodeAt(i) === CLOSE_ARRAY) return i + 1;
  for (;;) {
    let router: Span | null = null;
    if (t.charCodeAt(i) === OPEN_OBJECT) {
      i = eachMember(t, i, (k, span) => {
        if (k === 'router') router = span;
      });
    } else i = skipValue(t, i);
    routers.push(router);
    i = skipSpace(t, i);
    if (t.charCodeAt(i) === CLOSE_ARRAY) return i + 1;
    i = skipSpace(t, i + 1);
  }
}

/** Walks the line's top-level members (a key given twice counts by its last value, as in JSON.parse). */
export function freeFormSpans(t: string): FreeFormSpans {
  const out: FreeFormSpans = { meta: null, runMeta: null, routers: [] };
  eachMember(t, skipSpace(t, 0), (key, span) => {
    const start = span[0];
    if (key === 'meta') out.meta = span;
    else if (key === 'run' && t.charCodeAt(start) === OPEN_OBJECT) {
      out.runMeta = null;
      eachMember(t, start, (k, value) => {
        if (k === 'meta') out.runMeta = value;
      });
    } else if (key === 'steps' && t.charCodeAt(start) === OPEN_ARRAY) {
      out.routers = [];
      stepRouters(t, start, out.routers);
    }
  });
  return out;
}

/**
 * The text of an object value without the members named `drop` (all of them, when the key repeats),
 * and null when nothing is left. What stays is as given, the separators and spaces between members
 * included; untouched when it has no such member.
 */
export function objectTextWithout(t: string, span: Span, drop: string): string | null {
  const members: { key: string; span: Span }[] = [];
  const end = eachMember(t, span[0], (key, _value, member) => members.push({ key, span: member }));
  const kept = members.map((m, i) => ({ ...m, i })).filter((m) => m.key !== drop);
  if (kept.length === 0) return null;
  if (kept.length === members.length) return t.slice(span[0], span[1]);
  let out = t.slice(span[0], members[0]!.span[0]);
  kept.forEach((m, k) => {
    // Before each member but the first: the text that followed the member before it, comma included.
    if (k > 0) out += t.slice(members[m.i - 1]!.span[1], m.span[0]);
    out += t.slice(m.span[0], m.span[1]);
  });
  return out + t.slice(members[members.length - 1]!.span[1], end);
}

/** The stored texts of a line's free-form values; null where the line has none. */
export interface FreeFormTexts {
  /** The line's meta without meta.routelens (routelens's own); null when nothing else is in it. */
  meta: string | null;
  runMeta: string | null;
  routers: (string | null)[];
}

/** The free-form values as parsed (JSON.parse, then the trace schema, which keeps key order). */
export interface FreeFormValues {
  meta?: Record<string, unknown>;
  run: { meta?: Record<string, unknown> };
  steps: readonly { router?: unknown }[];
}

function escapedByte(b: Buffer, i: number): boolean {
  let k = i - 1;
  while (k >= 0 && b[k] === BACKSLASH) k--;
  return (i - 1 - k) % 2 === 1;
}

/** Byte offsets where `"key":` stands as a key (its quote not escaped), in order. */
function keyOffsets(b: Buffer, needle: Buffer): number[] {
  const out: number[] = [];
  for (let i = b.indexOf(needle); i !== -1; i = b.indexOf(needle, i + 1)) if (!escapedByte(b, i)) out.push(i);
  return out;
}

/** Whether the bytes at `at` are the UTF-8 of `text`. */
function bytesAre(b: Buffer, at: number, text: string): boolean {
  if (at + text.length > b.length) return false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c > 0x7f) return Buffer.from(text).equals(b.subarray(at, at + Buffer.byteLength(text)));
    if (b[at + i] !== c) return false;
  }
  return true;
}

const META_KEY = Buffer.from('"meta":');
const ROUTER_KEY = Buffer.from('"router":');
const UNICODE_ESCAPE = Buffer.from('\\u');

/**
 * The texts found with native byte searches instead of a walk of the line, when that can be shown to
 * be exact; null otherwise. Exact because the line holds no \u escape (so every key reads as it is
 * spelled), each meta is written as JSON.stringify writes it (checked byte for byte), and every place
 * where a `"router":` key stands is accounted for (below).
 */
function canonicalTexts(b: Buffer, line: FreeFormValues, drop: string): FreeFormTexts | null {
  if (b.indexOf(UNICODE_ESCAPE) !== -1) return null;
  const out: FreeFormTexts = { meta: null, runMeta: null, routers: [] };
  const metas: { text: string; own: boolean }[] = [];
  if (line.meta !== undefined) metas.push({ text: JSON.stringify(line.meta), own: true });
  if (line.run.meta !== undefined) metas.push({ text: JSON.stringify(line.run.meta), own: false });
  const metaAt = metas.length ? keyOffsets(b, META_KEY) : [];
  if (metaAt.length !== metas.length) return null;
  const taken: [number, number][] = [];
  for (const m of metas) {
    // The line's meta and the run's may come in either order.
    const at = metaAt.find((p) => !taken.some(([s]) => s === p + 7) && bytesAre(b, p + 7, m.text));
    if (at === undefined) return null;
    taken.push([at + 7, at + 7 + Buffer.byteLength(m.text)]);
    if (!m.own) out.runMeta = m.text;
    else {
      const { [drop]: dropped, ...rest } = line.meta!;
      out.meta = Object.keys(rest).length === 0 ? null : dropped === undefined ? m.text : JSON.stringify(rest);
    }
  }
  let wanted = 0;
  for (const s of line.steps) if (s.router !== undefined) wanted++;
  if (wanted === 0) {
    for (let i = 0; i < line.steps.length; i++) out.routers.push(null);
    return out;
  }
  // Every `"router":` outside the metas is a step's router key, or a key of a router's probs (a model
  // named "router", whose value is a number): with as many as there are routers, each an object, they
  // are the routers, in step order.
  const routerAt: number[] = [];
  for (const p of keyOffsets(b, ROUTER_KEY)) {
    let inMeta = false;
    for (const [s, e] of taken) if (p > s && p < e) inMeta = true;
    if (!inMeta) routerAt.push(p + 9);
  }
  if (routerAt.length !== wanted) return null;
  let k = 0;
  for (const s of line.steps) {
    if (s.router === undefined) {
      out.routers.push(null);
      continue;
    }
    const start = routerAt[k++]!;
    if (b[start] !== OPEN_OBJECT) return null;
    out.routers.push(b.toString('utf8', start, objectEnd(b, start)));
  }
  return out;
}

/** The offset after the object that starts at i (b[i] === '{'), strings skipped whole. */
function objectEnd(b: Buffer, i: number): number {
  let depth = 0;
  for (;;) {
    const c = b[i]!;
    if (c === QUOTE) {
      let j = b.indexOf(QUOTE, i + 1);
      while (escapedByte(b, j)) j = b.indexOf(QUOTE, j + 1);
      i = j + 1;
      continue;
    }
    if (c === OPEN_OBJECT || c === OPEN_ARRAY) depth++;
    else if (c === CLOSE_OBJECT || c === CLOSE_ARRAY) {
      depth--;
      if (depth === 0) return i + 1;
    }
    i++;
  }
}

/**
 * The stored texts of the line's meta, run meta and routers, as the line writes them. `bytes` is the
 * line as read, `text` the same decoded; `drop` the meta key that is routelens's own.
 */
export function freeFormTexts(bytes: Buffer, text: string, line: FreeFormValues, drop: string): FreeFormTexts {
  const fast = canonicalTexts(bytes, line, drop);
  if (fast) return fast;
  const spans = freeFormSpans(text);
  const slice = (span: Span | null | undefined) => (span ? text.slice(span[0], span[1]) : null);
  return {
    meta: line.meta === undefined || !spans.meta ? null : objectTextWithout(text, spans.meta, drop),
    runMeta: line.run.meta === undefined ? null : slice(spans.runMeta),
    routers: line.steps.map((s, i) => (s.router === undefined ? null : slice(spans.routers[i]))),
  };
}
