'use client';
// One judgment that names a step: its criterion, the judge's score and the effective one (the newest
// human label when there is one), the rationale, and the slot where the labelling panel goes.
import type { ComponentType } from 'react';
import { Markdown } from '@/components/markdown/markdown';
import { Badge } from '@/components/ui/badge';
import type { RubricCriterion, Scale, ScoredJudgment } from '@/lib/client/types';

/** What the labelling panel (components/labels) gets for each judgment shown in the replay. */
export interface JudgmentPanelProps {
  trajectoryId: string;
  judgment: ScoredJudgment;
  criterion: RubricCriterion | undefined;
}

export type JudgmentPanel = ComponentType<JudgmentPanelProps>;

export function scaleLabel(scale: Scale | undefined): string {
  if (!scale) return '';
  if (scale.kind === 'numeric') return `${scale.min}–${scale.max}`;
  return scale.kind === 'binary' ? '0/1' : '−1/0/1';
}

function scoreText(v: number | null): string {
  return v === null ? '—' : String(v);
}

export function JudgmentCard({
  trajectoryId,
  judgment,
  criterion,
  panel: Panel,
}: {
  trajectoryId: string;
  judgment: ScoredJudgment;
  criterion: RubricCriterion | undefined;
  panel?: JudgmentPanel;
}) {
  const human = judgment.source === 'human';
  return (
    <div className="rounded-md border border-slate-200 bg-slate-50/70 px-3 py-2 text-xs" data-testid="judgment" data-judgment-id={judgment.id}>
      <div className="flex flex-wrap items-center gap-x-3 gap-y-1">
        <span className="font-mono font-semibold text-slate-800">{judgment.criterion}</span>
        {criterion && <span className="text-slate-500">weight {criterion.weight}</span>}
        {criterion && <span className="text-slate-500">scale {scaleLabel(criterion.scale)}</span>}
        {/* The labelling panel shows both scores itself, next to its controls. */}
        {!Panel && (
          <>
            <span className="text-slate-600">
              judge <span className="font-semibold tabular-nums text-slate-900">{scoreText(judgment.judge_score)}</span>
            </span>
            <span className="text-slate-600">
              effective <span className="font-semibold tabular-nums text-slate-900" data-testid="effective-score">{scoreText(judgment.effective_score)}</span>
            </span>
          </>
        )}
        {human ? (
          <Badge tone="violet" title={judgment.labelled_at ?? undefined}>
            human · {judgment.labelled_by}
          </Badge>
        ) : (
          <Badge tone="slate">{judgment.judge ?? 'judge'}</Badge>
        )}
        {judgment.steps.length > 1 && <span className="text-slate-400">steps {judgment.steps.join(', ')}</span>}
      </div>
      {criterion && (
        <div className="mt-1 text-slate-500">
          <Markdown text={criterion.text} />
        </div>
      )}
      {judgment.rationale && (
        <div className="mt-1 text-slate-700">
          <Markdown text={judgment.rationale} />
        </div>
      )}
      {Panel && (
        <div className="mt-2 border-t border-slate-200 pt-2" data-testid="judgment-label-slot">
          <Panel trajectoryId={trajectoryId} judgment={judgment} criterion={criterion} />
        </div>
      )}
    </div>
  );
}
