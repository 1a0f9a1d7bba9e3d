import type { TrajectoryFilter } from '@/lib/schemas/filters';
import type { ExportKind, ExportSettings } from '@/lib/schemas/exports';
import type { Sql } from '@/lib/server/sql';
import type { Batch, Column } from './columns';

export interface KindContext {
  filter: TrajectoryFilter;
  settings: ExportSettings;
}

/**
 * One export kind: its columns, the one SQL statement whose rows it reads (a single statement, so the
 * export sees one snapshot), and how those rows become export rows.
 */
export interface KindDefinition<DbRow = unknown> {
  kind: ExportKind;
  /** One sentence for the Exports page and the dataset card. */
  summary: string;
  columns(settings: ExportSettings): Column[];
  query(ctx: KindContext): Sql;
  rowMode?: 'array';
  /**
   * Rows per cursor round trip: enough to keep the database busy while the last ones are written, and
   * few for kinds whose rows carry whole trajectories' texts (memory holds one round trip's rows).
   */
  batchSize: number;
  /** Rows in batches (a trajectory's steps, a query's pairs): one await per batch, not per row. */
  rows(source: AsyncIterable<DbRow>, ctx: KindContext): AsyncGenerator<Batch>;
  /** When the JSON Lines form of a row is not the object of its columns (traces: the trace line). */
  jsonLines?(batch: Batch): string;
}
