import 'server-only';
// The live view's events (api.md "Training"): one LISTEN connection per app process on
// routelens_ingest, whichever process or CLI stored the batch, fanned out to every open stream of this
// process. A notification says only that events were written; the hub reads the new rows of
// ingest_events (id > the last it saw) and hands them out in id order, so a notification lost to a
// dropped connection costs nothing: the next one, or the reconnect, reads what was missed.
//
// A stream that resumes (Last-Event-ID) first gets the held events after that id from the table, then
// the live ones; "held" is the newest ROUTELENS_EVENTS_RETAIN events (lib/db/ingest-events.ts). A
// resume from before the oldest held event gets a `reset` event first: the client reloads its figures.
import pg from 'pg';
import { databaseUrl, getPool, poolConfig } from '@/lib/db/pool';
import { INGEST_CHANNEL, type IngestEventRow } from '@/lib/db/ingest-events';
import { settings } from './settings';

export type IngestEventListener = (e: IngestEventRow) => void;

const RECONNECT_MS = [500, 1000, 2000, 5000, 10000];

class IngestEventHub {
  private client: pg.Client | null = null;
  private starting: Promise<void> | null = null;
  private readonly listeners = new Set<IngestEventListener>();
  /** The newest event id handed out (or present when the hub started). */
  private lastId = 0;
  private reading: Promise<void> = Promise.resolve();
  private retry = 0;
  private retryTimer: NodeJS.Timeout | null = null;
  private closed = false;

  constructor(readonly url: string) {}

  get subscribers(): number {
    return this.listeners.size;
  }

  /** Whether the LISTEN connection is up (for tests and health). */
  get listening(): boolean {
    return this.client !== null;
  }

  /** The newest event id handed out, once the hub is listening. */
  get newestId(): number {
    return this.lastId;
  }

  /** Starts listening (once per process); resolves when LISTEN is active. */
  ready(): Promise<void> {
    if (this.client) return Promise.resolve();
    this.starting ??= this.connect().finally(() => (this.starting = null));
    return this.starting;
  }

  /** Adds a listener; it gets every event with an id above newestId at the time it was added. */
  subscribe(fn: IngestEventListener): () => void {
    this.listeners.add(fn);
    return () => {
      this.listeners.delete(fn);
    };
  }

  private async connect(): Promise<void> {
    const { connectionString, types } = poolConfig(this.url);
    const client = new pg.Client({ connectionString, types, connectionTimeoutMillis: 5000 });
    client.on('notification', (n) => {
      if (n.channel === INGEST_CHANNEL) this.pull();
    });
    client.on('error', (err) => {
      console.error('routelens: the event listener lost its database connection:', err.message);
      this.drop(client);
    });
    client.on('end', () => this.drop(client));
    await client.connect();
    try {
      await client.query(`LISTEN ${INGEST_CHANNEL}`);
      const first = this.lastId === 0;
      if (first) {
        // Listening before reading the newest id: an event committed in between is in both, never in neither.
        const r = await client.query<{ id: number | null }>('SELECT max(id) AS id FROM ingest_events');
        this.lastId = r.rows[0]?.id ?? 0;
      }
      this.client = client;
      this.retry = 0;
      // After a reconnect, what was written meanwhile.
      if (!first) this.pull();
    } catch (e) {
      await client.end().catch(() => undefined);
      throw e;
    }
  }

  private drop(client: pg.Client): void {
    if (this.client !== client) return;
    this.client = null;
    client.end().catch(() => undefined);
    if (this.closed || this.retryTimer) return;
    const wait = RECONNECT_MS[Math.min(this.retry++, RECONNECT_MS.length - 1)]!;
    this.retryTimer = setTimeout(() => {
      this.retryTimer = null;
      this.ready().catch(() => this.drop(client));
    }, wait);
    this.retryTimer.unref();
  }

  /** Reads the events after lastId, one read at a time, and hands them out in id order. */
  private pull(): void {
    this.reading = this.reading.then(async () => {
      const client = this.client;
      if (!client) return;
      for (;;) {
        const r = await client
          .query<IngestEventRow>('SELECT id, run_id, steps, rollouts, trajectories FROM ingest_events WHERE id > $1 ORDER BY id LIMIT 1000', [this.lastId])
          .catch(() => null);
        if (!r || r.rows.length === 0) return;
        for (const e of r.rows) {
          this.lastId = e.id;
          for (const fn of [...this.listeners]) {
            try {
              fn(e);
            } catch (err) {
              console.error('routelens: an event stream failed:', err);
            }
          }
        }
        if (r.rows.length < 1000) return;
      }
    });
  }

  async close(): Promise<void> {
    this.closed = true;
    if (this.retryTimer) clearTimeout(this.retryTimer);
    const c = this.client;
    this.client = null;
    this.listeners.clear();
    await c?.end().catch(() => undefined);
  }
}

type Globals = { __routelensEventHub?: IngestEventHub };
const g = globalThis as typeof globalThis & Globals;

