'use client';
import { memo, useMemo } from 'react';
import { Markdown } from '@/components/markdown/markdown';
import { ModelSwatch } from '@/components/ui/model-chip';
import { Skeleton } from '@/components/ui/skeleton';
import { formatInt, formatMs, formatScore, formatUsd } from '@/lib/client/format';
import { itemsOf } from '@/lib/client/items';
import type { ModelColor } from '@/lib/client/model-colors';
import type { RubricCriterion, ScoredJudgment, StepDetail } from '@/lib/client/types';
import { JudgmentCard, type JudgmentPanel } from './judgment-card';

function RouterProbs({ probs, color }: { probs: Record<string, number>; color: ModelColor }) {
  const entries = Object.entries(probs).sort((a, b) => b[1] - a[1]);
  return (
    <span className="inline-flex items-center gap-1.5" title={entries.map(([m, p]) => `${m}: ${p}`).join('\n')} data-testid="router-probs">
      <span className="text-slate-400">router</span>
      <span className="flex h-1.5 w-14 overflow-hidden rounded-full bg-slate-100">
        {entries.map(([m, p]) => (
          <span key={m} style={{ width: `${p * 100}%`, backgroundColor: color(m) }} />
        ))}
      </span>
      <span className="tabular-nums text-slate-600">
        {entries.map(([m, p], i) => (
          <span key={m}>
            {i > 0 && ' · '}
            <span className="font-mono">{m}</span> {p.toFixed(2)}
          </span>
        ))}
      </span>
    </span>
  );
}

/** The router's confidence in the step's decision (scoring.md): its model's probability and the normalized entropy. */
function RouterConfidence({ chosen, entropy }: { chosen: number; entropy: number | null | undefined }) {
  return (
    <span
      className="inline-flex items-center gap-1 tabular-nums text-slate-600"
      data-testid="router-confidence"
      title="chosen probability: the router's probability of this step's model (probabilities divided by their sum) · normalized entropy: 0 = sure, 1 = undecided"
    >
      <span className="text-slate-400">chosen p</span> {chosen.toFixed(2)}
      {entropy !== null && entropy !== undefined && (
        <>
          <span className="text-slate-400"> · entropy</span> {entropy.toFixed(2)}
        </>
      )}
    </span>
  );
}

function EscalationMark({ escalation }: { escalation: 'up' | 'down' }) {
  const up = escalation === 'up';
  return (
    <span
      className={`inline-flex items-center gap-0.5 rounded px-1 py-px text-[11px] font-medium ring-1 ${up ? 'bg-amber-50 text-amber-800 ring-amber-200' : 'bg-sky-50 text-sky-800 ring-sky-200'}`}
      data-testid="escalation"
      data-escalation={escalation}
      title={up ? 'escalation: a more expensive model than the previous step’s' : 'de-escalation: a cheaper model than the previous step’s'}
    >
      {up ? '▲ escalation' : '▼ de-escalation'}
    </span>
  );
}

export interface StepRowProps {
  trajectoryId: string;
  step: StepDetail | undefined;
  index: number;
  text: string | undefined;
  current: boolean;
  color: ModelColor;
  judgments: readonly ScoredJudgment[];
  criteria: ReadonlyMap<string, RubricCriterion>;
  panel?: JudgmentPanel;
  onSelect: (index: number) => void;
}

function StepRowImpl({ trajectoryId, step, index, text, current, color, judgments, criteria, panel, onSelect }: StepRowProps) {
  const probs = step?.router?.probs;
  const items = useMemo(() => itemsOf(judgments), [judgments]);
  return (
    <div
      className={`border-b border-slate-100 py-2.5 pl-3 pr-4 ${current ? 'bg-sky-50/70' : 'hover:bg-slate-50/60'}`}
      style={{ borderLeft: `3px solid ${step ? color(step.model) : '#e2e8f0'}` }}
      onClick={() => onSelect(index)}
      data-testid="step-row"
      data-step={index}
      data-current={current ? 'true' : undefined}
      aria-current={current ? 'step' : undefined}
    >
      <div className="flex flex-wrap items-center gap-x-4 gap-y-1 text-xs text-slate-500">
        <span className={`font-mono font-semibold tabular-nums ${current ? 'text-sky-800' : 'text-slate-900'}`}>#{index}</span>
        {step ? (
          <>
            <span className="inline-flex items-center gap-1.5 font-mono text-slate-800">
              <ModelSwatch color={color(step.model)} />
              {step.model}
            </span>
            {step.escalation && <EscalationMark escalation={step.escalation} />}
            {probs && Object.keys(probs).length > 0 && <RouterProbs probs={probs} color={color} />}
            {step.chosen_probability !== null && step.chosen_probability !== undefined && (
              <RouterConfidence chosen={step.chosen_probability} entropy={step.normalized_entropy} />
            )}
            <span className="tabular-nums" title="tokens in / out">
              {formatInt(step.tokens_in)} <span className="text-slate-400">in</span> · {formatInt(step.tokens_out)} <span className="text-slate-400">out</span>
            </span>
            <span className="tabular-nums" title="latency">
              {formatMs(step.latency_ms)}
            </span>
            <span className="tabular-nums" title="step cost / cumulative cost">
              <span className="text-slate-800">{formatUsd(step.cost_usd)}</span>
              <span className="text-slate-400"> · Σ </span>
              <span className="text-slate-800">{formatUsd(step.cumulative_cost_usd)}</span>
            </span>
            <span className="tabular-nums" title="step rubric score">
              <span className="text-slate-400">rubric</span> <span className="text-slate-800">{formatScore(step.rubric_score)}</span>
            </span>
          </>
        ) : (
          <Skeleton className="h-3 w-64" />
        )}
      </div>
      <div className="mt-1.5 text-sm text-slate-800">
        {text === undefined ? (
          <div className="space-y-1.5 py-0.5">
            <Skeleton className="h-3 w-11/12" />
            <Skeleton className="h-3 w-2/3" />
          </div>
        ) : text === '' ? (
          <span className="text-xs italic text-slate-400">(empty step)</span>
        ) : (
          <div data-testid="step-text">
            <Markdown text={text} />
          </div>
        )}
      </div>
      {items.length > 0 && (
        <div className="mt-2 space-y-1.5" onClick={(e) => e.stopPropagation()}>
          {items.map((item) => (
            <JudgmentCard key={item.itemId} trajectoryId={trajectoryId} item={item} criterion={criteria.get(item.criterion)} panel={panel} />
          ))}
        </div>
      )}
    </div>
  );
}

export const StepRow = memo(StepRowImpl);
