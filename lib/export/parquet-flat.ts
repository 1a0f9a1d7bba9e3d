// Parquet row groups for exports whose columns are all flat (no lists), encoded as the rows arrive:
// numbers go into typed arrays, short texts into a dictionary per row group, long texts straight into
// their PLAIN bytes, so that no row group of JS values is held and converted again. The file's header,
// row group list and footer stay hyparquet-writer's (ParquetWriter.finish); the pages are the same
// kinds it writes (DATA_PAGE_V2, a dictionary page for short texts, RLE booleans).
import { ByteWriter, type ParquetWriter } from 'hyparquet-writer';
import { writePageHeader } from 'hyparquet-writer/src/datapage.js';
import { writeRleBitPackedHybrid } from 'hyparquet-writer/src/encoding.js';
import { snappyCompress } from 'hyparquet-writer/src/snappy.js';
import type { Column, ColumnValues } from './columns';
import { decodeBool, decodeNumber, decodeText, isNull } from './copy-text';

type RowGroup = ParquetWriter['row_groups'][number];
type ColumnChunk = RowGroup['columns'][number];
type Codec = 'UNCOMPRESSED' | 'SNAPPY';
type Encoding = 'PLAIN' | 'RLE' | 'RLE_DICTIONARY';
type Bounds = Pick<NonNullable<ColumnChunk['meta_data']>['statistics'] & object, 'min_value' | 'max_value'>;

if (new Uint8Array(new Uint16Array([1]).buffer)[0] !== 1) throw new Error('parquet: typed arrays are written as little-endian bytes');

/** What a leaf writes into the file: the sink's running offset and whole chunks of bytes. */
export interface ByteSink {
  offset: number;
  appendBytes(bytes: Uint8Array): void;
}

const utf8 = new TextEncoder();
const fromUtf8 = new TextDecoder();

function required(c: Column, v: unknown): never {
  throw new Error(`parquet: column ${c.name} ${v === null || v === undefined ? 'is required, got null' : `cannot hold ${typeof v} ${String(v)}`}`);
}

function grown<T extends Float64Array | Int32Array | Uint8Array>(a: T, need: number): T {
  if (need <= a.length) return a;
  const b = new (a.constructor as new (n: number) => T)(Math.max(need, 2 * a.length));
  b.set(a);
  return b;
}

const INITIAL = 1024;
const BACKSLASH = 92;

/** The byte a COPY text escape (\n, \t, ...) stands for: PostgreSQL writes no others, and \\ for a backslash. */
function unescaped(x: number): number {
  switch (x) {
    case 110:
      return 10;
    case 114:
      return 13;
    case 116:
      return 9;
    case 98:
      return 8;
    case 102:
      return 12;
    case 118:
      return 11;
    default:
      return x;
  }
}

let viewOf: Uint8Array | null = null;
let view: Uint8Array = new Uint8Array(0);
/** The chunk as a plain Uint8Array (one view per chunk). */
function plainView(src: Uint8Array): Uint8Array {
  if (src !== viewOf) {
    viewOf = src;
    view = new Uint8Array(src.buffer, src.byteOffset, src.length);
  }
  return view;
}

