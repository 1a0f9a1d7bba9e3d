// npm run db:seed — loads the demo traces (idempotent: a second run changes nothing).
import { loadDemoData } from '../lib/db/demo';
import { runMain, withMigratedDatabase } from './cli-main';

runMain(() =>
  withMigratedDatabase(async () => {
    const s = await loadDemoData();
    console.log(`demo data: stored ${s.stored}, unchanged ${s.unchanged}, failed ${s.failed}`);
    return s.failed > 0 ? 1 : 0;
  }),
);
