'use client';
// One GRPO group's rollouts side by side (GET /api/runs/{id}/groups/{group}): what each got under the
// outcome, the process score and the cost, its reward at the view's λ and μ, its advantage within the
// group, and its rank under the combined reward against its rank under the outcome alone. A rollout
// opens its replay; any two open in compare.
import Link from 'next/link';
import { useState } from 'react';
import { Badge, OutcomeBadge } from '@/components/ui/badge';
import { Card, CardHeader } from '@/components/ui/card';
import { SkeletonRows } from '@/components/ui/skeleton';
import { ErrorState } from '@/components/ui/states';
import { pageHref, type Params } from '@/lib/client/api';
import { formatPercent, formatScore, formatUsd } from '@/lib/client/format';
import { SignalBadges } from './groups-card';
import type { GroupDetail, GroupRollout, useGroup } from './use-training';

const TH = 'px-2 py-1.5 text-right align-bottom text-[11px] font-medium uppercase leading-tight tracking-wide text-slate-500';
const TD = 'px-2 py-1.5 text-right tabular-nums whitespace-nowrap';

function signed(v: number | null, digits = 3): string {
  if (v === null) return '—';
  return `${v > 0 ? '+' : v < 0 ? '−' : ''}${Math.abs(v).toFixed(digits)}`;
}

/** A bar from the middle: right for a rollout better than its group's mean, left for worse. */
function AdvantageBar({ value, scale }: { value: number | null; scale: number }) {
  if (value === null || scale === 0) return <span className="inline-block h-2 w-12" />;
  const w = Math.min(1, Math.abs(value) / scale) * 50;
  return (
    <span aria-hidden className="relative inline-block h-2 w-12 rounded-sm bg-slate-100 align-middle">
      <span className="absolute inset-y-0 left-1/2 w-px bg-slate-300" />
      <span
        className={`absolute inset-y-0 ${value >= 0 ? 'bg-emerald-500' : 'bg-rose-500'}`}
        style={value >= 0 ? { left: '50%', width: `${w}%` } : { right: '50%', width: `${w}%` }}
      />
    </span>
  );
}

function RankChange({ r }: { r: GroupRollout }) {
  if (r.rank === r.rank_outcome) return <span className="text-slate-400">{r.rank_outcome}</span>;
  const up = r.rank < r.rank_outcome;
  return (
    <span
      className={`inline-flex items-center gap-1 font-medium ${up ? 'text-emerald-700' : 'text-rose-700'}`}
      title={`Rank ${r.rank_outcome} under the outcome alone, ${r.rank} under the combined reward`}
      data-testid="rank-change"
    >
      {r.rank_outcome}
      <span aria-hidden>{up ? '↑' : '↓'}</span>
    </span>
  );
}

/** The rollout id without the part every rollout of the run shares. */
function shortId(id: string, run: string): string {
  return id.startsWith(`${run}/`) ? id.slice(run.length + 1) : id;
}

