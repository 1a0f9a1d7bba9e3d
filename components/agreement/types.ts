// GET /api/agreement and GET /api/agreement/disagreements as the browser receives them.
export type { Interval } from '@/lib/domain';
export type { JudgeHumanFigures } from '@/lib/server/queries/agreement';
import type { JudgeHumanFigures } from '@/lib/server/queries/agreement';

export type ScaleKind = 'binary' | 'ternary' | 'numeric';


export interface PeopleFigures {
  level: 'nominal' | 'interval';
  n_items: number;
  alpha: number | null;
}

export interface CriterionAgreement {
  rubric_id: string;
  id: string;
  text: string;
  kind: ScaleKind;
  weight: number;
  n_items: number;
  judge_human: JudgeHumanFigures;
  people: PeopleFigures;
}

export interface KindAgreement {
  kind: ScaleKind;
  judge_human: JudgeHumanFigures;
  people: PeopleFigures;
}

export interface AgreementFigures {
  overall: {
    n_items: number;
    judge_human: {
      categorical: { n: number; percent_agreement: number | null; cohens_kappa: number | null };
      numeric: { n: number; mean_absolute_difference: number | null; spearman_rho: number | null };
    };
    people: { nominal: { n_items: number; alpha: number | null }; interval: { n_items: number; alpha: number | null } };
  };
  kinds: KindAgreement[];
  criteria: CriterionAgreement[];
}

export interface AgreementResponse extends AgreementFigures {
  run: string | null;
  rubric: string | null;
  criterion: string | null;
  judge: string | null;
}

export interface AgreementByJudgeResponse {
  judges: ({ judge: string } & AgreementFigures)[];
}

export type AgreementOver = 'day' | 'week' | 'step';

export interface AgreementSeriesResponse {
  over: AgreementOver;
  judges: { judge: string; points: { at: string | number; kinds: { kind: ScaleKind; judge_human: JudgeHumanFigures }[] }[] }[];
}

export type Between = 'judge_human' | 'people';

export interface DisagreementItem {
  judgment_id: number;
  trajectory_id: string;
  rubric_id: string;
  criterion: string;
  steps: number[];
  judge_score: number | null;
  human_score: number;
  people: { person: string; score: number; labelled_by: string; labelled_at: string }[] | null;
}

export interface DisagreementsResponse {
  between: Between;
  items: DisagreementItem[];
  next_after: number | null;
}