/** Growable bytes, little-endian. */
class Bytes {
  buf = Buffer.allocUnsafe(64 * 1024);
  n = 0;
  ensure(extra: number): void {
    if (this.n + extra <= this.buf.length) return;
    const next = Buffer.allocUnsafe(Math.max(this.n + extra, 2 * this.buf.length));
    this.buf.copy(next, 0, 0, this.n);
    this.buf = next;
  }
  /** PLAIN BYTE_ARRAY: the length, then the bytes. */
  byteArray(v: string | Uint8Array): void {
    if (typeof v === 'string') {
      this.ensure(4 + 3 * v.length);
      const len = this.buf.write(v, this.n + 4, 'utf8');
      this.buf.writeUInt32LE(len, this.n);
      this.n += 4 + len;
    } else {
      this.ensure(4 + v.length);
      this.buf.writeUInt32LE(v.length, this.n);
      this.buf.set(v, this.n + 4);
      this.n += 4 + v.length;
    }
  }
  /** PLAIN BYTE_ARRAY of a COPY text field, unescaped as it is copied; returns its length. */
  copyField(src: Uint8Array, a: number, b: number): number {
    this.ensure(4 + b - a);
    const buf = this.buf;
    const start = this.n + 4;
    let o = start;
    let i = a;
    if (b - a < 48) {
      for (; i < b; i++) {
        const c = src[i]!;
        if (c === BACKSLASH) break;
        buf[o++] = c;
      }
    } else {
      // Most texts hold no escape: found natively, and copied in one go (through a plain Uint8Array
      // view of the chunk: a Buffer's subarray and indexOf cost more).
      const field = plainView(src).subarray(a, b);
      const first = field.indexOf(BACKSLASH);
      const plain = first < 0 ? b - a : first;
      buf.set(first < 0 ? field : field.subarray(0, first), o);
      o += plain;
      i += plain;
    }
    for (; i < b; i++) {
      const c = src[i]!;
      buf[o++] = c === BACKSLASH ? unescaped(src[++i]!) : c;
    }
    const len = o - start;
    buf.writeUInt32LE(len, this.n);
    this.n = o;
    return len;
  }
  /** The bytes so far, for a caller that is done with them before the next add (they are written over). */
  view(): Uint8Array {
    return this.buf.subarray(0, this.n);
  }
  take(): Uint8Array {
    const out = this.buf.subarray(0, this.n);
    this.buf = Buffer.allocUnsafe(Math.max(64 * 1024, this.n));
    this.n = 0;
    return out;
  }
}

/** One column of a row group, filled row by row. */
export abstract class ColumnLeaf {
  rows = 0;
  nulls = 0;
  /** Definition levels (1 present, 0 null) of a nullable column. */
  defs: Uint8Array | null;
  /** Bytes of text added (for closing long groups early). */
  textBytes = 0;

  constructor(readonly column: Column) {
    this.defs = column.nullable ? new Uint8Array(INITIAL) : null;
  }

  /** Rows the leaf's arrays have room for. */
  private capacity = INITIAL;

  private room(rows: number): void {
    if (rows <= this.capacity) return;
    this.capacity = Math.max(rows, 2 * this.capacity);
    if (this.defs) this.defs = grown(this.defs, this.capacity);
    this.reserve(this.capacity);
  }

  add(col: ColumnValues, from: number, take: number): void {
    this.room(this.rows + take);
    if ('value' in col) {
      const v = col.value;
      for (let k = 0; k < take; k++) this.value(v);
    } else {
      const values = col.values;
      for (let k = from; k < from + take; k++) this.value(values[k]);
    }
  }

  /** Adds one row's value (null or undefined for null). */
  value(v: unknown): void {
    if (this.rows >= this.capacity) this.room(this.rows + 1);
    if (v === null || v === undefined) {
      if (!this.defs) required(this.column, v);
      this.defs[this.rows++] = 0;
      this.nulls++;
      return;
    }
    if (this.defs) this.defs[this.rows] = 1;
    this.rows++;
    this.push(v);
  }

  /** Adds one row's value from a field of a COPY text row (`src[a..b)`, \\N for null), with no JS value made where none is needed. */
  field(src: Uint8Array, a: number, b: number): void {
    if (isNull(src, a, b)) return this.value(null);
    if (this.rows >= this.capacity) this.room(this.rows + 1);
    if (this.defs) this.defs[this.rows] = 1;
    this.rows++;
    this.pushField(src, a, b);
  }

  protected pushField(src: Uint8Array, a: number, b: number): void {
    this.push(decodeText(src, a, b));
  }