function RolloutsTable({ group, view }: { group: GroupDetail; view: Params }) {
  const [picked, setPicked] = useState<string[]>([]);
  const toggle = (id: string) => setPicked((p) => (p.includes(id) ? p.filter((x) => x !== id) : [...p, id].slice(-2)));
  const scale = Math.max(0, ...group.rollouts.map((r) => Math.abs(r.advantage ?? 0)));
  const changed = group.rollouts.filter((r) => r.rank !== r.rank_outcome).length;
  return (
    <>
      <div className="flex flex-wrap items-center justify-between gap-2 border-b border-slate-100 px-3 py-2 text-xs text-slate-600">
        <span>
          {changed === 0
            ? 'No rollout changes rank between the outcome alone and the combined reward.'
            : `${changed} of ${group.rollouts.length} rollouts change rank between the outcome alone and the combined reward (marked).`}
        </span>
        <span className="flex items-center gap-2">
          <span className="text-slate-500">{picked.length === 2 ? 'two picked' : `pick two to compare (${picked.length}/2)`}</span>
          {picked.length === 2 ? (
            <Link
              href={pageHref.compare(picked[0]!, picked[1]!, view)}
              className="rounded-md bg-slate-900 px-2 py-1 font-medium text-white hover:bg-slate-800"
              data-testid="compare-rollouts"
            >
              Compare
            </Link>
          ) : (
            <span className="rounded-md bg-slate-200 px-2 py-1 font-medium text-slate-400" aria-disabled>
              Compare
            </span>
          )}
        </span>
      </div>
      <div className="overflow-x-auto">
        <table className="w-full text-sm" data-testid="rollouts-table">
          <thead className="border-b border-slate-200 bg-slate-50/60">
            <tr>
              <th className="w-6 px-2 py-1.5">
                <span className="sr-only">Pick</span>
              </th>
              <th className={`${TH} text-left`}>Rollout</th>
              <th className={`${TH} text-left`}>Outcome</th>
              <th className={TH}>Process</th>
              <th className={TH}>Cost</th>
              <th className={TH} title={`outcome + λ·process − μ·cost ratio at λ = ${group.lambda}, μ = ${group.mu}`}>
                Reward
              </th>
              <th className={TH} title="reward − the group's mean reward">
                Advantage
              </th>
              <th className={TH} title="advantage / the group's reward std (sample, n − 1)">
                Scaled adv.
              </th>
              <th className={TH} title="1 for the highest combined reward; ties share the smallest rank">
                Rank
              </th>
              <th className={TH} title="The rank under the outcome alone">
                Outcome rank
              </th>
            </tr>
          </thead>
          <tbody className="divide-y divide-slate-100">
            {group.rollouts.map((r) => {
              const moved = r.rank !== r.rank_outcome;
              const on = picked.includes(r.id);
              return (
                <tr
                  key={r.id}
                  className={`${on ? 'bg-sky-50' : moved ? 'bg-amber-50/50' : ''}`}
                  data-testid="rollout-row"
                  data-id={r.id}
                  data-rank-changed={moved ? 'true' : 'false'}
                >
                  <td className={`px-2 py-1.5 ${moved ? 'border-l-2 border-amber-400' : 'border-l-2 border-transparent'}`}>
                    <input
                      type="checkbox"
                      checked={on}
                      onChange={() => toggle(r.id)}
                      aria-label={`Pick ${r.id} to compare`}
                      className="accent-sky-600"
                      data-testid="pick-rollout"
                    />
                  </td>
                  <td className="max-w-64 px-2 py-1.5">
                    <Link
                      href={pageHref.trajectory(r.id, view)}
                      className="block truncate font-mono text-[12px] text-sky-700 hover:underline"
                      title={`Replay ${r.id}`}
                      data-testid="rollout-link"
                    >
                      {shortId(r.id, group.run)}
                    </Link>
                  </td>
                  <td className="px-2 py-1.5">
                    <OutcomeBadge correct={r.correct} />
                  </td>
                  <td className={TD}>{formatScore(r.process_score)}</td>
                  <td className={TD}>{formatUsd(r.cost_usd)}</td>
                  <td className={`${TD} font-medium text-slate-900`}>{formatScore(r.reward)}</td>
                  <td className={TD} data-testid="advantage">
                    <span className="inline-flex items-center gap-2">
                      <AdvantageBar value={r.advantage} scale={scale} />
                      <span className="w-11">{signed(r.advantage)}</span>
                    </span>
                  </td>
                  <td className={TD} data-testid="scaled-advantage">
                    {signed(r.scaled_advantage, 2)}
                  </td>
                  <td className={`${TD} font-medium text-slate-900`}>{r.rank}</td>
                  <td className={TD}>
                    <RankChange r={r} />
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>
    </>
  );
}

export function GroupCard({ name, query, view, onClose }: { name: string; query: ReturnType<typeof useGroup>; view: Params; onClose: () => void }) {
  const g = query.data;
  return (
    <Card data-testid="group-card" data-group={name}>
      <CardHeader
        title={
          <span>
            Group <span className="font-mono">{name}</span>
          </span>
        }
        subtitle={
          g ? (
            <span>
              step {g.step} · query{' '}
              <Link href={pageHref.query(g.query_id)} className="font-mono text-sky-700 hover:underline">
                {g.query_id}
              </Link>{' '}
              · {g.rollouts.length} rollouts
            </span>
          ) : (
            'loading…'
          )
        }
        actions={
          <button type="button" className="text-xs font-medium text-slate-500 hover:text-slate-900" onClick={onClose} aria-label="Close the group">
            Close
          </button>
        }
      />
      {query.isError && !g ? (
        <ErrorState error={query.error} onRetry={() => query.refetch()} title={`Could not load group ${name}`} />
      ) : !g ? (
        <SkeletonRows rows={4} />
      ) : (
        <div className={query.isPlaceholderData ? 'opacity-60 transition-opacity' : ''}>
          <div className="flex flex-wrap items-center gap-x-5 gap-y-1 border-b border-slate-100 px-3 py-2 text-xs text-slate-600">
            <span>
              accuracy <span className="font-medium tabular-nums text-slate-900">{formatPercent(g.accuracy, 0)}</span>
            </span>
            <span>
              mean reward <span className="font-medium tabular-nums text-slate-900">{formatScore(g.mean_reward)}</span>
            </span>
            <span>
              reward std <span className="font-medium tabular-nums text-slate-900">{formatScore(g.reward_std)}</span>
            </span>
            <SignalBadges outcome={g.no_signal_outcome} combined={g.no_signal} />
            {g.judge && <Badge tone="violet">judge {g.judge}</Badge>}
          </div>
          <RolloutsTable key={g.group} group={g} view={view} />
        </div>
      )}
    </Card>
  );
}
