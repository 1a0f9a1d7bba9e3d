// Live benchmark (issue 10): how long after a trainer's batch is stored the open training page draws
// its new point, in headless Chromium against the production build. Each round POSTs the rollouts of
// the next training step of the e2e training run (e2e/special-traces.ts: 4 groups of 4) to
// /api/ingest; the time runs from the POST's response to the moment the page's accuracy curve says its
// last point is that step (data-last-step, read on every animation frame by the page itself, on the
// same clock). The baseline, in the same rounds: a full reload of the page, from navigation start to
// the same curve drawn with the newest step. Median and p95 over the rounds; goal p95 < 2 s.
//
//   DATABASE_URL=postgresql://postgres@127.0.0.1:5432/postgres npx tsx --conditions=react-server bench/live.ts [--batches N] [--base-url URL]
//
// Without --base-url it starts the e2e server (scripts/e2e-server.ts) with sign-in on, as the replay
// benchmark does, and every request authenticates with an API key (bench/auth.ts): the page, its
// events stream and the curve read with a viewer's key, the batches POSTed with an admin's (ingest).
// With --base-url, pass the keys: --api-key (read) and --ingest-key.
import { chromium, type Page } from 'playwright-core';
import { TRAINING_QUERIES, TRAINING_ROLLOUTS, TRAINING_RUN, trainingStepLines } from '@/e2e/special-traces';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from '@/e2e/chromium';
import { startE2EServer } from '@/scripts/e2e-server';
import { closePool } from '@/lib/db/pool';
import { benchApiKey } from './auth';
import { numberArg, runIfMain, stringArg } from './cli';
import { percentile, round, Samples, type BenchOutput } from './results';
import { freePort } from '@/scripts/free-port';

export const GOAL_P95_MS = 2000;

export interface BenchLiveOptions {
  /** Measured batches (each with a reload as its baseline), after one warm-up. Default 20. */
  batches?: number;
  baseUrl?: string;
  /** With baseUrl: a key that reads the run (the page, its events, the curve). */
  apiKey?: string;
  /** With baseUrl: a key that may POST /api/ingest. */
  ingestKey?: string;
  chromium?: string;
  log?: (line: string) => void;
}

interface Timing {
  median_ms: number;
  p95_ms: number;
  max_ms: number;
  samples_ms: number[];
}

export interface BenchLiveResult {
  batches: number;
  rollouts_per_batch: number;
  goal_p95_ms: number;
  chromium: string;
  /** POST /api/ingest returned -> the new point drawn on the open page. */
  live: Timing;
  /** Navigation start of a reload -> the page drawn with the newest point. */
  reload: Timing;
  /** The POST itself (request sent -> response read). */
  post: Timing;
  /** live p95 over reload p95. */
  live_vs_reload_p95: number;
  meets_goal: boolean;
}

/** The page's own clock (ms since the epoch, sub-ms) when its accuracy curve's last point is `step`. */
function drawn(page: Page, step: number): Promise<number> {
  return page
    .waitForFunction(
      (s) =>
        document.querySelector('[data-testid=chart-accuracy]')?.getAttribute('data-last-step') === String(s)
          ? performance.timeOrigin + performance.now()
          : false,
      step,
      { polling: 'raf', timeout: 60_000 },
    )
    .then((h) => h.jsonValue() as Promise<number>);
}

/** The page's events stream is open. */
const connected = (page: Page) => page.waitForSelector('[data-testid=live-toggle][data-connected=true]', { timeout: 60_000 });

function timing(values: number[]): Timing {
  const s = [...values].sort((a, b) => a - b);
  return {
    median_ms: round(percentile(s, 50), 1),
    p95_ms: round(percentile(s, 95), 1),
    max_ms: round(s[s.length - 1]!, 1),
    samples_ms: values.map((v) => round(v, 1)),
  };
}

