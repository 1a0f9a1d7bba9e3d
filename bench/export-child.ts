// The export benchmark's child (bench/export.ts): one `steps` export into /dev/null, with its resident
// memory sampled while it runs, reported on stdout as JSON. It runs as a bundle of routelens's code
// (childBundle), the way Next's server runs the export route, not through tsx's per-module transform.
//
//   node --conditions=react-server bench/out/export-child.mjs jsonl|csv|parquet
import fs from 'node:fs';
import { closePool } from '@/lib/db/pool';
import { startExport } from '@/lib/export/run';
import { parseExportRequest } from '@/lib/schemas/exports';

const SAMPLE_MS = 20;

export interface ChildReport {
  seconds: number;
  rows: number;
  bytes: number;
  firstByteMs: number;
  peakRss: number;
  maxRss: number;
  baseRss: number;
}

async function child(format: string): Promise<void> {
  if (!['jsonl', 'csv', 'parquet'].includes(format)) throw new Error(`export child: no format ${format}`);
  const baseRss = process.memoryUsage.rss();
  let peakRss = baseRss;
  const sampler = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage.rss())), SAMPLE_MS);
  const sink = fs.createWriteStream('/dev/null');
  const t0 = performance.now();
  let firstByteMs = -1;
  let bytes = 0;
  const run = await startExport(parseExportRequest('steps', new URLSearchParams({ format })));
  for await (const chunk of run.chunks) {
    if (firstByteMs < 0) firstByteMs = performance.now() - t0;
    bytes += chunk.length;
    if (!sink.write(chunk)) await new Promise<void>((r) => sink.once('drain', () => r()));
  }
  const seconds = (performance.now() - t0) / 1000;
  clearInterval(sampler);
  peakRss = Math.max(peakRss, process.memoryUsage.rss());
  sink.end();
  await closePool();
  const report: ChildReport = { seconds, rows: run.rows(), bytes, firstByteMs, peakRss, maxRss: process.resourceUsage().maxRSS * 1024, baseRss };
  process.stdout.write(JSON.stringify(report));
}

child(process.argv[2] ?? '').then(
  () => process.exit(0),
  (e: unknown) => {
    console.error(e);
    process.exit(1);
  },
);
