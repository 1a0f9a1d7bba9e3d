// The sign-in throttle under concurrency: attempts are counted in PostgreSQL before the password is
// checked, so of 300 wrong passwords sent at once at most the limit are checked; one client cannot
// lock an account for everyone else; address headers count only when a setting trusts them; password
// checks run a bounded number at a time.
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { closePool, getPool } from '@/lib/db/pool';
import { verificationStats } from '@/lib/server/login-throttle';
import { createUser } from '@/lib/server/users';
import { call, PASSWORD } from './helpers/api';
import { useTestDatabase } from './helpers/db';

process.env.ROUTELENS_EMBEDDED = 'false';
// 300 requests at once wait for the pool's ten connections; on a busy machine that can take seconds.
process.env.ROUTELENS_DB_CONNECT_TIMEOUT_MS = '60000';
useTestDatabase('loginthrottle');

const LIMIT = 10;
const login = () => import('@/app/api/auth/login/route').then((m) => m.POST);

async function attempt(username: string, password: string, headers: Record<string, string> = {}): Promise<number> {
  const res = await call(await login(), { method: 'POST', path: '/api/auth/login', body: { username, password }, headers });
  return res.status;
}

function tally(statuses: number[]): Record<number, number> {
  const t: Record<number, number> = {};
  for (const s of statuses) t[s] = (t[s] ?? 0) + 1;
  return t;
}

beforeAll(async () => {
  for (const u of ['ann', 'bob', 'cat', 'dan', 'eve']) await createUser({ username: u, role: 'viewer', password: PASSWORD });
});

afterEach(() => {
  delete process.env.ROUTELENS_TRUST_PROXY;
  delete process.env.ROUTELENS_PEER_HEADER;
  delete process.env.ROUTELENS_LOGIN_CONCURRENCY;
});

describe('300 concurrent wrong passwords', () => {
  it('from one address: at most the limit are checked (401), every other one is 429 with Retry-After', async () => {
    process.env.ROUTELENS_TRUST_PROXY = '1';
    const statuses = await Promise.all(Array.from({ length: 300 }, () => attempt('ann', 'wrong password', { 'x-forwarded-for': '203.0.113.7' })));
    const t = tally(statuses);
    expect(t[401] ?? 0, JSON.stringify(t)).toBeGreaterThan(0);
    expect(t[401] ?? 0).toBeLessThanOrEqual(LIMIT);
    expect((t[401] ?? 0) + (t[429] ?? 0)).toBe(300);
    const res = await call(await login(), { method: 'POST', body: { username: 'ann', password: PASSWORD }, headers: { 'x-forwarded-for': '203.0.113.7' } });
    expect(res.status).toBe(429);
    expect(Number(res.headers.get('retry-after'))).toBeGreaterThan(0);
  });

  it('from many addresses: at most ten times the limit are checked for the username', async () => {
    process.env.ROUTELENS_TRUST_PROXY = '1';
    process.env.ROUTELENS_LOGIN_CONCURRENCY = '8';
    const statuses = await Promise.all(Array.from({ length: 300 }, (_, i) => attempt('bob', 'wrong password', { 'x-forwarded-for': `198.51.100.${i % 250}` })));
    const t = tally(statuses);
    expect(t[401] ?? 0).toBeLessThanOrEqual(LIMIT * 10);
    expect(t[429] ?? 0).toBeGreaterThanOrEqual(300 - LIMIT * 10);
  });
});

