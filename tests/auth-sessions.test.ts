// Sign-in, sessions, cookies, the failure throttle, passwords, users and API keys, with sign-in on.
import { beforeAll, describe, expect, it } from 'vitest';
import { hashPassword, verifyPassword } from '@/lib/server/passwords';
import { ensureFirstAdmin } from '@/lib/db/first-admin';
import { call, json, PASSWORD, signedIn, signIn, type Caller } from './helpers/api';
import { useTestDatabase } from './helpers/db';

process.env.ROUTELENS_EMBEDDED = 'false';
const db = useTestDatabase('authsessions');

const login = () => import('@/app/api/auth/login/route').then((m) => m.POST);
const logout = () => import('@/app/api/auth/logout/route').then((m) => m.POST);
const meRoute = () => import('@/app/api/auth/me/route').then((m) => m.GET);
const usersRoute = () => import('@/app/api/users/route');
const userRoute = () => import('@/app/api/users/[id]/route');
const keysRoute = () => import('@/app/api/api-keys/route');

async function me(as: Caller) {
  return call(await meRoute(), { path: '/api/auth/me', as });
}

let admin: Caller & { userId: number };

beforeAll(async () => {
  const made = await ensureFirstAdmin({ embedded: false, log: () => undefined });
  expect(made).toMatch(/^[a-z0-9]{20}$/);
  const id = (await db.pool().query(`SELECT id FROM users WHERE username = 'admin'`)).rows[0].id as number;
  admin = { ...(await signIn('admin', made!)), userId: id };
});

describe('passwords', () => {
  it('are scrypt hashes with their parameters and a salt of their own', async () => {
    const a = await hashPassword('s3cret-enough');
    const b = await hashPassword('s3cret-enough');
    expect(a).toMatch(/^scrypt\$32768\$8\$1\$[A-Za-z0-9_-]{22}\$[A-Za-z0-9_-]{43}$/);
    expect(a).not.toBe(b);
    expect(await verifyPassword('s3cret-enough', a)).toBe(true);
    expect(await verifyPassword('s3cret-enougH', a)).toBe(false);
    expect(await verifyPassword('anything', null)).toBe(false);
    expect(await verifyPassword('anything', 'scrypt$99999999999$8$1$x$y')).toBe(false);
  });
});

describe('the first admin', () => {
  it('is made once, and not again when someone can sign in', async () => {
    const lines: string[] = [];
    expect(await ensureFirstAdmin({ embedded: false, log: (l) => lines.push(l) })).toBeNull();
    const n = await db.pool().query(`SELECT count(*)::int AS n FROM users WHERE role = 'admin'`);
    expect(n.rows[0].n).toBe(1);
  });
});

