// The embedded PostgreSQL's port is a setting (docs/settings.md): ROUTELENS_EMBEDDED_PORT for npm start
// and the CLIs, ROUTELENS_EMBEDDED_TEST_PORT for npm test; a value that is not a port stops the process
// with a message naming the variable.
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { EMBEDDED_DEFAULTS, EMBEDDED_TEST_DEFAULTS, startEmbedded, type EmbeddedInstance } from '@/lib/db/embedded';
import { freePort } from '@/scripts/free-port';

const saved = { port: process.env.ROUTELENS_EMBEDDED_PORT, test: process.env.ROUTELENS_EMBEDDED_TEST_PORT };
const restore = (name: string, value: string | undefined) => (value === undefined ? delete process.env[name] : (process.env[name] = value));
const started: EmbeddedInstance[] = [];
const made: string[] = [];

afterEach(() => {
  restore('ROUTELENS_EMBEDDED_PORT', saved.port);
  restore('ROUTELENS_EMBEDDED_TEST_PORT', saved.test);
});
afterAll(async () => {
  for (const s of started) await s.stop().catch(() => undefined);
  for (const d of made) fs.rmSync(d, { recursive: true, force: true });
}, 60_000);

describe('the embedded port setting', () => {
  it('defaults to 54329 (54330 for tests) and follows the settings', () => {
    delete process.env.ROUTELENS_EMBEDDED_PORT;
    delete process.env.ROUTELENS_EMBEDDED_TEST_PORT;
    expect(EMBEDDED_DEFAULTS.port).toBe(54329);
    expect(EMBEDDED_TEST_DEFAULTS.port).toBe(54330);
    process.env.ROUTELENS_EMBEDDED_PORT = '55001';
    process.env.ROUTELENS_EMBEDDED_TEST_PORT = ' 55002 ';
    expect(EMBEDDED_DEFAULTS.port).toBe(55001);
    expect(EMBEDDED_TEST_DEFAULTS.port).toBe(55002);
  });

  it.each(['abc', '0', '65536', '5432.5', '-1'])('refuses %s, naming the variable', (value) => {
    process.env.ROUTELENS_EMBEDDED_PORT = value;
    expect(() => EMBEDDED_DEFAULTS.port).toThrow(/ROUTELENS_EMBEDDED_PORT=.* is not a TCP port/);
  });

  it('starts the embedded PostgreSQL on that port when no port is given', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'routelens-embedded-port-'));
    fs.chmodSync(dir, 0o755);
    made.push(dir);
    // A port that nothing listens on: a fixed one can be another test file's server (they run in parallel).
    const port = String(await freePort());
    process.env.ROUTELENS_EMBEDDED_PORT = port;
    const inst = await startEmbedded({ dataDir: path.join(dir, 'pg'), database: 'routelens' });
    started.push(inst);
    expect(new URL(inst.url).port).toBe(port);
    const c = new pg.Client({ connectionString: inst.url });
    await c.connect();
    try {
      expect((await c.query('SHOW port')).rows[0].port).toBe(port);
    } finally {
      await c.end();
    }
    await inst.stop();
  }, 180_000);

  it('says which port and log to look at when something else holds the port', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'routelens-embedded-port-'));
    fs.chmodSync(dir, 0o755);
    made.push(dir);
    const holder = net.createServer();
    await new Promise<void>((resolve) => holder.listen(0, '127.0.0.1', resolve));
    const port = (holder.address() as net.AddressInfo).port;
    try {
      const dataDir = path.join(dir, 'pg');
      await expect(startEmbedded({ dataDir, port, database: 'routelens' })).rejects.toThrow(
        `routelens: the embedded PostgreSQL in ${dataDir} did not start on port ${port} (its log: ${dataDir}.log): PostgreSQL exited as it started`,
      );
    } finally {
      await new Promise((resolve) => holder.close(resolve));
    }
  }, 180_000);
});
