// Replay benchmark: how long the replay page of a trajectory takes, in headless Chromium against the
// production build, until it shows its first steps (rendered text) and its timeline (all steps drawn),
// for the 20,000-step trajectory of e2e/special-traces.ts and for a 50-step one. Each run opens the
// page in a fresh browser context (nothing cached but the server's warmth); times are the page's own
// performance.now() (from navigation start) when each marker appears; the median of the runs is kept.
//
//   DATABASE_URL=postgresql://postgres@127.0.0.1:5432/postgres npx tsx --conditions=react-server bench/replay.ts [--runs N] [--base-url URL]
//
// Without --base-url it starts the e2e server (scripts/e2e-server.ts: fresh database, demo data and the
// special trajectories, `next start`) on a free port, and stops it afterwards.
import net from 'node:net';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium, type Browser } from 'playwright-core';
import { LONG_ID, LONG_STEPS, SHORT_ID } from '@/e2e/special-traces';
import { startE2EServer } from '@/scripts/e2e-server';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from '@/e2e/chromium';

export const GOAL_MS = 1500;


export interface BenchReplayOptions {
  /** Measured page loads per trajectory, after one warm-up load. Default 7. */
  runs?: number;
  /** An app already serving the e2e data; without it the e2e server is started. */
  baseUrl?: string;
  chromium?: string;
  log?: (line: string) => void;
}

export interface ReplayTiming {
  id: string;
  steps: number;
  /** Navigation start to the first rendered step text, median over the runs. */
  first_steps_ms: number;
  /** Navigation start to the timeline drawn with every step, median. */
  timeline_ms: number;
  /** The later of the two, median: the page is usable. */
  ready_ms: number;
  samples_ready_ms: number[];
}

export interface BenchReplayResult {
  goal_ms: number;
  runs: number;
  viewport: string;
  long: ReplayTiming;
  short: ReplayTiming;
  long_meets_goal: boolean;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

const round = (x: number) => Math.round(x * 10) / 10;

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const port = (srv.address() as net.AddressInfo).port;
      srv.close(() => resolve(port));
    });
  });
}

/** One page load: times (from navigation start) when the first step text and the full timeline appear. */
async function loadOnce(browser: Browser, url: string): Promise<{ firstSteps: number; timeline: number }> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  try {
    const page = await context.newPage();
    await page.goto(url, { waitUntil: 'commit' });
    const at = (selector: string) =>
      page
        .waitForFunction((sel) => (document.querySelector(sel) ? performance.now() : false), selector, { polling: 'raf', timeout: 60_000 })
        .then((h) => h.jsonValue() as Promise<number>);
    const [firstSteps, timeline] = await Promise.all([at('[data-testid=step-text]'), at('[data-testid=timeline][data-ready=true]')]);
    return { firstSteps, timeline };
  } finally {
    await context.close();
  }
}

async function measure(browser: Browser, baseUrl: string, id: string, steps: number, runs: number, log: (l: string) => void): Promise<ReplayTiming> {
  const url = `${baseUrl}/trajectories/${encodeURIComponent(id)}`;
  await loadOnce(browser, url); // warm-up: the server's first compile of the route, its caches
  const samples: { firstSteps: number; timeline: number }[] = [];
  for (let i = 0; i < runs; i++) {
    const s = await loadOnce(browser, url);
    log(`replay ${id}: first steps ${s.firstSteps.toFixed(0)} ms, timeline ${s.timeline.toFixed(0)} ms`);
    samples.push(s);
  }
  const ready = samples.map((s) => Math.max(s.firstSteps, s.timeline));
  return {
    id,
    steps,
    first_steps_ms: round(median(samples.map((s) => s.firstSteps))),
    timeline_ms: round(median(samples.map((s) => s.timeline))),
    ready_ms: round(median(ready)),
    samples_ready_ms: ready.map(round),
  };
}

export async function benchReplay(opts: BenchReplayOptions = {}): Promise<BenchReplayResult> {
  const log = opts.log ?? ((l: string) => console.error(l));
  const runs = opts.runs ?? 7;
  const server = opts.baseUrl ? null : await startE2EServer({ port: await freePort(), log });
  const baseUrl = opts.baseUrl ?? server!.baseUrl;
  const browser = await chromium.launch({ executablePath: opts.chromium ?? CHROMIUM_PATH, args: CHROMIUM_ARGS });
  try {
    const long = await measure(browser, baseUrl, LONG_ID, LONG_STEPS, runs, log);
    const short = await measure(browser, baseUrl, SHORT_ID, 50, runs, log);
    return { goal_ms: GOAL_MS, runs, viewport: '1280x800', long, short, long_meets_goal: long.ready_ms < GOAL_MS };
  } finally {
    await browser.close();
    await server?.stop();
  }
}

function argValue(name: string): string | undefined {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
  const runs = argValue('--runs');
  benchReplay({ runs: runs ? Number(runs) : undefined, baseUrl: argValue('--base-url') }).then(
    (r) => {
      console.log(JSON.stringify(r, null, 2));
      process.exit(0);
    },
    (e: unknown) => {
      console.error(e);
      process.exit(1);
    },
  );
}