  /** Room for `n` values. */
  protected abstract reserve(n: number): void;
  protected abstract push(v: unknown): void;
  /** The data page's values (already encoded) and their encoding; the dictionary page's, if any. */
  protected abstract encode(): { encoding: Encoding; values: Uint8Array; compress: boolean; dictionary?: { count: number; bytes: Uint8Array } };
  protected abstract statistics(): Bounds;
  protected abstract reset(): void;

  /** Writes the column chunk of the gathered rows and starts over. */
  write(sink: ByteSink): ColumnChunk {
    const { column } = this;
    const type = physicalType(column);
    const offsetStart = sink.offset;
    const { encoding, values, compress: compressed, dictionary } = this.encode();
    const codec: Codec = compressed ? 'SNAPPY' : 'UNCOMPRESSED';
    const encodings: Encoding[] = [];
    let uncompressed = 0;
    let dictionary_page_offset: bigint | undefined;
    const compress = (b: Uint8Array) => (codec === 'SNAPPY' ? snappyCompress(b) : b);
    const header = new ByteWriter(256);
    if (dictionary) {
      dictionary_page_offset = BigInt(sink.offset);
      const bytes = compress(dictionary.bytes);
      writePageHeader(header, {
        type: 'DICTIONARY_PAGE',
        uncompressed_page_size: dictionary.bytes.length,
        compressed_page_size: bytes.length,
        dictionary_page_header: { num_values: dictionary.count, encoding: 'PLAIN' },
      });
      uncompressed += header.offset + dictionary.bytes.length;
      sink.appendBytes(header.getBytes().slice());
      sink.appendBytes(bytes);
      header.index = header.offset = 0;
      encodings.push('PLAIN');
    }
    encodings.push(encoding);
    const data_page_offset = BigInt(sink.offset);
    const levels = new ByteWriter(this.defs ? 1 + (this.rows >> 3) + 16 : 16);
    if (this.defs) writeRleBitPackedHybrid(levels, this.defs.subarray(0, this.rows), 1);
    const bytes = compress(values);
    writePageHeader(header, {
      type: 'DATA_PAGE_V2',
      uncompressed_page_size: levels.offset + values.length,
      compressed_page_size: levels.offset + bytes.length,
      data_page_header_v2: {
        num_values: this.rows,
        num_nulls: this.nulls,
        num_rows: this.rows,
        encoding,
        definition_levels_byte_length: levels.offset,
        repetition_levels_byte_length: 0,
        is_compressed: codec !== 'UNCOMPRESSED',
      },
    });
    uncompressed += header.offset + levels.offset + values.length;
    sink.appendBytes(header.getBytes().slice());
    if (levels.offset > 0) sink.appendBytes(levels.getBytes().slice());
    sink.appendBytes(bytes);
    const chunk: ColumnChunk = {
      meta_data: {
        type,
        encodings,
        path_in_schema: [column.name],
        codec,
        num_values: BigInt(this.rows),
        total_compressed_size: BigInt(sink.offset - offsetStart),
        total_uncompressed_size: BigInt(uncompressed),
        data_page_offset,
        dictionary_page_offset,
        statistics: { null_count: BigInt(this.nulls), ...(column.long ? {} : this.statistics()) },
        encoding_stats: [
          ...(dictionary ? [{ page_type: 'DICTIONARY_PAGE' as const, encoding: 'PLAIN' as const, count: 1 }] : []),
          { page_type: 'DATA_PAGE_V2', encoding, count: 1 },
        ],
      },
      file_offset: BigInt(offsetStart),
    };
    this.rows = 0;
    this.nulls = 0;
    this.textBytes = 0;
    this.reset();
    return chunk;
  }
}

function physicalType(c: Column): 'INT32' | 'INT64' | 'DOUBLE' | 'BOOLEAN' | 'BYTE_ARRAY' {
  switch (c.type) {
    case 'int':
      return 'INT32';
    case 'timestamp':
      return 'INT64';
    case 'double':
      return 'DOUBLE';
    case 'bool':
      return 'BOOLEAN';
    default:
      return 'BYTE_ARRAY';
  }
}

