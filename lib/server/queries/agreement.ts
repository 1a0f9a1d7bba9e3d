import 'server-only';
// GET /api/agreement: judge vs newest human label, and between people, per criterion and overall
// (scoring.md). Labels belong to items: SQL pulls the labelled items of the filter with every judge's
// score of each, the item's newest label (newest_label) and each person's newest label
// (people_labels); lib/domain computes the figures. Judge vs human counts each judgment of a labelled
// item against the item's label; between people counts each item once.
import { getPool } from '@/lib/db/pool';
import { scaleOf } from '@/lib/db/items';
import { judgeHumanAgreement, peopleAgreement, type JudgeHumanItem, type PeopleItem, type Scale } from '@/lib/domain';
import type { AgreementParams } from '@/lib/schemas/read';
import { empty, join, queryRows, sql, type Sql } from '@/lib/server/sql';

/** The conditions of the agreement filters over item `i` and its trajectory `t`. */
export function agreementConditions(params: Pick<AgreementParams, 'run' | 'rubric' | 'criterion'>): Sql[] {
  const where: Sql[] = [];
  if (params.run !== undefined) where.push(sql`t.run_id = ${params.run}`);
  if (params.rubric !== undefined) where.push(sql`t.rubric_id = ${params.rubric}`);
  if (params.criterion !== undefined) where.push(sql`i.criterion_id = ${params.criterion}`);
  return where;
}

/**
 * The labelled items that the filters select, with `i` (the item), `t` and `c` in scope: driven from
 * the labels (few) rather than the items (one per judged criterion and step set).
 */
export function labelledItems(params: Pick<AgreementParams, 'run' | 'rubric' | 'criterion'>, extra: Sql[] = []): Sql {
  const where = [...agreementConditions(params), ...extra];
  return sql`FROM (SELECT DISTINCT item_id FROM labels) li
              JOIN items i ON i.id = li.item_id
              JOIN trajectories t ON t.pk = i.trajectory_pk
              JOIN criteria c ON c.rubric_id = t.rubric_id AND c.id = i.criterion_id
             ${where.length ? sql`WHERE ${join(where, ' AND ')}` : empty}`;
}

/** One judge's score of an item. */
export interface JudgeScore {
  judgment_id: number;
  judge: string | null;
  score: number;
}

/** Over item `i`: every judge's score, by position (a person's own judgments have none). */
export const JUDGE_SCORES_JSON = sql`(SELECT json_agg(json_build_object('judgment_id', j.id, 'judge', j.judge, 'score', j.judge_score) ORDER BY j.position)
    FROM judgments j WHERE j.item_id = i.id AND j.judge_score IS NOT NULL)`;

interface ItemRow {
  rubric_id: string;
  criterion_id: string;
  position: number;
  text: string;
  weight: number;
  kind: Scale['kind'];
  scale_min: number | null;
  scale_max: number | null;
  judges: JudgeScore[] | null;
  human_score: number;
  people_scores: number[];
}

interface CriterionGroup {
  row: ItemRow;
  scale: Scale;
  labelled: number;
  judgeHuman: JudgeHumanItem[];
  people: PeopleItem[];
}

function groupByCriterion(rows: ItemRow[]): CriterionGroup[] {
  const groups = new Map<string, CriterionGroup>();
  for (const r of rows) {
    const key = `${r.rubric_id}\u0000${r.criterion_id}`;
    let g = groups.get(key);
    if (!g) groups.set(key, (g = { row: r, scale: scaleOf(r.kind, r.scale_min, r.scale_max), labelled: 0, judgeHuman: [], people: [] }));
    g.labelled++;
    for (const j of r.judges ?? []) g.judgeHuman.push({ judge: j.score, human: r.human_score, scale: g.scale });
    if (r.people_scores.length >= 2) g.people.push({ scale: g.scale, scores: r.people_scores });
  }
  return [...groups.values()];
}

function criterionFigures(g: CriterionGroup) {
  const jh = judgeHumanAgreement(g.judgeHuman);
  const pa = peopleAgreement(g.people);
  const numeric = g.scale.kind === 'numeric';
  const alpha = numeric ? pa.interval : pa.nominal;
  return {
    rubric_id: g.row.rubric_id,
    id: g.row.criterion_id,
    text: g.row.text,
    kind: g.scale.kind,
    weight: g.row.weight,
    n_items: g.labelled,
    judge_human: {
      n: numeric ? jh.numeric.n : jh.categorical.n,
      percent_agreement: numeric ? null : jh.categorical.percentAgreement,
      cohens_kappa: numeric ? null : jh.categorical.kappa,
      mean_absolute_difference: numeric ? jh.numeric.meanAbsoluteDifference : null,
      spearman_rho: numeric ? jh.numeric.spearmanRho : null,
    },
    people: { level: numeric ? ('interval' as const) : ('nominal' as const), n_items: alpha.items, alpha: alpha.alpha },
  };
}

export async function agreement(params: AgreementParams) {
  const rows = await queryRows<ItemRow>(
    getPool(),
    sql`SELECT t.rubric_id, i.criterion_id, c.position, c.text, c.weight, c.kind, c.scale_min, c.scale_max,
               ${JUDGE_SCORES_JSON} AS judges,
               (SELECT nl.score FROM newest_label(i.id) nl) AS human_score,
               (SELECT array_agg(p.score ORDER BY label_person(p.user_id, p.author)) FROM people_labels(i.id) p) AS people_scores
          ${labelledItems(params)}`,
  );
  const groups = groupByCriterion(rows).sort(
    (a, b) => (a.row.rubric_id < b.row.rubric_id ? -1 : a.row.rubric_id > b.row.rubric_id ? 1 : a.row.position - b.row.position),
  );
  const jh = judgeHumanAgreement(groups.flatMap((g) => g.judgeHuman));
  const pa = peopleAgreement(groups.flatMap((g) => g.people));
  return {
    run: params.run ?? null,
    rubric: params.rubric ?? null,
    criterion: params.criterion ?? null,
    overall: {
      n_items: rows.length,
      judge_human: {
        categorical: { n: jh.categorical.n, percent_agreement: jh.categorical.percentAgreement, cohens_kappa: jh.categorical.kappa },
        numeric: { n: jh.numeric.n, mean_absolute_difference: jh.numeric.meanAbsoluteDifference, spearman_rho: jh.numeric.spearmanRho },
      },
      people: {
        nominal: { n_items: pa.nominal.items, alpha: pa.nominal.alpha },
        interval: { n_items: pa.interval.items, alpha: pa.interval.alpha },
      },
    },
    criteria: groups.map(criterionFigures),
  };
}