describe('signing in', () => {
  it('sets an HttpOnly SameSite=Lax cookie, Secure behind HTTPS, and stores only the token hash', async () => {
    await signedIn('carol', 'annotator');
    const plain = await call(await login(), { method: 'POST', body: { username: 'carol', password: PASSWORD } });
    const cookie = plain.headers.get('set-cookie')!;
    expect(cookie).toMatch(/^routelens_session=[A-Za-z0-9_-]{43}; Path=\/; HttpOnly; SameSite=Lax; Max-Age=\d+$/);
    const secure = await call(await login(), {
      method: 'POST',
      body: { username: 'carol', password: PASSWORD },
      headers: { 'x-forwarded-proto': 'https' },
    });
    expect(secure.headers.get('set-cookie')).toMatch(/; Secure$/);
    const token = cookie.split(';')[0]!.split('=')[1]!;
    const stored = await db.pool().query('SELECT token_hash FROM sessions');
    expect(stored.rows.map((r) => r.token_hash)).not.toContain(token);
  });

  it('tells who is signed in, with the CSRF token, and signs out', async () => {
    const dave = await signedIn('dave', 'viewer');
    const res = await me(dave);
    expect(res.status).toBe(200);
    expect(await json(res)).toMatchObject({ user: { username: 'dave', role: 'viewer' }, via: 'session', sign_in_required: true, csrf_token: dave.csrf });
    const out = await call(await logout(), { method: 'POST', as: dave });
    expect(out.status).toBe(204);
    expect(out.headers.get('set-cookie')).toMatch(/^routelens_session=; .*Max-Age=0/);
    expect((await me(dave)).status).toBe(401);
  });

  it('answers a wrong password and an unknown user alike', async () => {
    const wrong = await call(await login(), { method: 'POST', body: { username: 'carol', password: 'nope-nope-nope' } });
    const unknown = await call(await login(), { method: 'POST', body: { username: 'nobody', password: 'nope-nope-nope' } });
    expect(wrong.status).toBe(401);
    expect(unknown.status).toBe(401);
    expect(await json(wrong)).toEqual(await json(unknown));
  });

  it('takes JSON only, and names a missing field', async () => {
    const form = await call(await login(), {
      method: 'POST',
      body: 'username=carol&password=x',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    expect(form.status).toBe(415);
    const missing = await call(await login(), { method: 'POST', body: { username: 'carol' } });
    expect(missing.status).toBe(400);
    expect((await json<{ error: { message: string } }>(missing)).error.message).toContain('password');
  });

  it('answers 429 with Retry-After after 10 failures for one username and address', async () => {
    // The address is the one a trusted proxy appends (login-throttle.test.ts tests the rest).
    process.env.ROUTELENS_TRUST_PROXY = '1';
    await signedIn('erin', 'viewer');
    const attempt = (password: string, ip = '10.0.0.9') =>
      login().then((POST) => call(POST, { method: 'POST', body: { username: 'erin', password }, headers: { 'x-forwarded-for': ip } }));
    for (let i = 0; i < 10; i++) expect((await attempt('wrong-password')).status).toBe(401);
    const limited = await attempt(PASSWORD);
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
    expect((await attempt(PASSWORD, '10.0.0.10')).status).toBe(200);
    delete process.env.ROUTELENS_TRUST_PROXY;
  });

  it('refuses a disabled user, and ends their sessions', async () => {
    const frank = await signedIn('frank', 'annotator');
    const { PATCH } = await userRoute();
    const res = await call(PATCH, { method: 'PATCH', params: { id: String(frank.userId) }, body: { disabled: true }, as: admin });
    expect(res.status).toBe(200);
    expect((await me(frank)).status).toBe(401);
    await expect(signIn('frank')).rejects.toThrow(/401/);
  });

  it('ends every session of a person whose password changes', async () => {
    const gina = await signedIn('gina', 'annotator');
    const { PATCH } = await userRoute();
    await call(PATCH, { method: 'PATCH', params: { id: String(gina.userId) }, body: { password: 'a brand new one' }, as: admin });
    expect((await me(gina)).status).toBe(401);
    expect((await me(await signIn('gina', 'a brand new one'))).status).toBe(200);
  });

  it('expires sessions', async () => {
    const hal = await signedIn('hal', 'viewer');
    await db.pool().query(`UPDATE sessions SET expires_at = now() - interval '1 second' WHERE user_id = $1`, [hal.userId]);
    expect((await me(hal)).status).toBe(401);
  });
});

describe('users and API keys (admin)', () => {
  it('makes a user with a drawn password shown once, lists users without hashes', async () => {
    const { POST, GET } = await usersRoute();
    const res = await call(POST, { method: 'POST', body: { username: 'ivan', role: 'annotator' }, as: admin });
    expect(res.status).toBe(201);
    const body = await json<{ user: { username: string; role: string }; password: string }>(res);
    expect(body.user).toMatchObject({ username: 'ivan', role: 'annotator' });
    expect((await me(await signIn('ivan', body.password))).status).toBe(200);
    const again = await call(POST, { method: 'POST', body: { username: 'ivan', role: 'viewer' }, as: admin });
    expect(again.status).toBe(409);
    const bad = await call(POST, { method: 'POST', body: { username: 'Ivan Bad', role: 'boss' }, as: admin });
    expect(bad.status).toBe(400);
    const list = await json<{ users: Record<string, unknown>[] }>(await call(GET, { as: admin }));
    expect(list.users.map((u) => u.username)).toContain('ivan');
    expect(JSON.stringify(list)).not.toContain('scrypt$');
  });

  it('changes a role, which takes effect on the next request', async () => {
    const judy = await signedIn('judy', 'viewer');
    const { PATCH } = await userRoute();
    const { GET } = await usersRoute();
    expect((await call(GET, { as: judy })).status).toBe(403);
    await call(PATCH, { method: 'PATCH', params: { id: String(judy.userId) }, body: { role: 'admin' }, as: admin });
    expect((await call(GET, { as: judy })).status).toBe(200);
  });

  it('never leaves the tree without an admin who can sign in', async () => {
    const { PATCH } = await userRoute();
    const admins = await db.pool().query(`SELECT id FROM users WHERE role = 'admin' AND disabled_at IS NULL ORDER BY id`);
    for (const { id } of admins.rows.slice(1)) {
      await call(PATCH, { method: 'PATCH', params: { id: String(id) }, body: { role: 'viewer' }, as: admin });
    }
    const last = await call(PATCH, { method: 'PATCH', params: { id: String(admin.userId) }, body: { role: 'annotator' }, as: admin });
    expect(last.status).toBe(409);
  });

  it('shows a key once, stores its hash, lists it by prefix and records its use', async () => {
    const { POST, GET } = await keysRoute();
    const res = await call(POST, { method: 'POST', body: { name: 'ingest cron' }, as: admin });
    expect(res.status).toBe(201);
    const { api_key } = await json<{ api_key: { id: number; key: string; prefix: string } }>(res);
    expect(api_key.key).toMatch(/^rl_[A-Za-z0-9_-]{32}$/);
    expect(api_key.key.startsWith(api_key.prefix)).toBe(true);
    const list = await call(GET, { as: admin });
    const text = await list.text();
    expect(text).toContain(api_key.prefix);
    expect(text).not.toContain(api_key.key);
    const stored = await db.pool().query('SELECT key_hash, last_used_at FROM api_keys WHERE id = $1', [api_key.id]);
    expect(stored.rows[0].key_hash).not.toContain(api_key.key);
    expect(stored.rows[0].last_used_at).toBeNull();
    expect((await me({ name: 'k', apiKey: api_key.key })).status).toBe(200);
    const used = await db.pool().query('SELECT last_used_at FROM api_keys WHERE id = $1', [api_key.id]);
    expect(used.rows[0].last_used_at).not.toBeNull();
  });
});

describe('sign-in off (the embedded default)', () => {
  it('makes every request the local admin, with no CSRF token needed', async () => {
    process.env.ROUTELENS_EMBEDDED = 'true';
    try {
      const res = await me({ name: 'nobody' });
      expect(await json(res)).toMatchObject({ user: { username: 'local', role: 'admin' }, via: 'local', sign_in_required: false, csrf_token: null });
      process.env.ROUTELENS_AUTH = 'on';
      expect((await me({ name: 'nobody' })).status).toBe(401);
    } finally {
      process.env.ROUTELENS_EMBEDDED = 'false';
      delete process.env.ROUTELENS_AUTH;
    }
  });
});
