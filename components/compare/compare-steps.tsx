'use client';
// The two trajectories' steps side by side, aligned by index, in one virtual list; both texts are
// fetched by page as rows scroll in.
import { useVirtualizer } from '@tanstack/react-virtual';
import { useRef } from 'react';
import { Markdown } from '@/components/markdown/markdown';
import { Skeleton } from '@/components/ui/skeleton';
import { formatScore, formatUsd } from '@/lib/client/format';
import type { ModelColor } from '@/lib/client/model-colors';
import { useStepTexts } from '@/lib/client/trajectory-data';
import type { StepDetail } from '@/lib/client/types';

function Cell({ step, text, present }: { step: StepDetail | undefined; text: string | undefined; present: boolean }) {
  if (!present) return <div className="px-3 py-2 text-xs italic text-slate-400">no step</div>;
  return (
    <div className="min-w-0 px-3 py-2">
      {step ? (
        <div className="flex flex-wrap items-center gap-x-3 text-xs text-slate-500 tabular-nums">
          <span className="font-mono text-slate-800">{step.model}</span>
          <span>{formatUsd(step.cost_usd)}</span>
          <span>Σ {formatUsd(step.cumulative_cost_usd)}</span>
          <span>rubric {formatScore(step.rubric_score)}</span>
        </div>
      ) : (
        <Skeleton className="h-3 w-40" />
      )}
      <div className="mt-1 text-sm text-slate-800">{text === undefined ? <Skeleton className="h-3 w-3/4" /> : <Markdown text={text} />}</div>
    </div>
  );
}

export function CompareSteps({
  a,
  b,
  stepsA,
  stepsB,
  countA,
  countB,
  color,
}: {
  a: string;
  b: string;
  stepsA: StepDetail[] | null;
  stepsB: StepDetail[] | null;
  countA: number;
  countB: number;
  color: ModelColor;
}) {
  const scroller = useRef<HTMLDivElement>(null);
  const count = Math.max(countA, countB);
  // The virtualizer's functions change with every scroll: the React Compiler must leave this component alone.
  // eslint-disable-next-line react-hooks/incompatible-library
  const virtualizer = useVirtualizer({ count, getScrollElement: () => scroller.current, estimateSize: () => 88, overscan: 4 });
  const items = virtualizer.getVirtualItems();
  const first = items[0]?.index ?? 0;
  const last = items[items.length - 1]?.index ?? Math.min(count - 1, 20);
  const textA = useStepTexts(a, first, Math.min(last, countA - 1));
  const textB = useStepTexts(b, first, Math.min(last, countB - 1));
  return (
    <div ref={scroller} className="h-[70vh] min-h-[400px] overflow-y-auto" data-testid="compare-steps">
      <div className="relative w-full" style={{ height: virtualizer.getTotalSize() }}>
        <div className="absolute left-0 top-0 w-full" style={{ transform: `translateY(${items[0]?.start ?? 0}px)` }}>
          {items.map((item) => {
            const i = item.index;
            const sa = textA(i) ?? stepsA?.[i];
            const sb = textB(i) ?? stepsB?.[i];
            return (
              <div
                key={item.key}
                data-index={i}
                ref={virtualizer.measureElement}
                className="grid grid-cols-[3rem_minmax(0,1fr)_minmax(0,1fr)] border-b border-slate-100"
                data-testid="compare-row"
              >
                <div className="px-2 py-2 text-right font-mono text-xs font-semibold text-slate-500">#{i}</div>
                <div className="border-l-[3px]" style={{ borderLeftColor: sa ? color(sa.model) : 'transparent' }}>
                  <Cell step={sa} text={textA(i)?.text} present={i < countA} />
                </div>
                <div className="border-l-[3px]" style={{ borderLeftColor: sb ? color(sb.model) : 'transparent' }}>
                  <Cell step={sb} text={textB(i)?.text} present={i < countB} />
                </div>
              </div>
            );
          })}
        </div>
      </div>
    </div>
  );
}
