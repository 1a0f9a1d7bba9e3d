'use client';
// Relabelling one judgment: the judge's score and the effective one, a score on the criterion's
// scale with an optional rationale, the history one click away, and revert. Writes name the version
// the person saw; when someone labelled first the server answers 409 and the panel says who changed
// what, keeps the person's choice, and lets them resubmit against the new version.
import { useEffect, useRef, useState, type FormEvent } from 'react';
import { Button } from '@/components/ui/button';
import { hasRole, useMe } from '@/lib/client/auth';
import type { LabelEvent, LabelWritten } from '@/lib/client/label-types';
import type { Scale } from '@/lib/client/types';
import { isOnScale } from '@/lib/domain/rubric';
import { LabelHistory } from './label-history';
import { ScorePicker } from './score-picker';
import { conflictText, staleVersionOf, useWriteLabel } from './use-labels';

export interface JudgmentLabelPanelProps {
  judgmentId: number;
  /** The criterion's id (shown when the panel stands alone). */
  criterion: string;
  scale: Scale;
  judgeScore: number | null;
  effectiveScore: number | null;
  /** The judgment version that these figures come from: labels are written against it. */
  version: number;
  /** The trajectory whose views refresh after a label. */
  trajectoryId?: string;
  onLabelled?: (written: LabelWritten) => void;
}

function scoreText(v: number | null): string {
  return v === null ? '—' : String(v);
}

export function JudgmentLabelPanel(props: JudgmentLabelPanelProps) {
  const { judgmentId, criterion, scale, judgeScore, trajectoryId, onLabelled } = props;
  const me = useMe();
  const canLabel = hasRole(me.data, 'annotator');
  const write = useWriteLabel(judgmentId, trajectoryId);
  // The props follow the page's data, which refreshes a moment after our own write (or a 409): until
  // it does, what that answer said is newer.
  const [answered, setKnown] = useState<{ version: number; effective: number | null } | null>(null);
  const known = answered && answered.version > props.version ? answered : { version: props.version, effective: props.effectiveScore };
  const [score, setScore] = useState<number | null>(null);
  const [rationale, setRationale] = useState('');
  const [open, setOpen] = useState(false);
  const [notice, setNotice] = useState<{ tone: 'ok' | 'warn' | 'error'; text: string } | null>(null);
  const box = useRef<HTMLDivElement>(null);

  useEffect(() => {
    if (!open) return;
    const close = (e: MouseEvent) => {
      if (box.current && !box.current.contains(e.target as Node)) setOpen(false);
    };
    document.addEventListener('mousedown', close);
    return () => document.removeEventListener('mousedown', close);
  }, [open]);

  function settle(run: Promise<LabelWritten>, done: string) {
    run.then(
      (w) => {
        setKnown({ version: w.version, effective: w.judgment.effective_score });
        setScore(null);
        setRationale('');
        setNotice({ tone: 'ok', text: done });
        onLabelled?.(w);
      },
      (e: unknown) => {
        const stale = staleVersionOf(e);
        if (stale) {
          setKnown({ version: stale.current_version, effective: stale.newest_label?.score ?? known.effective });
          setNotice({ tone: 'warn', text: conflictText(stale) });
        } else {
          setNotice({ tone: 'error', text: e instanceof Error ? e.message : String(e) });
        }
      },
    );
  }

  function submit(e: FormEvent) {
    e.preventDefault();
    if (score === null) return;
    setNotice(null);
    settle(write.mutateAsync({ kind: 'label', score, rationale: rationale.trim() || null, expectedVersion: known.version }), `Saved: ${score}`);
  }

  function revert(label: LabelEvent, currentVersion: number) {
    setNotice(null);
    settle(
      write.mutateAsync({ kind: 'revert', labelId: label.id, rationale: null, expectedVersion: Math.max(currentVersion, known.version) }),
      `Reverted to ${label.score} (label #${label.id})`,
    );
  }

  const valid = score !== null && isOnScale(score, scale);
  return (
    <div className="text-xs" data-testid="judgment-label-panel" data-judgment-id={judgmentId}>
      <div className="flex flex-wrap items-center gap-x-3 gap-y-1.5">
        <span className="text-slate-500">
          <span className="font-mono">{criterion}</span> · judge <b className="tabular-nums text-slate-800">{scoreText(judgeScore)}</b> · effective{' '}
          <b className="tabular-nums text-slate-800" data-testid="panel-effective-score">
            {scoreText(known.effective)}
          </b>
        </span>
        <div ref={box} className="relative">
          <Button size="sm" variant="ghost" onClick={() => setOpen((o) => !o)} aria-expanded={open} data-testid="history-button">
            History
          </Button>
          {open && (
            <div className="absolute left-0 top-full z-30 mt-1 w-96 rounded-md border border-slate-200 bg-white shadow-lg">
              <LabelHistory judgmentId={judgmentId} judgeScore={judgeScore} canRevert={canLabel} busy={write.isPending} onRevert={revert} />
            </div>
          )}
        </div>
      </div>
      {canLabel && (
        <form onSubmit={submit} className="mt-1.5 flex flex-wrap items-center gap-2">
          <ScorePicker scale={scale} value={score} judgeScore={judgeScore} onChange={setScore} disabled={write.isPending} />
          <input
            value={rationale}
            onChange={(e) => setRationale(e.target.value)}
            placeholder="rationale (optional)"
            maxLength={10_000}
            className="h-8 min-w-40 flex-1 rounded-md border border-slate-300 px-2 text-xs"
            aria-label="rationale"
          />
          <Button type="submit" size="sm" variant="primary" disabled={!valid || write.isPending} data-testid="save-label">
            {write.isPending ? 'Saving…' : 'Save label'}
          </Button>
        </form>
      )}
      {notice && (
        <p
          role={notice.tone === 'ok' ? 'status' : 'alert'}
          data-testid={notice.tone === 'warn' ? 'label-conflict' : 'label-notice'}
          className={`mt-1.5 rounded px-2 py-1 ${notice.tone === 'ok' ? 'bg-emerald-50 text-emerald-800' : notice.tone === 'warn' ? 'bg-amber-50 text-amber-900' : 'bg-rose-50 text-rose-800'}`}
        >
          {notice.text}
        </p>
      )}
    </div>
  );
}
