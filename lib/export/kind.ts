import type pg from 'pg';
import type { TrajectoryFilter } from '@/lib/schemas/filters';
import type { ExportKind, ExportSettings } from '@/lib/schemas/exports';
import type { Sql } from '@/lib/server/sql';
import type { Batch, Column } from './columns';
import type { CopyFormat } from './copy';
import type { ByteSink } from './copy-text';
import type { ParquetRowWriter } from './parquet';

export interface KindContext {
  filter: TrajectoryFilter;
  settings: ExportSettings;
  /** Only these trajectories (by id), besides the filter (ExportRequest.trajectories). */
  trajectories?: readonly string[];
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
  /** Refuses the request before any byte goes out (an ApiError), e.g. one that would build too much. */
  check?(ctx: KindContext, pool: pg.Pool): Promise<void>;
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

/** What a kind read through COPY makes of its rows, in one format. */
export type CopyEncoder =
  | {
      /** JSON Lines and CSV: writes the export's bytes for a chunk of whole COPY rows; returns the rows written. */
      text(chunk: Uint8Array, sink: ByteSink): number;
    }
  | {
      /** Parquet: adds the export's rows of a chunk of whole COPY rows to the writer's cells; returns the rows added. */
      parquet(chunk: Uint8Array, writer: ParquetRowWriter): number;
    }
  | {
      /** Parquet: the export's rows of a chunk of whole COPY rows, as batches. */
      batches(chunk: Uint8Array): Batch[];
      /** The rows still held at the end (a trajectory's steps go out together). */
      finish(): Batch[];
    };

/**
 * A kind read through `COPY (SELECT ...) TO STDOUT` (copy.ts) rather than a cursor: for the kinds
 * whose files are the largest (steps), where the driver's per-row work would cost most. Its rows
 * stay bytes from PostgreSQL to the file, except what it computes with lib/domain.
 */
export interface CopyKindDefinition {
  kind: ExportKind;
  summary: string;
  columns(settings: ExportSettings): Column[];
  /** The SELECT that COPY runs (one statement: one snapshot). */
  copyQuery(ctx: KindContext): Sql;
  /** The COPY's format for this export (text when absent): what the encoder's chunks hold. */
  copyFormat?(ctx: KindContext): CopyFormat;
  /**
   * Reads what every row would otherwise repeat (steps: each rubric's criteria, once per rubric
   * rather than once per trajectory) on the COPY's connection, in the COPY's snapshot, just before it.
   */
  prefetch?(client: pg.PoolClient, ctx: KindContext): Promise<unknown>;
  /** `prefetched` is what prefetch returned. */
  encoder(ctx: KindContext, columns: readonly Column[], prefetched?: unknown): CopyEncoder;
}
