// The JSON shapes of the read API (../shared/spec/api.md) as the browser receives them: the server's
// own types through Json (dates as strings), type-only imports that leave the bundle. One definition:
// a field renamed on the server fails the typecheck here (tests/typecheck/response-types.ts).
import type { Json, JsonOf } from '@/lib/server/json';
import type { getQuery } from '@/lib/server/queries/query';
import type { queryPairs } from '@/lib/server/queries/pairs';
import type { RunModel as ServerRunModel, RunSummary as ServerRunSummary } from '@/lib/server/queries/runs';
import type { trajectoryScores } from '@/lib/server/queries/scores';
import type { trajectoryCostFigures } from '@/lib/server/queries/cost';
import type { TrajectoryDetail as ServerTrajectoryDetail } from '@/lib/server/queries/trajectory';
import type { judgmentJson } from '@/lib/server/queries/trajectory-parts';
import type { TrajectoryListItem } from '@/lib/server/queries/trajectory-list';
import type { IngestSummary, LineError } from '@/lib/ingest/pipeline';

export type { ErrorBody as ApiErrorBody } from '@/lib/server/errors';
export type { Scale } from '@/lib/domain/types';
export type { JudgeSummary } from '@/lib/server/queries/judges';
export type { ExportCounts, KindCount } from '@/lib/server/queries/export-counts';
export type { TrajectoryListItem } from '@/lib/server/queries/trajectory-list';
export type { QueryTrajectory } from '@/lib/server/queries/query';

export type RunSummary = Json<ServerRunSummary>;
export type RunModel = Json<ServerRunModel>;

export interface RunsResponse {
  runs: RunSummary[];
}

export interface TrajectoryListResponse {
  items: Json<TrajectoryListItem>[];
  next_cursor: string | null;
  total: number;
}

/** GET /api/trajectories/{id}; `steps[].text` is absent from `?fields=light`. */
export type TrajectoryDetail = Json<ServerTrajectoryDetail>;
export type StepDetail = TrajectoryDetail['steps'][number];
export type ModelInfo = TrajectoryDetail['models'][number];
export type Rubric = NonNullable<TrajectoryDetail['rubric']>;
export type RubricCriterion = Rubric['criteria'][number];
/** A judgment as the read routes show it: the judge's score, the effective one and its item. */
export type ScoredJudgment = Json<ReturnType<typeof judgmentJson>>;
/** A judgment as the detail route sends it: the trace's fields plus its id and effective score. */
export type TraceJudgment = TrajectoryDetail['judgments'][number];

export type ScoresResponse = JsonOf<typeof trajectoryScores>;
export type CostResponse = JsonOf<typeof trajectoryCostFigures>;

export type QueryDetail = JsonOf<typeof getQuery>;
export type QueryRunFigures = QueryDetail['runs'][number];

export type PairsResponse = JsonOf<typeof queryPairs>;
export type PreferencePairRow = PairsResponse['pairs'][number];

export type IngestLineError = LineError;
export type IngestReport = IngestSummary;
