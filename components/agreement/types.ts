// GET /api/agreement and GET /api/agreement/disagreements as the browser receives them.
export interface JudgeHumanFigures {
  n: number;
  percent_agreement: number | null;
  cohens_kappa: number | null;
  mean_absolute_difference: number | null;
  spearman_rho: number | null;
}

export interface CriterionAgreement {
  rubric_id: string;
  id: string;
  text: string;
  kind: 'binary' | 'ternary' | 'numeric';
  weight: number;
  n_items: number;
  judge_human: JudgeHumanFigures;
  people: { level: 'nominal' | 'interval'; n_items: number; alpha: number | null };
}

export interface AgreementResponse {
  run: string | null;
  rubric: string | null;
  criterion: string | null;
  overall: {
    n_items: number;
    judge_human: {
      categorical: { n: number; percent_agreement: number | null; cohens_kappa: number | null };
      numeric: { n: number; mean_absolute_difference: number | null; spearman_rho: number | null };
    };
    people: { nominal: { n_items: number; alpha: number | null }; interval: { n_items: number; alpha: number | null } };
  };
  criteria: CriterionAgreement[];
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
