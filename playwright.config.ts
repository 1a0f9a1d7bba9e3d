// End-to-end tests in a real Chromium against the production build, served by scripts/e2e-server.ts
// on a fresh database with the demo data and the special trajectories of e2e/special-traces.ts.
import { defineConfig } from '@playwright/test';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from './e2e/chromium';

process.env.PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD = '1';
const PORT = Number(process.env.E2E_PORT ?? 3100);
// E2E_BASE_URL runs the tests against an app already serving the same data (a `next dev` while
// working on the pages); without it the config starts its own.
const external = process.env.E2E_BASE_URL?.replace(/\/$/, '');
const baseURL = external ?? `http://127.0.0.1:${PORT}`;

export default defineConfig({
  testDir: 'e2e',
  outputDir: 'test-results/e2e',
  timeout: 60_000,
  expect: { timeout: 15_000 },
  fullyParallel: false,
  workers: 1,
  retries: 0,
  forbidOnly: true,
  reporter: process.env.PLAYWRIGHT_JSON_OUTPUT_NAME ? [['list'], ['json']] : [['list']],
  use: {
    baseURL,
    viewport: { width: 1280, height: 800 },
    screenshot: 'only-on-failure',
    trace: 'retain-on-failure',
    launchOptions: {
      executablePath: CHROMIUM_PATH,
      args: CHROMIUM_ARGS,
    },
  },
  projects: [{ name: 'chromium' }],
  webServer: external
    ? undefined
    : {
        command: 'npx tsx --conditions=react-server scripts/e2e-server.ts',
        url: `${baseURL}/api/runs`,
        env: { E2E_PORT: String(PORT) },
        // Loading the data and building (when the sources changed) take a few minutes on a small machine.
        timeout: 600_000,
        reuseExistingServer: false,
        gracefulShutdown: { signal: 'SIGTERM', timeout: 20_000 },
        stdout: 'pipe',
        stderr: 'pipe',
      },
});
