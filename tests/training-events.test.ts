// The live view's events (api.md "Training", GET /api/runs/{id}/events): an event per ingest
// transaction after it commits, fed by LISTEN/NOTIFY so that every app process sees a batch that any
// process or the CLI stored; Last-Event-ID resumes without a gap; a closed stream frees what it held.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { GET as runEvents } from '@/app/api/runs/[id]/events/route';
import { GET as allEvents } from '@/app/api/events/route';
import { getPool } from '@/lib/db/pool';
import { closeEventHub, eventHub } from '@/lib/server/events';
import { useTestDatabase } from './helpers/db';
import { baseLine, ingestText, jsonl } from './helpers/trace';

process.env.ROUTELENS_EMBEDDED = 'true';
const db = useTestDatabase('events');
const ROOT = path.resolve(import.meta.dirname, '..');

afterAll(async () => {
  await closeEventHub();
});

interface SseEvent {
  id?: string;
  event: string;
  data: string;
}

/** Reads Server-Sent Events from a body, one at a time (comments skipped). */
function sseReader(body: ReadableStream<Uint8Array>) {
  const reader = body.getReader();
  const decoder = new TextDecoder();
  let buf = '';
  const pending: SseEvent[] = [];
  let first: Promise<void> | null = null;
  const fill = async (): Promise<boolean> => {
    const { done, value } = await reader.read();
    if (done) return false;
    buf += decoder.decode(value, { stream: true });
    let cut: number;
    while ((cut = buf.indexOf('\n\n')) >= 0) {
      const block = buf.slice(0, cut);
      buf = buf.slice(cut + 2);
      const e: SseEvent = { event: 'message', data: '' };
      let any = false;
      for (const line of block.split('\n')) {
        if (line.startsWith(':') || line.startsWith('retry:')) continue;
        const [k, ...rest] = line.split(':');
        const v = rest.join(':').trimStart();
        if (k === 'id') e.id = v;
        if (k === 'event') e.event = v;
        if (k === 'data') e.data = v;
        any = true;
      }
      if (any) pending.push(e);
    }
    return true;
  };
  return {
    /** Resolves once the stream has sent its first bytes (it is open). */
    opened: () => (first ??= fill().then(() => undefined)),
    async next(timeoutMs = 10_000): Promise<SseEvent> {
      const until = Date.now() + timeoutMs;
      while (pending.length === 0) {
        const more = await Promise.race([fill(), new Promise<'timeout'>((r) => setTimeout(() => r('timeout'), Math.max(1, until - Date.now())))]);
        if (more === 'timeout') throw new Error('no event within the timeout');
        if (!more) throw new Error('the stream ended');
      }
      return pending.shift()!;
    },
    cancel: () => reader.cancel().catch(() => undefined),
  };
}

function open(run: string | null, headers: Record<string, string> = {}) {
  const ac = new AbortController();
  const p = run === null ? '/api/events' : `/api/runs/${encodeURIComponent(run)}/events`;
  const request = new Request(`http://localhost${p}`, { headers, signal: ac.signal });
  const res = run === null ? allEvents(request, { params: Promise.resolve({}) }) : runEvents(request, { params: Promise.resolve({ id: run }) });
  return { ac, res };
}

const rollout = (run: string, id: string, step: number) => baseLine(id, { run: { id: run }, query: { id: `${run}-q`, text: 'Find x.' }, training: { step } });

