// How an ingest reads on a terminal.
import type { IngestProgress, IngestSummary } from './pipeline';

const WIDTH = 28;

export function progressLine(name: string, p: IngestProgress, totalBytes: number, elapsedMs: number): string {
  const rate = elapsedMs > 0 ? Math.round((p.lines * 1000) / elapsedMs) : 0;
  if (totalBytes > 0) {
    const frac = Math.min(1, p.bytes / totalBytes);
    const filled = Math.round(frac * WIDTH);
    return `${name} [${'#'.repeat(filled)}${'.'.repeat(WIDTH - filled)}] ${(frac * 100).toFixed(0).padStart(3)}%  ${p.lines} lines  ${rate}/s  failed ${p.failed}`;
  }
  return `${name}  ${p.lines} lines  ${rate}/s  failed ${p.failed}`;
}

export function formatSummary(name: string, s: IngestSummary, elapsedMs: number): string {
  const head = `${name}: ${s.lines} lines in ${(elapsedMs / 1000).toFixed(1)} s — stored ${s.stored}, unchanged ${s.unchanged}, replaced ${s.replaced}, failed ${s.failed}`;
  const errs = s.errors.map((e) => `  line ${e.line}${e.id ? ` (${e.id})` : ''}${e.path ? ` at ${e.path}` : ''}: ${e.message}`);
  if (s.errors_omitted > 0) errs.push(`  ... and ${s.errors_omitted} more errors`);
  return [head, ...errs].join('\n');
}
