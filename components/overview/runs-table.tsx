'use client';
import Link from 'next/link';
import { Fragment, useState } from 'react';
import { useRouter } from 'next/navigation';
import { Badge } from '@/components/ui/badge';
import { pageHref, type Params } from '@/lib/client/api';
import { routingHref } from '@/lib/client/routing-url';
import { trainingHref } from '@/lib/client/training-url';
import { formatInt, formatPercent, formatScore, formatUsd } from '@/lib/client/format';
import type { ModelColor } from '@/lib/client/model-colors';
import { firstOrder, savingsOf, type OverviewSortKey, type SortOrder } from '@/lib/client/overview-url';
import type { RunSummary } from '@/lib/client/types';
import { StepShareBar } from './step-share-bar';
import { RunDetail } from './run-detail';

const TH = 'px-2 py-2 text-left text-[11px] font-medium uppercase tracking-wide text-slate-500 align-bottom';
const TD = 'px-2 py-2 tabular-nums align-top';
/** Below this many trajectories a run's intervals are wide: its n is marked. */
export const FEW_TRAJECTORIES = 30;

function SortHeader({
  id,
  label,
  title,
  sort,
  order,
  onSort,
  right = true,
}: {
  id: OverviewSortKey;
  label: React.ReactNode;
  title?: string;
  sort: OverviewSortKey;
  order: SortOrder;
  onSort: (key: OverviewSortKey, order: SortOrder) => void;
  right?: boolean;
}) {
  const active = sort === id;
  const next: SortOrder = active ? (order === 'asc' ? 'desc' : 'asc') : firstOrder(id);
  return (
    <th className={`${TH} ${right ? 'text-right' : ''}`} aria-sort={active ? (order === 'asc' ? 'ascending' : 'descending') : 'none'} title={title}>
      <button
        type="button"
        className={`inline-flex items-center gap-1 uppercase tracking-wide hover:text-slate-900 ${right ? 'flex-row-reverse text-right' : ''} ${active ? 'text-slate-900' : ''}`}
        onClick={() => onSort(id, next)}
        data-testid={`sort-${id}`}
      >
        <span>{label}</span>
        <span aria-hidden className={`w-2 text-[9px] ${active ? '' : 'invisible'}`}>
          {order === 'asc' ? '▲' : '▼'}
        </span>
      </button>
    </th>
  );
}

/** A figure with its 95% interval under it, small. */
function WithInterval({
  value,
  ci,
  format,
  testId,
}: {
  value: string;
  ci: readonly [number, number] | null | undefined;
  format: (v: number) => string;
  testId: string;
}) {
  return (
    <>
      <div data-testid={testId}>{value}</div>
      <div className="whitespace-nowrap text-[11px] text-slate-400" data-testid={`${testId}-ci`} title="95% interval">
        {ci ? `${format(ci[0])}–${format(ci[1])}` : '—'}
      </div>
    </>
  );
}

/** A cost is never below 0: a t interval of a few very different costs that reaches below is shown from $0. */
const costShown = (ci: readonly [number, number] | null | undefined): [number, number] | null => (ci ? [Math.max(0, ci[0]), ci[1]] : null);

export interface RunsTableProps {
  runs: readonly RunSummary[];
  modelOrder: readonly string[];
  color: ModelColor;
  /** The page's view settings (judge, lambda, mu, benchmark), carried into the links to each run's list. */
  view?: Params;
  sort: OverviewSortKey;
  order: SortOrder;
  onSort: (key: OverviewSortKey, order: SortOrder) => void;
  /** The model every run's savings are against; null: each trajectory's largest model. */
  reference: string | null;
  /** Admins get a hide / show button on each row. */
  onHide?: (run: RunSummary, hidden: boolean) => void;
  pending?: string | null;
}

/**
 * What a run's savings are against: the chosen reference model, else the largest model of the run's
 * trajectories by name when they share one, else how many there are (the list, with counts, on hover).
 */
function SavingsReference({ run, reference }: { run: RunSummary; reference: string | null }) {
  const baselines = run.savings_baselines;
  const [label, title] = reference
    ? [reference, `against ${reference}, the same tokens priced at it`]
    : baselines.length === 1
      ? [baselines[0]!.model, `against ${baselines[0]!.model}, the largest model of every trajectory of the run`]
      : baselines.length === 0
        ? ['own largest', "against each trajectory's largest model"]
        : [
            `own largest (${baselines.length} models)`,
            `against each trajectory's largest model:\n${baselines.map((b) => `${b.model}: ${formatInt(b.trajectories)} trajectories`).join('\n')}`,
          ];
  return (
    <div className="ml-auto max-w-36 truncate text-[11px] text-slate-400" data-testid="run-savings-reference" title={title}>
      vs <span className="font-mono">{label}</span>
    </div>
  );
}

