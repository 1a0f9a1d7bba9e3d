// npm run ingest -- FILE... [--replace]
// Ingests trace v1 JSON Lines files (.jsonl or .jsonl.gz, or - for standard input). Prints progress on
// a terminal and a summary; exits 0 when no line failed, 1 when some did, 2 when it could not run.
import fs from 'node:fs';
import path from 'node:path';
import { resolveDatabase } from '../lib/db/resolve';
import { closePool } from '../lib/db/pool';
import { applyMigrations } from '../lib/db/migrate';
import { ingestStream, type IngestSummary } from '../lib/ingest/pipeline';
import { InputTooLargeError } from '../lib/ingest/lines';
import { settings } from '../lib/server/settings';
import { formatSummary, progressLine } from '../lib/ingest/report';

const USAGE = `usage: npm run ingest -- FILE... [--replace] [--json]
  FILE       a .jsonl or .jsonl.gz trace file, or - for standard input
  --replace  replace stored trajectories whose content differs
  --json     print the summary as JSON (as POST /api/ingest answers)`;

async function main(argv: string[]): Promise<number> {
  const files = argv.filter((a) => !a.startsWith('--') || a === '-');
  const flags = new Set(argv.filter((a) => a.startsWith('--')));
  for (const f of flags) {
    if (!['--replace', '--json', '--help'].includes(f)) {
      console.error(`unknown option ${f}\n${USAGE}`);
      return 2;
    }
  }
  if (flags.has('--help') || files.length === 0) {
    console.error(USAGE);
    return flags.has('--help') ? 0 : 2;
  }
  for (const f of files) {
    if (f !== '-' && !fs.existsSync(f)) {
      console.error(`routelens ingest: ${f}: no such file`);
      return 2;
    }
  }
  const db = await resolveDatabase((l) => console.error(l));
  process.env.DATABASE_URL = db.url;
  const tty = process.stderr.isTTY;
  let failedAny = false;
  const totals: IngestSummary[] = [];
  try {
    if (db.embedded) await applyMigrations(db.migrateUrl);
    for (const file of files) {
      const name = file === '-' ? 'standard input' : path.basename(file);
      const size = file === '-' ? 0 : fs.statSync(file).size;
      const input = file === '-' ? process.stdin : fs.createReadStream(file, { highWaterMark: 1 << 20 });
      const started = Date.now();
      let summary: IngestSummary;
      try {
        summary = await ingestStream(input, {
          replace: flags.has('--replace'),
          // The same guard against gzip bombs as POST /api/ingest.
          maxDecodedBytes: settings.ingestMaxDecodedBytes,
          onProgress: tty ? (p) => process.stderr.write(`\r${progressLine(name, p, size, Date.now() - started)}`) : undefined,
        });
      } catch (e) {
        if (!(e instanceof InputTooLargeError)) throw e;
        if (tty) process.stderr.write('\n');
        console.error(`routelens ingest: ${name}: ${e.message} (ROUTELENS_INGEST_MAX_DECODED_BYTES); the lines before the limit were stored`);
        failedAny = true;
        input.destroy();
        continue;
      }
      if (tty) process.stderr.write('\n');
      totals.push(summary);
      if (summary.failed > 0) failedAny = true;
      if (flags.has('--json')) console.log(JSON.stringify(summary));
      else console.log(formatSummary(name, summary, Date.now() - started));
    }
  } finally {
    await closePool();
    await db.stop();
  }
  return failedAny ? 1 : 0;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (e: unknown) => {
    console.error(`routelens ingest: ${e instanceof Error ? e.message : String(e)}`);
    process.exit(2);
  },
);
