'use client';
// The label panel in the shape of the replay page's judgment slot (components/replay/judgment-card).
import type { JudgmentPanelProps } from '@/components/replay/judgment-card';
import { JudgmentLabelPanel } from './judgment-label-panel';

export function ReplayLabelPanel({ trajectoryId, judgment, criterion }: JudgmentPanelProps) {
  if (!criterion) return null;
  return (
    <JudgmentLabelPanel
      judgmentId={judgment.id}
      criterion={judgment.criterion}
      scale={criterion.scale}
      judgeScore={judgment.judge_score}
      effectiveScore={judgment.effective_score}
      version={judgment.version}
      trajectoryId={trajectoryId}
    />
  );
}