describe('GET /api/runs/{id}/events', () => {
  it('sends an ingest event for each batch that stores rollouts of the run, after it commits', async () => {
    const { ac, res } = open('live');
    const r = await res;
    expect(r.status).toBe(200);
    expect(r.headers.get('content-type')).toMatch(/^text\/event-stream/);
    expect(r.headers.get('cache-control')).toMatch(/no-transform/);
    const sse = sseReader(r.body!);
    await sse.opened();
    await ingestText(jsonl([rollout('other', 'o/1', 1)]));
    await ingestText(jsonl([rollout('live', 'l/1', 3), rollout('live', 'l/2', 3), rollout('live', 'l/3', 1)]));
    const e = await sse.next();
    expect(e.event).toBe('ingest');
    expect(JSON.parse(e.data)).toEqual({ steps: [1, 3], rollouts: 3, trajectories: 3 });
    expect(Number(e.id)).toBeGreaterThan(0);
    // A batch that stores nothing new (all unchanged) is no event; a failed line neither.
    await ingestText(jsonl([rollout('live', 'l/1', 3), { ...rollout('live', 'l/9', 1), training: { step: 1, group: 'live-q@3' } }]));
    await ingestText(jsonl([rollout('live', 'l/4', 4)]));
    expect(JSON.parse((await sse.next()).data)).toMatchObject({ steps: [4], rollouts: 1 });
    ac.abort();
  });

  it('resumes after Last-Event-ID with every held event, then the live ones', async () => {
    const ids: number[] = [];
    for (let k = 0; k < 3; k++) {
      await ingestText(jsonl([rollout('resume', `r/${k}`, k)]));
      ids.push(Number((await db.pool().query("SELECT max(id) AS id FROM ingest_events WHERE run_id = 'resume'")).rows[0].id));
    }
    const { ac, res } = open('resume', { 'Last-Event-ID': String(ids[0]) });
    const sse = sseReader((await res).body!);
    const a = await sse.next();
    const b = await sse.next();
    expect([a.id, b.id]).toEqual([String(ids[1]), String(ids[2])]);
    expect(JSON.parse(a.data)).toMatchObject({ steps: [1] });
    await ingestText(jsonl([rollout('resume', 'r/3', 3)]));
    const c = await sse.next();
    expect(JSON.parse(c.data)).toMatchObject({ steps: [3] });
    expect(Number(c.id)).toBeGreaterThan(ids[2]!);
    ac.abort();
    // Resuming from before the oldest held event says so (reset), then sends what is held.
    await db.pool().query('DELETE FROM ingest_events WHERE id <= $1', [ids[1]]);
    const old = open('resume', { 'Last-Event-ID': String(ids[0]! - 1) });
    const s2 = sseReader((await old.res).body!);
    expect((await s2.next()).event).toBe('reset');
    expect((await s2.next()).id).toBe(String(ids[2]));
    old.ac.abort();
  });

  it('?last_event_id= given twice resumes from its last value, as every parameter counts', async () => {
    const ids = (await db.pool().query("SELECT id FROM ingest_events WHERE run_id = 'resume' ORDER BY id")).rows.map((r) => Number(r.id));
    expect(ids.length).toBeGreaterThanOrEqual(2);
    const ac = new AbortController();
    const last = ids[ids.length - 2]!;
    const request = new Request(`http://localhost/api/runs/resume/events?last_event_id=0&last_event_id=${last}`, { signal: ac.signal });
    const sse = sseReader((await runEvents(request, { params: Promise.resolve({ id: 'resume' }) })).body!);
    expect((await sse.next()).id).toBe(String(ids[ids.length - 1]));
    ac.abort();
  });

  it('GET /api/events sends every run, each event naming its run', async () => {
    const { ac, res } = open(null);
    const sse = sseReader((await res).body!);
    await sse.opened();
    await ingestText(jsonl([rollout('any', 'any/1', 7)]));
    expect(JSON.parse((await sse.next()).data)).toEqual({ run: 'any', steps: [7], rollouts: 1, trajectories: 1 });
    ac.abort();
  });

  it('frees everything a stream held when the client goes away: 1,000 connect and disconnect cycles', async () => {
    const hub = eventHub();
    // Timers but the pool's own (an idle pooled connection holds one until it is closed).
    const timers = () => process.getActiveResourcesInfo().filter((r) => r === 'Timeout').length - getPool().idleCount;
    const backends = async () => Number((await getPool().query('SELECT count(*) AS n FROM pg_stat_activity WHERE datname = current_database()')).rows[0].n);
    const before = { timers: timers(), backends: await backends(), subscribers: hub.subscribers };
    for (let i = 0; i < 1000; i++) {
      const { ac, res } = open(i % 2 ? 'live' : null, i % 3 === 0 ? { 'Last-Event-ID': '1' } : {});
      const sse = sseReader((await res).body!);
      await sse.opened();
      if (i % 2) ac.abort();
      else await sse.cancel();
    }
    // What an aborted stream holds is let go as its abort is handled, which a loaded machine may take a
    // while to get to: wait until it is (a leak never is), for up to 10 s.
    for (const until = Date.now() + 10_000; Date.now() < until;) {
      if (hub.subscribers === before.subscribers && timers() <= before.timers + 1) break;
      await new Promise((r) => setTimeout(r, 50));
    }
    expect(hub.subscribers).toBe(before.subscribers);
    expect(timers()).toBeLessThanOrEqual(before.timers + 1);
    // One LISTEN connection for the process, and the pool's own: no connection per stream.
    expect(await backends()).toBeLessThanOrEqual(Math.max(before.backends, 1 + Number(process.env.ROUTELENS_DB_POOL_MAX ?? 10) + 1));
    // The hub still delivers to a new stream.
    const { ac, res } = open('live');
    const sse = sseReader((await res).body!);
    await sse.opened();
    await ingestText(jsonl([rollout('live', 'l/after', 9)]));
    expect(JSON.parse((await sse.next()).data)).toMatchObject({ steps: [9] });
    ac.abort();
  }, 120_000);
});

