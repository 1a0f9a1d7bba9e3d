// Label benchmark: 50 annotators posting labels at once for 30 s (autocannon, one connection each,
// each request signed in as one of them), against the label route served over HTTP by a small node
// server in this process around the same handler Next calls. Each request picks a judgment from a
// hot set and the version this client last saw of it; a 409 (someone labelled first) is expected,
// counted, and teaches the client the current version. Afterwards the label rows are counted: every
// 201 the server sent must be a stored row, and the versions of each judgment must run 1..n.
// Baseline, first, through the same server and sessions: the same requests to a write route that
// signs its caller in, reads the body and stores nothing.
//
//   DATABASE_URL=postgresql://postgres@127.0.0.1:5432/postgres \
//     npx tsx --conditions=react-server bench/labels.ts [--seconds 30] [--connections 50] [--judgments 400]
import crypto from 'node:crypto';
import http from 'node:http';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import { Readable } from 'node:stream';
import { closePool, getPool } from '@/lib/db/pool';
import { createTestDatabase, prepareTestServer } from '@/lib/db/testing';
import { generateTraces, renderJsonl } from '@/lib/generate';
import { ingestStream } from '@/lib/ingest/pipeline';
import { sha256Hex } from '@/lib/server/auth';
import { hashPassword } from '@/lib/server/passwords';
import { POST as postLabel } from '@/app/api/judgments/[id]/labels/route';
import { route } from '@/lib/server/route';
import { numberArg, runIfMain } from './cli';
import { percentile, round, Samples, type BenchOutput } from './results';

interface AutocannonResult {
  requests: { total: number; average: number };
  latency: { p50: number; p90: number; p97_5: number; p99: number; max: number };
  statusCodeStats: Record<string, { count: number }>;
  errors: number;
  timeouts: number;
  non2xx: number;
}
interface AutocannonRequest {
  method: string;
  setupRequest: (req: { path?: string; body?: string; headers?: Record<string, string> }) => { path: string; body: string; headers: Record<string, string> };
  onResponse: (status: number, body: string) => void;
}
interface AutocannonInstance extends PromiseLike<AutocannonResult> {
  on(event: 'response', fn: (client: unknown, status: number, bytes: number, ms: number) => void): void;
}
type Autocannon = (opts: {
  url: string;
  connections: number;
  duration: number;
  pipelining: number;
  requests: AutocannonRequest[];
  timeout: number;
}) => AutocannonInstance;
const autocannon = createRequire(import.meta.url)('autocannon') as Autocannon;

export interface BenchLabelsOptions {
  seconds?: number;
  connections?: number;
  /** The hot set: judgments that the annotators label (fewer means more 409s). */
  judgments?: number;
  trajectories?: number;
  log?: (s: string) => void;
}

export interface BenchLabelsResult {
  seconds: number;
  connections: number;
  hot_judgments: number;
  db_pool_max: number;
  requests: number;
  requests_per_second: number;
  created_201: number;
  conflicts_409: number;
  other_status: Record<string, number>;
  errors: number;
  latency_ms: { p50: number; p95: number; p99: number; max: number };
  latency_201_ms: { p50: number; p95: number };
  /** The same annotators' requests to a write that signs them in and stores nothing. */
  baseline_latency_ms: { p50: number; p95: number; requests: number };
  p95_vs_baseline: number;
  server_201: number;
  label_rows: number;
  lost_labels: number;
  version_gaps: number;
}

/** The baseline: a write that signs the annotator in (session and CSRF token), reads the body and stores nothing. */
const noopWrite = route({ role: 'annotator' }, async ({ request }) => {
  await request.json();
  return Response.json({}, { status: 201 });
});

/** The label route over HTTP: the smallest server that hands Next's handler a web Request. */
function serveLabelRoute(onStatus: (status: number) => void): Promise<http.Server> {
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', async () => {
      const m = /^\/api\/judgments\/([^/]+)\/labels$/.exec(req.url ?? '');
      const noop = req.url?.startsWith('/noop/') === true;
      if ((!m && !noop) || req.method !== 'POST') {
        res.writeHead(404).end();
        return;
      }
      const headers = new Headers();
      for (const [k, v] of Object.entries(req.headers)) if (typeof v === 'string') headers.set(k, v);
      const request = new Request(`http://${req.headers.host}${req.url}`, { method: 'POST', headers, body: Buffer.concat(chunks) });
      const response = noop ? await noopWrite(request, { params: Promise.resolve({}) }) : await postLabel(request, { params: Promise.resolve({ id: m![1]! }) });
      if (!noop) onStatus(response.status);
      const body = Buffer.from(await response.arrayBuffer());
      res.writeHead(response.status, { 'content-type': 'application/json', 'content-length': body.length }).end(body);
    });
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

