// npm run bench [-- --only ingest,read,replay,labels,load,export] [--quick]
// Runs routelens's benchmarks, each against a baseline measured in the same run, prints the figures
// and writes them to bench/out/results.json (BENCHMARKS.md keeps them with the machine and date).
// --quick runs every benchmark at a small size, to check that it works, not to measure.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const OUT = path.join(import.meta.dirname, 'out');

interface Bench {
  name: string;
  run: (quick: boolean) => Promise<unknown>;
}

const BENCHES: Bench[] = [
  {
    name: 'ingest',
    run: async (quick) => (await import('./ingest')).benchIngest(quick ? { trajectories: 500, rounds: 1 } : {}),
  },
  {
    name: 'read',
    run: async (quick) => (await import('./read')).benchRead(quick ? { trajectories: 20_000 } : {}),
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
    name: 'export',
    run: async (quick) => (await import('./export')).benchExport(quick ? { steps: 50_000 } : {}),
  },
];

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
  const machine = `${os.cpus().length} × ${os.cpus()[0]?.model ?? 'cpu'}, ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}, ${os.platform()} ${os.release()}`;
  const results: Record<string, unknown> = { date: new Date().toISOString(), machine, quick };
  let failed = false;
  for (const b of chosen) {
    console.error(`\n=== bench ${b.name}${quick ? ' (quick)' : ''}`);
    const t0 = performance.now();
    // Each benchmark makes databases of its own; none may leave its DATABASE_URL to the next.
    const env = { ...process.env };
    try {
      results[b.name] = await b.run(quick);
      console.log(`${b.name}: ${JSON.stringify(results[b.name], null, 2)}`);
    } catch (e) {
      failed = true;
      results[b.name] = { error: e instanceof Error ? e.message : String(e) };
      console.error(`${b.name} failed:`, e);
    }
    for (const k of Object.keys(process.env)) if (!(k in env)) delete process.env[k];
    Object.assign(process.env, env);
    console.error(`=== ${b.name} took ${((performance.now() - t0) / 1000).toFixed(0)} s`);
  }
  fs.mkdirSync(OUT, { recursive: true });
  const file = path.join(OUT, quick ? 'results-quick.json' : 'results.json');
  fs.writeFileSync(file, JSON.stringify(results, null, 2));
  console.error(`\nwrote ${path.relative(process.cwd(), file)}`);
  return failed ? 1 : 0;
}

main().then(
  (code) => process.exit(code),
  (e: unknown) => {
    console.error(e);
    process.exit(1);
  },
);