/** The process's one hub (cached on globalThis, as the pool is, so development reloads reuse it). */
export function eventHub(): IngestEventHub {
  const url = databaseUrl();
  const hub = g.__routelensEventHub;
  if (hub && hub.url === url) return hub;
  void hub?.close();
  g.__routelensEventHub = new IngestEventHub(url);
  return g.__routelensEventHub;
}

export async function closeEventHub(): Promise<void> {
  const hub = g.__routelensEventHub;
  g.__routelensEventHub = undefined;
  await hub?.close();
}

/** Held events of `run` (or of every run) after `after`, up to `until`, in id order. */
async function heldEvents(run: string | null, after: number, until: number): Promise<{ events: IngestEventRow[]; reset: boolean }> {
  const pool = getPool();
  const [oldest] = (await pool.query<{ id: number | null }>('SELECT min(id) AS id FROM ingest_events')).rows;
  const reset = oldest?.id != null && after + 1 < oldest.id;
  const r = await pool.query<IngestEventRow>(
    `SELECT id, run_id, steps, rollouts, trajectories FROM ingest_events
      WHERE id > $1 AND id <= $2 AND ($3::text IS NULL OR run_id = $3) ORDER BY id LIMIT 10000`,
    [after, until, run],
  );
  return { events: r.rows, reset };
}

const encoder = new TextEncoder();

function eventText(e: IngestEventRow, all: boolean): string {
  const data = all
    ? { run: e.run_id, steps: e.steps, rollouts: e.rollouts, trajectories: e.trajectories }
    : { steps: e.steps, rollouts: e.rollouts, trajectories: e.trajectories };
  return `id: ${e.id}\nevent: ingest\ndata: ${JSON.stringify(data)}\n\n`;
}

/** Last-Event-ID (header, or ?last_event_id= for clients that cannot set headers): an event id or nothing. */
function lastEventId(request: Request, url: URL): number | null {
  // A parameter given twice counts by its last value (api.md).
  const v = request.headers.get('last-event-id') ?? url.searchParams.getAll('last_event_id').at(-1) ?? null;
  if (v === null || v.trim() === '') return null;
  return /^\d{1,15}$/.test(v.trim()) ? Number(v.trim()) : null;
}

/**
 * GET /api/runs/{id}/events (run) and GET /api/events (every run): Server-Sent Events. Everything the
 * stream holds (its listener, its heartbeat timer) is released when the client goes away.
 */
export async function eventStream(request: Request, url: URL, run: string | null): Promise<Response> {
  const hub = eventHub();
  await hub.ready();
  const resumeFrom = lastEventId(request, url);
  let cleanup = () => undefined as void;
  const stream = new ReadableStream<Uint8Array>({
    start(controller) {
      let open = true;
      let sent = resumeFrom ?? hub.newestId;
      // Live events wait here until the held ones are out.
      let queue: IngestEventRow[] | null = [];
      const write = (text: string) => {
        if (!open) return;
        try {
          controller.enqueue(encoder.encode(text));
        } catch {
          cleanup();
        }
      };
      const deliver = (e: IngestEventRow) => {
        if (e.id <= sent || (run !== null && e.run_id !== run)) return;
        sent = e.id;
        write(eventText(e, run === null));
      };
      const unsubscribe = hub.subscribe((e) => (queue ? queue.push(e) : deliver(e)));
      const until = hub.newestId;
      const heartbeat = setInterval(() => write(`: heartbeat ${Date.now()}\n\n`), Math.max(1, settings.eventsHeartbeatSeconds) * 1000);
      heartbeat.unref?.();
      cleanup = () => {
        if (!open) return;
        open = false;
        clearInterval(heartbeat);
        unsubscribe();
        request.signal.removeEventListener('abort', cleanup);
        try {
          controller.close();
        } catch {
          // already closed by the client
        }
      };
      request.signal.addEventListener('abort', cleanup);
      // The reconnection delay, and a first byte so that proxies and browsers open the stream now.
      write(`retry: 2000\n: routelens events${run === null ? '' : ` of run ${JSON.stringify(run).slice(1, -1)}`}\n\n`);
      const backlog = resumeFrom === null ? Promise.resolve({ events: [], reset: false }) : heldEvents(run, resumeFrom, until);
      backlog.then(
        ({ events, reset }) => {
          if (reset) write(`event: reset\ndata: {"reason":"events after ${resumeFrom} are no longer held"}\n\n`);
          for (const e of events) deliver(e);
          const waiting = queue ?? [];
          queue = null;
          for (const e of waiting) deliver(e);
        },
        (e: unknown) => {
          console.error('routelens: could not read the held events:', e);
          cleanup();
        },
      );
    },
    cancel() {
      cleanup();
    },
  });
  return new Response(stream, {
    status: 200,
    headers: {
      'Content-Type': 'text/event-stream; charset=utf-8',
      // no-transform: no compressing proxy (or Next's compression) may hold events back.
      'Cache-Control': 'no-cache, no-transform',
      Connection: 'keep-alive',
      'X-Accel-Buffering': 'no',
    },
  });
}
