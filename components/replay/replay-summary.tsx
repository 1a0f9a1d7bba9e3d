'use client';
// The query as the model saw it, the graded outcome and the trajectory's totals.
import { Markdown } from '@/components/markdown/markdown';
import { Stat } from '@/components/ui/stat';
import { formatInt, formatPercent, formatScore, formatUsd } from '@/lib/client/format';
import type { TrajectoryDetail } from '@/lib/client/types';

/** An answer is often bare LaTeX (\frac{5}{36}): shown as math then, as given otherwise. */
export function AnswerText({ text }: { text: string }) {
  if (!text.includes('$') && /[\\^_{}]/.test(text)) return <Markdown text={`$${text}$`} className="inline-block" />;
  return <span className="font-mono">{text}</span>;
}

export function ReplaySummary({ info }: { info: TrajectoryDetail }) {
  return (
    <div className="grid gap-4 p-4 md:grid-cols-[minmax(0,1fr)_auto]">
      <div className="min-w-0">
        <div className="mb-1 text-[11px] font-medium uppercase tracking-wide text-slate-500">
          Query <span className="font-mono normal-case tracking-normal text-slate-400">{info.query.id}</span>
          {info.query.benchmark && <span className="ml-2 normal-case tracking-normal text-slate-400">{info.query.benchmark}</span>}
        </div>
        <div className="max-h-48 overflow-y-auto text-[15px] leading-relaxed text-slate-900" data-testid="query-text">
          <Markdown text={info.query.text} />
        </div>
        <div className="mt-3 flex flex-wrap items-baseline gap-x-6 gap-y-1 text-sm">
          <div className="flex items-baseline gap-1.5">
            <span className="text-slate-500">Final answer</span>
            <div className={`font-medium ${info.correct ? 'text-emerald-700' : 'text-rose-700'}`} data-testid="final-answer">
              {info.final_answer == null ? '—' : <AnswerText text={info.final_answer} />}
            </div>
          </div>
          {info.query.reference_answer != null && (
            <div className="flex items-baseline gap-1.5">
              <span className="text-slate-500">Reference</span>
              <div className="font-medium text-slate-800">
                <AnswerText text={info.query.reference_answer} />
              </div>
            </div>
          )}
        </div>
      </div>
      <div className="grid grid-cols-3 gap-x-6 gap-y-3 md:w-[360px]">
        <Stat label="Steps" value={formatInt(info.step_count)} />
        <Stat label="Cost" value={formatUsd(info.cost_usd)} testId="total-cost" />
        <Stat label="All-largest" value={formatUsd(info.all_largest_usd)} />
        <Stat label="Savings" value={formatPercent(info.savings)} />
        <Stat label="Process" value={formatScore(info.process_score)} />
        <Stat label="Reward" value={formatScore(info.reward)} hint="λ 0.5, μ 0.1" />
      </div>
    </div>
  );
}
