import 'server-only';
// GET /api/agreement: judge vs newest human label, and between people, per criterion and overall
// (scoring.md). SQL pulls the labelled judgments of the filter with their judge score, newest label
// and each person's newest label; lib/domain computes the figures.
import { getPool } from '@/lib/db/pool';
import { scaleOf } from '@/lib/db/derived';
import { judgeHumanAgreement, peopleAgreement, type JudgeHumanItem, type PeopleItem, type Scale } from '@/lib/domain';
import type { AgreementParams } from '@/lib/schemas/read';
import { empty, join, queryRows, sql, type Sql } from '@/lib/server/sql';

/**
 * Who a label belongs to: its user when it has one, else the author's name (labels imported or
 * written before sign-in existed carry only the name).
 */
export const LABEL_PERSON = sql`COALESCE('user:' || l.user_id, 'author:' || l.author)`;

/** The labelled judgments that the filters select, with `j`, `t` and `c` in scope. */
export function labelledJudgments(params: AgreementParams, extra: Sql[] = []): Sql {
  const where: Sql[] = [sql`j.id IN (SELECT judgment_id FROM labels)`];
  if (params.run !== undefined) where.push(sql`t.run_id = ${params.run}`);
  if (params.rubric !== undefined) where.push(sql`t.rubric_id = ${params.rubric}`);
  if (params.criterion !== undefined) where.push(sql`j.criterion_id = ${params.criterion}`);
  where.push(...extra);
  return sql`FROM judgments j
              JOIN trajectories t ON t.pk = j.trajectory_pk
              JOIN criteria c ON c.rubric_id = t.rubric_id AND c.id = j.criterion_id
             WHERE ${join(where, ' AND ')}`;
}

/** The newest label of judgment `j` (any person). */
export const NEWEST_LABEL = sql`(SELECT l.score FROM labels l WHERE l.judgment_id = j.id ORDER BY l.version DESC LIMIT 1)`;

interface ItemRow {
  rubric_id: string;
  criterion_id: string;
  position: number;
  text: string;
  weight: number;
  kind: Scale['kind'];
  scale_min: number | null;
  scale_max: number | null;
  judge_score: number | null;
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
    if (r.judge_score !== null) g.judgeHuman.push({ judge: r.judge_score, human: r.human_score, scale: g.scale });
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

/**
 * One pass over the labels of the selected judgments: each judgment's newest label, and each
 * person's newest label in person order (a window over one sort of the labels, rather than two
 * lookups per judgment).
 */
function labelledItems(params: AgreementParams): Sql {
  const where: Sql[] = [];
  if (params.run !== undefined) where.push(sql`t.run_id = ${params.run}`);
  if (params.rubric !== undefined) where.push(sql`t.rubric_id = ${params.rubric}`);
  if (params.criterion !== undefined) where.push(sql`j.criterion_id = ${params.criterion}`);
  const cond = where.length ? sql`WHERE ${join(where, ' AND ')}` : empty;
  return sql`SELECT rubric_id, criterion_id, judgment_id, judge_score,
                    (array_agg(score ORDER BY version DESC))[1] AS human_score,
                    array_agg(score ORDER BY person) FILTER (WHERE person_rank = 1) AS people_scores
               FROM (SELECT t.rubric_id, j.criterion_id, j.id AS judgment_id, j.judge_score, l.score, l.version,
                            ${LABEL_PERSON} AS person,
                            row_number() OVER (PARTITION BY l.judgment_id, ${LABEL_PERSON} ORDER BY l.version DESC) AS person_rank
                       FROM labels l
                       JOIN judgments j ON j.id = l.judgment_id
                       JOIN trajectories t ON t.pk = j.trajectory_pk
                       ${cond}) x
              GROUP BY rubric_id, criterion_id, judgment_id, judge_score`;
}

export async function agreement(params: AgreementParams) {
  const rows = await queryRows<ItemRow>(
    getPool(),
    sql`SELECT s.rubric_id, s.criterion_id, c.position, c.text, c.weight, c.kind, c.scale_min, c.scale_max, s.judge_score,
               s.human_score, s.people_scores
          FROM (${labelledItems(params)}) s
          JOIN criteria c ON c.rubric_id = s.rubric_id AND c.id = s.criterion_id`,
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
