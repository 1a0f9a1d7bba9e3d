// Read load: the trajectory list (filters and sorts drawn from a fixed set) and one trajectory (ids
// drawn at random), each under 50 concurrent connections for a fixed time on loopback (autocannon),
// served over HTTP by a node server in this process around the same handlers Next calls. Sign-in is
// on and every request carries an API key, as a team's scripts do. The baseline, measured in the same
// run through the same server, is a route that authenticates the key and answers `{}`: the floor of
// the HTTP stack and of authentication. Label writes under load are bench/labels.ts.
//
//   DATABASE_URL=postgresql://postgres@127.0.0.1:5432/postgres \
//     npx tsx --conditions=react-server bench/load.ts [--seconds 15] [--connections 50] [--trajectories 30000]
import http from 'node:http';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import { Readable } from 'node:stream';
import { closePool, getPool } from '@/lib/db/pool';
import { createTestDatabase, prepareTestServer } from '@/lib/db/testing';
import { generateTraces, serializeLine } from '@/lib/generate';
import { ingestStream } from '@/lib/ingest/pipeline';
import { GET as listRoute } from '@/app/api/trajectories/route';
import { GET as trajectoryRoute } from '@/app/api/trajectories/[id]/route';
import { route } from '@/lib/server/route';
import { benchApiKey, requireSignIn } from './auth';
import { numberArg, runIfMain } from './cli';
import { percentile, round, Samples, type BenchOutput } from './results';

interface AutocannonResult {
  requests: { total: number; average: number };
  latency: { p50: number; p90: number; p97_5: number; p99: number; max: number };
  errors: number;
  timeouts: number;
  non2xx: number;
}
type Autocannon = (opts: {
  url: string;
  connections: number;
  duration: number;
  requests: { method: string; setupRequest: (req: { path?: string; headers?: Record<string, string> }) => { path: string; headers: Record<string, string> } }[];
  timeout: number;
}) => PromiseLike<AutocannonResult> & { on(e: 'response', fn: (c: unknown, status: number, bytes: number, ms: number) => void): void };
const autocannon = createRequire(import.meta.url)('autocannon') as Autocannon;

export interface LoadScenario {
  name: string;
  requests: number;
  requests_per_second: number;
  p50_ms: number;
  p95_ms: number;
  p99_ms: number;
  errors: number;
  non_2xx: number;
  p95_vs_baseline: number | null;
}

const LIST_QUERIES = [
  '',
  '?run=roro-s800',
  '?correct=false&sort=reward&order=desc',
  '?run=outcome-rl&sort=cost',
  '?model=qwen3-32b',
  '?benchmark=GSM8K&sort=process_score&order=desc',
  '?min_cost=0.002&max_cost=0.01',
  '?labelled=false&sort=steps',
  '?q=probability',
  '?sort=ingested_at&order=desc&limit=100',
];

/** The baseline: authentication and nothing else. */
const noopRoute = route({ role: 'viewer' }, async () => Response.json({}));

/** Requests the server is still answering (autocannon stops waiting at the end of its time; they go on). */
let inFlight = 0;

async function settled(): Promise<void> {
  for (let i = 0; i < 600 && inFlight > 0; i++) await new Promise((r) => setTimeout(r, 50));
}

