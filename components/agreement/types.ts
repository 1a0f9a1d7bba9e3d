// GET /api/agreement and GET /api/agreement/disagreements as the browser receives them: the server's
// own types through Json, type-only imports that leave the bundle.
import type { JsonOf } from '@/lib/server/json';
import type { agreement, agreementByJudge, agreementSeries } from '@/lib/server/queries/agreement';
import type { disagreements } from '@/lib/server/queries/disagreements';

export type { Interval, ScaleKind } from '@/lib/domain';
export type { JudgeHumanFigures } from '@/lib/server/queries/agreement';
export type { AgreementOver } from '@/lib/schemas/read';

export type AgreementResponse = JsonOf<typeof agreement>;
export type AgreementByJudgeResponse = JsonOf<typeof agreementByJudge>;
export type AgreementSeriesResponse = JsonOf<typeof agreementSeries>;
export type CriterionAgreement = AgreementResponse['criteria'][number];
export type KindAgreement = AgreementResponse['kinds'][number];
export type PeopleFigures = KindAgreement['people'];

export type DisagreementsResponse = JsonOf<typeof disagreements>;
export type DisagreementItem = DisagreementsResponse['items'][number];
export type Between = DisagreementsResponse['between'];
