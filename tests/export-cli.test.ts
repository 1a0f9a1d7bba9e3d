// `npm run export` as a person runs it: a file with its manifest beside it, a Hugging Face dataset
// folder, standard output, and exit codes 0 (done), 2 (could not run) with nothing half-written.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MANIFEST_PARQUET_KEY } from '@/lib/export/manifest';
import { useTestDatabase } from './helpers/db';
import { addLabel, knownLines, parseJsonl, readParquet } from './helpers/export';
import { ingestText, jsonl } from './helpers/trace';

const db = useTestDatabase('exportcli');
const ROOT = path.resolve(import.meta.dirname, '..');
let dir: string;

function exportCli(args: string[], env: Record<string, string> = {}): Promise<{ code: number | null; stdout: Buffer; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', '--conditions=react-server', path.join(ROOT, 'scripts/export.ts'), ...args], {
      cwd: ROOT,
      env: { ...process.env, DATABASE_URL: db.url, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const out: Buffer[] = [];
    let err = '';
    child.stdout.on('data', (d: Buffer) => out.push(d));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout: Buffer.concat(out), stderr: err }));
  });
}

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'routelens-export-cli-'));
  await ingestText(jsonl(knownLines()));
  await ingestText(fs.readFileSync(path.join(ROOT, 'tests/fixtures/small.jsonl')));
  await addLabel(db.pool(), 'x/0', 0, { score: 0, author: 'Ann', createdAt: '2026-02-03T04:05:06.789Z' });
});

afterAll(() => {
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('npm run export', () => {
  it('writes a file and FILE.manifest.json with the row count', async () => {
    const file = path.join(dir, 'steps.parquet');
    const r = await exportCli(['steps', '--format', 'parquet', '--run', 'x', '--lambda', '1', '--out', file]);
    expect(r.stderr).toMatch(/4 steps rows/);
    expect(r.code).toBe(0);
    const parquet = await readParquet(fs.readFileSync(file));
    expect(parquet.rows.map((row) => [row.trajectory_id, row.step_index])).toEqual([
      ['x/0', 0],
      ['x/0', 1],
      ['x/0', 2],
      ['x/1', 0],
    ]);
    const manifest = JSON.parse(fs.readFileSync(`${file}.manifest.json`, 'utf8'));
    expect(manifest).toMatchObject({ kind: 'steps', format: 'parquet', filters: { run: 'x' }, lambda: 1, mu: 0.1, rows: 4 });
    expect(JSON.parse(parquet.kv[MANIFEST_PARQUET_KEY]!)).toMatchObject({ rows: 4, lambda: 1 });
    expect(fs.readdirSync(dir).filter((f) => f.includes('partial'))).toEqual([]);
  });

  it('writes a Hugging Face dataset folder that names its data files by split', async () => {
    const bundle = path.join(dir, 'stepwise-bundle');
    const r = await exportCli(['stepwise', '--format', 'jsonl', '--threshold', '0.5', '--labelled', 'true', '--bundle', bundle]);
    expect(r.code).toBe(0);
    const rows = parseJsonl(fs.readFileSync(path.join(bundle, 'data/train-00000-of-00001.jsonl'), 'utf8'));
    expect(rows).toEqual([expect.objectContaining({ trajectory_id: 'x/0', labels: [true, false, false] })]);
    const card = fs.readFileSync(path.join(bundle, 'README.md'), 'utf8');
    // The YAML front matter that datasets.load_dataset(folder) reads.
    expect(card.startsWith('---\nconfigs:\n- config_name: default\n  data_files:\n  - split: train\n    path: "data/train-*"\n')).toBe(true);
    expect(card).toContain('| `labels` | bool_list |');
    expect(card).toContain('`labelled=true`');
    expect(JSON.parse(fs.readFileSync(path.join(bundle, 'routelens.manifest.json'), 'utf8'))).toMatchObject({ kind: 'stepwise', threshold: 0.5, rows: 1 });
  });

  it('writes to standard output with -', async () => {
    const r = await exportCli(['labels', '--out', '-']);
    expect(r.code).toBe(0);
    expect(parseJsonl(r.stdout.toString('utf8'))).toEqual([expect.objectContaining({ trajectory_id: 'x/0', author: 'Ann', human_score: 0 })]);
  });

  it.each([
    ['an unknown kind', ['everything', '--out', 'f.jsonl'], /KIND/],
    ['a bad setting', ['steps', '--lambda', 'lots', '--out', 'f.jsonl'], /--lambda: must be a finite number/],
    ['a bad filter', ['steps', '--correct', 'maybe', '--out', 'f.jsonl'], /--correct: must be true or false/],
    ['an unknown option', ['steps', '--colour', 'red', '--out', 'f.jsonl'], /colour/],
    ['no destination', ['steps'], /--out FILE and --bundle DIR/],
    ['two destinations', ['steps', '--out', 'f.jsonl', '--bundle', 'd'], /--out FILE and --bundle DIR/],
  ])('exits 2 on %s, writing nothing', async (_what, args, message) => {
    const r = await exportCli(args.map((a) => (a === 'f.jsonl' || a === 'd' ? path.join(dir, 'never', a) : a)));
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(message);
    expect(fs.existsSync(path.join(dir, 'never'))).toBe(false);
  });

  it('exits 2 when the database cannot be reached', async () => {
    const file = path.join(dir, 'unreachable.jsonl');
    const r = await exportCli(['steps', '--out', file], { DATABASE_URL: 'postgresql://postgres@127.0.0.1:9/none', ROUTELENS_DB_CONNECT_TIMEOUT_MS: '2000' });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/could not start/);
    expect(fs.existsSync(file)).toBe(false);
  });
});
