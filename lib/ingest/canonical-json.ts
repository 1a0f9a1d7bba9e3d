// Whether a JSON text is already what JSON.stringify writes for its own parse, so that ingest can hash
// the line's bytes as read instead of stringifying the parsed line again (the content hash is the
// SHA-256 of JSON.stringify of the schema-ordered line: normalize.ts). A pure scan of the text, no
// values built: no whitespace between tokens; strings escaped exactly as JSON.stringify escapes them;
// numbers written as Number#toString writes them; no key twice in an object and no key that V8 would
// enumerate first (an array index). Anything it cannot vouch for is "no", and the caller stringifies.

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COMMA = 0x2c;
const COLON = 0x3a;
const MINUS = 0x2d;
const DOT = 0x2e;
const ZERO = 0x30;
const NINE = 0x39;
const OPEN_OBJECT = 0x7b;
const CLOSE_OBJECT = 0x7d;
const OPEN_ARRAY = 0x5b;
const CLOSE_ARRAY = 0x5d;

/** Objects with more keys than this are not checked for repeated keys: the answer is "no". */
const MAX_KEYS = 64;
const MAX_DEPTH = 256;

const isDigit = (c: number) => c >= ZERO && c <= NINE;

class Scan {
  /** Start and end of each key of the objects being scanned, innermost last. */
  private keys: number[] = [];
  /** A backslash at or after the last place asked for (-1: none left). */
  private bs = -1;

  constructor(private readonly t: string) {
    this.bs = t.indexOf('\\');
  }

  private nextBackslash(from: number): number {
    if (this.bs !== -1 && this.bs < from) this.bs = this.t.indexOf('\\', from);
    return this.bs;
  }

  /** t[i] is an opening quote; the index after the closing one, or -1 when not as JSON.stringify writes it. */
  string(i: number): number {
    const t = this.t;
    let from = i + 1;
    let q = t.indexOf('"', from);
    for (;;) {
      if (q === -1) return -1;
      const b = this.nextBackslash(from);
      if (b === -1 || b > q) return q + 1;
      const e = t.charCodeAt(b + 1);
      // JSON.stringify writes these two-character escapes, and \u00xx (lower-case) for the other
      // control characters; every other character as itself (lone surrogates cannot come from UTF-8).
      if (e === QUOTE || e === BACKSLASH || e === 0x62 || e === 0x66 || e === 0x6e || e === 0x72 || e === 0x74) {
        from = b + 2;
      } else {
        if (e !== 0x75 || t.charCodeAt(b + 2) !== ZERO || t.charCodeAt(b + 3) !== ZERO) return -1;
        const h = t.charCodeAt(b + 4);
        const l = t.charCodeAt(b + 5);
        if (h !== ZERO && h !== 0x31) return -1;
        const lo = isDigit(l) ? l - ZERO : l >= 0x61 && l <= 0x66 ? l - 0x61 + 10 : -1;
        if (lo < 0) return -1;
        const code = (h - ZERO) * 16 + lo;
        if (code === 0x08 || code === 0x09 || code === 0x0a || code === 0x0c || code === 0x0d) return -1;
        from = b + 6;
      }
      // The quote found may be the one just escaped.
      if (q < from) q = t.indexOf('"', from);
    }
  }