/** Min and max as Parquet wants them: NaN left out, -0 as the minimum and +0 as the maximum. */
function numberBounds(values: ArrayLike<number>, n: number): { min_value?: number; max_value?: number } {
  let min = Infinity;
  let max = -Infinity;
  let any = false;
  for (let i = 0; i < n; i++) {
    const v = values[i]!;
    if (v !== v) continue;
    any = true;
    if (v < min) min = v;
    if (v > max) max = v;
  }
  if (!any) return {};
  return { min_value: min === 0 ? -0 : min, max_value: max === 0 ? 0 : max };
}

/**
 * Numbers that repeat (a trajectory's figures on each of its steps, step indexes, scores) go as a
 * dictionary of the group's distinct values; a column whose values are mostly distinct stops building
 * one and goes PLAIN, uncompressed: Snappy saved little on such doubles and cost more than the rest of
 * the encoding together.
 */
abstract class NumberLeaf<A extends Float64Array | Int32Array> extends ColumnLeaf {
  protected n = 0;
  private ids = new Map<number, number>();
  private keys: number[] = [];
  private indexes = new Int32Array(INITIAL);
  private last = NaN;
  private lastId = -1;
  /** Whether this group's values still go as a dictionary. */
  private dictionary = true;
  /** A column that gave up its dictionary in one group tries again in the next only this many groups on. */
  private skipGroups = 0;

  constructor(
    column: Column,
    protected values: A,
    private readonly width: number,
  ) {
    super(column);
  }
  protected reserve(n: number) {
    this.values = grown(this.values, n);
    this.indexes = grown(this.indexes, n);
  }
  protected pushNumber(v: number) {
    const i = this.n++;
    this.values[i] = v;
    if (!this.dictionary) return;
    if (v === this.last && v !== 0) {
      this.indexes[i] = this.lastId;
      return;
    }
    // Map keys do not tell -0 from +0: a group with -0 goes PLAIN.
    if (v === 0 && 1 / v < 0) return this.dropDictionary();
    let id = this.ids.get(v);
    if (id === undefined) {
      id = this.keys.length;
      if (id >= 1024 && id > i >> 2) return this.dropDictionary();
      this.ids.set(v, id);
      this.keys.push(v);
    }
    this.indexes[i] = id;
    this.last = v;
    this.lastId = id;
  }
  private dropDictionary() {
    this.dictionary = false;
    this.ids.clear();
    this.keys = [];
    this.skipGroups = 4;
  }
  protected encode() {
    if (!this.dictionary) {
      return { encoding: 'PLAIN' as const, compress: false, values: new Uint8Array(this.values.buffer.slice(0, this.width * this.n)) };
    }
    const dict = new (this.values.constructor as new (keys: number[]) => A)(this.keys);
    return { ...dictionaryIndexes(this.indexes, this.n, this.keys.length), dictionary: { count: this.keys.length, bytes: new Uint8Array(dict.buffer) } };
  }
  protected statistics() {
    return numberBounds(this.values, this.n);
  }
  protected reset() {
    this.n = 0;
    this.ids.clear();
    this.keys = [];
    this.last = NaN;
    this.lastId = -1;
    if (this.skipGroups > 0) this.skipGroups--;
    this.dictionary = this.skipGroups === 0;
  }
}

/** RLE_DICTIONARY data: the bit width, then the indexes RLE / bit-packed. */
function dictionaryIndexes(indexes: Int32Array, n: number, size: number) {
  const bitWidth = Math.ceil(Math.log2(size));
  const w = new ByteWriter(16 + ((n * Math.max(bitWidth, 1)) >> 3));
  w.appendUint8(bitWidth);
  writeRleBitPackedHybrid(w, indexes.subarray(0, n), bitWidth);
  return { encoding: 'RLE_DICTIONARY' as const, compress: true, values: w.getBytes().slice() };
}

