'use client';
// The steps of a trajectory in a virtual list: only the rows in view (and a few around) exist, their
// texts are fetched by page as they scroll in, and the playhead keeps its row in view.
import { useVirtualizer } from '@tanstack/react-virtual';
import { useEffect, useRef } from 'react';
import type { ModelColor } from '@/lib/client/model-colors';
import { useStepTexts } from '@/lib/client/trajectory-data';
import type { RubricCriterion, ScoredJudgment, StepDetail } from '@/lib/client/types';
import type { JudgmentPanel } from './judgment-card';
import { StepRow } from './step-row';

const NO_JUDGMENTS: readonly ScoredJudgment[] = [];

export interface StepListProps {
  trajectoryId: string;
  stepCount: number;
  steps: StepDetail[] | null;
  current: number;
  onSelect: (index: number) => void;
  color: ModelColor;
  judgmentsByStep: ReadonlyMap<number, ScoredJudgment[]>;
  criteria: ReadonlyMap<string, RubricCriterion>;
  panel?: JudgmentPanel;
  className?: string;
}

export function StepList({ trajectoryId, stepCount, steps, current, onSelect, color, judgmentsByStep, criteria, panel, className = '' }: StepListProps) {
  const scroller = useRef<HTMLDivElement>(null);
  // The virtualizer's functions change with every scroll: the React Compiler must leave this component alone.
  // eslint-disable-next-line react-hooks/incompatible-library
  const virtualizer = useVirtualizer({
    count: stepCount,
    getScrollElement: () => scroller.current,
    estimateSize: () => 96,
    overscan: 4,
    // The server renders the first rows too (the page arrives with its first steps); the list's real
    // size replaces this once it is measured.
    initialRect: { width: 880, height: 640 },
  });
  const items = virtualizer.getVirtualItems();
  const first = items[0]?.index ?? 0;
  const last = items[items.length - 1]?.index ?? Math.min(stepCount - 1, 20);
  const stepWithText = useStepTexts(trajectoryId, first, last);

  useEffect(() => {
    if (stepCount > 0) virtualizer.scrollToIndex(current, { align: 'auto' });
  }, [current, stepCount, virtualizer]);

  return (
    <div ref={scroller} className={`overflow-y-auto overscroll-contain ${className}`} data-testid="step-list" tabIndex={-1}>
      <div className="relative w-full" style={{ height: virtualizer.getTotalSize() }}>
        <div className="absolute left-0 top-0 w-full" style={{ transform: `translateY(${items[0]?.start ?? 0}px)` }}>
          {items.map((item) => {
            const full = stepWithText(item.index);
            return (
              <div key={item.key} data-index={item.index} ref={virtualizer.measureElement}>
                <StepRow
                  trajectoryId={trajectoryId}
                  index={item.index}
                  step={full ?? steps?.[item.index]}
                  text={full?.text}
                  current={item.index === current}
                  color={color}
                  judgments={judgmentsByStep.get(item.index) ?? NO_JUDGMENTS}
                  criteria={criteria}
                  panel={panel}
                  onSelect={onSelect}
                />
              </div>
            );
          })}
        </div>
      </div>
    </div>
  );
}
