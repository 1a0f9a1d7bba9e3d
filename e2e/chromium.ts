// How routelens drives Chromium, for the Playwright tests and the replay benchmark alike: Debian's
// Chromium (no browser is downloaded), headless, with no background network traffic.
export const CHROMIUM_PATH = process.env.ROUTELENS_CHROMIUM ?? '/usr/bin/chromium';

export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-dev-shm-usage',
];
