import { describe, expect, it } from 'vitest';
import { diffRubrics, normalizedText, sameScale, type DiffCriterion } from './rubric-diff';

const V1: DiffCriterion[] = [
  { id: 'c1', text: 'Each step follows from the previous one.', weight: 1, scale: { kind: 'binary' } },
  { id: 'c2', text: 'The arithmetic is right.', weight: 1, scale: { kind: 'binary' } },
  { id: 'c3', text: 'No wasted steps.', weight: 0.5, scale: { kind: 'ternary' } },
  { id: 'c4', text: 'The final answer is boxed.', weight: 0.5, scale: { kind: 'binary' } },
];
const V2: DiffCriterion[] = [
  { id: 'c1', text: 'Each step follows from the previous one.', weight: 2, scale: { kind: 'binary' } },
  { id: 'c2', text: 'Every multiplication and addition is right.', weight: 1, scale: { kind: 'binary' } },
  { id: 'c3', text: 'No wasted steps.', weight: 0.5, scale: { kind: 'numeric', min: 0, max: 10 } },
  { id: 'c5', text: 'The large model is used only where it is needed.', weight: 1, scale: { kind: 'binary' } },
];

describe('diffRubrics', () => {
  it('names criteria added, removed, reworded, reweighted and rescaled', () => {
    const d = diffRubrics(V1, V2);
    expect(d.criteria.map((c) => [c.id, c.kind])).toEqual([
      ['c1', 'kept'],
      ['c2', 'kept'],
      ['c3', 'kept'],
      ['c5', 'added'],
      ['c4', 'removed'],
    ]);
    const [c1, c2, c3] = d.criteria;
    expect(c1).toMatchObject({ reworded: false, reweighted: true, rescaled: false });
    // c2 keeps its weight 1 but its share falls from 1/3 to 1/4.5.
    expect(c2).toMatchObject({ reworded: true, reweighted: true, rescaled: false });
    expect(c3).toMatchObject({ reworded: false, reweighted: true, rescaled: true });
    expect(c1).toMatchObject({ before: { share: 1 / 3 }, after: { share: 2 / 4.5 } });
    expect(d).toMatchObject({ added: 1, removed: 1, reworded: 1, reweighted: 3, rescaled: 1, unchanged: 0, identical: false });
  });

  it('finds nothing between a rubric and itself, nor in whitespace or order', () => {
    const shuffled = [V1[2]!, { ...V1[0]!, text: '  Each step  follows from\nthe previous one. ' }, V1[3]!, V1[1]!];
    const d = diffRubrics(V1, shuffled);
    expect(d).toMatchObject({ added: 0, removed: 0, reworded: 0, reweighted: 0, rescaled: 0, unchanged: 4, identical: true });
    expect(d.criteria.map((c) => c.id)).toEqual(['c3', 'c1', 'c4', 'c2']);
  });

  it('counts a weight change that keeps every share as reweighted (the weights differ)', () => {
    const doubled = V1.map((c) => ({ ...c, weight: c.weight * 2 }));
    const d = diffRubrics(V1, doubled);
    expect(d.reweighted).toBe(4);
    expect(d.criteria.every((c) => c.kind === 'kept' && c.before.share === c.after.share)).toBe(true);
  });

  it('sees a share that moves when another criterion is removed', () => {
    const d = diffRubrics(V1, V1.slice(0, 3));
    expect(d.criteria.find((c) => c.id === 'c1')).toMatchObject({ kind: 'kept', reweighted: true, before: { share: 1 / 3 }, after: { share: 1 / 2.5 } });
    expect(d).toMatchObject({ removed: 1, added: 0 });
  });

  it('compares numeric bounds, and rubrics with no criteria', () => {
    expect(sameScale({ kind: 'numeric', min: 0, max: 10 }, { kind: 'numeric', min: 0, max: 5 })).toBe(false);
    expect(sameScale({ kind: 'numeric', min: 0, max: 10 }, { kind: 'numeric', min: 0, max: 10 })).toBe(true);
    expect(sameScale({ kind: 'binary' }, { kind: 'ternary' })).toBe(false);
    expect(diffRubrics([], [])).toMatchObject({ criteria: [], identical: true });
    expect(diffRubrics([], V1.slice(0, 1))).toMatchObject({ added: 1, identical: false, criteria: [{ kind: 'added', after: { share: 1 } }] });
    expect(normalizedText(' a \t b\n')).toBe('a b');
  });
});
