// Parquet, streamed by row groups: rows are gathered column by column until a group is full (by rows
// or by bytes of text), the group is encoded, and the bytes it produced are handed out at once, so
// memory holds one row group whatever the export's size. Exports without list columns (steps, ...)
// encode each value as it arrives (parquet-flat.ts); those with lists gather JS values and hand the
// group to hyparquet-writer's ParquetWriter, which also writes every file's header and footer.
import { ByteWriter, ParquetWriter } from 'hyparquet-writer';
import { isList, type Batch, type Column, type ColumnType } from './columns';
import { leafFor, type ColumnLeaf } from './parquet-flat';

/**
 * hyparquet-writer holds several copies of a group while it encodes one (converted values, levels,
 * pages, compressed pages): with the 1M-step export's labels and routing columns, 25,000 rows reached
 * a peak of 355 MB and 10,000 rows 300 MB, for 4% more bytes (5,000 rows saved nothing more).
 */
export const ROW_GROUP_ROWS = 10_000;
/**
 * Exports without list columns encode their values as the rows arrive (parquet-flat.ts) and hold
 * little more than the encoded group: larger groups, as readers prefer them.
 */
export const FLAT_ROW_GROUP_ROWS = 100_000;
/** Long texts (step texts, traces) close a group early so that it stays small in memory. */
export const ROW_GROUP_TEXT_BYTES = 8 * 1024 * 1024;

// hyparquet-writer's own copy of hyparquet's types, not the reader's (their versions differ).
type SchemaElement = ConstructorParameters<typeof ParquetWriter>[0]['schema'][number];
type Leaf = Pick<SchemaElement, 'type' | 'converted_type' | 'logical_type'>;

function leafOf(t: ColumnType): Leaf {
  switch (t) {
    case 'int':
    case 'int_list':
      return { type: 'INT32' };
    case 'double':
    case 'double_list':
      return { type: 'DOUBLE' };
    case 'bool':
    case 'bool_list':
      return { type: 'BOOLEAN' };
    case 'timestamp':
      return { type: 'INT64', converted_type: 'TIMESTAMP_MILLIS', logical_type: { type: 'TIMESTAMP', isAdjustedToUTC: true, unit: 'MILLIS' } };
    default:
      return { type: 'BYTE_ARRAY', converted_type: 'UTF8', logical_type: { type: 'STRING' } };
  }
}

/** Lists use the standard three-level LIST layout (column / list / element) that Arrow reads. */
export function parquetSchema(columns: readonly Column[]): SchemaElement[] {
  const schema: SchemaElement[] = [{ name: 'root', num_children: columns.length }];
  for (const c of columns) {
    const repetition_type = c.nullable ? 'OPTIONAL' : 'REQUIRED';
    if (isList(c.type)) {
      schema.push(
        { name: c.name, repetition_type, converted_type: 'LIST', logical_type: { type: 'LIST' }, num_children: 1 },
        { name: 'list', repetition_type: 'REPEATED', num_children: 1 },
        { name: 'element', repetition_type: c.nullableItems ? 'OPTIONAL' : 'REQUIRED', ...leafOf(c.type) },
      );
    } else {
      schema.push({ name: c.name, repetition_type, ...leafOf(c.type) });
    }
  }
  return schema;
}

/** A ByteWriter whose flush() hands the bytes written so far to the caller and starts over. */
class ChunkWriter extends ByteWriter {
  readonly out: Uint8Array[] = [];
  /** Large byte arrays go out as they are, after what was written before them, without a copy. */
  override appendBytes(bytes: Uint8Array): void {
    if (bytes.length < 64 * 1024) return super.appendBytes(bytes);
    this.flush();
    this.out.push(bytes);
    this.offset += bytes.length;
  }
  flush(): void {
    if (this.index === 0) return;
    this.out.push(new Uint8Array(this.buffer.slice(0, this.index)));
    this.index = 0;
  }
  override finish(): void {
    this.flush();
  }
  take(): Uint8Array[] {
    return this.out.splice(0, this.out.length);
  }
}

function textLength(v: unknown): number {
  if (typeof v === 'string' || v instanceof Uint8Array) return v.length;
  if (!Array.isArray(v)) return 0;
  let n = 0;
  for (const x of v) if (typeof x === 'string') n += x.length;
  return n;
}

export class ParquetRowWriter {
  private readonly writer = new ChunkWriter(1 << 20);
  private readonly pq: ParquetWriter;
  private cols: unknown[][];
  private rows = 0;
  private bytes = 0;
  private readonly timestamps: number[];
  private readonly texts: number[];
  /** The columns' encoders when no column is a list, else null (rows go through hyparquet-writer). */
  private readonly leaves: ColumnLeaf[] | null;
  private readonly groupRows: number;

