// Replay benchmark: how long the replay page of a trajectory takes, in headless Chromium against the
// production build, until it shows its first steps (rendered text) and its timeline (all steps drawn),
// for the 20,000-step trajectory of e2e/special-traces.ts and for a 50-step one. The timeline is
// painted by an inline script as the HTML is parsed; the time until the page is hydrated (keys,
// pointer and sliders answer: the canvas's data-interactive) is reported beside it, outside the goal. Each run opens the
// page in a fresh browser context (nothing cached but the server's warmth); times are the page's own
// performance.now() (from navigation start) when each marker appears; the two pages' loads alternate,
// and the median of the runs is kept.
//
//   DATABASE_URL=postgresql://postgres@127.0.0.1:5432/postgres npx tsx --conditions=react-server bench/replay.ts [--runs N] [--base-url URL]
//
// Without --base-url it starts the e2e server (scripts/e2e-server.ts: fresh database, demo data and the
// special trajectories, `next start`) on a free port with sign-in on, and stops it afterwards. Every
// request of the browser carries a viewer's API key (bench/auth.ts), as an HTTP benchmark's must: the
// page's server render and each of its API requests pay the key lookup. With --base-url, --api-key
// gives the key for that server.
import { chromium, type Browser } from 'playwright-core';
import { LONG_ID, LONG_STEPS, SHORT_ID } from '@/e2e/special-traces';
import { startE2EServer } from '@/scripts/e2e-server';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from '@/e2e/chromium';
import { numberArg, runIfMain, stringArg } from './cli';
import { round, Samples, type BenchOutput } from './results';
import { freePort } from '@/scripts/free-port';
import { closePool } from '@/lib/db/pool';
import { benchApiKey } from './auth';

/** The timeline of 20,000 steps ready within this, median of the runs, */
export const GOAL_MS = 1000;
/** and within this many times the 50-step page's, in the same run. */
export const GOAL_VS_SHORT = 1.2;

export interface BenchReplayOptions {
  /** Measured page loads per trajectory, after one warm-up load. Default 7. */
  runs?: number;
  /** An app already serving the e2e data; without it the e2e server is started. */
  baseUrl?: string;
  /** The API key every request sends to baseUrl (without baseUrl, one is made on the server started). */
  apiKey?: string;
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
  /** The later of the two, median: the page shows its steps and its timeline. */
  ready_ms: number;
  /** Navigation start to the page hydrated (it answers keys, the pointer, the sliders), median. */
  interactive_ms: number;
  samples_ready_ms: number[];
}

export interface BenchReplayResult {
  goal_ms: number;
  runs: number;
  viewport: string;
  goal_vs_short: number;
  chromium: string;
  /** Whether every request carried an API key (sign-in on). */
  signed_in: boolean;
  long: ReplayTiming;
  short: ReplayTiming;
  /** The long page's ready time over the short one's: median of the rounds' ratios. */
  long_vs_short: number;
  long_meets_goal: boolean;
}

/** One page load: times (from navigation start) when the first step text and the full timeline appear. */
async function loadOnce(
  browser: Browser,
  url: string,
  headers: Record<string, string>,
): Promise<{ firstSteps: number; timeline: number; interactive: number }> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, extraHTTPHeaders: headers });
  try {
    const page = await context.newPage();
    await page.goto(url, { waitUntil: 'commit' });
    const at = (selector: string) =>
      page
        .waitForFunction((sel) => (document.querySelector(sel) ? performance.now() : false), selector, { polling: 'raf', timeout: 60_000 })
        .then((h) => h.jsonValue() as Promise<number>);
    const [firstSteps, timeline, interactive] = await Promise.all([
      at('[data-testid=step-text]'),
      at('[data-testid=timeline][data-ready=true]'),
      at('[data-testid=timeline][data-interactive=true]'),
    ]);
    return { firstSteps, timeline, interactive };
  } finally {
    await context.close();
  }
}

