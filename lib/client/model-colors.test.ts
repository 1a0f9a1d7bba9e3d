import { describe, expect, it } from 'vitest';
import { modelPalette, UNKNOWN_MODEL_COLOR } from './model-colors';

const m = (id: string, inp: number, out: number) => ({ id, usd_per_mtok_in: inp, usd_per_mtok_out: out });
const catalogue = [m('large', 0.8, 3.2), m('small', 0.1, 0.4), m('mid', 0.25, 1)];

describe('modelPalette', () => {
  it('gives each model of a catalogue its own colour, cheap ones cool and the dearest violet', () => {
    const color = modelPalette(catalogue);
    const colors = ['small', 'mid', 'large'].map(color);
    expect(new Set(colors).size).toBe(3);
    expect(color('small')).toBe('#14b8a6');
    expect(color('large')).toBe('#8b5cf6');
  });

  it('does not depend on the order the catalogue comes in, and greys unknown models', () => {
    const a = modelPalette(catalogue);
    const b = modelPalette([...catalogue].reverse());
    for (const id of ['small', 'mid', 'large']) expect(a(id)).toBe(b(id));
    expect(a('nobody')).toBe(UNKNOWN_MODEL_COLOR);
  });

  it('keeps colours distinct for large catalogues', () => {
    const many = Array.from({ length: 9 }, (_, i) => m(`m${i}`, i, i));
    const color = modelPalette(many);
    expect(new Set(many.map((x) => color(x.id))).size).toBe(9);
  });
});
