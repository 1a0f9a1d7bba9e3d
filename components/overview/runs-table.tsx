'use client';
import Link from 'next/link';
import { useRouter } from 'next/navigation';
import { pageHref, type Params } from '@/lib/client/api';
import { routingHref } from '@/lib/client/routing-url';
import { trainingHref } from '@/lib/client/training-url';
import { formatInt, formatPercent, formatScore, formatUsd } from '@/lib/client/format';
import type { ModelColor } from '@/lib/client/model-colors';
import type { RunSummary } from '@/lib/client/types';
import { StepShareBar } from './step-share-bar';

const TH = 'px-3 py-2 text-left text-[11px] font-medium uppercase tracking-wide text-slate-500';
const TD = 'px-3 py-2 tabular-nums';

/** `view`: the page's view settings (judge, lambda, mu), carried into the links to each run's list. */
export function RunsTable({ runs, modelOrder, color, view = {} }: { runs: readonly RunSummary[]; modelOrder: readonly string[]; color: ModelColor; view?: Params }) {
  const router = useRouter();
  return (
    <div className="overflow-x-auto">
      <table className="w-full text-sm" data-testid="runs-table">
        <thead className="border-b border-slate-200 bg-slate-50/60">
          <tr>
            <th className={TH}>Run</th>
            <th className={`${TH} text-right`}>Trajectories</th>
            <th className={`${TH} text-right`}>Accuracy</th>
            <th className={`${TH} text-right`}>Mean cost</th>
            <th className={`${TH} text-right`} title="Mean of 1 - cost / all-largest cost">
              Savings vs all-largest
            </th>
            <th className={`${TH} text-right`}>Mean process score</th>
            <th className={`${TH} text-right`} title="outcome + λ·process − μ·cost ratio, at the page's λ and μ">
              Mean reward
            </th>
            <th className={TH}>Steps by model</th>
          </tr>
        </thead>
        <tbody className="divide-y divide-slate-100">
          {runs.map((r) => {
            const href = pageHref.trajectories({ run: r.id, ...view });
            return (
              <tr key={r.id} className="cursor-pointer hover:bg-sky-50/50" onClick={() => router.push(href)} data-testid="run-row">
                <td className="px-3 py-2">
                  <Link href={href} className="font-mono text-[13px] font-medium text-slate-900 hover:text-sky-700" onClick={(e) => e.stopPropagation()}>
                    {r.id}
                  </Link>
                  <div className="flex gap-2 text-xs text-slate-500">
                    {r.policy && <span>{r.policy}</span>}
                    <Link href={routingHref(r.id)} className="text-sky-700 hover:underline" onClick={(e) => e.stopPropagation()} data-testid="run-routing-link">
                      routing
                    </Link>
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
                </td>
                <td className={`${TD} text-right`}>{formatInt(r.trajectories)}</td>
                <td className={`${TD} text-right`}>{formatPercent(r.accuracy)}</td>
                <td className={`${TD} text-right`}>{formatUsd(r.mean_cost_usd)}</td>
                <td className={`${TD} text-right ${r.mean_savings !== null && r.mean_savings < 0 ? 'text-rose-700' : ''}`}>{formatPercent(r.mean_savings)}</td>
                <td className={`${TD} text-right`} data-testid="run-process">
                  {formatScore(r.mean_process_score)}
                </td>
                <td className={`${TD} text-right`} data-testid="run-reward">
                  {formatScore(r.mean_reward)}
                </td>
                <td className="px-3 py-2">
                  <StepShareBar shares={r.step_share_by_model} order={modelOrder} color={color} />
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}
