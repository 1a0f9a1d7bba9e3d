// The generator CLI (scripts/generate.ts): --training writes lib/generate's GRPO training rollouts,
// byte for byte what generateTrainingTraces yields, and refuses what does not apply to it.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { gunzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { DEMO_TRAINING_RUNS, generateTrainingTraces, renderJsonl } from '@/lib/generate';

const ROOT = path.resolve(__dirname, '..');
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'generate-cli-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

function generate(...args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', '--conditions=react-server', path.join(ROOT, 'scripts/generate.ts'), ...args], {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString('utf8')));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString('utf8')));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

describe('scripts/generate.ts --training', () => {
  it('writes the training runs as generateTrainingTraces yields them, steps x queries x rollouts per run', async () => {
    const out = path.join(dir, 'training.jsonl.gz');
    const r = await generate('--out', out, '--training', '3,2,4', '--seed', '7', '--queries', '6');
    expect(r.stderr).toMatch(/^generate: 48 rollouts, /);
    expect(r.code).toBe(0);
    const text = gunzipSync(fs.readFileSync(out)).toString('utf8');
    expect(text).toBe(renderJsonl(generateTrainingTraces({ trainingSteps: 3, queriesPerStep: 2, rolloutsPerQuery: 4, seed: 7, queryPool: 6 })));
    const lines = text
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { run: { id: string }; query: { id: string }; training: { step: number } });
    expect(lines).toHaveLength(3 * DEMO_TRAINING_RUNS.length * 2 * 4);
    expect([...new Set(lines.map((l) => l.run.id))]).toEqual(DEMO_TRAINING_RUNS.map((r) => r.id));
    expect([...new Set(lines.map((l) => l.training.step))]).toEqual([0, 1, 2]);
    // Per run and step: 2 groups (queries) of 4 rollouts.
    const groups = new Map<string, number>();
    for (const l of lines) groups.set(`${l.run.id} ${l.query.id}@${l.training.step}`, (groups.get(`${l.run.id} ${l.query.id}@${l.training.step}`) ?? 0) + 1);
    expect(groups.size).toBe(3 * DEMO_TRAINING_RUNS.length * 2);
    expect([...groups.values()].every((n) => n === 4)).toBe(true);
  });

  it('documents the option in --help and refuses a bad size or options that do not apply', async () => {
    const help = await generate('--help');
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('--training STEPS,QUERIES,ROLLOUTS');
    const bad = await generate('--out', '-', '--training', '3,2');
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--training must be STEPS,QUERIES,ROLLOUTS');
    const zero = await generate('--out', '-', '--training', '0,2,4');
    expect(zero.code).toBe(2);
    const perQuery = await generate('--out', '-', '--training', '3,2,4', '--per-query', '2');
    expect(perQuery.code).toBe(2);
    expect(perQuery.stderr).toContain('--per-query does not apply to --training');
    const pool = await generate('--out', '-', '--training', '3,2,4', '--queries', '5');
    expect(pool.code).toBe(2);
    expect(pool.stderr).toContain('multiple of queriesPerStep');
  });
});
