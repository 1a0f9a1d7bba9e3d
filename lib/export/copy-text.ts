// PostgreSQL's COPY text format, read as bytes and written as JSON Lines or CSV bytes, with no string
// or value made in between for what passes through unchanged (docs: "COPY", "Text Format").
//
// A COPY row is its fields separated by tabs and ended by "\n"; a null is `\N`; in a value, a
// backslash, tab, newline, CR, backspace, form feed and vertical tab are written `\\`, `\t`, `\n`,
// `\r`, `\b`, `\f`, `\v`, and every other byte (UTF-8 included) as itself. JSON's string escapes are
// the same but for `\v` (JSON has none) and `"` (COPY leaves it bare), so a COPY text value becomes a
// JSON string by copying it byte for byte and escaping those two, and raw control bytes.
// Numbers are PostgreSQL's float8/int text: with extra_float_digits > 0 the shortest exact one, valid
// JSON and CSV as they are.
import { csvField, csvPlainStart } from './csv';

const TAB = 9;
const LF = 10;
const CR = 13;
const QUOTE = 34;
const COMMA = 44;
const BACKSLASH = 92;
const N = 78;

const HEX = new TextEncoder().encode('0123456789abcdef');
const NULL_BYTES = new TextEncoder().encode('null');
const TRUE_BYTES = new TextEncoder().encode('true');
const FALSE_BYTES = new TextEncoder().encode('false');
const EMPTY_CSV = new TextEncoder().encode('""');

/** The byte a COPY escape `\x` stands for. */
function unescaped(x: number): number {
  switch (x) {
    case 110: // n
      return LF;
    case 114: // r
      return CR;
    case 116: // t
      return TAB;
    case 98: // b
      return 8;
    case 102: // f
      return 12;
    case 118: // v
      return 11;
    default:
      return x; // \\ and anything else PostgreSQL would read as the character itself
  }
}

/** A buffer of its own (not the shared pool), not zeroed: every byte handed out was written first. */
const uninitialized = (n: number): Uint8Array => Buffer.allocUnsafeSlow(n);

/** An output buffer that grows; `take` hands out what was written and starts a fresh buffer. */
export class ByteSink {
  buf: Uint8Array;
  o = 0;
  /** buf as a Buffer, for its native UTF-8 writer. */
  private view: Buffer;

  constructor(private readonly size = 1 << 17) {
    this.buf = uninitialized(size);
    this.view = Buffer.from(this.buf.buffer, this.buf.byteOffset, this.buf.length);
  }

  private replace(next: Uint8Array): void {
    this.buf = next;
    this.view = Buffer.from(next.buffer, next.byteOffset, next.length);
  }

  /** Room for n more bytes. */
  ensure(n: number): void {
    if (this.o + n <= this.buf.length) return;
    const next = uninitialized(Math.max(this.buf.length * 2, this.o + n));
    next.set(this.buf.subarray(0, this.o));
    this.replace(next);
  }

  bytes(b: Uint8Array): void {
    this.ensure(b.length);
    const buf = this.buf;
    let o = this.o;
    // A few bytes copy faster in a loop than through set(), whose call costs about a dozen bytes' loop
    // and nothing more per byte (a trajectory's fixed bytes in each of its rows).
    if (b.length < 16) for (let i = 0; i < b.length; i++) buf[o++] = b[i]!;
    else {
      buf.set(b, o);
      o += b.length;
    }
    this.o = o;
  }

  /** Bytes a..b of src (a Buffer: long runs go through its native copy, with no view made). */
  range(src: Buffer, a: number, b: number): void {
    const n = b - a;
    this.ensure(n);
    if (n < 64) {
      const buf = this.buf;
      let o = this.o;
      for (let i = a; i < b; i++) buf[o++] = src[i]!;
      this.o = o;
    } else this.o += src.copy(this.view, this.o, a, b);
  }

  /** A string of ASCII characters (numbers, keys). */
  ascii(s: string): void {
    this.ensure(s.length);
    const buf = this.buf;
    let o = this.o;
    for (let i = 0; i < s.length; i++) buf[o++] = s.charCodeAt(i);
    this.o = o;
  }

