'use client';
// One item that names a step (scoring.md: a trajectory, a criterion and a set of steps): its criterion,
// each judge's score and rationale side by side, the one human label that corrects all of them (with
// who, when and why, and whether it was made on earlier content), and the slot of the labelling panel.
import type { ComponentType } from 'react';
import { Markdown } from '@/components/markdown/markdown';
import { Badge } from '@/components/ui/badge';
import { judgeName, type ItemOfJudgments } from '@/lib/client/items';
import type { RubricCriterion, Scale, ScoredJudgment } from '@/lib/client/types';

/** What the labelling panel (components/labels) gets for each item shown in the replay. */
export interface JudgmentPanelProps {
  trajectoryId: string;
  /** The item's lead judgment: a label posted through it corrects every judge of the item. */
  judgment: ScoredJudgment;
  criterion: RubricCriterion | undefined;
  /** Every judgment of the item (its judges, then people's own judgments). */
  judgments?: readonly ScoredJudgment[];
}

export type JudgmentPanel = ComponentType<JudgmentPanelProps>;

export function scaleLabel(scale: Scale | undefined): string {
  if (!scale) return '';
  if (scale.kind === 'numeric') return `${scale.min}–${scale.max}`;
  return scale.kind === 'binary' ? '0/1' : '−1/0/1';
}

function scoreText(v: number | null | undefined): string {
  return v === null || v === undefined ? '—' : String(v);
}

function labelTime(iso: string | null): string {
  if (!iso) return '';
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? iso : d.toLocaleString('en-GB', { dateStyle: 'medium', timeStyle: 'short' });
}

export function JudgmentCard({
  trajectoryId,
  item,
  criterion,
  panel: Panel,
}: {
  trajectoryId: string;
  item: ItemOfJudgments;
  criterion: RubricCriterion | undefined;
  panel?: JudgmentPanel;
}) {
  const { lead } = item;
  const several = item.judgments.length > 1;
  return (
    <div
      className="rounded-md border border-slate-200 bg-slate-50/70 px-3 py-2 text-xs"
      data-testid="judgment-item"
      data-item-id={item.itemId}
      data-judgment-id={lead.id}
      data-judges={item.judgments.length}
    >
      <div className="flex flex-wrap items-center gap-x-3 gap-y-1">
        <span className="font-mono font-semibold text-slate-800">{item.criterion}</span>
        {criterion && <span className="text-slate-500">weight {criterion.weight}</span>}
        {criterion && <span className="text-slate-500">scale {scaleLabel(criterion.scale)}</span>}
        {item.steps.length > 1 && <span className="text-slate-400">steps {item.steps.join(', ')}</span>}
        {item.steps.length === 0 && <span className="text-slate-400">whole trajectory</span>}
        <span className="text-slate-600">
          effective{' '}
          <span className="font-semibold tabular-nums text-slate-900" data-testid="effective-score">
            {scoreText(lead.effective_score)}
          </span>
        </span>
      </div>
      {criterion && (
        <div className="mt-1 text-slate-500">
          <Markdown text={criterion.text} />
        </div>
      )}
      <ul className={`mt-1.5 grid gap-1.5 ${several ? 'sm:grid-cols-2' : ''}`} aria-label="judges of this item">
        {item.judgments.map((j) => {
          const person = j.judge_score === null;
          const corrected = item.labelled && !person && j.effective_score !== j.judge_score;
          return (
            <li
              key={j.id}
              className="min-w-0 rounded border border-slate-200 bg-white px-2 py-1.5"
              data-testid="judgment"
              data-judgment-id={j.id}
              data-judge={person ? '' : (j.judge ?? 'judge')}
            >
              <div className="flex flex-wrap items-center gap-x-2 gap-y-0.5">
                <Badge tone={person ? 'violet' : 'slate'}>{judgeName(j)}</Badge>
                {!person && (
                  <span className="text-slate-600">
                    score{' '}
                    <span className={`font-semibold tabular-nums ${corrected ? 'text-slate-400 line-through' : 'text-slate-900'}`} data-testid="judge-score">
                      {scoreText(j.judge_score)}
                    </span>
                  </span>
                )}
                {corrected && <span className="text-violet-700">corrected by the label</span>}
                {j.steps.length > 1 && j.steps.join(',') !== item.steps.join(',') && <span className="text-slate-400">as given: {j.steps.join(', ')}</span>}
              </div>
              {j.rationale ? (
                <div className="mt-0.5 text-slate-700" data-testid="judge-rationale">
                  <Markdown text={j.rationale} />
                </div>
              ) : (
                !person && <div className="mt-0.5 italic text-slate-400">no rationale</div>
              )}
            </li>
          );
        })}
      </ul>
      <div className="mt-1.5 flex flex-wrap items-center gap-x-2 gap-y-0.5" data-testid="item-label">
        {item.labelled ? (
          <>
            <span className="text-slate-600">
              human label{' '}
              <span className="font-semibold tabular-nums text-violet-800" data-testid="human-score">
                {scoreText(lead.effective_score)}
              </span>
            </span>
            <Badge tone="violet" title={lead.labelled_at ?? undefined}>
              {lead.labelled_by_name ?? lead.labelled_by}
            </Badge>
            {lead.labelled_at && (
              <time className="text-slate-400" dateTime={lead.labelled_at}>
                {labelTime(lead.labelled_at)}
              </time>
            )}
            {lead.label_on_earlier_content && (
              <Badge tone="amber" title="a replace on ingest changed the steps under this item after the label was made">
                made on earlier content
              </Badge>
            )}
            {several && <span className="text-slate-400">corrects all {item.judgments.length} judgments</span>}
            {lead.label_rationale && (
              <div className="w-full text-slate-700">
                <Markdown text={lead.label_rationale} />
              </div>
            )}
          </>
        ) : (
          <span className="text-slate-400">no human label{several ? ' — one label corrects every judge of this item' : ''}</span>
        )}
      </div>
      {Panel && (
        <div className="mt-2 border-t border-slate-200 pt-2" data-testid="judgment-label-slot">
          <Panel trajectoryId={trajectoryId} judgment={lead} criterion={criterion} judgments={item.judgments} />
        </div>
      )}
    </div>
  );
}
