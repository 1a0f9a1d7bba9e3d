// The steps export prints PostgreSQL's text of the cumulative cost as JavaScript prints the number
// (copy-text.ts: jsNumber): the digits are the same shortest ones, only the notation differs.
import { describe, expect, it } from 'vitest';
import { ByteSink, csvJsNumber, jsonJsNumber } from '@/lib/export/copy-text';
import { Rng } from '@/lib/generate/rng';

const enc = new TextEncoder();
function write(f: typeof jsonJsNumber, text: string): string {
  const sink = new ByteSink(64);
  const bytes = enc.encode(text);
  f(sink, bytes, 0, bytes.length);
  return Buffer.from(sink.take()).toString();
}

/** PostgreSQL's two notations of x's shortest digits: "1.74e-05" (two-digit exponent) and fixed. */
const pgExponential = (x: number) => x.toExponential().replace(/e([+-])(\d)$/, 'e$10$2');

describe('a PostgreSQL float8 text written as JavaScript writes the number', () => {
  it('agrees with `${n}` over numbers of every magnitude, in either notation', () => {
    const rng = new Rng(7);
    const wrong: string[] = [];
    for (let i = 0; i < 20_000; i++) {
      const x =
        i % 3 === 0
          ? rng.next() * 10 ** (Math.floor(rng.next() * 60) - 30)
          : i % 3 === 1
            ? Math.floor(rng.next() * 1e6) / 10 ** Math.floor(rng.next() * 12)
            : rng.next() * 1e-3;
      for (const text of [pgExponential(x), `${x}`, `-${x}`]) {
        const want = text.startsWith('-') ? `${-x}` : `${x}`;
        if (write(jsonJsNumber, text) !== want) wrong.push(`${text} -> ${write(jsonJsNumber, text)}, not ${want}`);
      }
    }
    expect(wrong.slice(0, 5)).toEqual([]);
  });

  it('writes the edges as JavaScript does', () => {
    const cases: [string, string][] = [
      ['0', '0'],
      ['-0', '0'],
      ['100', '100'],
      ['12.5', '12.5'],
      ['7.56e-05', '0.0000756'],
      ['0.0002682', '0.0002682'],
      ['1.5e-06', '0.0000015'],
      ['1.5e-07', '1.5e-7'],
      ['1e+20', '100000000000000000000'],
      ['1e+21', '1e+21'],
      ['1.7976931348623157e+308', '1.7976931348623157e+308'],
      ['5e-324', '5e-324'],
    ];
    for (const [pg, js] of cases) expect(write(jsonJsNumber, pg)).toBe(js);
  });

  it('writes NaN, the infinities and null as the JSON and CSV writers do', () => {
    expect(write(jsonJsNumber, 'NaN')).toBe('null');
    expect(write(jsonJsNumber, '-Infinity')).toBe('null');
    expect(write(jsonJsNumber, '\\N')).toBe('null');
    expect(write(csvJsNumber, 'Infinity')).toBe('Infinity');
    expect(write(csvJsNumber, '\\N')).toBe('');
  });
});