  /** Any string, as UTF-8 (a short ASCII one without a native call, which costs more than it). */
  text(s: string): void {
    this.ensure(s.length * 3);
    if (s.length < 64) {
      const buf = this.buf;
      let o = this.o;
      let i = 0;
      for (; i < s.length; i++) {
        const c = s.charCodeAt(i);
        if (c >= 0x80) break;
        buf[o++] = c;
      }
      if (i === s.length) {
        this.o = o;
        return;
      }
    }
    this.o += this.view.write(s, this.o, 'utf8');
  }

  get length(): number {
    return this.o;
  }

  take(): Uint8Array {
    const out = this.buf.subarray(0, this.o);
    this.replace(uninitialized(Math.max(this.size, out.length)));
    this.o = 0;
    return out;
  }
}

/** Where each field of the row at `pos` starts and ends: bounds[2k], bounds[2k + 1]. Returns the next row's start. */
export function scanRow(src: Uint8Array, pos: number, bounds: Int32Array, fields: number): number {
  let k = 0;
  let start = pos;
  let p = pos;
  for (;;) {
    const c = src[p]!;
    if (c === TAB || c === LF) {
      if (k < fields) {
        bounds[2 * k] = start;
        bounds[2 * k + 1] = p;
      }
      k++;
      start = p + 1;
      if (c === LF) break;
    }
    p++;
  }
  if (k !== fields) throw new Error(`a COPY row has ${k} fields where ${fields} were expected`);
  return p + 1;
}

export const isNull = (src: Uint8Array, a: number, b: number): boolean => b - a === 2 && src[a] === BACKSLASH && src[a + 1] === N;

/** The JSON escape of COPY text's escape `\x` (the same letter, but `\v`, which JSON lacks: `\u000b`). */
function putJsonEscape(buf: Uint8Array, o: number, x: number): number {
  buf[o++] = BACKSLASH;
  if (x === 118) {
    buf[o++] = 117;
    buf[o++] = 48;
    buf[o++] = 48;
    buf[o++] = 48;
    buf[o++] = 98;
  } else buf[o++] = x;
  return o;
}

/** A control character that COPY left unescaped, as JSON's `\u00XX`. */
function putControl(buf: Uint8Array, o: number, c: number): number {
  buf[o++] = BACKSLASH;
  buf[o++] = 117;
  buf[o++] = 48;
  buf[o++] = 48;
  buf[o++] = HEX[c >> 4]!;
  buf[o++] = HEX[c & 15]!;
  return o;
}

/** A COPY text value as a JSON string (with its quotes), or null. */
export function jsonString(sink: ByteSink, src: Uint8Array, a: number, b: number): void {
  if (isNull(src, a, b)) return sink.bytes(NULL_BYTES);
  sink.ensure(6 * (b - a) + 2);
  const buf = sink.buf;
  let o = sink.o;
  buf[o++] = QUOTE;
  for (let i = a; i < b; i++) {
    const c = src[i]!;
    if (c === QUOTE) {
      buf[o++] = BACKSLASH;
      buf[o++] = QUOTE;
    } else if (c === BACKSLASH) o = putJsonEscape(buf, o, src[++i]!);
    else if (c < 32) o = putControl(buf, o, c);
    else buf[o++] = c;
  }
  buf[o++] = QUOTE;
  sink.o = o;
}

/** A COPY json value, unescaped: the JSON text itself, or null. */
export function jsonRaw(sink: ByteSink, src: Uint8Array, a: number, b: number): void {
  if (isNull(src, a, b)) return sink.bytes(NULL_BYTES);
  copyUnescaped(sink, src, a, b);
}

function copyUnescaped(sink: ByteSink, src: Uint8Array, a: number, b: number): void {
  sink.ensure(b - a);
  const buf = sink.buf;
  let o = sink.o;
  for (let i = a; i < b; i++) {
    const c = src[i]!;
    buf[o++] = c === BACKSLASH ? unescaped(src[++i]!) : c;
  }
  sink.o = o;
}

/** A COPY number as JSON: as it is, or null (for \N, NaN and the infinities, as JSON.stringify writes them). */
export function jsonNumber(sink: ByteSink, src: Uint8Array, a: number, b: number): void {
  const c = src[a];
  if (b === a || c === BACKSLASH || c === 78 /* NaN */ || c === 73 /* Infinity */ || (c === 45 && src[a + 1] === 73)) return sink.bytes(NULL_BYTES);
  copyBytes(sink, src, a, b);
}

