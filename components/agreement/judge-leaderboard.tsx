'use client';
// The judge leaderboard: for one scale kind (pooled across rubrics) or one criterion of one rubric,
// every judge's agreement with people, best first, each figure with its 95% bootstrap interval drawn
// on a common axis — so a reader sees whether two judges really differ or their intervals overlap.
import { MIN_AGREEMENT_ITEMS } from '@/lib/domain/agreement';
import { DASH, enough, Figure, formatMetric, METRIC_LABEL, metricsOf, valueOf, type Metric } from './figures';
import type { AgreementByJudgeResponse, Interval, JudgeHumanFigures, ScaleKind } from './types';

/** What the leaderboard ranks by: `kind:<binary|ternary|numeric>` or `criterion:<id>` (within one rubric). */
export type BoardChoice = { kind: ScaleKind; criterion: null } | { kind: ScaleKind; criterion: string };

export interface BoardRow {
  judge: string;
  figures: JudgeHumanFigures;
}

export function boardRows(data: AgreementByJudgeResponse, choice: BoardChoice): BoardRow[] {
  const rows: BoardRow[] = [];
  for (const j of data.judges) {
    const figures =
      choice.criterion === null ? j.kinds.find((k) => k.kind === choice.kind)?.judge_human : j.criteria.find((c) => c.id === choice.criterion)?.judge_human;
    if (figures && figures.n > 0) rows.push({ judge: j.judge, figures });
  }
  const [, main] = metricsOf(choice.kind);
  const rank = (r: BoardRow) => {
    const { value } = valueOf(r.figures, main);
    return enough(r.figures.n) && value !== null ? value : -Infinity;
  };
  return rows.sort((a, b) => rank(b) - rank(a) || a.judge.localeCompare(b.judge));
}

const overlap = (a: Interval, b: Interval) => a.low <= b.high && b.low <= a.high;

/** A sentence on whether the best two judges can be told apart. */
export function verdict(rows: BoardRow[], metric: Metric): string | null {
  const ranked = rows.filter((r) => enough(r.figures.n) && valueOf(r.figures, metric).interval);
  if (ranked.length < 2) return null;
  const [a, b] = ranked as [BoardRow, BoardRow];
  const ia = valueOf(a.figures, metric).interval!;
  const ib = valueOf(b.figures, metric).interval!;
  return overlap(ia, ib)
    ? `${a.judge} and ${b.judge}: their 95% intervals of ${METRIC_LABEL[metric]} overlap, so these items do not tell them apart.`
    : `${a.judge} agrees with people better than ${b.judge}: their 95% intervals of ${METRIC_LABEL[metric]} do not overlap.`;
}

/** The axis an interval is drawn on. */
function domainOf(metric: Metric): [number, number] {
  return metric === 'kappa' || metric === 'rho' ? [-1, 1] : [0, 1];
}

function IntervalBar({ value, interval, metric, n }: { value: number | null; interval: Interval | null; metric: Metric; n: number }) {
  const [lo, hi] = domainOf(metric);
  const x = (v: number) => `${(((Math.max(lo, Math.min(hi, v)) - lo) / (hi - lo)) * 100).toFixed(2)}%`;
  const show = enough(n) && value !== null;
  return (
    <svg
      className="h-4 w-full min-w-24"
      role="img"
      aria-label={show && interval ? `95% interval ${formatMetric(metric, interval.low)} to ${formatMetric(metric, interval.high)}` : 'no interval'}
    >
      <line x1="0" x2="100%" y1="8" y2="8" stroke="#e2e8f0" strokeWidth="1" />
      {lo < 0 && <line x1="50%" x2="50%" y1="3" y2="13" stroke="#cbd5e1" strokeWidth="1" />}
      {show && interval && <line x1={x(interval.low)} x2={x(interval.high)} y1="8" y2="8" stroke="#0284c7" strokeWidth="3" strokeLinecap="round" />}
      {show && <circle cx={x(value)} cy="8" r="3.5" fill="#0f172a" />}
    </svg>
  );
}

function IntervalText({ interval, metric, n }: { interval: Interval | null; metric: Metric; n: number }) {
  if (!enough(n) || !interval) return <span className="text-xs text-slate-400">{DASH}</span>;
  return (
    <span className="whitespace-nowrap text-xs text-slate-500 tabular-nums" data-testid="interval">
      [{formatMetric(metric, interval.low)}, {formatMetric(metric, interval.high)}]
    </span>
  );
}

export function JudgeLeaderboard({ rows, kind, selected }: { rows: BoardRow[]; kind: ScaleKind; selected: string | null }) {
  const [first, second] = metricsOf(kind);
  const say = verdict(rows, second);
  if (rows.length === 0) return <p className="px-4 py-6 text-sm text-slate-500">No judge has scored a labelled item here.</p>;
  return (
    <div>
      <div className="overflow-x-auto">
        <table className="w-full text-sm" data-testid="judge-leaderboard">
          <thead className="text-left text-[11px] uppercase tracking-wide text-slate-500">
            <tr>
              <th className="px-4 py-2">#</th>
              <th className="px-4 py-2">Judge</th>
              <th className="px-4 py-2 text-right">Items</th>
              <th className="px-4 py-2">{METRIC_LABEL[first]}</th>
              <th className="px-4 py-2">{METRIC_LABEL[second]}</th>
              <th className="w-1/4 min-w-32 px-4 py-2">
                95% interval of {second === 'kappa' ? 'κ' : 'ρ'} <span className="font-normal normal-case">(−1 … 1)</span>
              </th>
            </tr>
          </thead>
          <tbody className="divide-y divide-slate-100">
            {rows.map((r, i) => {
              const a = valueOf(r.figures, first);
              const b = valueOf(r.figures, second);
              return (
                <tr key={r.judge} data-testid="leaderboard-row" data-judge={r.judge} className={r.judge === selected ? 'bg-sky-50' : undefined}>
                  <td className="px-4 py-2 text-slate-400 tabular-nums">{enough(r.figures.n) ? i + 1 : DASH}</td>
                  <td className="whitespace-nowrap px-4 py-2 font-mono text-xs font-semibold">{r.judge}</td>
                  <td className="px-4 py-2 text-right tabular-nums">{r.figures.n}</td>
                  <td className="px-4 py-2">
                    <div className="flex flex-wrap items-baseline gap-x-2">
                      <Figure value={a.value} n={r.figures.n} metric={first} testId={`board-${first}`} />
                      <IntervalText interval={a.interval} metric={first} n={r.figures.n} />
                    </div>
                  </td>
                  <td className="px-4 py-2">
                    <div className="flex flex-wrap items-baseline gap-x-2">
                      <Figure value={b.value} n={r.figures.n} metric={second} testId={`board-${second}`} />
                      <IntervalText interval={b.interval} metric={second} n={r.figures.n} />
                    </div>
                  </td>
                  <td className="px-4 py-2">
                    <IntervalBar value={b.value} interval={b.interval} metric={second} n={r.figures.n} />
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>
      <p className="border-t border-slate-100 px-4 py-2 text-xs text-slate-500" data-testid="leaderboard-verdict">
        {say ?? `Intervals need at least ${MIN_AGREEMENT_ITEMS} items per judge; figures on fewer show "${DASH}".`} Intervals: 95% percentile bootstrap over
        items, seeded (the same labels always give the same interval).
      </p>
    </div>
  );
}
