import 'server-only';
// Failed sign-ins, counted in memory per username and client address over a sliding window. The
// address comes from x-forwarded-for, which a client can forge; so failures per username alone are
// capped too (at ten times the limit), which stops a guesser who changes the header on every try.
import { settings } from './settings';

const USERNAME_ONLY_FACTOR = 10;
// Bounds the memory that a flood of distinct usernames can take.
const MAX_KEYS = 50_000;

export class LoginThrottle {
  private readonly failures = new Map<string, number[]>();

  constructor(
    private readonly limit = () => settings.loginMaxFailures,
    private readonly windowMs = () => settings.loginWindowMinutes * 60_000,
  ) {}

  private keys(username: string, address: string): { key: string; max: number }[] {
    const user = username.trim().toLowerCase();
    return [
      { key: `${user}\u0000${address}`, max: this.limit() },
      { key: user, max: this.limit() * USERNAME_ONLY_FACTOR },
    ];
  }

  private recent(key: string, now: number): number[] {
    const kept = (this.failures.get(key) ?? []).filter((t) => now - t < this.windowMs());
    if (kept.length) this.failures.set(key, kept);
    else this.failures.delete(key);
    return kept;
  }

  /** Seconds until another try is allowed, or 0 when one is allowed now. */
  retryAfterSeconds(username: string, address: string, now = Date.now()): number {
    let wait = 0;
    for (const { key, max } of this.keys(username, address)) {
      const times = this.recent(key, now);
      if (times.length >= max) {
        const freedAt = (times[times.length - max] ?? now) + this.windowMs();
        wait = Math.max(wait, Math.ceil((freedAt - now) / 1000));
      }
    }
    return wait;
  }

  recordFailure(username: string, address: string, now = Date.now()): void {
    if (this.failures.size >= MAX_KEYS) this.prune(now);
    for (const { key } of this.keys(username, address)) this.failures.set(key, [...this.recent(key, now), now]);
  }

  recordSuccess(username: string, address: string): void {
    this.failures.delete(this.keys(username, address)[0]!.key);
  }

  private prune(now: number): void {
    for (const key of [...this.failures.keys()]) this.recent(key, now);
    // Still full of live entries: forget the oldest keys rather than grow without bound.
    for (const key of this.failures.keys()) {
      if (this.failures.size < MAX_KEYS) break;
      this.failures.delete(key);
    }
  }
}

type Globals = { __routelensLoginThrottle?: LoginThrottle };
const g = globalThis as typeof globalThis & Globals;

export function loginThrottle(): LoginThrottle {
  g.__routelensLoginThrottle ??= new LoginThrottle();
  return g.__routelensLoginThrottle;
}

/** The client address as the proxy chain reports it (see the note above on trusting it). */
export function clientAddress(request: Request): string {
  const forwarded = request.headers.get('x-forwarded-for');
  return forwarded?.split(',')[0]?.trim() || request.headers.get('x-real-ip')?.trim() || 'unknown';
}