function timing(samples: Samples, id: string, steps: number, label: string): ReplayTiming {
  return {
    id,
    steps,
    first_steps_ms: round(samples.median(`${label} first steps`), 1),
    timeline_ms: round(samples.median(`${label} timeline`), 1),
    ready_ms: round(samples.median(`${label} ready`), 1),
    interactive_ms: round(samples.median(`${label} interactive`), 1),
    samples_ready_ms: samples.values(`${label} ready`).map((x) => round(x, 1)),
  };
}

export async function benchReplay(opts: BenchReplayOptions = {}): Promise<BenchOutput<BenchReplayResult>> {
  const log = opts.log ?? ((l: string) => console.error(l));
  const runs = opts.runs ?? 7;
  const server = opts.baseUrl ? null : await startE2EServer({ port: await freePort(), log, signIn: true });
  const baseUrl = opts.baseUrl ?? server!.baseUrl;
  let headers: Record<string, string> = opts.apiKey ? { authorization: `Bearer ${opts.apiKey}` } : {};
  if (server) {
    try {
      // startE2EServer leaves DATABASE_URL naming the served database: the key is made there.
      headers = (await benchApiKey('viewer', 'bench-replay')).headers;
    } catch (e) {
      await server.stop();
      throw e;
    } finally {
      await closePool();
    }
  }
  const browser = await chromium.launch({ executablePath: opts.chromium ?? CHROMIUM_PATH, args: CHROMIUM_ARGS });
  const samples = new Samples();
  const url = (id: string) => `${baseUrl}/trajectories/${encodeURIComponent(id)}`;
  try {
    // Warm-up: the server's first render of the route, its caches.
    await loadOnce(browser, url(LONG_ID), headers);
    await loadOnce(browser, url(SHORT_ID), headers);
    const pages = [
      { label: 'short', id: SHORT_ID },
      { label: 'long', id: LONG_ID },
    ];
    for (const p of pages) {
      for (const what of ['first steps', 'timeline', 'ready', 'interactive'])
        samples.define(`${p.label} ${what}`, { unit: 'ms', baseline: p.label === 'long' ? `short ${what}` : undefined });
    }
    // The two pages alternate, the first of each round alternating too, so load falls on both.
    for (let i = 0; i < runs; i++) {
      for (const p of i % 2 ? [...pages].reverse() : pages) {
        const s = await loadOnce(browser, url(p.id), headers);
        log(`replay ${p.id}: first steps ${s.firstSteps.toFixed(0)} ms, timeline ${s.timeline.toFixed(0)} ms, interactive ${s.interactive.toFixed(0)} ms`);
        samples
          .add(`${p.label} first steps`, s.firstSteps)
          .add(`${p.label} timeline`, s.timeline)
          .add(`${p.label} ready`, Math.max(s.firstSteps, s.timeline))
          .add(`${p.label} interactive`, s.interactive);
      }
    }
    const long = timing(samples, LONG_ID, LONG_STEPS, 'long');
    const short = timing(samples, SHORT_ID, 50, 'short');
    // How many times longer the long page takes than the short one: median of the rounds' ratios.
    const longVsShort = round(1 / samples.ratio('long ready'), 2);
    return {
      figures: {
        goal_ms: GOAL_MS,
        goal_vs_short: GOAL_VS_SHORT,
        runs,
        viewport: '1280x800',
        chromium: browser.version(),
        signed_in: 'authorization' in headers,
        long,
        short,
        long_vs_short: longVsShort,
        long_meets_goal: long.ready_ms < GOAL_MS && longVsShort <= GOAL_VS_SHORT,
      },
      samples,
    };
  } finally {
    await browser.close();
    await server?.stop();
  }
}

const cliOptions = { runs: numberArg('--runs'), baseUrl: stringArg('--base-url'), apiKey: stringArg('--api-key') };
runIfMain(import.meta.filename, 'replay', cliOptions, () => benchReplay(cliOptions));
