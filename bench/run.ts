// npm run bench [-- --only ingest,read,routing,training,live,replay,labels,load,agreement,export] [--quick]
// Runs routelens's benchmarks, each against a baseline measured in the same run, prints the figures
// and writes every sample, the machine and the load average around each benchmark to
// bench/results/<date>-<short sha>.json (committed; BENCHMARKS.md names the file each table comes
// from). --quick runs every benchmark at a small size, to check that it works, not to measure; its
// results go to bench/out/results-quick.json (ignored).
//
// A benchmark joins by one entry below: its name, and how to run it at full and at --quick size;
// it returns a BenchOutput (bench/results.ts).
import path from 'node:path';
import { prepareTestServer } from '@/lib/db/testing';
import { describeMachine, loadNow, loadWarning, recordBench, resultPath, writeResults, type BenchOutput, type BenchRecord } from './results';

interface Bench {
  name: string;
  /** share: another benchmark of this run measures the same dataset (bench/data.ts readDataset). */
  run: (quick: boolean, share: boolean) => Promise<BenchOutput>;
}

/** The read dataset's size at --quick (read and routing share it). */
const QUICK_READ_TRAJECTORIES = 20_000;
/** Benchmarks that measure the read dataset: a run with more than one of them loads it once. */
const ON_READ_DATASET = ['read', 'routing'];

const BENCHES: Bench[] = [
  {
    name: 'ingest',
    run: async (quick) => (await import('./ingest')).benchIngest(quick ? { trajectories: 500, rounds: 1 } : {}),
  },
  {
    name: 'read',
    run: async (quick, share) =>
      (await import('./read')).benchRead({ share, ...(quick ? { trajectories: QUICK_READ_TRAJECTORIES, requests: 20, warmup: 2, gridRequests: 1 } : {}) }),
  },
  {
    name: 'routing',
    run: async (quick, share) =>
      (await import('./routing')).benchRouting({ share, ...(quick ? { trajectories: QUICK_READ_TRAJECTORIES, rounds: 4, warmup: 1 } : {}) }),
  },
  {
    name: 'training',
    run: async (quick) => (await import('./training')).benchTraining(quick ? { steps: 10, queries: 25, rounds: 4, warmup: 1 } : {}),
  },
  {
    name: 'live',
    run: async (quick) => (await import('./live')).benchLive(quick ? { batches: 3 } : {}),
  },
  {
    name: 'replay',
    run: async (quick) => (await import('./replay')).benchReplay(quick ? { runs: 1 } : {}),
  },
  {
    name: 'labels',
    run: async (quick) => (await import('./labels')).benchLabels(quick ? { seconds: 5 } : {}),
  },
  {
    name: 'load',
    run: async (quick) => (await import('./load')).benchLoad(quick ? { seconds: 3, trajectories: 2_000 } : {}),
  },
  {
    name: 'agreement',
    run: async (quick) => (await import('./agreement')).benchAgreement(quick ? { items: 3_000, requests: 5, warmup: 1 } : {}),
  },
  {
    name: 'export',
    run: async (quick) => (await import('./export')).benchExport(quick ? { steps: 50_000, rounds: 1 } : {}),
  },
];

/** The PostgreSQL the benchmarks use: DATABASE_URL's, or the embedded one the tests start. */
async function postgresUrl(): Promise<{ url: string; stop: () => Promise<void> }> {
  if (process.env.DATABASE_URL) return { url: process.env.DATABASE_URL, stop: async () => undefined };
  const s = await prepareTestServer();
  return { url: s.adminUrl, stop: s.stop };
}

async function main(): Promise<number> {
  const args = process.argv.slice(2);
  const onlyArg = args.indexOf('--only');
  const only = onlyArg >= 0 ? (args[onlyArg + 1] ?? '').split(',') : null;
  const quick = args.includes('--quick');
  const chosen = BENCHES.filter((b) => !only || only.includes(b.name));
  if (chosen.length === 0) {
    console.error(`no benchmark named ${only?.join(', ')}; there are ${BENCHES.map((b) => b.name).join(', ')}`);
    return 2;
  }
  const pgs = await postgresUrl();
  const machine = await describeMachine(pgs.url);
  await pgs.stop();
  const load_before = loadNow();
  console.error(`machine: ${machine.cores} × ${machine.cpu_model}, ${machine.memory_gib} GiB, Node ${machine.node}, ${machine.postgres ?? 'PostgreSQL ?'}`);
  console.error(`load average before the run: ${load_before.loadavg.join(' ')}`);
  const w = loadWarning(load_before, 'at the start of the run');
  if (w) console.error(`WARNING: ${w}`);
  const records: BenchRecord[] = [];
  const share = chosen.filter((b) => ON_READ_DATASET.includes(b.name)).length > 1;
  for (const [i, b] of chosen.entries()) {
    console.error(`\n=== bench ${b.name}${quick ? ' (quick)' : ''}`);
    // Each benchmark makes databases of its own; none may leave its environment to the next.
    const env = { ...process.env };
    const record = await recordBench(b.name, { quick }, () => b.run(quick, share));
    records.push(record);
    if (record.error) console.error(`${b.name} failed: ${record.error}`);
    else console.log(`${b.name}: ${JSON.stringify(record.figures, null, 2)}`);
    for (const k of Object.keys(process.env)) if (!(k in env)) delete process.env[k];
    Object.assign(process.env, env);
    console.error(`=== ${b.name} took ${record.seconds.toFixed(0)} s`);
    // The shared dataset goes as soon as no benchmark still to run measures it.
    if (share && !chosen.slice(i + 1).some((x) => ON_READ_DATASET.includes(x.name))) await (await import('./data')).releaseSharedDatasets();
  }
  const load_after = loadNow();
  const file = resultPath({ quick });
  const written = writeResults(file, { command: `npm run bench -- ${args.join(' ')}`.trim(), quick, machine, load_before, load_after, records });
  console.error(`\nload average after the run: ${load_after.loadavg.join(' ')}`);
  for (const warning of new Set([...written.warnings, ...records.flatMap((r) => r.warnings)])) console.error(`WARNING: ${warning}`);
  console.error(`wrote ${path.relative(process.cwd(), file)}`);
  return records.some((r) => r.error) ? 1 : 0;
}

main().then(
  (code) => process.exit(code),
  (e: unknown) => {
    console.error(e);
    process.exit(1);
  },
);