export function jsonBool(sink: ByteSink, src: Uint8Array, a: number, b: number): void {
  if (isNull(src, a, b)) return sink.bytes(NULL_BYTES);
  sink.bytes(src[a] === 116 ? TRUE_BYTES : FALSE_BYTES);
}

function copyBytes(sink: ByteSink, src: Uint8Array, a: number, b: number): void {
  sink.ensure(b - a);
  const buf = sink.buf;
  let o = sink.o;
  for (let i = a; i < b; i++) buf[o++] = src[i]!;
  sink.o = o;
}

/** A COPY number in CSV: as it is, or an empty field for a null. */
export function csvNumber(sink: ByteSink, src: Uint8Array, a: number, b: number): void {
  if (isNull(src, a, b)) return;
  copyBytes(sink, src, a, b);
}

export function csvBool(sink: ByteSink, src: Uint8Array, a: number, b: number): void {
  if (isNull(src, a, b)) return;
  sink.bytes(src[a] === 116 ? TRUE_BYTES : FALSE_BYTES);
}

/**
 * A COPY text value as a CSV field, exactly as csvField writes the text it stands for (an empty
 * field for a null). A value that starts with anything but a letter or digit goes through csvField
 * itself, so every rule csvField has about how a cell starts holds here too.
 */
export function csvText(sink: ByteSink, src: Uint8Array, a: number, b: number): void {
  if (isNull(src, a, b)) return;
  if (a === b) return sink.bytes(EMPTY_CSV);
  // (A first byte that is an escape stands for another character: csvField decides.)
  if (src[a] === BACKSLASH || !csvPlainStart(src[a]!)) return sink.text(csvField(decodeText(src, a, b)));
  let quote = false;
  for (let i = a; i < b; i++) {
    const c = src[i]!;
    if (c === QUOTE || c === COMMA) quote = true;
    else if (c === BACKSLASH) {
      const x = src[++i]!;
      if (x === 110 || x === 114) quote = true;
    }
  }
  if (!quote) return copyUnescaped(sink, src, a, b);
  sink.ensure(2 * (b - a) + 2);
  const buf = sink.buf;
  let o = sink.o;
  buf[o++] = QUOTE;
  for (let i = a; i < b; i++) {
    const c = src[i]!;
    if (c === QUOTE) {
      buf[o++] = QUOTE;
      buf[o++] = QUOTE;
    } else buf[o++] = c === BACKSLASH ? unescaped(src[++i]!) : c;
  }
  buf[o++] = QUOTE;
  sink.o = o;
}

/** A COPY text value as a string. */
export function decodeText(src: Uint8Array, a: number, b: number): string {
  let plain = true;
  let ascii = true;
  for (let i = a; i < b; i++) {
    const c = src[i]!;
    if (c === BACKSLASH) plain = false;
    else if (c >= 0x80) ascii = false;
  }
  if (plain) return bufferOf(src).toString(ascii ? 'latin1' : 'utf8', a, b);
  return Buffer.from(decodeBytes(src, a, b)).toString('utf8');
}

/** A COPY text value as its UTF-8 bytes: the chunk's own bytes when nothing is escaped. */
export function decodeBytes(src: Uint8Array, a: number, b: number): Uint8Array {
  let i = a;
  while (i < b && src[i] !== BACKSLASH) i++;
  if (i === b) return src.subarray(a, b);
  const out = new Uint8Array(b - a);
  let o = i - a;
  out.set(src.subarray(a, i));
  for (; i < b; i++) {
    const c = src[i]!;
    out[o++] = c === BACKSLASH ? unescaped(src[++i]!) : c;
  }
  return out.subarray(0, o);
}

let viewOf: Uint8Array | null = null;
let view: Buffer = Buffer.alloc(0);
/** The chunk as a Buffer, for its native latin1 slicing (one view per chunk). */
function bufferOf(src: Uint8Array): Buffer {
  if (src !== viewOf) {
    viewOf = src;
    view = Buffer.from(src.buffer, src.byteOffset, src.length);
  }
  return view;
}