function serve(): Promise<http.Server> {
  const server = http.createServer(async (req, res) => {
    inFlight++;
    try {
      const url = new URL(req.url ?? '/', 'http://localhost');
      const headers = new Headers();
      for (const [k, v] of Object.entries(req.headers)) if (typeof v === 'string' && k !== 'host') headers.set(k, v);
      const request = new Request(url, { headers });
      let response: Response;
      if (url.pathname === '/noop') response = await noopRoute(request, { params: Promise.resolve({}) });
      else if (url.pathname === '/api/trajectories') response = await listRoute(request, { params: Promise.resolve({}) });
      else if (url.pathname.startsWith('/api/trajectories/')) {
        const id = decodeURIComponent(url.pathname.slice('/api/trajectories/'.length));
        response = await trajectoryRoute(request, { params: Promise.resolve({ id }) });
      } else response = new Response('not found', { status: 404 });
      const body = Buffer.from(await response.arrayBuffer());
      res.writeHead(response.status, { 'content-type': response.headers.get('content-type') ?? 'application/json' });
      res.end(body);
    } finally {
      inFlight--;
    }
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

async function hit(
  url: string,
  seconds: number,
  connections: number,
  headers: Record<string, string>,
  nextPath: () => string,
): Promise<Omit<LoadScenario, 'name' | 'p95_vs_baseline'> & { latencies: number[] }> {
  const latencies: number[] = [];
  const instance = autocannon({
    url,
    connections,
    duration: seconds,
    timeout: 30,
    requests: [{ method: 'GET', setupRequest: (req) => ({ ...req, path: nextPath(), headers: { ...req.headers, ...headers } }) }],
  });
  instance.on('response', (_c, _status, _bytes, ms) => latencies.push(ms));
  const r = await instance;
  latencies.sort((a, b) => a - b);
  return {
    requests: r.requests.total,
    requests_per_second: r.requests.total / seconds,
    p50_ms: percentile(latencies, 50),
    p95_ms: percentile(latencies, 95),
    p99_ms: percentile(latencies, 99),
    errors: r.errors + r.timeouts,
    non_2xx: r.non2xx,
    latencies,
  };
}

export async function benchLoad(
  opts: { seconds?: number; connections?: number; trajectories?: number; log?: (s: string) => void } = {},
): Promise<BenchOutput<LoadScenario[]>> {
  const seconds = opts.seconds ?? 15;
  const connections = opts.connections ?? 50;
  const n = opts.trajectories ?? 30_000;
  const log = opts.log ?? ((s: string) => console.error(s));
  const saved = { url: process.env.DATABASE_URL };
  const server = await prepareTestServer();
  const db = await createTestDatabase(server.adminUrl, server.template, 'benchload');
  let http_: http.Server | null = null;
  let restoreAuth = () => undefined as void;
  try {
    process.env.DATABASE_URL = db.url;
    restoreAuth = requireSignIn();
    log(`load bench: ingesting ${n} trajectories ...`);
    const lines = generateTraces({ seed: 11, queries: Math.ceil(n / 3), limit: n, steps: { min: 10, max: 40 } });
    const s = await ingestStream(
      Readable.from(
        (function* () {
          for (const l of lines) yield Buffer.from(serializeLine(l) + '\n');
        })(),
      ),
    );
    if (s.failed > 0) throw new Error(`load bench: ${s.failed} lines failed`);
    await getPool().query('ANALYZE');
    const ids = (await getPool().query<{ id: string }>('SELECT id FROM trajectories ORDER BY random() LIMIT 2000')).rows.map((r) => r.id);
    const { headers } = await benchApiKey('viewer', 'bench-load');
    http_ = await serve();
    const url = `http://127.0.0.1:${(http_.address() as AddressInfo).port}`;
    let i = 0;
    const scenarios: [string, () => string][] = [
      ['baseline: an authenticated {} through the same server', () => '/noop'],
      ['GET /api/trajectories (10 filter/sort mixes)', () => `/api/trajectories${LIST_QUERIES[i++ % LIST_QUERIES.length]}`],
      ['GET /api/trajectories/{id} (random ids)', () => `/api/trajectories/${encodeURIComponent(ids[i++ % ids.length]!)}`],
    ];
    const out: LoadScenario[] = [];
    const samples = new Samples();
    for (const [name, next] of scenarios) {
      log(`  ${name}: ${connections} connections for ${seconds} s`);
      const { latencies, ...r } = await hit(url, seconds, connections, headers, next);
      await settled();
      samples.define(`${name} latency`, { unit: 'ms', baseline: out[0] ? `${out[0].name} latency` : undefined }).series[`${name} latency`]!.values =
        latencies.map((x) => round(x, 1));
      // A refused request (401 from a key that does not work) would be fast and measure nothing.
      if (r.non_2xx > 0 || r.requests === 0) throw new Error(`${name}: ${r.non_2xx} of ${r.requests} answers were not 2xx`);
      out.push({ name, ...r, p95_vs_baseline: out[0] ? round(r.p95_ms / Math.max(out[0].p95_ms, 0.001)) : null });
    }
    return { figures: out, samples };
  } finally {
    await settled();
    await new Promise<void>((r) => (http_ ? http_.close(() => r()) : r()));
    await closePool();
    await db.drop();
    await server.stop();
    process.env.DATABASE_URL = saved.url;
    restoreAuth();
  }
}

const cliOptions = { seconds: numberArg('--seconds'), connections: numberArg('--connections'), trajectories: numberArg('--trajectories') };
runIfMain(import.meta.filename, 'load', cliOptions, () => benchLoad(cliOptions));