  /**
   * A number as Number#toString writes it: no exponent, no leading zeros, no trailing zeros after the
   * point, not -0, at most 15 significant digits (then they are the shortest that give the value back,
   * which is what toString writes) and at most 5 zeros after "0." (smaller numbers take an exponent).
   */
  number(i: number): number {
    const t = this.t;
    let j = i;
    const negative = t.charCodeAt(j) === MINUS;
    if (negative) j++;
    const intStart = j;
    const zeroInt = t.charCodeAt(j) === ZERO;
    let lastNonZero = -1;
    if (zeroInt) j++;
    else {
      while (isDigit(t.charCodeAt(j))) {
        if (t.charCodeAt(j) !== ZERO) lastNonZero = j;
        j++;
      }
      if (j === intStart || j - intStart > 21) return -1;
    }
    const intLength = j - intStart;
    let significant: number;
    if (t.charCodeAt(j) === DOT) {
      j++;
      const fracStart = j;
      let leadingZeros = 0;
      while (t.charCodeAt(j) === ZERO) {
        leadingZeros++;
        j++;
      }
      while (isDigit(t.charCodeAt(j))) j++;
      const fracLength = j - fracStart;
      if (fracLength === 0 || t.charCodeAt(j - 1) === ZERO) return -1;
      if (zeroInt) {
        if (leadingZeros > 5) return -1;
        significant = fracLength - leadingZeros;
      } else significant = intLength + fracLength;
    } else if (zeroInt) {
      if (negative) return -1;
      significant = 1;
    } else significant = lastNonZero - intStart + 1;
    const c = t.charCodeAt(j);
    if (c === 0x65 || c === 0x45 || significant > 15) return -1;
    return j;
  }

  private sameKey(a: number, b: number, c: number, d: number): boolean {
    if (b - a !== d - c) return false;
    const t = this.t;
    for (let k = 0; k < b - a; k++) if (t.charCodeAt(a + k) !== t.charCodeAt(c + k)) return false;
    return true;
  }

  /** The index after the value at i, or -1. */
  value(i: number, depth: number): number {
    const t = this.t;
    const c = t.charCodeAt(i);
    if (c === QUOTE) return this.string(i);
    if (c === MINUS || isDigit(c)) return this.number(i);
    if (c === OPEN_OBJECT) return depth > MAX_DEPTH ? -1 : this.object(i, depth + 1);
    if (c === OPEN_ARRAY) return depth > MAX_DEPTH ? -1 : this.array(i, depth + 1);
    if (t.startsWith('true', i)) return i + 4;
    if (t.startsWith('false', i)) return i + 5;
    if (t.startsWith('null', i)) return i + 4;
    return -1;
  }

  private object(i: number, depth: number): number {
    const t = this.t;
    i++;
    if (t.charCodeAt(i) === CLOSE_OBJECT) return i + 1;
    const keys = this.keys;
    const base = keys.length;
    try {
      for (;;) {
        if (t.charCodeAt(i) !== QUOTE) return -1;
        const end = this.string(i);
        if (end === -1) return -1;
        // A key of digits alone may be an array index, which V8 enumerates before the other keys.
        let k = i + 1;
        while (isDigit(t.charCodeAt(k))) k++;
        if (k === end - 1) return -1;
        for (let p = base; p < keys.length; p += 2) if (this.sameKey(keys[p]!, keys[p + 1]!, i, end)) return -1;
        if (keys.length - base >= 2 * MAX_KEYS) return -1;
        keys.push(i, end);
        if (t.charCodeAt(end) !== COLON) return -1;
        i = this.value(end + 1, depth);
        if (i === -1) return -1;
        const d = t.charCodeAt(i);
        if (d === CLOSE_OBJECT) return i + 1;
        if (d !== COMMA) return -1;
        i++;
      }
    } finally {
      keys.length = base;
    }
  }

  private array(i: number, depth: number): number {
    const t = this.t;
    i++;
    if (t.charCodeAt(i) === CLOSE_ARRAY) return i + 1;
    for (;;) {
      i = this.value(i, depth);
      if (i === -1) return -1;
      const d = t.charCodeAt(i);
      if (d === CLOSE_ARRAY) return i + 1;
      if (d !== COMMA) return -1;
      i++;
    }
  }
}

/**
 * True only when JSON.stringify(JSON.parse(text)) === text. `text` must be JSON that JSON.parse
 * accepts, decoded from UTF-8 (so without lone surrogates); false is always a safe answer.
 */
export function isStringifiedJson(text: string): boolean {
  return new Scan(text).value(0, 0) === text.length;
}
