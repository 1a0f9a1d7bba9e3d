'use client';
// The steps of a trajectory in a virtual list: only the rows in view (and a few around) exist, their
// texts are fetched by page as they scroll in, and the playhead keeps its row in view.
import { useVirtualizer } from '@tanstack/react-virtual';
import { useEffect, useRef } from 'react';
import type { ModelColor } from '@/lib/client/model-colors';
import type { Params } from '@/lib/client/api';
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
  /** Bring the current step into the window too, not only into the list's own scroll box. */
  follow?: boolean;
  onSelect: (index: number) => void;
  color: ModelColor;
  judgmentsByStep: ReadonlyMap<number, ScoredJudgment[]>;
  criteria: ReadonlyMap<string, RubricCriterion>;
  panel?: JudgmentPanel;
  className?: string;
  /** The page's view settings (the judge): the step texts' pages carry their rubric scores under it. */
  view?: Params;
}

export function StepList({
  trajectoryId,
  stepCount,
  steps,
  current,
  follow = false,
  onSelect,
  color,
  judgmentsByStep,
  criteria,
  panel,
  className = '',
  view,
}: StepListProps) {
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
  const stepWithText = useStepTexts(trajectoryId, first, last, true, view);

  useEffect(() => {
    if (stepCount > 0) virtualizer.scrollToIndex(current, { align: 'auto' });
    if (!follow) return;
    // The list is a scroll box of its own, part of which may lie below the window (or above it): once
    // the row is laid out in the box, the window scrolls as little as it takes to show the row.
    // The virtualizer settles the row's place over a frame or two (rows are measured as they render).
    let frame = 0;
    let raf = 0;
    const reveal = () => {
      const row = scroller.current?.querySelector<HTMLElement>(`[data-index="${current}"]`);
      if (row) {
        const r = row.getBoundingClientRect();
        const margin = 8;
        const h = window.innerHeight;
        // A row taller than the window shows its top.
        if (r.top < margin) window.scrollBy({ top: r.top - margin });
        else if (r.bottom > h - margin) window.scrollBy({ top: Math.min(r.bottom - h + margin, r.top - margin) });
      }
      if (++frame < 4) raf = requestAnimationFrame(reveal);
    };
    raf = requestAnimationFrame(reveal);
    return () => cancelAnimationFrame(raf);
  }, [current, stepCount, virtualizer, follow]);

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