export async function benchLive(opts: BenchLiveOptions = {}): Promise<BenchOutput<BenchLiveResult>> {
  const log = opts.log ?? ((l: string) => console.error(l));
  const batches = opts.batches ?? 20;
  const server = opts.baseUrl ? null : await startE2EServer({ port: await freePort(), log, signIn: true });
  const baseUrl = opts.baseUrl ?? server!.baseUrl;
  const bearer = (key: string | undefined): Record<string, string> => (key ? { authorization: `Bearer ${key}` } : {});
  let readHeaders = bearer(opts.apiKey);
  let ingestHeaders = bearer(opts.ingestKey);
  if (server) {
    try {
      // startE2EServer leaves DATABASE_URL naming the served database: the keys are made there.
      readHeaders = (await benchApiKey('viewer', 'bench-live')).headers;
      ingestHeaders = (await benchApiKey('admin', 'bench-live-ingest')).headers;
    } catch (e) {
      await server.stop();
      throw e;
    } finally {
      await closePool();
    }
  }
  const browser = await chromium.launch({ executablePath: opts.chromium ?? CHROMIUM_PATH, args: CHROMIUM_ARGS });
  const samples = new Samples();
  samples.define('reload', { unit: 'ms' });
  samples.define('live', { unit: 'ms', baseline: 'reload' });
  samples.define('post', { unit: 'ms' });
  const pageUrl = `${baseUrl}/runs/${encodeURIComponent(TRAINING_RUN.id)}/training`;
  try {
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, extraHTTPHeaders: readHeaders });
    const page = await context.newPage();
    const curve = async () =>
      (
        (await (await fetch(`${baseUrl}/api/runs/${encodeURIComponent(TRAINING_RUN.id)}/training`, { headers: readHeaders })).json()) as {
          steps: { step: number }[];
        }
      ).steps;
    let step = (await curve()).at(-1)!.step;
    const post = async (s: number) => {
      const body =
        trainingStepLines(s)
          .map((l) => JSON.stringify(l))
          .join('\n') + '\n';
      const t0 = Date.now();
      const res = await fetch(`${baseUrl}/api/ingest`, { method: 'POST', body, headers: { ...ingestHeaders, 'content-type': 'application/x-ndjson' } });
      const summary = (await res.json()) as { stored?: number };
      const t1 = Date.now();
      if (res.status !== 200 || summary.stored !== TRAINING_QUERIES * TRAINING_ROLLOUTS)
        throw new Error(`POST /api/ingest of step ${s}: ${res.status} ${JSON.stringify(summary).slice(0, 300)}`);
      return { sent: t0, returned: t1 };
    };
    /** A full load of the page: navigation start to the newest point drawn. */
    const reload = async () => {
      await page.goto(pageUrl, { waitUntil: 'commit' });
      const at = await page
        .waitForFunction(
          (s) => (document.querySelector('[data-testid=chart-accuracy]')?.getAttribute('data-last-step') === String(s) ? performance.now() : false),
          step,
          { polling: 'raf', timeout: 60_000 },
        )
        .then((h) => h.jsonValue() as Promise<number>);
      await connected(page);
      return at;
    };
    /** One batch while the page is open: its POST's return to its point drawn. */
    const live = async () => {
      step++;
      const seen = drawn(page, step);
      const p = await post(step);
      const at = await seen;
      return { live: at - p.returned, post: p.returned - p.sent };
    };
    // Warm-up: the server's first render of the page and of the ingest route.
    await reload();
    await live();
    for (let i = 0; i < batches; i++) {
      // Alternating which goes first; the page is open and subscribed before each batch either way.
      const order = i % 2 ? ['live', 'reload'] : ['reload', 'live'];
      for (const what of order) {
        if (what === 'reload') samples.add('reload', await reload());
        else {
          const r = await live();
          samples.add('live', r.live).add('post', r.post);
        }
      }
      log(
        `live: batch ${i + 1}/${batches} (step ${step}): drawn ${samples.values('live').at(-1)!.toFixed(0)} ms after the POST returned (POST ${samples.values('post').at(-1)!.toFixed(0)} ms); reload ${samples.values('reload').at(-1)!.toFixed(0)} ms`,
      );
    }
    await context.close();
    const liveT = timing(samples.values('live'));
    const reloadT = timing(samples.values('reload'));
    const result: BenchLiveResult = {
      batches,
      rollouts_per_batch: TRAINING_QUERIES * TRAINING_ROLLOUTS,
      goal_p95_ms: GOAL_P95_MS,
      chromium: browser.version(),
      live: liveT,
      reload: reloadT,
      post: timing(samples.values('post')),
      live_vs_reload_p95: round(liveT.p95_ms / reloadT.p95_ms, 2),
      meets_goal: liveT.p95_ms < GOAL_P95_MS,
    };
    console.log(
      `\nlive benchmark: ${batches} batches; new point drawn after the POST returned: median ${liveT.median_ms} ms, p95 ${liveT.p95_ms} ms (goal ${GOAL_P95_MS}); full reload: median ${reloadT.median_ms} ms, p95 ${reloadT.p95_ms} ms`,
    );
    return { figures: result, samples };
  } finally {
    await browser.close();
    await server?.stop();
  }
}

const cliOptions = { batches: numberArg('--batches'), baseUrl: stringArg('--base-url'), apiKey: stringArg('--api-key'), ingestKey: stringArg('--ingest-key') };
runIfMain(import.meta.filename, 'live', cliOptions, () => benchLive(cliOptions));