interface Annotator {
  cookie: string;
  csrf: string;
}

/** n annotators with a session each, written straight to the tables (sign-in is not measured here). */
async function makeAnnotators(n: number): Promise<Annotator[]> {
  const pool = getPool();
  const hash = await hashPassword(crypto.randomBytes(16).toString('hex'));
  const out: Annotator[] = [];
  for (let i = 0; i < n; i++) {
    const u = await pool.query<{ id: number }>(`INSERT INTO users (username, name, role, password_hash) VALUES ($1, $1, 'annotator', $2) RETURNING id`, [
      `annotator-${i}`,
      hash,
    ]);
    const token = crypto.randomBytes(32).toString('base64url');
    const csrf = crypto.randomBytes(24).toString('base64url');
    await pool.query(`INSERT INTO sessions (token_hash, user_id, csrf_token, expires_at) VALUES ($1, $2, $3, now() + interval '1 day')`, [
      sha256Hex(token),
      u.rows[0]!.id,
      csrf,
    ]);
    out.push({ cookie: `routelens_session=${token}`, csrf });
  }
  return out;
}

interface HotJudgment {
  id: number;
  /** Its item: labels and versions belong to the item. */
  item: number;
  choices: number[];
}

async function hotJudgments(n: number): Promise<HotJudgment[]> {
  const r = await getPool().query<{ id: number; item_id: number; kind: string; scale_min: number | null; scale_max: number | null }>(
    `SELECT j.id, j.item_id, c.kind, c.scale_min, c.scale_max FROM judgments j JOIN trajectories t ON t.pk = j.trajectory_pk
       JOIN criteria c ON c.rubric_id = t.rubric_id AND c.id = j.criterion_id ORDER BY md5(j.id::text) LIMIT $1`,
    [n],
  );
  return r.rows.map((j) => ({
    id: j.id,
    item: j.item_id,
    choices: j.kind === 'binary' ? [0, 1] : j.kind === 'ternary' ? [-1, 0, 1] : [j.scale_min!, (j.scale_min! + j.scale_max!) / 2, j.scale_max!],
  }));
}

async function countLabels(): Promise<{ rows: number; gaps: number }> {
  const r = await getPool().query<{ rows: number; gaps: number }>(
    `SELECT (SELECT count(*)::int FROM labels) AS rows,
            (SELECT count(*)::int FROM (
               SELECT i.id FROM items i JOIN labels l ON l.item_id = i.id
                GROUP BY i.id, i.version HAVING count(*) <> max(l.version) OR max(l.version) <> i.version) g) AS gaps`,
  );
  return r.rows[0]!;
}

