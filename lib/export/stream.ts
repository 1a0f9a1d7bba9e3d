// Rows out of PostgreSQL and bytes out to a client, both pulled: a pg-query-stream cursor is read
// through its async iterator only as fast as the consumer asks, and a ReadableStream asks only when
// its reader wants more. Closing either end (the last row, an error, a client that goes away) closes
// the cursor and gives the connection back to the pool.
import { once } from 'node:events';
import type pg from 'pg';
import QueryStream from 'pg-query-stream';
import type { Sql } from '@/lib/server/sql';

export interface RowCursor<R> extends AsyncIterable<R> {
  /** Closes the cursor (if still open) and releases the connection; safe to call more than once. */
  close(): Promise<void>;
}

export interface CursorOptions {
  /** Rows fetched per round trip. */
  batchSize?: number;
  rowMode?: 'array';
}

/**
 * The settings of a connection while it exports. The planner prices the per-trajectory subqueries as
 * if they ran on every row and would JIT-compile the statement, which costs a third of a second before
 * the first row and saves nothing here. Doubles go out as text: extra_float_digits > 0 makes that text
 * the shortest exact one whatever the server's default.
 */
export async function prepareExportConnection(client: pg.PoolClient): Promise<void> {
  await client.query('SET jit = off; SET extra_float_digits = 3');
}

export async function resetExportConnection(client: pg.PoolClient): Promise<void> {
  await client.query('RESET jit; RESET extra_float_digits');
}

/**
 * Opens a cursor over one SQL statement on a client of its own. The connection is taken here, so an
 * unreachable database fails the caller before anything has been sent to its client.
 */
export async function openCursor<R>(pool: pg.Pool, q: Sql, opts: CursorOptions = {}): Promise<RowCursor<R>> {
  const client = await pool.connect();
  let failure: Error | undefined;
  // A connection that dies under the cursor (a restart, a terminated backend) never lets
  // pg-query-stream finish reading or closing: the client's own error ends whatever waits on it.
  // (One waiter at a time, not a promise raced on every row: that would keep every row alive.)
  let interrupt: ((e: Error) => void) | null = null;
  const onClientError = (e: Error) => {
    failure ??= e;
    interrupt?.(e);
  };
  const unlessBroken = <T>(p: Promise<T>): Promise<T> =>
    failure
      ? Promise.reject(failure)
      : new Promise<T>((resolve, reject) => {
          interrupt = reject;
          const done = () => {
            if (interrupt === reject) interrupt = null;
          };
          p.then(
            (v) => (done(), resolve(v)),
            (e: unknown) => (done(), reject(e)),
          );
        });
  client.on('error', onClientError);
  try {
    await prepareExportConnection(client);
  } catch (e) {
    client.release(e as Error);
    throw e;
  }
  const stream = client.query(new QueryStream(q.text, q.values as unknown[], { batchSize: opts.batchSize ?? 1000, rowMode: opts.rowMode }));
  stream.on('error', (e: Error) => (failure ??= e));
  let closing: Promise<void> | null = null;

  const close = (): Promise<void> =>
    (closing ??= (async () => {
      if (!failure && !stream.closed) {
        const closed = once(stream, 'close').catch(() => undefined);
        stream.destroy();
        await unlessBroken(closed).catch(() => undefined);
      }
      if (!failure) await resetExportConnection(client).catch((e: Error) => (failure = e));
      if (!failure) client.removeListener('error', onClientError);
      // A connection that saw an error is not trusted again: the pool replaces it.
      client.release(failure);
    })());

  return {
    close,
    async *[Symbol.asyncIterator]() {
      const rows = (stream as AsyncIterable<R>)[Symbol.asyncIterator]();
      try {
        for (;;) {
          const r = await unlessBroken(rows.next());
          if (r.done) return;
          yield r.value;
        }
      } finally {
        await close();
      }
    },
  };
}

/** Reads the first value of an iterator ahead of time (so that its errors surface before a response exists). */
export async function primed<T>(source: AsyncIterable<T>): Promise<AsyncIterable<T> & { close(): Promise<void> }> {
  const it = source[Symbol.asyncIterator]();
  const first = await it.next();
  let handedOut = false;
  return {
    close: async () => {
      await it.return?.();
    },
    async *[Symbol.asyncIterator]() {
      if (handedOut) throw new Error('a primed source is read once');
      handedOut = true;
      try {
        if (first.done) return;
        yield first.value;
        for (;;) {
          const r = await it.next();
          if (r.done) return;
          yield r.value;
        }
      } finally {
        await it.return?.();
      }
    },
  };
}

/**
 * A pull-based byte stream over an async iterator: one chunk per pull, so nothing is read ahead of
 * the client. cancel() (the client went away) runs onCancel, which closes the database cursor.
 */
export interface StreamOptions {
  /**
   * A reader that asks for nothing for this long is cut off: the cursor closes, its connection goes
   * back, and the body ends with an error (a slow reader that keeps reading is never cut).
   */
  idleMs?: number;
  /** Called once when the stream ends, whichever way: done, failed, cancelled or cut off. */
  onEnd?: () => void;
}

export function toReadableStream(
  chunks: AsyncIterable<Uint8Array>,
  onCancel: () => Promise<void>,
  onError: (e: unknown) => void = () => undefined,
  opts: StreamOptions = {},
): ReadableStream<Uint8Array> {
  const it = chunks[Symbol.asyncIterator]();
  let cancelled = false;
  let ended = false;
  let idle: ReturnType<typeof setTimeout> | undefined;
  const end = () => {
    clearTimeout(idle);
    if (ended) return;
    ended = true;
    opts.onEnd?.();
  };
  const watch = (controller: ReadableStreamDefaultController<Uint8Array>) => {
    if (!opts.idleMs) return;
    clearTimeout(idle);
    idle = setTimeout(() => {
      if (cancelled || ended) return;
      cancelled = true;
      const e = new Error(`the reader took nothing for ${Math.round(opts.idleMs! / 1000)} s; the export was cut off`);
      onError(e);
      void onCancel()
        .catch(() => undefined)
        .finally(() => {
          controller.error(e);
          end();
        });
    }, opts.idleMs);
  };
  return new ReadableStream<Uint8Array>(
    {
      start(controller) {
        watch(controller);
      },
      async pull(controller) {
        clearTimeout(idle);
        let r: IteratorResult<Uint8Array>;
        try {
          r = await it.next();
        } catch (e) {
          // After a cancel the cursor's own close ends the iteration with an error: nothing to report.
          if (cancelled) return;
          onError(e);
          await onCancel().catch(() => undefined);
          controller.error(e);
          end();
          return;
        }
        if (cancelled) return;
        if (r.done) {
          controller.close();
          end();
        } else {
          controller.enqueue(r.value);
          watch(controller);
        }
      },
      async cancel() {
        cancelled = true;
        try {
          await onCancel();
        } finally {
          end();
        }
      },
    },
    { highWaterMark: 0 },
  );
}
