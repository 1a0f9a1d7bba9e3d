'use client';
// The label panel in the shape of the replay page's item slot (components/replay/judgment-card): one
// panel per item, whose label corrects every judge of it.
import type { JudgmentPanelProps } from '@/components/replay/judgment-card';
import { JudgmentLabelPanel, type ItemJudge } from './judgment-label-panel';

export function ReplayLabelPanel({ trajectoryId, judgment, criterion, judgments }: JudgmentPanelProps) {
  if (!criterion) return null;
  const judges: ItemJudge[] = (judgments ?? [judgment]).flatMap((j) =>
    j.judge_score === null ? [] : [{ judgmentId: j.id, judge: j.judge ?? null, score: j.judge_score }],
  );
  return (
    <JudgmentLabelPanel
      judgmentId={judgment.id}
      criterion={judgment.criterion}
      scale={criterion.scale}
      judgeScore={judgment.judge_score}
      effectiveScore={judgment.effective_score}
      labelled={judgment.source === 'human'}
      judges={judges}
      version={judgment.version}
      trajectoryId={trajectoryId}
    />
  );
}
