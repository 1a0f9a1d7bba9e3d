// How the agreement page writes a figure: with the number of items it rests on, and as "—" when they
// are fewer than MIN_AGREEMENT_ITEMS (on 3 items kappa is 1.000 or 0.000 by chance), never as a number.
import { MIN_AGREEMENT_ITEMS } from '@/lib/domain/agreement';
import { formatPercent, formatScore } from '@/lib/client/format';
import type { Interval, JudgeHumanFigures, ScaleKind } from './types';

export const DASH = '—';

export const enough = (n: number) => n >= MIN_AGREEMENT_ITEMS;

export type Metric = 'percent' | 'kappa' | 'mad' | 'rho';

export const METRIC_LABEL: Record<Metric, string> = { percent: 'agreement', kappa: 'Cohen’s κ', mad: 'mean abs. difference', rho: 'Spearman ρ' };

export function metricsOf(kind: ScaleKind): [Metric, Metric] {
  return kind === 'numeric' ? ['mad', 'rho'] : ['percent', 'kappa'];
}

export function valueOf(f: JudgeHumanFigures, m: Metric): { value: number | null; interval: Interval | null } {
  switch (m) {
    case 'percent':
      return { value: f.percent_agreement, interval: f.percent_agreement_interval };
    case 'kappa':
      return { value: f.cohens_kappa, interval: f.cohens_kappa_interval };
    case 'mad':
      return { value: f.mean_absolute_difference, interval: f.mean_absolute_difference_interval };
    case 'rho':
      return { value: f.spearman_rho, interval: f.spearman_rho_interval };
  }
}

export function formatMetric(m: Metric, v: number | null | undefined): string {
  return m === 'percent' ? formatPercent(v) : formatScore(v);
}

/** A figure with the number of items it rests on; "—" with n below the minimum or when undefined. */
export function Figure({ value, n, metric, testId }: { value: number | null; n: number; metric: Metric | 'alpha'; testId?: string }) {
  const shown = enough(n) && value !== null ? (metric === 'alpha' ? formatScore(value) : formatMetric(metric, value)) : DASH;
  const title = enough(n) ? undefined : `rests on ${n} item${n === 1 ? '' : 's'}; a figure needs at least ${MIN_AGREEMENT_ITEMS}`;
  return (
    <span className="tabular-nums" data-testid={testId} title={title}>
      <span className="font-semibold text-slate-900" data-testid={testId ? `${testId}-value` : undefined}>
        {shown}
      </span>{' '}
      <span className="text-xs text-slate-400">n={n}</span>
    </span>
  );
}

/** Whether people and the judge differ on some item of these figures (so "differing items" has rows). */
export function someDiffer(f: JudgeHumanFigures): boolean {
  if (f.n === 0) return false;
  if (f.percent_agreement !== null) return f.percent_agreement < 1;
  if (f.mean_absolute_difference !== null) return f.mean_absolute_difference > 0;
  return false;
}