class IntLeaf extends NumberLeaf<Int32Array> {
  constructor(column: Column) {
    super(column, new Int32Array(INITIAL), 4);
  }
  protected push(v: unknown) {
    if (typeof v !== 'number' || (v | 0) !== v) required(this.column, v);
    this.pushNumber(v);
  }
  protected override pushField(src: Uint8Array, a: number, b: number) {
    this.push(decodeNumber(src, a, b));
  }
}

class DoubleLeaf extends NumberLeaf<Float64Array> {
  constructor(column: Column) {
    super(column, new Float64Array(INITIAL), 8);
  }
  protected push(v: unknown) {
    if (typeof v !== 'number') required(this.column, v);
    this.pushNumber(v);
  }
  protected override pushField(src: Uint8Array, a: number, b: number) {
    this.pushNumber(decodeNumber(src, a, b)!);
  }
}

/** UTC milliseconds, from a Date, an ISO 8601 text or a number of milliseconds. */
class TimestampLeaf extends ColumnLeaf {
  private values = new Float64Array(INITIAL);
  private n = 0;
  protected reserve(n: number) {
    this.values = grown(this.values, n);
  }
  protected push(v: unknown) {
    const ms = v instanceof Date ? v.getTime() : typeof v === 'string' ? Date.parse(v) : typeof v === 'number' ? v : NaN;
    if (!Number.isSafeInteger(ms)) required(this.column, v);
    this.values[this.n++] = ms;
  }
  protected encode() {
    const out = new BigInt64Array(this.n);
    for (let i = 0; i < this.n; i++) out[i] = BigInt(this.values[i]!);
    return { encoding: 'PLAIN' as const, compress: false, values: new Uint8Array(out.buffer) };
  }
  protected statistics() {
    const b = numberBounds(this.values, this.n);
    return b.min_value === undefined ? {} : { min_value: BigInt(b.min_value), max_value: BigInt(b.max_value!) };
  }
  protected reset() {
    this.n = 0;
  }
}

class BoolLeaf extends ColumnLeaf {
  private values = new Uint8Array(INITIAL);
  private n = 0;
  protected reserve(n: number) {
    this.values = grown(this.values, n);
  }
  protected push(v: unknown) {
    if (typeof v !== 'boolean') required(this.column, v);
    this.values[this.n++] = v ? 1 : 0;
  }
  protected override pushField(src: Uint8Array, a: number, b: number) {
    this.push(decodeBool(src, a, b));
  }
  protected encode() {
    // RLE with its length first, as hyparquet-writer writes booleans.
    const w = new ByteWriter(16 + (this.n >> 3));
    w.appendUint32(0);
    const len = writeRleBitPackedHybrid(w, this.values.subarray(0, this.n), 1);
    w.view.setUint32(0, len, true);
    return { encoding: 'RLE' as const, compress: true, values: w.getBytes().slice() };
  }
  protected statistics() {
    if (this.n === 0) return {};
    let t = false;
    let f = false;
    for (let i = 0; i < this.n; i++) {
      if (this.values[i]) t = true;
      else f = true;
    }
    return { min_value: !f, max_value: t };
  }
  protected reset() {
    this.n = 0;
  }
}

const LAST_FIELD = 64;

const textOf = (v: unknown): string | Uint8Array | null => (typeof v === 'string' || v instanceof Uint8Array ? v : null);

