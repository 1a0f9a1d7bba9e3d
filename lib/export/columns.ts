// The shape of an export's rows: named, typed columns, so that one row source can be written as JSON
// Lines, CSV or Parquet alike. Rows are arrays in column order (no per-row objects on the hot path).

export type ColumnType =
  | 'string'
  | 'int'
  | 'double'
  | 'bool'
  /** ISO 8601 text in the row; a UTC millisecond timestamp in Parquet. */
  | 'timestamp'
  /** JSON text in the row, written as is (JSON Lines) or as text (CSV, Parquet). */
  | 'json'
  | 'int_list'
  | 'double_list'
  | 'bool_list'
  | 'string_list';

export interface Column {
  name: string;
  type: ColumnType;
  /** The value may be null. */
  nullable?: boolean;
  /** Elements of a list column may be null. */
  nullableItems?: boolean;
  /** One line for docs/exports.md and the dataset card. */
  description: string;
  /**
   * Free text or JSON of any length, different on every row (step texts): Parquet writes it PLAIN,
   * without a dictionary or min/max statistics, which would cost time and say nothing.
   */
  long?: boolean;
}

export type Row = unknown[];

export const isList = (t: ColumnType) => t.endsWith('_list');

/**
 * Rows travel in batches, column by column: a column is either one value per row or one value for
 * the whole batch (a trajectory's ids and figures on each of its steps), which the writers encode once.
 */
export type ColumnValues = { values: readonly unknown[] } | { value: unknown };

export interface Batch {
  length: number;
  columns: ColumnValues[];
}

export const each = (values: readonly unknown[]): ColumnValues => ({ values });
export const same = (value: unknown): ColumnValues => ({ value });

/** Value of column `c` in row `r` of a batch. */
export function cell(batch: Batch, c: number, r: number): unknown {
  const col = batch.columns[c]!;
  return 'value' in col ? col.value : col.values[r];
}

/** A batch of whole rows (kinds whose rows share nothing). */
export function batchOfRows(rows: readonly Row[], width: number): Batch {
  const columns: ColumnValues[] = [];
  for (let c = 0; c < width; c++) columns.push({ values: rows.map((r) => r[c]) });
  return { length: rows.length, columns };
}
