// The served app refuses other websites before any page or route runs (proxy.ts): a foreign Host
// (DNS rebinding) gets no page, page data or export; a write from another site's page gets 403.
import http from 'node:http';
import { expect, test } from '@playwright/test';

function raw(path: string, headers: Record<string, string>, method = 'GET', body?: string): Promise<{ status: number; text: string }> {
  const base = new URL(test.info().project.use.baseURL!);
  return new Promise((resolve, reject) => {
    const req = http.request({ host: base.hostname, port: base.port, path, method, headers }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (text += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

test('a foreign Host gets 421 for pages, prefetches, page data and exports; a loopback name is served', async () => {
  for (const path of ['/', '/trajectories', '/exports', '/api/exports/traces?format=jsonl', '/api/runs']) {
    for (const extra of [{}, { 'next-router-prefetch': '1', rsc: '1' }] as Record<string, string>[]) {
      const r = await raw(path, { host: 'evil.example:3000', ...extra });
      expect(r.status, `${path} ${JSON.stringify(extra)}`).toBe(421);
      expect(r.text).not.toContain('roro');
    }
  }
  const ok = await raw('/api/runs', { host: 'localhost' });
  expect(ok.status).toBe(200);
  expect((await raw('/', { host: '127.0.0.1' })).status).toBe(200);
});

test('a write from another site is refused (403) with sign-in off, and makes no user', async () => {
  const body = JSON.stringify({ username: 'intruder', role: 'admin' });
  const foreign = await raw('/api/users', { host: '127.0.0.1', origin: 'http://evil.example', 'content-type': 'text/plain' }, 'POST', body);
  expect(foreign.status).toBe(403);
  const list = await raw('/api/users', { host: '127.0.0.1' });
  expect(list.status).toBe(200);
  expect(list.text).not.toContain('intruder');
});