/** Exact powers of ten: every one up to 1e22 is a double as it is. */
const POW10 = Array.from({ length: 23 }, (_, k) => Number(`1e${k}`));
const TWO_53 = 2 ** 53;

/**
 * A COPY number (int or float8 text) as a number, null for \N. Text whose digits make an integer below
 * 2^53 (up to 16 significant digits: most of PostgreSQL's shortest texts of a cost) and whose power of
 * ten is at most 22 is read with no string made: its digits are an exact integer and its power of ten
 * an exact double, so one multiplication or division, which IEEE rounds correctly, is the closest
 * double to the text, as Number() would read it. Anything else goes through Number().
 */
export function decodeNumber(src: Uint8Array, a: number, b: number): number | null {
  if (isNull(src, a, b)) return null;
  let i = a;
  const negative = src[i] === 45;
  if (negative) i++;
  let m = 0;
  let digits = 0;
  let scale = 0;
  let seenPoint = false;
  let ok = i < b;
  for (; i < b; i++) {
    const c = src[i]!;
    const d = c - 48;
    if (d >= 0 && d <= 9) {
      if (m !== 0 || d !== 0) digits++;
      m = m * 10 + d;
      if (seenPoint) scale--;
    } else if (c === 46 && !seenPoint) seenPoint = true;
    else break;
  }
  if (i < b) {
    // An exponent ("7.56e-05", "1.5e+20"), or something Number() must read.
    const c = src[i]!;
    if (c !== 101 && c !== 69) ok = false;
    else {
      i++;
      let sign = 1;
      if (src[i] === 45 || src[i] === 43) {
        if (src[i] === 45) sign = -1;
        i++;
      }
      if (i === b) ok = false;
      let e = 0;
      for (; i < b && ok; i++) {
        const d = src[i]! - 48;
        if (d < 0 || d > 9 || e > 1000) ok = false;
        else e = e * 10 + d;
      }
      scale += sign * e;
    }
  }
  // (m was added up exactly while below 2^53; past it, rounding keeps it at or above 2^53.)
  if (ok && m < TWO_53) {
    let n: number | undefined;
    if (m === 0) n = 0;
    else if (scale >= 0 && scale <= 22 && digits + scale <= 15) n = m * POW10[scale]!;
    else if (scale < 0 && scale >= -22) n = m / POW10[-scale]!;
    if (n !== undefined) return negative ? -n : n;
  }
  return Number(bufferOf(src).toString('latin1', a, b));
}

export function decodeBool(src: Uint8Array, a: number, b: number): boolean | null {
  return isNull(src, a, b) ? null : src[a] === 116;
}

const ZERO = 48;
const digitsScratch = new Uint8Array(32);

/**
 * PostgreSQL's shortest exact float8 text ("0.0002682", "7.56e-05", "1.5e+20") written as JavaScript
 * writes the same number (`${n}`: "0.0000756", "150000000000000000000"). Both are the shortest digits
 * that read back as the number (the closest such, ties to even), so only the notation changes: a
 * running sum that PostgreSQL adds up in step order comes out as the one lib/domain would write, with no
 * number made and printed again. `json`: NaN and the infinities are null, as JSON.stringify writes them.
 */