describe('two app processes against one database', () => {
  const children: ChildProcess[] = [];
  afterAll(async () => {
    // npx -> tsx -> node: the whole process group goes.
    for (const c of children) {
      try {
        process.kill(-c.pid!, 'SIGTERM');
      } catch {
        // already gone
      }
    }
    await Promise.all(children.map((c) => (c.exitCode !== null || c.signalCode !== null ? null : new Promise((r) => c.once('exit', r)))));
  });

  function startApp(): Promise<number> {
    const child = spawn('npx', ['tsx', '--conditions=react-server', 'tests/helpers/events-server.ts'], {
      cwd: ROOT,
      env: { ...process.env, DATABASE_URL: db.url, ROUTELENS_EMBEDDED: 'true' },
      stdio: ['ignore', 'pipe', 'inherit'],
      detached: true,
    });
    children.push(child);
    return new Promise((resolve, reject) => {
      let out = '';
      child.stdout!.on('data', (d: Buffer) => {
        out += d.toString();
        const m = /listening (\d+)/.exec(out);
        if (m) resolve(Number(m[1]));
      });
      child.once('exit', (code) => reject(new Error(`the app process exited with ${code}`)));
    });
  }

  it('both deliver the event of a batch that the CLI ingested', async () => {
    const ports = await Promise.all([startApp(), startApp()]);
    const streams = await Promise.all(
      ports.map(async (port) => {
        const r = await fetch(`http://127.0.0.1:${port}/api/runs/cli-run/events`);
        expect(r.status).toBe(200);
        const sse = sseReader(r.body!);
        await sse.opened();
        return sse;
      }),
    );
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'routelens-events-')), 'batch.jsonl');
    fs.writeFileSync(file, jsonl([rollout('cli-run', 'cli/1', 12), rollout('cli-run', 'cli/2', 12)]));
    const cli = spawnSync('npx', ['tsx', '--conditions=react-server', 'scripts/ingest.ts', file], {
      cwd: ROOT,
      env: { ...process.env, DATABASE_URL: db.url },
      encoding: 'utf8',
    });
    expect(cli.status, cli.stderr).toBe(0);
    for (const sse of streams) {
      const e = await sse.next(20_000);
      expect(e.event).toBe('ingest');
      expect(JSON.parse(e.data)).toEqual({ steps: [12], rollouts: 2, trajectories: 2 });
    }
    for (const s of streams) await s.cancel();
  }, 120_000);
});