/** Short texts (ids, names): a dictionary per row group, with min and max taken over its entries. */
class DictionaryLeaf extends ColumnLeaf {
  private readonly ids = new Map<string, number>();
  private keys: string[] = [];
  private indexes = new Int32Array(INITIAL);
  private n = 0;
  /** The last value added and its index: a trajectory's ids repeat on each of its steps. */
  private last: unknown = null;
  private lastId = 0;
  /** The last COPY field added (up to LAST_FIELD bytes), as it came. */
  private readonly lastField = new Uint8Array(LAST_FIELD);
  private lastFieldLength = -1;
  private lastFieldId = 0;
  protected reserve(n: number) {
    this.indexes = grown(this.indexes, n);
  }
  protected push(v: unknown) {
    // Strings only: bytes could have been written over since.
    if (typeof v === 'string' && v === this.last) {
      this.indexes[this.n++] = this.lastId;
      return;
    }
    const t = textOf(v);
    if (t === null) required(this.column, v);
    const s = typeof t === 'string' ? t : fromUtf8.decode(t);
    let id = this.ids.get(s);
    if (id === undefined) {
      id = this.keys.length;
      this.ids.set(s, id);
      this.keys.push(s);
      this.textBytes += s.length;
    }
    this.indexes[this.n++] = id;
    this.last = v;
    this.lastId = id;
  }
  protected override pushField(src: Uint8Array, a: number, b: number) {
    const len = b - a;
    if (len === this.lastFieldLength) {
      const last = this.lastField;
      let k = 0;
      while (k < len && src[a + k] === last[k]) k++;
      if (k === len) {
        this.indexes[this.n++] = this.lastFieldId;
        return;
      }
    }
    this.push(decodeText(src, a, b));
    if (len <= LAST_FIELD) {
      for (let k = 0; k < len; k++) this.lastField[k] = src[a + k]!;
      this.lastFieldLength = len;
      this.lastFieldId = this.indexes[this.n - 1]!;
    } else this.lastFieldLength = -1;
  }
  protected encode() {
    const dict = new Bytes();
    for (const k of this.keys) dict.byteArray(k);
    return { ...dictionaryIndexes(this.indexes, this.n, this.keys.length), dictionary: { count: this.keys.length, bytes: dict.take() } };
  }
  protected statistics() {
    if (this.keys.length === 0) return {};
    let min = utf8.encode(this.keys[0]);
    let max = min;
    let minKey = this.keys[0]!;
    let maxKey = minKey;
    for (let i = 1; i < this.keys.length; i++) {
      const b = utf8.encode(this.keys[i]);
      if (Buffer.compare(b, min) < 0) [min, minKey] = [b, this.keys[i]!];
      if (Buffer.compare(b, max) > 0) [max, maxKey] = [b, this.keys[i]!];
    }
    return { min_value: minKey, max_value: maxKey };
  }
  protected reset() {
    this.ids.clear();
    this.keys = [];
    this.n = 0;
    this.last = null;
    this.lastFieldLength = -1;
  }
}

/** Long texts: PLAIN bytes, written as they arrive (bytes as COPY sent them, or strings). */
class PlainTextLeaf extends ColumnLeaf {
  private bytes = new Bytes();
  protected reserve() {}
  protected push(v: unknown) {
    const t = textOf(v);
    if (t === null) required(this.column, v);
    const before = this.bytes.n;
    this.bytes.byteArray(t);
    this.textBytes += this.bytes.n - before - 4;
  }
  protected override pushField(src: Uint8Array, a: number, b: number) {
    this.textBytes += this.bytes.copyField(src, a, b);
  }
  protected encode() {
    // Compressed into bytes of their own before the group's next row: the buffer serves the next group.
    return { encoding: 'PLAIN' as const, compress: true, values: this.bytes.view() };
  }
  protected statistics() {
    return {};
  }
  protected reset() {
    this.bytes.n = 0;
  }
}

export function leafFor(c: Column): ColumnLeaf {
  switch (c.type) {
    case 'int':
      return new IntLeaf(c);
    case 'double':
      return new DoubleLeaf(c);
    case 'timestamp':
      return new TimestampLeaf(c);
    case 'bool':
      return new BoolLeaf(c);
    case 'string':
    case 'json':
      return c.long ? new PlainTextLeaf(c) : new DictionaryLeaf(c);
    default:
      throw new Error(`parquet: ${c.type} is not a flat column`);
  }
}
