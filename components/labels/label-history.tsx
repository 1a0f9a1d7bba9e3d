'use client';
// Every label of one judgment, oldest first: who, when, what score, why, and which earlier label a
// revert restored. An annotator can revert to any earlier label (a new label equal to it).
import { Button } from '@/components/ui/button';
import type { LabelEvent } from '@/lib/client/label-types';
import { formatTime, useLabelHistory } from './use-labels';

export function LabelHistory({
  judgmentId,
  judgeScore,
  canRevert,
  busy,
  onRevert,
}: {
  judgmentId: number;
  judgeScore: number | null;
  canRevert: boolean;
  busy: boolean;
  onRevert: (label: LabelEvent, currentVersion: number) => void;
}) {
  const history = useLabelHistory(judgmentId);
  if (history.isPending) return <p className="px-3 py-2 text-xs text-slate-500">Loading the history…</p>;
  if (history.isError) return <p className="px-3 py-2 text-xs text-rose-700">{history.error.message}</p>;
  const { labels, judgment } = history.data;
  return (
    <div className="max-h-72 overflow-y-auto text-xs" data-testid="label-history">
      <div className="border-b border-slate-100 px-3 py-1.5 text-slate-500">
        {judgment.item && judgment.item.judgments.length > 1 ? (
          <>
            judges:{' '}
            {judgment.item.judgments.map((j, i) => (
              <span key={j.id}>
                {i > 0 && ' · '}
                {j.judge ?? (j.judge_score === null ? 'a person' : 'judge')}{' '}
                <span className="font-semibold tabular-nums text-slate-800">{j.judge_score ?? '—'}</span>
              </span>
            ))}
          </>
        ) : (
          <>
            judge: <span className="font-semibold tabular-nums text-slate-800">{judgeScore ?? '—'}</span>
            {judgment.judge && <span> ({judgment.judge})</span>}
          </>
        )}{' '}
        · version {judgment.version}
      </div>
      {labels.length === 0 ? (
        <p className="px-3 py-2 text-slate-500">No human label yet.</p>
      ) : (
        <ol className="divide-y divide-slate-100">
          {labels.map((l, i) => {
            const newest = i === labels.length - 1;
            return (
              <li key={l.id} className="flex items-start gap-2 px-3 py-1.5" data-testid="label-event">
                <span className="w-6 shrink-0 font-mono text-slate-400">v{l.version}</span>
                <div className="min-w-0 flex-1">
                  <div className="flex flex-wrap items-center gap-x-2">
                    <span className="font-semibold tabular-nums text-slate-900">{l.score}</span>
                    <span className="text-slate-700">{l.author_name}</span>
                    <time className="text-slate-400" dateTime={l.created_at}>
                      {formatTime(l.created_at)}
                    </time>
                    {l.revert_of !== null && <span className="text-violet-700">revert to #{l.revert_of}</span>}
                    {l.revert_to_judge && <span className="text-violet-700">revert to {l.revert_to_judge}&apos;s score</span>}
                    {l.on_earlier_content && (
                      <span
                        className="text-amber-700"
                        title="a replace on ingest changed the steps under this item after this label"
                        data-testid="earlier-content"
                      >
                        made on earlier content
                      </span>
                    )}
                    {newest && <span className="text-emerald-700">effective</span>}
                  </div>
                  {l.rationale && <p className="mt-0.5 whitespace-pre-wrap text-slate-600">{l.rationale}</p>}
                </div>
                {canRevert && !newest && (
                  <Button size="sm" variant="ghost" disabled={busy} onClick={() => onRevert(l, judgment.version)} title={`append a label equal to #${l.id}`}>
                    Revert to this
                  </Button>
                )}
              </li>
            );
          })}
        </ol>
      )}
    </div>
  );
}