function jsNumber(sink: ByteSink, src: Uint8Array, a: number, b: number, json: boolean): void {
  if (isNull(src, a, b)) return json ? sink.bytes(NULL_BYTES) : undefined;
  let i = a;
  const negative = src[i] === 45;
  if (negative) i++;
  const c0 = src[i]!;
  if (c0 === 78 || c0 === 73) {
    // NaN, Infinity, -Infinity: JavaScript spells them as PostgreSQL does.
    if (json) return sink.bytes(NULL_BYTES);
    return copyBytes(sink, src, a, b);
  }
  // The digits without leading zeros, and where the decimal point falls among them.
  let k = 0;
  let point = 0;
  let seenPoint = false;
  for (; i < b; i++) {
    const c = src[i]!;
    if (c === 46) seenPoint = true;
    else if (c === 101 || c === 69) break;
    else if (k === 0 && c === ZERO) {
      if (seenPoint) point--;
    } else {
      digitsScratch[k++] = c;
      if (!seenPoint) point++;
    }
  }
  if (i < b) {
    i++;
    let sign = 1;
    if (src[i] === 45 || src[i] === 43) {
      if (src[i] === 45) sign = -1;
      i++;
    }
    let e = 0;
    for (; i < b; i++) e = e * 10 + src[i]! - ZERO;
    point += sign * e;
  }
  while (k > 0 && digitsScratch[k - 1] === ZERO) k--;
  sink.ensure(k + 30);
  const buf = sink.buf;
  let o = sink.o;
  if (k === 0) {
    buf[o++] = ZERO; // 0 and -0 alike, as JavaScript writes them
    sink.o = o;
    return;
  }
  if (negative) buf[o++] = 45;
  const n = point;
  if (k <= n && n <= 21) {
    for (let d = 0; d < k; d++) buf[o++] = digitsScratch[d]!;
    for (let d = k; d < n; d++) buf[o++] = ZERO;
  } else if (0 < n && n <= 21) {
    for (let d = 0; d < n; d++) buf[o++] = digitsScratch[d]!;
    buf[o++] = 46;
    for (let d = n; d < k; d++) buf[o++] = digitsScratch[d]!;
  } else if (-6 < n && n <= 0) {
    buf[o++] = ZERO;
    buf[o++] = 46;
    for (let d = n; d < 0; d++) buf[o++] = ZERO;
    for (let d = 0; d < k; d++) buf[o++] = digitsScratch[d]!;
  } else {
    buf[o++] = digitsScratch[0]!;
    if (k > 1) {
      buf[o++] = 46;
      for (let d = 1; d < k; d++) buf[o++] = digitsScratch[d]!;
    }
    buf[o++] = 101;
    const e = n - 1;
    buf[o++] = e < 0 ? 45 : 43;
    const text = `${Math.abs(e)}`;
    for (let d = 0; d < text.length; d++) buf[o++] = text.charCodeAt(d);
  }
  sink.o = o;
}

/** A COPY float8 in JSON as JavaScript writes the number (see jsNumber). */
export function jsonJsNumber(sink: ByteSink, src: Uint8Array, a: number, b: number): void {
  jsNumber(sink, src, a, b, true);
}

/** A COPY float8 in CSV as JavaScript writes the number (see jsNumber); an empty field for a null. */
export function csvJsNumber(sink: ByteSink, src: Uint8Array, a: number, b: number): void {
  jsNumber(sink, src, a, b, false);
}

// ---------------------------------------------------------------- one field at a time, in row order

/** A field writer that streamField runs inline; any other writer is called on the field's bounds. */
export type FieldWriter = (sink: ByteSink, src: Uint8Array, a: number, b: number) => void;
const INLINE = new Map<FieldWriter, number>([
  [jsonString, 1],
  [jsonNumber, 2],
  [jsonBool, 3],
  [jsonRaw, 4],
  [csvText, 5],
  [csvNumber, 6],
  [csvBool, 7],
]);

/** The code streamField knows a writer by (0: one it calls). */
export const fieldCode = (write: FieldWriter): number => INLINE.get(write) ?? 0;

/**
 * At most how many bytes a writer makes of a field of n bytes: FIELD_GROWTH * n + FIELD_EXTRA
 * (jsonString: "\u0001" for each raw control byte; "null" or "" for a field of none).
 */
export const FIELD_GROWTH = 6;
export const FIELD_EXTRA = 4;

/**
 * Writes `prefix` and then field `f` of a COPY row, which starts at `p`, with `write` (the same bytes
 * as `write` makes of it), and records where it ends in bounds[2f], bounds[2f + 1]. The sink has room for FIELD_GROWTH
 * times the field, the prefix and FIELD_EXTRA more bytes at sink.o, which ends past what was written.
 * Unlike scanRow and a writer, this reads the field once: its end is where the writer stops.
 */
