import 'server-only';
// The first page of a trajectory's steps (with texts) for the replay page's server render, so the
// page arrives with its first steps and the browser knows the step count before its first request,
// and the timeline of all its steps as compact columns, painted while the HTML is parsed. The page is
// the same JSON as GET /api/trajectories/{id}?steps_limit=TEXT_PAGE, and only for a caller that the
// route would let read it; anything else (signed out, not found) leaves the page to fetch it itself.
// The trajectory is read once for both: its row, judgments and rubric scores serve the page and the
// timeline alike, and the timeline adds only its one row of per-step characters and the catalogue.
import { headers } from 'next/headers';
import { TEXT_PAGE } from '@/lib/client/step-pages';
import type { TimelineColumns } from '@/lib/client/timeline-paint';
import { authenticate } from './auth';
import { DEFAULT_VIEW } from '@/lib/schemas/view-settings';
import { toJson, type Json } from './json';
import { modelCatalogue, readTimelineRow, timelineColumns } from './queries/timeline';
import { trajectoryDetail, type TrajectoryDetail } from './queries/trajectory';
import { findTrajectory } from './queries/trajectory-parts';
import { reads } from './reads';
import { checkJudge } from './view-settings';

export interface InitialReplay {
  page: Json<TrajectoryDetail>;
  timeline: TimelineColumns;
}

export async function initialReplayPage(id: string, judge: string | null = null): Promise<InitialReplay | null> {
  try {
    const actor = await authenticate(new Request('http://routelens.local/', { headers: await headers() }));
    if (!actor) return null;
    await checkJudge(judge);
    const db = reads();
    const [t, catalogue] = await Promise.all([findTrajectory(db, id), modelCatalogue(db)]);
    const [{ detail, rubricScores }, row] = await Promise.all([
      trajectoryDetail(db, t, { steps_from: 0, steps_limit: TEXT_PAGE, fields: 'full' }, { ...DEFAULT_VIEW, judge }),
      readTimelineRow(db, t),
    ]);
    // Through JSON, as the route sends it: dates become strings, nothing but data crosses to the client.
    return { page: toJson(detail), timeline: timelineColumns(t, row, rubricScores, catalogue) };
  } catch {
    return null;
  }
}
