// The replay timeline's columns, read from the stored rows by SQL for the page's HTML, are those the
// browser builds from the light pages of the same trajectory under the palette of GET /api/runs: the
// same models in the same stacking order and colours, the same switches, the same rubric scores.
import { describe, expect, it } from 'vitest';
import { catalogueOf } from '@/lib/client/hooks';
import { modelPalette, modelsByPrice } from '@/lib/client/model-colors';
import { columnsOfSteps } from '@/lib/client/timeline-paint';
import { DEMO_RUNS, generateTraces, serializeLine } from '@/lib/generate';
import { DEFAULT_VIEW } from '@/lib/schemas/view-settings';
import { listRuns } from '@/lib/server/queries/runs';
import { getTimelineColumns, modelCatalogue } from '@/lib/server/queries/timeline';
import { getTrajectory } from '@/lib/server/queries/trajectory';
import { useTestDatabase } from './helpers/db';
import { ingestText } from './helpers/trace';

const db = useTestDatabase('replaytimeline');

describe('replay timeline columns', () => {
  it('ingests generated traces', async () => {
    const runs = DEMO_RUNS.map((r) => ({ ...r, id: `rt-${r.id}` }));
    const lines = [...generateTraces({ seed: 7, queries: 6, runs, trajectoriesPerQueryPerRun: 2, steps: { min: 1, max: 40 } })];
    const s = await ingestText(lines.map(serializeLine).join('\n') + '\n', { batchLines: 11 });
    expect(s).toMatchObject({ stored: lines.length, failed: 0 });
  });

  it('the catalogue is the one the pages rank from GET /api/runs', async () => {
    const byId = (a: { id: string }, b: { id: string }) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
    const ours = (await modelCatalogue()).sort(byId);
    expect(ours.length).toBeGreaterThan(1);
    expect(ours).toEqual(catalogueOf(await listRuns()).sort(byId));
  });

  it('equal the columns of the light steps, under every judge', async () => {
    const catalogue = await modelCatalogue();
    const order = modelsByPrice(catalogue).map((m) => m.id);
    const color = modelPalette(catalogue);
    const ids = (await db.pool().query<{ id: string }>('SELECT id FROM trajectories ORDER BY id LIMIT 20')).rows.map((r) => r.id);
    const judges = (await db.pool().query<{ name: string }>('SELECT name FROM judges ORDER BY name')).rows.map((r) => r.name);
    let switched = 0;
    let scored = 0;
    for (const id of ids) {
      for (const judge of [null, ...judges]) {
        const page = await getTrajectory(id, { steps_from: 0, steps_limit: 5000, fields: 'light' }, { ...DEFAULT_VIEW, judge });
        const cols = await getTimelineColumns(id, judge, catalogue);
        expect(cols).toEqual(columnsOfSteps(page.steps, order, color));
        if (judge === null) expect(await getTimelineColumns(id, null)).toEqual(cols);
        switched += /[ud]/.test(cols.switches) ? 1 : 0;
        scored += cols.scores.length > 0 ? 1 : 0;
      }
    }
    // The data has switches and judged steps to compare.
    expect(switched).toBeGreaterThan(0);
    expect(scored).toBeGreaterThan(0);
  });
});
