// Why scoring.md's preference rules choose one trajectory over another (or neither): the decision is
// lib/domain's decidePair; this only puts each rule's inputs into words, in the rules' order.
import { decidePair, type PairCandidate, type PairSettings, type PreferencePair } from '@/lib/domain';
import { formatScore, formatUsd } from './format';

export interface RuleLine {
  rule: 'outcome' | 'process' | 'cost';
  decided: boolean;
  text: string;
}

export interface PairExplanation {
  pair: PreferencePair | null;
  lines: RuleLine[];
}

function outcomeLine(a: PairCandidate, b: PairCandidate, decided: boolean): RuleLine {
  const text =
    a.correct === b.correct
      ? `both are ${a.correct ? 'correct' : 'wrong'}: the outcome does not decide`
      : `${a.correct ? 'A' : 'B'} is correct and ${a.correct ? 'B' : 'A'} is not`;
  return { rule: 'outcome', decided, text };
}

function processLine(a: PairCandidate, b: PairCandidate, deltaP: number, decided: boolean): RuleLine {
  if (a.processScore === null || b.processScore === null) {
    return { rule: 'process', decided, text: `a process score is undefined (A ${formatScore(a.processScore)}, B ${formatScore(b.processScore)})` };
  }
  const diff = Math.abs(a.processScore - b.processScore);
  // The higher score first, so that "B scores higher, x vs y" reads with x as B's.
  const [higher, hi, lo] = a.processScore > b.processScore ? (['A', a.processScore, b.processScore] as const) : (['B', b.processScore, a.processScore] as const);
  return {
    rule: 'process',
    decided,
    text:
      diff === 0
        ? `equal process scores (${formatScore(a.processScore)})`
        : `${higher} scores higher, ${formatScore(hi)} vs ${formatScore(lo)}: difference ${formatScore(diff)} ${decided ? '≥' : '<'} Δp ${deltaP}`,
  };
}

function costLine(a: PairCandidate, b: PairCandidate, ratioC: number, decided: boolean): RuleLine {
  if (a.costUsd === b.costUsd) return { rule: 'cost', decided, text: `equal costs (${formatUsd(a.costUsd)})` };
  const [cheap, dear] = a.costUsd < b.costUsd ? (['A', 'B'] as const) : (['B', 'A'] as const);
  const lo = Math.min(a.costUsd, b.costUsd);
  const hi = Math.max(a.costUsd, b.costUsd);
  const ratio = lo === 0 ? Infinity : hi / lo;
  return {
    rule: 'cost',
    decided,
    text: `${cheap} is cheaper, ${formatUsd(lo)} vs ${formatUsd(hi)}: ${dear} costs ${Number.isFinite(ratio) ? `${ratio.toFixed(2)}×` : 'infinitely more'} ${decided ? '≥' : '<'} ratio ${ratioC}`,
  };
}

/** The rules in order, each with what it saw; the first that decides ends the list. */
export function explainPair(a: PairCandidate, b: PairCandidate, settings: PairSettings): PairExplanation {
  const pair = decidePair(a, b, settings);
  const lines: RuleLine[] = [outcomeLine(a, b, pair?.reason === 'outcome')];
  if (pair?.reason !== 'outcome') lines.push(processLine(a, b, settings.deltaP, pair?.reason === 'process'));
  if (pair?.reason !== 'outcome' && pair?.reason !== 'process') lines.push(costLine(a, b, settings.ratioC, pair?.reason === 'cost'));
  return { pair, lines };
}