export function RunsTable({ runs, modelOrder, color, view = {}, sort, order, onSort, reference, onHide, pending = null }: RunsTableProps) {
  const router = useRouter();
  const [open, setOpen] = useState<string | null>(null);
  const columns = 8;
  const head = { sort, order, onSort };
  return (
    <div className="overflow-x-auto">
      <table className="w-full text-sm" data-testid="runs-table">
        <thead className="border-b border-slate-200 bg-slate-50/60">
          <tr>
            <SortHeader id="run" label="Run" right={false} {...head} />
            <SortHeader id="trajectories" label="n" title="Trajectories" {...head} />
            <SortHeader id="accuracy" label="Accuracy" title="Share correct, with its 95% Wilson interval" {...head} />
            <SortHeader id="cost" label="Mean cost" title="Mean cost per trajectory, with its 95% t interval" {...head} />
            <SortHeader
              id="savings"
              label={reference ? 'Savings' : 'Savings vs all-largest'}
              title={
                reference
                  ? `Mean of 1 − cost / the same tokens priced at ${reference}`
                  : "Mean of 1 − cost / the cost with every step on the trajectory's largest model"
              }
              {...head}
            />
            <SortHeader id="process" label="Process" title="Mean process score" {...head} />
            <SortHeader id="reward" label="Reward" title="Mean reward: outcome + λ·process − μ·cost ratio, at the page's λ and μ" {...head} />
            <th className={TH}>Steps by model</th>
          </tr>
        </thead>
        <tbody className="divide-y divide-slate-100">
          {runs.map((r) => {
            const href = pageHref.trajectories({ run: r.id, ...view });
            const savings = savingsOf(r, reference);
            const few = r.trajectories < FEW_TRAJECTORIES;
            const expanded = open === r.id;
            return (
              <Fragment key={r.id}>
                <tr
                  className={`cursor-pointer hover:bg-sky-50/50 ${r.hidden ? 'bg-slate-50 text-slate-500' : ''}`}
                  onClick={() => router.push(href)}
                  data-testid="run-row"
                  data-run={r.id}
                >
                  <td className="px-2 py-2 align-top">
                    <div className="flex items-start gap-1">
                      <button
                        type="button"
                        className="mt-0.5 h-4 w-4 shrink-0 rounded text-[10px] leading-4 text-slate-400 hover:bg-slate-100 hover:text-slate-700"
                        aria-expanded={expanded}
                        aria-label={expanded ? `Hide the details of ${r.id}` : `Show the details of ${r.id}: policy, meta, models`}
                        title="Policy, meta and models"
                        data-testid="run-details-toggle"
                        onClick={(e) => {
                          e.stopPropagation();
                          setOpen(expanded ? null : r.id);
                        }}
                      >
                        {expanded ? '▾' : '▸'}
                      </button>
                      <div className="min-w-0">
                        <Link
                          href={href}
                          className="whitespace-nowrap font-mono text-[13px] font-medium text-slate-900 hover:text-sky-700"
                          onClick={(e) => e.stopPropagation()}
                          title={r.policy ? `policy: ${r.policy}` : undefined}
                        >
                          {r.id}
                        </Link>
                        <div className="flex flex-wrap gap-x-2 text-xs text-slate-500">
                          {r.hidden && <Badge tone="amber">hidden</Badge>}
                          {r.policy && <span>{r.policy}</span>}
                          <Link
                            href={routingHref(r.id)}
                            className="text-sky-700 hover:underline"
                            onClick={(e) => e.stopPropagation()}
                            data-testid="run-routing-link"
                          >
                            routing
                          </Link>
                          {onHide && (
                            <button
                              type="button"
                              className="text-slate-500 hover:text-slate-900 hover:underline disabled:opacity-50"
                              disabled={pending === r.id}
                              title={
                                r.hidden ? 'Show this run on the overview again' : 'Leave this run out of the overview (its trajectories stay everywhere else)'
                              }
                              data-testid={r.hidden ? 'run-unhide' : 'run-hide'}
                              onClick={(e) => {
                                e.stopPropagation();
                                onHide(r, !r.hidden);
                              }}
                            >
                              {r.hidden ? 'show' : 'hide'}
                            </button>
                          )}
                          {(r.training_steps ?? 0) > 0 && (
                            <Link
                              href={trainingHref(r.id, view)}
                              className="inline-flex items-center gap-1 font-medium text-violet-700 hover:underline"
                              onClick={(e) => e.stopPropagation()}
                              title="A training run: its figures over training steps, its GRPO groups, live"
                              data-testid="run-training-link"
                            >
                              <span aria-hidden className="inline-block h-1.5 w-1.5 rounded-full bg-violet-500" />
                              training · {formatInt(r.training_steps)} {r.training_steps === 1 ? 'step' : 'steps'}
                            </Link>
                          )}
                        </div>
                      </div>
                    </div>
                  </td>
                  <td className={`${TD} text-right`} data-testid="run-n">
                    <span
                      className={few ? 'rounded bg-amber-50 px-1 font-medium text-amber-800' : ''}
                      title={few ? `Only ${r.trajectories} trajectories: the intervals are wide` : `${formatInt(r.trajectories)} trajectories`}
                    >
                      {formatInt(r.trajectories)}
                    </span>
                  </td>
                  <td className={`${TD} text-right`}>
                    <WithInterval value={formatPercent(r.accuracy)} ci={r.accuracy_ci} format={(v) => formatPercent(v)} testId="run-accuracy" />
                  </td>
                  <td className={`${TD} text-right`}>
                    <WithInterval value={formatUsd(r.mean_cost_usd)} ci={costShown(r.mean_cost_ci)} format={formatUsd} testId="run-cost" />
                  </td>
                  <td className={`${TD} text-right`}>
                    <div className={savings !== null && savings < 0 ? 'text-rose-700' : ''} data-testid="run-savings">
                      {formatPercent(savings)}
                    </div>
                    <SavingsReference run={r} reference={reference} />
                  </td>
                  <td className={`${TD} text-right`} data-testid="run-process">
                    {formatScore(r.mean_process_score)}
                  </td>
                  <td className={`${TD} text-right`} data-testid="run-reward">
                    {formatScore(r.mean_reward)}
                  </td>
                  <td className="px-2 py-2 align-top">
                    <StepShareBar shares={r.step_share_by_model} order={modelOrder} color={color} captionClassName="hidden xl:inline" />
                  </td>
                </tr>
                {expanded && (
                  <tr className="bg-slate-50/70" data-testid="run-detail-row">
                    <td colSpan={columns} className="px-4 py-3">
                      <RunDetail run={r} color={color} />
                    </td>
                  </tr>
                )}
              </Fragment>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}
