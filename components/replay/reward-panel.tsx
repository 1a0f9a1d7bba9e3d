'use client';
// The process score and the combined reward, with lambda and mu as sliders: every change asks the
// scores route, which computes the reward with lib/domain, so the page never has its own formula.
import { useState } from 'react';
import { Markdown } from '@/components/markdown/markdown';
import { Button } from '@/components/ui/button';
import { SkeletonRows } from '@/components/ui/skeleton';
import { DEFAULT_REWARD } from '@/lib/domain';
import { formatScore } from '@/lib/client/format';
import { useScores } from '@/lib/client/hooks';
import { useDebounced } from '@/lib/client/use-debounced';
import type { ScoresResponse } from '@/lib/client/types';

function Slider({
  label,
  value,
  min,
  max,
  step,
  onChange,
  testId,
}: {
  label: string;
  value: number;
  min: number;
  max: number;
  step: number;
  onChange: (v: number) => void;
  testId: string;
}) {
  return (
    <label className="block">
      <div className="flex items-baseline justify-between text-xs">
        <span className="font-medium text-slate-700">{label}</span>
        <span className="font-mono tabular-nums text-slate-900">{value.toFixed(2)}</span>
      </div>
      <input
        type="range"
        min={min}
        max={max}
        step={step}
        value={value}
        onChange={(e) => onChange(Number(e.target.value))}
        className="mt-1 w-full accent-sky-600"
        aria-label={label}
        data-testid={testId}
      />
    </label>
  );
}

function CriteriaScores({ scores }: { scores: ScoresResponse }) {
  if (scores.criteria.length === 0) return <p className="text-xs text-slate-500">This trajectory has no rubric.</p>;
  return (
    <ul className="space-y-1.5" data-testid="criteria-scores">
      {scores.criteria.map((c) => (
        <li key={c.id} className="text-xs">
          <div className="flex items-center justify-between gap-2">
            <span>
              <span className="font-mono font-medium text-slate-800">{c.id}</span>
              <span className="ml-1.5 text-slate-400">weight {c.weight}</span>
            </span>
            <span className="shrink-0 font-mono tabular-nums text-slate-900">{formatScore(c.score)}</span>
          </div>
          {c.text && (
            <div className="text-slate-500">
              <Markdown text={c.text} />
            </div>
          )}
          <div className="mt-0.5 h-1 overflow-hidden rounded-full bg-slate-100">
            {c.score !== null && <div className="h-full bg-sky-500" style={{ width: `${c.score * 100}%` }} />}
          </div>
        </li>
      ))}
    </ul>
  );
}

export interface RewardPanelProps {
  trajectoryId: string;
  correct: boolean;
  /** The trajectory's cost / all-largest cost as the server computed it (lib/domain's costRatio). */
  costRatio: number | null;
  /** The stored process score and reward (at the default lambda and mu), shown until the scores route answers. */
  storedProcess: number | null;
  storedReward: number;
  /** Whether to ask the scores route before a slider moves (the page holds it back while steps load). */
  eager: boolean;
  /** The page's judge setting; the stored figures above are already under it. */
  judge?: string | null;
}

export function RewardPanel({ trajectoryId, correct, costRatio, storedProcess, storedReward, eager, judge = null }: RewardPanelProps) {
  const [lambda, setLambda] = useState(DEFAULT_REWARD.lambda);
  const [mu, setMu] = useState(DEFAULT_REWARD.mu);
  const settled = { lambda: useDebounced(lambda, 120), mu: useDebounced(mu, 120) };
  const moved = settled.lambda !== DEFAULT_REWARD.lambda || settled.mu !== DEFAULT_REWARD.mu;
  const scores = useScores(trajectoryId, settled.lambda, settled.mu, eager || moved, judge);
  const s = scores.data;
  const process = s ? s.process_score : storedProcess;
  const reward = s ? s.reward : storedReward;
  const shownLambda = s ? s.lambda : DEFAULT_REWARD.lambda;
  const shownMu = s ? s.mu : DEFAULT_REWARD.mu;
  const ratio = s ? s.cost_ratio : costRatio;
  const stale = scores.isFetching || settled.lambda !== lambda || settled.mu !== mu;

  return (
    <div className="space-y-4 p-4" data-testid="reward-panel">
      <div className="grid grid-cols-2 gap-3">
        <div>
          <div className="text-[11px] font-medium uppercase tracking-wide text-slate-500">Process score</div>
          <div className="text-2xl font-semibold tabular-nums text-slate-900" data-testid="process-score">
            {formatScore(process)}
          </div>
        </div>
        <div>
          <div className="text-[11px] font-medium uppercase tracking-wide text-slate-500">Reward</div>
          <div
            className={`text-2xl font-semibold tabular-nums transition-opacity ${stale ? 'opacity-50' : ''}`}
            data-testid="reward-value"
            data-lambda={shownLambda}
            data-mu={shownMu}
          >
            {formatScore(reward)}
          </div>
        </div>
      </div>
      <p className="rounded bg-slate-50 px-2 py-1.5 font-mono text-[11px] leading-relaxed text-slate-600 tabular-nums">
        {correct ? 1 : 0} + {shownLambda.toFixed(2)} × {formatScore(process ?? 0)} − {shownMu.toFixed(2)} × {formatScore(ratio ?? 0)} = {formatScore(reward)}
        <br />
        <span className="text-slate-400">outcome + λ·process − μ·cost/all-largest</span>
      </p>
      <div className="space-y-3">
        <Slider label="λ (process weight)" value={lambda} min={0} max={2} step={0.05} onChange={setLambda} testId="lambda-slider" />
        <Slider label="μ (cost weight)" value={mu} min={0} max={2} step={0.05} onChange={setMu} testId="mu-slider" />
        {(lambda !== DEFAULT_REWARD.lambda || mu !== DEFAULT_REWARD.mu) && (
          <Button
            size="sm"
            variant="ghost"
            onClick={() => {
              setLambda(DEFAULT_REWARD.lambda);
              setMu(DEFAULT_REWARD.mu);
            }}
          >
            Reset to λ {DEFAULT_REWARD.lambda}, μ {DEFAULT_REWARD.mu}
          </Button>
        )}
      </div>
      {scores.isError && <p className="text-xs text-rose-700">{(scores.error as Error).message}</p>}
      <div>
        <div className="mb-1.5 text-[11px] font-medium uppercase tracking-wide text-slate-500">Criteria</div>
        {s ? <CriteriaScores scores={s} /> : <SkeletonRows rows={3} className="!p-0" />}
      </div>
    </div>
  );
}