export function streamField(
  sink: ByteSink,
  prefix: Uint8Array,
  src: Uint8Array,
  p: number,
  f: number,
  bounds: Int32Array,
  write: FieldWriter,
  code: number,
): void {
  let buf = sink.buf;
  let o = sink.o;
  for (let i = 0; i < prefix.length; i++) buf[o++] = prefix[i]!;
  const a = p;
  const isNullField = src[p] === BACKSLASH && src[p + 1] === N && (src[p + 2] === TAB || src[p + 2] === LF);
  switch (code) {
    case 1: // jsonString
      if (isNullField) {
        o = putNull(buf, o);
        p += 2;
        break;
      }
      buf[o++] = QUOTE;
      for (;;) {
        const c = src[p]!;
        if (c >= 32 && c !== QUOTE && c !== BACKSLASH) {
          buf[o++] = c;
          p++;
        } else if (c === TAB || c === LF) break;
        else if (c === QUOTE) {
          buf[o++] = BACKSLASH;
          buf[o++] = QUOTE;
          p++;
        } else if (c === BACKSLASH) {
          o = putJsonEscape(buf, o, src[p + 1]!);
          p += 2;
        } else {
          o = putControl(buf, o, c);
          p++;
        }
      }
      buf[o++] = QUOTE;
      break;
    case 2: {
      // jsonNumber
      const c = src[p];
      if (c === TAB || c === LF || c === BACKSLASH || c === 78 || c === 73 || (c === 45 && src[p + 1] === 73)) {
        while (src[p] !== TAB && src[p] !== LF) p++;
        o = putNull(buf, o);
        break;
      }
      for (let x = src[p]!; x !== TAB && x !== LF; x = src[++p]!) buf[o++] = x;
      break;
    }
    case 3: // jsonBool
    case 7: // csvBool
      if (isNullField) {
        if (code === 3) o = putNull(buf, o);
        p += 2;
        break;
      }
      o = putBytes(buf, o, src[p] === 116 ? TRUE_BYTES : FALSE_BYTES);
      while (src[p] !== TAB && src[p] !== LF) p++;
      break;
    case 4: // jsonRaw
      if (isNullField) {
        o = putNull(buf, o);
        p += 2;
        break;
      }
      for (let x = src[p]!; x !== TAB && x !== LF; x = src[++p]!) {
        if (x === BACKSLASH) buf[o++] = unescaped(src[++p]!);
        else buf[o++] = x;
      }
      break;
    case 5: {
      // csvText: written unquoted one byte ahead, then quoted or moved back
      if (isNullField) {
        p += 2;
        break;
      }
      const c = src[p]!;
      if (c === TAB || c === LF) {
        buf[o++] = QUOTE;
        buf[o++] = QUOTE;
        break;
      }
      if (c === BACKSLASH || !csvPlainStart(c)) {
        while (src[p] !== TAB && src[p] !== LF) p += src[p] === BACKSLASH ? 2 : 1;
        sink.o = o;
        csvText(sink, src, a, p);
        buf = sink.buf;
        o = sink.o;
        break;
      }
      const start = o++;
      let quote = false;
      for (let x = c; x !== TAB && x !== LF; x = src[++p]!) {
        if (x === QUOTE) {
          quote = true;
          buf[o++] = QUOTE;
          buf[o++] = QUOTE;
        } else if (x === BACKSLASH) {
          const y = unescaped(src[++p]!);
          if (y === LF || y === CR) quote = true;
          buf[o++] = y;
        } else {
          if (x === COMMA) quote = true;
          buf[o++] = x;
        }
      }
      if (quote) {
        buf[start] = QUOTE;
        buf[o++] = QUOTE;
      } else {
        buf.copyWithin(start, start + 1, o);
        o--;
      }
      break;
    }
    case 6: // csvNumber
      if (isNullField) {
        p += 2;
        break;
      }
      for (let x = src[p]!; x !== TAB && x !== LF; x = src[++p]!) buf[o++] = x;
      break;
    default:
      while (src[p] !== TAB && src[p] !== LF) p += src[p] === BACKSLASH ? 2 : 1;
      sink.o = o;
      write(sink, src, a, p);
      o = sink.o;
  }
  sink.o = o;
  bounds[2 * f] = a;
  bounds[2 * f + 1] = p;
}

function putNull(buf: Uint8Array, o: number): number {
  buf[o] = 110;
  buf[o + 1] = 117;
  buf[o + 2] = 108;
  buf[o + 3] = 108;
  return o + 4;
}

function putBytes(buf: Uint8Array, o: number, b: Uint8Array): number {
  for (let i = 0; i < b.length; i++) buf[o++] = b[i]!;
  return o;
}
