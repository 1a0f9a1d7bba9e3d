// npm run runs -- list | rename OLD NEW | delete ID [--with-labels] [--labels-out FILE]
//                 | delete-trajectories ID... [--with-labels] [--labels-out FILE]
// Runs from the command line (the database's own admin, like npm run users). Exits 0 when done, 1 when
// a deletion was refused because of human labels (nothing changed), 2 when it could not run.
import { getPool } from '../lib/db/pool';
import { deleteRun, deleteTrajectories, type DeletionResult } from '../lib/server/deletion';
import { ApiError } from '../lib/server/errors';
import { renameRun } from '../lib/server/run-rename';
import { runMain, withMigratedDatabase } from './cli-main';

const USAGE = `usage: npm run runs -- list
       npm run runs -- rename OLD NEW
       npm run runs -- delete RUN [--with-labels] [--labels-out FILE]
       npm run runs -- delete-trajectories ID... [--with-labels] [--labels-out FILE]
  --with-labels     also delete human labels, after writing their labels export to a file
  --labels-out FILE that file (default: a new file under ROUTELENS_LABELS_BACKUP_DIR, .data/deleted-labels)`;

class Refused extends Error {}

function option(args: string[], name: string): string | undefined {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : undefined;
}

function positional(args: string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < args.length; i++) {
    if (args[i] === '--labels-out') i++;
    else if (!args[i]!.startsWith('--')) out.push(args[i]!);
  }
  return out;
}

function report(r: DeletionResult): void {
  const d = r.deleted;
  console.log(
    `deleted ${d.runs ? `run, ` : ''}${d.trajectories} trajectories, ${d.steps} steps, ${d.judgments} judgments, ${d.items} items, ${d.labels} labels, ` +
      `${d.queue_items} queue items, ${d.queries} queries, ${d.rubrics} rubrics, ${d.models} models that nothing else used`,
  );
  if (r.labels_export) console.log(`the ${r.labels_export.labels} labels are in ${r.labels_export.file} (sha256 ${r.labels_export.sha256})`);
}

async function list(): Promise<void> {
  const r = await getPool().query<{ id: string; policy: string | null; created_at: Date; trajectories: number | null; correct: number | null; labels: number }>(
    `SELECT r.id, r.policy, r.created_at, s.trajectories, s.correct,
            (SELECT count(*)::int FROM labels l JOIN items i ON i.id = l.item_id JOIN trajectories t ON t.pk = i.trajectory_pk WHERE t.run_id = r.id) AS labels
       FROM runs r LEFT JOIN run_stats s ON s.run_id = r.id ORDER BY r.id`,
  );
  console.log(['run', 'policy', 'trajectories', 'accuracy', 'labels', 'created'].join('\t'));
  for (const x of r.rows) {
    const n = x.trajectories ?? 0;
    const accuracy = n > 0 ? ((x.correct ?? 0) / n).toFixed(3) : '-';
    console.log([x.id, x.policy ?? '-', n, accuracy, x.labels, x.created_at.toISOString()].join('\t'));
  }
}

async function run(args: string[]): Promise<void> {
  const [cmd, ...rest] = args;
  const names = positional(rest);
  for (const a of rest) if (a.startsWith('--') && !['--with-labels', '--labels-out'].includes(a)) throw new Error(`unknown option ${a}\n${USAGE}`);
  const opts = { withLabels: rest.includes('--with-labels'), labelsFile: option(rest, 'labels-out') };
  try {
    switch (cmd) {
      case 'list':
        return await list();
      case 'rename': {
        if (names.length !== 2) throw new Error(USAGE);
        const r = await renameRun(names[0]!, names[1]!);
        console.log(`run ${r.from} is now ${r.to} (${r.trajectories} trajectories)`);
        return;
      }
      case 'delete':
        if (names.length !== 1) throw new Error(USAGE);
        return report(await deleteRun(names[0]!, opts));
      case 'delete-trajectories':
        if (names.length === 0) throw new Error(USAGE);
        return report(await deleteTrajectories(names, opts));
      default:
        throw new Error(USAGE);
    }
  } catch (e) {
    if (e instanceof ApiError && e.code === 'conflict' && (cmd === 'delete' || cmd === 'delete-trajectories')) {
      throw new Refused(`${e.message.replace(/with_labels=true/, '--with-labels')}`);
    }
    throw e;
  }
}

runMain(
  () =>
    withMigratedDatabase(async () => {
      await run(process.argv.slice(2));
      return 0;
    }),
  (e) => (e instanceof Refused ? 1 : 2),
);
