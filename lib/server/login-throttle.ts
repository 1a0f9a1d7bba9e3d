import 'server-only';
// The sign-in throttle. Every attempt is counted before its password is checked, in PostgreSQL, so
// that concurrent attempts and several app processes share one count: of 300 attempts sent at once,
// at most the limit reach the password check.
//
// Two counts per attempt, each over a window of ROUTELENS_LOGIN_WINDOW_MINUTES that starts with the
// first attempt it counts:
// - per username and client address, up to ROUTELENS_LOGIN_MAX_FAILURES: a guesser is stopped
//   without locking the account for people signing in from elsewhere;
// - per username from any address, up to ten times that: a guesser who spreads over addresses is
//   stopped too.
// A successful sign-in gives its attempt back, so the limits count failures.
//
// The client address is known only when something trustworthy says it: the proxies in front
// (ROUTELENS_TRUST_PROXY=<how many>: the address they append to X-Forwarded-For), or the server of
// `npm start`, which passes the socket's address in x-routelens-peer. A header that any client can
// send is never read otherwise. Without an address only the per-username count applies.
//
// Password checks (scrypt, ~50 ms of CPU each) run at most ROUTELENS_LOGIN_CONCURRENCY at a time;
// beyond a short queue, attempts get 429 instead of waiting.
import { getPool } from '@/lib/db/pool';
import { ApiError } from './errors';
import { PEER_HEADER } from './peer-header';
import { settings } from './settings';

const USERNAME_ONLY_FACTOR = 10;

function normalizeAddress(a: string | undefined | null): string | null {
  const v = a?.trim().toLowerCase();
  if (!v) return null;
  return v.startsWith('::ffff:') && v.includes('.') ? v.slice('::ffff:'.length) : v;
}

/** The client's address, or null when nothing trustworthy says it (see above). */
export function clientAddress(request: Request): string | null {
  const hops = settings.trustProxy;
  if (hops > 0) {
    const chain = (request.headers.get('x-forwarded-for') ?? '')
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean);
    // Each trusted proxy appends the address it saw; what the client wrote is further left.
    const fromProxy = chain.length > 0 ? chain[Math.max(0, chain.length - hops)] : request.headers.get('x-real-ip');
    return normalizeAddress(fromProxy);
  }
  if (process.env.ROUTELENS_PEER_HEADER === '1') return normalizeAddress(request.headers.get(PEER_HEADER));
  return null;
}

interface Count {
  key: string;
  max: number;
}

function countsOf(username: string, address: string | null): Count[] {
  const user = username.trim().toLowerCase();
  const limit = settings.loginMaxFailures;
  const counts: Count[] = [{ key: `user:${user}`, max: limit * USERNAME_ONLY_FACTOR }];
  if (address !== null) counts.push({ key: `addr:${address}:user:${user}`, max: limit });
  return counts;
}

let attemptsSinceSweep = 0;

/**
 * Counts one attempt under every count it falls in (one statement: concurrent attempts each see a
 * distinct number). Returns the seconds to wait when a count is over its limit, else 0.
 */
export async function countAttempt(username: string, address: string | null): Promise<number> {
  const counts = countsOf(username, address).sort((a, b) => a.key.localeCompare(b.key));
  const windowSeconds = settings.loginWindowMinutes * 60;
  const pool = getPool();
  const r = await pool.query<{ key: string; attempts: number; left_s: number }>(
    `INSERT INTO login_attempts AS a (key, attempts, started_at)
     SELECT key, 1, now() FROM unnest($1::text[]) AS k(key)
     ON CONFLICT (key) DO UPDATE SET
       attempts = CASE WHEN a.started_at <= now() - make_interval(secs => $2) THEN 1 ELSE a.attempts + 1 END,
       started_at = CASE WHEN a.started_at <= now() - make_interval(secs => $2) THEN now() ELSE a.started_at END
     RETURNING a.key, a.attempts, extract(epoch FROM a.started_at + make_interval(secs => $2) - now())::float8 AS left_s`,
    [counts.map((c) => c.key), windowSeconds],
  );
  // Rows past their window are dead weight: sweep them now and then, not on every attempt.
  if (++attemptsSinceSweep >= 200) {
    attemptsSinceSweep = 0;
    await pool.query('DELETE FROM login_attempts WHERE started_at < now() - make_interval(secs => $1)', [windowSeconds]);
  }
  let wait = 0;
  for (const row of r.rows) {
    const max = counts.find((c) => c.key === row.key)!.max;
    if (row.attempts > max) wait = Math.max(wait, Math.max(1, Math.ceil(row.left_s)));
  }
  return wait;
}

/** A sign-in that succeeded: its attempt does not count, and its address starts afresh. */
export async function attemptSucceeded(username: string, address: string | null): Promise<void> {
  const [user, byAddress] = countsOf(username, address);
  await getPool().query('UPDATE login_attempts SET attempts = greatest(attempts - 1, 0) WHERE key = $1', [user!.key]);
  if (byAddress) await getPool().query('DELETE FROM login_attempts WHERE key = $1', [byAddress.key]);
}

// Password checks in flight in this process, and those waiting for a turn.
let running = 0;
const waiting: (() => void)[] = [];
const WAITING_PER_SLOT = 16;
/** The most checks that ran at once since the last reset (for tests). */
export const verificationStats = { peak: 0 };

/** Runs fn (a password check) when a slot is free; 429 when too many are already waiting. */
export async function withVerificationSlot<T>(fn: () => Promise<T>): Promise<T> {
  const slots = Math.max(1, settings.loginConcurrency);
  if (running >= slots) {
    if (waiting.length >= slots * WAITING_PER_SLOT) {
      throw new ApiError('rate_limited', 'too many sign-ins at once; try again in a moment', { retry_after_seconds: 1 }, { 'Retry-After': '1' });
    }
    await new Promise<void>((resolve) => waiting.push(resolve));
  } else {
    running++;
  }
  verificationStats.peak = Math.max(verificationStats.peak, running);
  try {
    return await fn();
  } finally {
    // The slot passes to the next in line, or frees.
    const next = waiting.shift();
    if (next) next();
    else running--;
  }
}