export async function benchLabels(opts: BenchLabelsOptions = {}): Promise<BenchOutput<BenchLabelsResult>> {
  const seconds = opts.seconds ?? 30;
  const connections = opts.connections ?? 50;
  const log = opts.log ?? ((s: string) => console.error(s));
  const server = await prepareTestServer();
  const db = await createTestDatabase(server.adminUrl, server.template, 'benchlabels');
  process.env.DATABASE_URL = db.url;
  process.env.ROUTELENS_EMBEDDED = 'false';
  let httpServer: http.Server | null = null;
  try {
    log(`labels bench: database ${db.name}; loading the demo traces`);
    const lines = renderJsonl(generateTraces({ seed: 42, limit: opts.trajectories ?? 900 }));
    const summary = await ingestStream(Readable.from([Buffer.from(lines)]));
    const annotators = await makeAnnotators(connections);
    const hot = await hotJudgments(opts.judgments ?? 400);
    const seen = new Map<number, number>(hot.map((j) => [j.item, 0]));
    const learn = (itemId: number, version: number | undefined) => {
      if (version !== undefined) seen.set(itemId, Math.max(seen.get(itemId) ?? 0, version));
    };
    let server201 = 0;
    httpServer = await serveLabelRoute((s) => {
      if (s === 201) server201++;
    });
    const port = (httpServer.address() as AddressInfo).port;
    log(`labels bench: ${summary.stored} trajectories, ${hot.length} hot judgments, ${connections} annotators, ${seconds} s on port ${port}`);
    let next = 0;
    const latencies: number[] = [];
    const latencies201: number[] = [];
    const request: AutocannonRequest = {
      method: 'POST',
      setupRequest: (req) => {
        const j = hot[crypto.randomInt(hot.length)]!;
        const who = annotators[next++ % annotators.length]!;
        const score = j.choices[crypto.randomInt(j.choices.length)]!;
        return {
          ...req,
          path: `/api/judgments/${j.id}/labels`,
          headers: { 'content-type': 'application/json', cookie: who.cookie, 'x-csrf-token': who.csrf },
          body: JSON.stringify({ score, rationale: 'bench', expected_version: seen.get(j.item) ?? 0 }),
        };
      },
      // A 201 carries the new version; a 409 the current one and the label that made it.
      onResponse: (status, body) => {
        try {
          const parsed = JSON.parse(body) as {
            version?: number;
            label?: { item_id: number };
            error?: { details?: { current_version?: number; newest_label?: { item_id: number } | null } };
          };
          const d = parsed.error?.details;
          if (status === 201 && parsed.label) learn(parsed.label.item_id, parsed.version);
          if (status === 409 && d?.newest_label) learn(d.newest_label.item_id, d.current_version);
        } catch {
          /* a body that is not JSON is counted by its status */
        }
      },
    };
    // Baseline, through the same server and sessions: the same requests to a write that stores nothing.
    const baselineSeconds = Math.max(2, Math.round(seconds / 3));
    const baseline: number[] = [];
    const base = autocannon({
      url: `http://127.0.0.1:${port}`,
      connections,
      duration: baselineSeconds,
      pipelining: 1,
      requests: [{ ...request, setupRequest: (req) => ({ ...request.setupRequest(req), path: '/noop/labels' }), onResponse: () => undefined }],
      timeout: 30,
    });
    base.on('response', (_client, status, _bytes, ms) => {
      if (status === 201) baseline.push(ms);
    });
    const baseResult = await base;
    if (baseResult.non2xx > 0 || baseline.length === 0) throw new Error(`labels baseline: ${baseResult.non2xx} answers were not 2xx`);
    await new Promise((r) => setTimeout(r, 500));
    baseline.sort((a, b) => a - b);
    log(`labels bench: baseline p95 ${round(percentile(baseline, 95))} ms over ${baseline.length} requests`);
    const inflight = autocannon({ url: `http://127.0.0.1:${port}`, connections, duration: seconds, pipelining: 1, requests: [request], timeout: 30 });
    inflight.on('response', (_client, status, _bytes, ms) => {
      latencies.push(ms);
      if (status === 201) latencies201.push(ms);
    });
    const result = await inflight;
    // Let requests that autocannon stopped waiting for finish on the server before counting rows.
    await new Promise((r) => setTimeout(r, 2000));
    const { rows, gaps } = await countLabels();
    latencies.sort((a, b) => a - b);
    latencies201.sort((a, b) => a - b);
    const stats = result.statusCodeStats;
    const other = Object.fromEntries(
      Object.entries(stats)
        .filter(([k]) => k !== '201' && k !== '409')
        .map(([k, v]) => [k, v.count]),
    );
    const out: BenchLabelsResult = {
      seconds,
      connections,
      hot_judgments: hot.length,
      db_pool_max: Number(process.env.ROUTELENS_DB_POOL_MAX ?? 10),
      requests: latencies.length,
      requests_per_second: round(latencies.length / seconds),
      created_201: stats['201']?.count ?? 0,
      conflicts_409: stats['409']?.count ?? 0,
      other_status: other,
      errors: result.errors + result.timeouts,
      latency_ms: {
        p50: round(percentile(latencies, 50)),
        p95: round(percentile(latencies, 95)),
        p99: round(percentile(latencies, 99)),
        max: round(latencies.at(-1) ?? NaN),
      },
      latency_201_ms: { p50: round(percentile(latencies201, 50)), p95: round(percentile(latencies201, 95)) },
      baseline_latency_ms: { p50: round(percentile(baseline, 50)), p95: round(percentile(baseline, 95)), requests: baseline.length },
      p95_vs_baseline: round(percentile(latencies, 95) / percentile(baseline, 95)),
      server_201: server201,
      label_rows: rows,
      lost_labels: server201 - rows,
      version_gaps: gaps,
    };
    if (out.lost_labels !== 0 || out.version_gaps !== 0 || out.created_201 > rows) throw new Error(`labels were lost: ${JSON.stringify(out)}`);
    const samples = new Samples();
    samples.define('baseline POST latency', { unit: 'ms' }).series['baseline POST latency']!.values = baseline.map((x) => round(x, 1));
    samples.define('label POST latency', { unit: 'ms', baseline: 'baseline POST latency' }).series['label POST latency']!.values = latencies.map((x) =>
      round(x, 1),
    );
    return { figures: out, samples };
  } finally {
    const closing = httpServer;
    if (closing) await new Promise((r) => closing.close(r));
    await closePool();
    await db.drop();
    await server.stop();
  }
}

const cliOptions = {
  seconds: numberArg('--seconds'),
  connections: numberArg('--connections'),
  judgments: numberArg('--judgments'),
  trajectories: numberArg('--trajectories'),
};
runIfMain(import.meta.filename, 'labels', cliOptions, () => benchLabels(cliOptions));
