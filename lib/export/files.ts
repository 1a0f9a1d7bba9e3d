import 'server-only';
// Exports written to disk by `npm run export`: a file and its manifest beside it (FILE.manifest.json,
// with the row count), or a Hugging Face dataset folder (a "bundle") that `datasets.load_dataset(DIR)`
// reads: data/train-00000-of-00001.<ext> and a README.md dataset card whose YAML front matter lists
// the `configs`. Files are written under temporary names and renamed when complete, so a reader
// never sees half an export.
import fs from 'node:fs';
import path from 'node:path';
import { once } from 'node:events';
import { FILE_EXTENSIONS } from '@/lib/schemas/exports';
import type { Column } from './columns';
import type { ExportManifest } from './manifest';
import type { ExportRun } from './run';

export const BUNDLE_DATA_FILE = (ext: string) => `data/train-00000-of-00001.${ext}`;
export const BUNDLE_MANIFEST = 'routelens.manifest.json';

async function writeChunks(chunks: AsyncIterable<Uint8Array>, out: fs.WriteStream): Promise<void> {
  for await (const chunk of chunks) {
    if (!out.write(chunk)) await once(out, 'drain');
  }
  out.end();
  await once(out, 'finish');
}

/** Writes the export to `file` (or standard output for "-"); returns the manifest with its row count. */
export async function writeExportFile(run: ExportRun, file: string): Promise<ExportManifest> {
  if (file === '-') {
    for await (const chunk of run.chunks) {
      if (!process.stdout.write(chunk)) await once(process.stdout, 'drain');
    }
    return { ...run.manifest, rows: run.rows() };
  }
  const tmp = `${file}.partial-${process.pid}`;
  try {
    await writeChunks(run.chunks, fs.createWriteStream(tmp));
    fs.renameSync(tmp, file);
  } catch (e) {
    fs.rmSync(tmp, { force: true });
    await run.close();
    throw e;
  }
  const manifest = { ...run.manifest, rows: run.rows() };
  fs.writeFileSync(`${file}.manifest.json`, JSON.stringify(manifest, null, 2) + '\n');
  return manifest;
}

function yamlString(s: string): string {
  return JSON.stringify(s);
}

export function datasetCard(manifest: ExportManifest, columns: readonly Column[], summary: string): string {
  const filters = Object.entries(manifest.filters);
  return [
    '---',
    'configs:',
    '- config_name: default',
    '  data_files:',
    '  - split: train',
    `    path: ${yamlString('data/train-*')}`,
    'tags:',
    '- routelens',
    `- routelens-${manifest.kind}`,
    '---',
    '',
    `# routelens \`${manifest.kind}\` export`,
    '',
    summary,
    '',
    `Exported by routelens ${manifest.routelens_version} on ${manifest.created_at}: ${manifest.rows ?? 0} rows.`,
    '',
    '## Provenance',
    '',
    `- filters: ${filters.length ? filters.map(([k, v]) => `\`${k}=${v}\``).join(', ') : 'none (every trajectory)'}`,
    `- judge: ${manifest.judge === null ? 'every judge (the stored figures)' : `\`${manifest.judge}\` (its judgments and people's)`}`,
    `- reward: lambda = ${manifest.lambda}, mu = ${manifest.mu}`,
    `- stepwise labels: ${manifest.threshold === null ? 'floats' : `booleans, score >= ${manifest.threshold}`}; unscored steps: ${manifest.unscored}`,
    `- preference pairs: delta_p = ${manifest.delta_p}, ratio_c = ${manifest.ratio_c}, cap = ${manifest.cap ?? 'none'}`,
    '',
    `The full manifest is in \`${BUNDLE_MANIFEST}\`.`,
    '',
    '## Columns',
    '',
    '| column | type | meaning |',
    '| --- | --- | --- |',
    ...columns.map((c) => `| \`${c.name}\` | ${c.type}${c.nullable ? ' (nullable)' : ''} | ${c.description.replace(/\|/g, '\\|')} |`),
    '',
    '## Loading',
    '',
    '```python',
    'from datasets import load_dataset',
    '',
    'ds = load_dataset("path/to/this/folder", split="train")',
    '```',
    '',
  ].join('\n');
}

/** Writes a Hugging Face dataset folder; returns the manifest with its row count. */
export async function writeBundle(run: ExportRun, dir: string, summary: string): Promise<ExportManifest> {
  const ext = FILE_EXTENSIONS[run.manifest.format];
  const data = path.join(dir, BUNDLE_DATA_FILE(ext));
  fs.mkdirSync(path.dirname(data), { recursive: true });
  const tmp = `${data}.partial-${process.pid}`;
  try {
    await writeChunks(run.chunks, fs.createWriteStream(tmp));
    fs.renameSync(tmp, data);
  } catch (e) {
    fs.rmSync(tmp, { force: true });
    await run.close();
    throw e;
  }
  const manifest = { ...run.manifest, rows: run.rows() };
  fs.writeFileSync(path.join(dir, BUNDLE_MANIFEST), JSON.stringify(manifest, null, 2) + '\n');
  fs.writeFileSync(path.join(dir, 'README.md'), datasetCard(manifest, run.columns, summary));
  return manifest;
}