  constructor(
    private readonly columns: readonly Column[],
    createdBy: string,
    groupRows?: number,
  ) {
    this.pq = new ParquetWriter({ writer: this.writer, schema: parquetSchema(columns), createdBy, kvMetadata: [] });
    this.leaves = columns.some((c) => isList(c.type)) ? null : columns.map(leafFor);
    this.groupRows = groupRows ?? (this.leaves ? FLAT_ROW_GROUP_ROWS : ROW_GROUP_ROWS);
    this.cols = columns.map(() => []);
    this.timestamps = columns.flatMap((c, i) => (c.type === 'timestamp' ? [i] : []));
    this.texts = columns.flatMap((c, i) => (c.type === 'string' || c.type === 'json' || c.type === 'string_list' ? [i] : []));
  }

  /** The bytes ready to go out (the file header, then each finished row group). */
  take(): Uint8Array[] {
    this.writer.flush();
    return this.writer.take();
  }

  /**
   * The columns' encoders, for a kind that adds its rows value by value (steps, from its COPY rows):
   * each row adds one value to every column, then calls endRow(). Only when no column is a list.
   */
  get cells(): readonly ColumnLeaf[] {
    if (!this.leaves) throw new Error('parquet: rows of list columns go through addBatch');
    return this.leaves;
  }

  /** Ends a row added through `cells`, encoding a row group when one is full. */
  endRow(): void {
    this.rows++;
    if (this.rows >= this.groupRows) return this.writeGroup();
    if ((this.rows & 255) === 0) {
      let bytes = 0;
      for (const leaf of this.leaves!) bytes += leaf.textBytes;
      if (bytes >= ROW_GROUP_TEXT_BYTES) this.writeGroup();
    }
  }

  /** Gathers a batch's rows, encoding a row group each time one fills. */
  addBatch(batch: Batch): void {
    for (let from = 0; from < batch.length;) {
      const take = Math.min(batch.length - from, this.groupRows - this.rows);
      this.gather(batch, from, take);
      from += take;
      if (this.rows >= this.groupRows || this.bytes >= ROW_GROUP_TEXT_BYTES) this.writeGroup();
    }
  }

  private gather(batch: Batch, from: number, take: number): void {
    if (this.leaves) {
      let bytes = 0;
      for (let i = 0; i < this.leaves.length; i++) {
        const leaf = this.leaves[i]!;
        leaf.add(batch.columns[i]!, from, take);
        bytes += leaf.textBytes;
      }
      this.rows += take;
      this.bytes = bytes;
      return;
    }
    batch.columns.forEach((col, i) => {
      const out = this.cols[i]!;
      const isTimestamp = this.timestamps.includes(i);
      const at = (v: unknown) => (isTimestamp && typeof v === 'string' ? new Date(v) : v);
      if ('value' in col) {
        const v = at(col.value);
        for (let k = 0; k < take; k++) out.push(v);
        if (this.texts.includes(i)) this.bytes += take * textLength(v);
      } else {
        for (let k = from; k < from + take; k++) out.push(at(col.values[k]));
        if (this.texts.includes(i)) for (let k = from; k < from + take; k++) this.bytes += textLength(col.values[k]);
      }
    });
    this.rows += take;
  }

  /** Encodes the gathered rows as one row group. */
  writeGroup(): void {
    if (this.rows === 0) return;
    if (this.leaves) return this.writeFlatGroup(this.leaves);
    const columnData = this.columns.map((c, i) => ({
      name: c.name,
      data: this.cols[i]!,
      ...(c.long ? { encoding: 'PLAIN' as const, statistics: false } : {}),
    }));
    void this.pq.write({ columnData, rowGroupSize: this.rows });
    this.cols = this.columns.map(() => []);
    this.rows = 0;
    this.bytes = 0;
  }

  private writeFlatGroup(leaves: ColumnLeaf[]): void {
    const start = this.writer.offset;
    const columns = leaves.map((leaf) => leaf.write(this.writer));
    let total_byte_size = 0n;
    for (const { meta_data } of columns) total_byte_size += meta_data?.total_uncompressed_size ?? 0n;
    const num_rows = BigInt(this.rows);
    this.pq.row_groups.push({ columns, total_byte_size, num_rows, total_compressed_size: BigInt(this.writer.offset - start) });
    this.pq.num_rows += num_rows;
    this.rows = 0;
    this.bytes = 0;
  }

  /** Writes the footer with key-value metadata (known only now: the manifest with its row count). */
  finish(kv: { key: string; value: string }[]): void {
    this.writeGroup();
    this.pq.kvMetadata = kv;
    void this.pq.finish();
  }
}