describe('who is locked out', () => {
  it('a guesser at one address does not lock the account for a person at another', async () => {
    process.env.ROUTELENS_TRUST_PROXY = '1';
    for (let i = 0; i < LIMIT + 3; i++) await attempt('cat', 'wrong password', { 'x-forwarded-for': '203.0.113.50' });
    expect(await attempt('cat', PASSWORD, { 'x-forwarded-for': '203.0.113.50' })).toBe(429);
    expect(await attempt('cat', PASSWORD, { 'x-forwarded-for': '192.0.2.1' })).toBe(200);
  });

  it('reads only the address that the trusted proxy appended, not what the client wrote before it', async () => {
    process.env.ROUTELENS_TRUST_PROXY = '1';
    // The client forges a new address on every try; the proxy appends the real one.
    for (let i = 0; i < LIMIT; i++) expect(await attempt('dan', 'wrong password', { 'x-forwarded-for': `10.9.9.${i}, 203.0.113.60` })).toBe(401);
    expect(await attempt('dan', 'wrong password', { 'x-forwarded-for': '10.9.9.99, 203.0.113.60' })).toBe(429);
  });

  it('ignores X-Forwarded-For unless ROUTELENS_TRUST_PROXY says so; the server of npm start passes the socket address', async () => {
    // Untrusted: every forged address counts under the username alone, so forging buys nothing.
    for (let i = 0; i < LIMIT; i++) await attempt('eve', 'wrong password', { 'x-forwarded-for': `10.1.1.${i}` });
    const rows = (await getPool().query<{ key: string }>("SELECT key FROM login_attempts WHERE key LIKE '%eve'")).rows.map((r) => r.key);
    expect(rows).toEqual(['user:eve']);
    // With the peer header of scripts/next-server.ts trusted, the socket address is the address.
    process.env.ROUTELENS_PEER_HEADER = '1';
    await attempt('eve', 'wrong password', { 'x-routelens-peer': '::ffff:127.0.0.9', 'x-forwarded-for': '10.1.1.1' });
    const keys = (await getPool().query<{ key: string }>("SELECT key FROM login_attempts WHERE key LIKE '%eve' ORDER BY key")).rows.map((r) => r.key);
    expect(keys).toEqual(['addr:127.0.0.9:user:eve', 'user:eve']);
  });
});

describe('the count', () => {
  it('lives in PostgreSQL: another process (a fresh pool) sees it and holds the limit', async () => {
    process.env.ROUTELENS_TRUST_PROXY = '1';
    await createUser({ username: 'fay', role: 'viewer', password: PASSWORD });
    for (let i = 0; i < LIMIT; i++) await attempt('fay', 'wrong password', { 'x-forwarded-for': '203.0.113.70' });
    await closePool();
    expect(await attempt('fay', PASSWORD, { 'x-forwarded-for': '203.0.113.70' })).toBe(429);
    // The window passes: the address may try again.
    await getPool().query("UPDATE login_attempts SET started_at = started_at - interval '16 minutes' WHERE key LIKE '%fay'");
    expect(await attempt('fay', PASSWORD, { 'x-forwarded-for': '203.0.113.70' })).toBe(200);
  });

  it('gives a successful sign-in its attempt back', async () => {
    process.env.ROUTELENS_TRUST_PROXY = '1';
    await createUser({ username: 'gus', role: 'viewer', password: PASSWORD });
    for (let i = 0; i < 30; i++) expect(await attempt('gus', PASSWORD, { 'x-forwarded-for': '203.0.113.80' })).toBe(200);
    const r = await getPool().query<{ attempts: number }>("SELECT attempts FROM login_attempts WHERE key = 'user:gus'");
    expect(r.rows[0]!.attempts).toBe(0);
  });
});

describe('password checks', () => {
  it('run at most ROUTELENS_LOGIN_CONCURRENCY at a time; beyond a short queue, 429', async () => {
    process.env.ROUTELENS_LOGIN_CONCURRENCY = '2';
    verificationStats.peak = 0;
    const statuses = await Promise.all(Array.from({ length: 300 }, (_, i) => attempt(`nobody-${i}`, 'wrong password')));
    const t = tally(statuses);
    expect(verificationStats.peak).toBeGreaterThan(0);
    expect(verificationStats.peak).toBeLessThanOrEqual(2);
    expect(t[401] ?? 0).toBeGreaterThan(0);
    expect((t[401] ?? 0) + (t[429] ?? 0)).toBe(300);
    expect(t[429] ?? 0).toBeGreaterThan(0);
  });
});
