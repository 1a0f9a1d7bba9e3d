'use client';
// Relabelling one item through one of its judgments: the judge's score and the effective one, a score
// on the criterion's scale with an optional rationale, the history one click away, revert to an
// earlier label or to a judge's score. Writes name the version the person saw; when someone labelled
// first the server answers 409 and the panel says who changed what, keeps the person's choice, and
// lets them resubmit against the new version. The item's saved label is the score that looks selected.
import { useEffect, useState, type FormEvent } from 'react';
import { Button } from '@/components/ui/button';
import { hasRole, useMe } from '@/lib/client/auth';
import type { LabelEvent, LabelWritten } from '@/lib/client/label-types';
import type { Scale } from '@/lib/client/types';
import { isOnScale } from '@/lib/domain/rubric';
import { LabelHistory } from './label-history';
import { ScorePicker } from './score-picker';
import { conflictText, staleVersionOf, useWriteLabel } from './use-labels';

/** One judge's judgment of the item, whose score "Revert to the judge's score" restores. */
export interface ItemJudge {
  judgmentId: number;
  /** null: the unnamed judge. */
  judge: string | null;
  score: number;
}

export interface JudgmentLabelPanelProps {
  judgmentId: number;
  /** The criterion's id (shown when the panel stands alone). */
  criterion: string;
  scale: Scale;
  judgeScore: number | null;
  effectiveScore: number | null;
  /** The item has a human label: its newest is `effectiveScore`. */
  labelled?: boolean;
  /** Every judge of the item (default: the judgment's own judge, when it has a score). */
  judges?: readonly ItemJudge[];
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
  const judges = props.judges ?? (judgeScore === null ? [] : [{ judgmentId, judge: null, score: judgeScore }]);
  const me = useMe();
  const canLabel = hasRole(me.data, 'annotator');
  const write = useWriteLabel(judgmentId, trajectoryId);
  // The props follow the page's data, which refreshes a moment after our own write (or a 409): until
  // it does, what that answer said is newer.
  const [answered, setKnown] = useState<{ version: number; effective: number | null; labelled: boolean } | null>(null);
  const known =
    answered && answered.version > props.version ? answered : { version: props.version, effective: props.effectiveScore, labelled: props.labelled ?? false };
  // The score the person is choosing; null: none chosen, the saved label (if any) shows selected.
  const [draft, setDraft] = useState<number | null>(null);
  const [rationale, setRationale] = useState('');
  const [open, setOpen] = useState(false);
  const [notice, setNotice] = useState<{ tone: 'ok' | 'warn' | 'error'; text: string } | null>(null);

  useEffect(() => {
    if (!open) return;
    const onKey = (e: KeyboardEvent) => {
      if (e.key !== 'Escape') return;
      e.stopPropagation();
      setOpen(false);
    };
    document.addEventListener('keydown', onKey, true);
    return () => document.removeEventListener('keydown', onKey, true);
  }, [open]);

  function settle(run: Promise<LabelWritten>, done: string) {
    run.then(
      (w) => {
        setKnown({ version: w.version, effective: w.judgment.effective_score, labelled: true });
        setDraft(null);
        setRationale('');
        setNotice({ tone: 'ok', text: done });
        onLabelled?.(w);
      },
      (e: unknown) => {
        const stale = staleVersionOf(e);
        if (stale) {
          setKnown({
            version: stale.current_version,
            effective: stale.newest_label?.score ?? known.effective,
            labelled: stale.newest_label !== null || known.labelled,
          });
          setNotice({ tone: 'warn', text: conflictText(stale) });
        } else {
          setNotice({ tone: 'error', text: e instanceof Error ? e.message : String(e) });
        }
      },
    );
  }

  function submit(e: FormEvent) {
    e.preventDefault();
    if (draft === null) return;
    setNotice(null);
    settle(write.mutateAsync({ kind: 'label', score: draft, rationale: rationale.trim() || null, expectedVersion: known.version }), `Saved: ${draft}`);
  }

  function revert(label: LabelEvent, currentVersion: number) {
    setNotice(null);
    settle(
      write.mutateAsync({ kind: 'revert', labelId: label.id, rationale: null, expectedVersion: Math.max(currentVersion, known.version) }),
      `Reverted to ${label.score} (label #${label.id})`,
    );
  }

  function revertToJudge(j: ItemJudge) {
    setNotice(null);
    settle(
      write.mutateAsync({ kind: 'revert-judge', judgmentId: j.judgmentId, rationale: rationale.trim() || null, expectedVersion: known.version }),
      `Reverted to ${j.judge ?? 'the judge'}'s score: ${j.score}`,
    );
  }

  const saved = known.labelled ? known.effective : null;
  const shown = draft ?? saved;
  const valid = draft !== null && isOnScale(draft, scale);
  return (
    <div className="text-xs" data-testid="judgment-label-panel" data-judgment-id={judgmentId}>
      <div className="flex flex-wrap items-center gap-x-3 gap-y-1.5">
        <span className="text-slate-500">
          <span className="font-mono">{criterion}</span> · judge{' '}
          <b className="tabular-nums text-slate-800">{judges.length > 1 ? judges.map((j) => j.score).join(' / ') : scoreText(judgeScore)}</b> · effective{' '}
          <b className="tabular-nums text-slate-800" data-testid="panel-effective-score">
            {scoreText(known.effective)}
          </b>
          {known.labelled && <span className="text-violet-700"> (label)</span>}
        </span>
        <Button
          size="sm"
          variant="ghost"
          onClick={() => setOpen((o) => !o)}
          aria-expanded={open}
          data-testid="history-button"
          title="every label of this item (Esc closes)"
        >
          History
        </Button>
        {canLabel &&
          known.labelled &&
          judges.map((j) => (
            <Button
              key={j.judgmentId}
              size="sm"
              variant="ghost"
              disabled={write.isPending || known.effective === j.score}
              onClick={() => revertToJudge(j)}
              data-testid="revert-to-judge"
              title={`append a label equal to ${j.judge ?? 'the judge'}'s score (${j.score})`}
            >
              Revert to {judges.length > 1 ? `${j.judge ?? 'judge'}'s` : "the judge's"} score ({j.score})
            </Button>
          ))}
      </div>
      {canLabel && (
        <form onSubmit={submit} className="mt-1.5 flex flex-wrap items-center gap-2">
          <ScorePicker scale={scale} value={shown} judgeScore={judgeScore} onChange={setDraft} disabled={write.isPending} />
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
      {open && (
        // Below the form, in the flow of the page: it never covers the rationale field or Save.
        <div className="mt-1.5 rounded-md border border-slate-200 bg-white shadow-sm" data-testid="history-panel">
          <div className="flex items-center justify-between border-b border-slate-100 px-3 py-1 text-slate-500">
            <span>History of this item</span>
            <button type="button" className="rounded px-1 hover:bg-slate-100" onClick={() => setOpen(false)} aria-label="close the history (Esc)">
              ✕
            </button>
          </div>
          <LabelHistory judgmentId={judgmentId} judgeScore={judgeScore} canRevert={canLabel} busy={write.isPending} onRevert={revert} />
        </div>
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
