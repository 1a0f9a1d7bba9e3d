import { describe, expect, it } from 'vitest';
import { decodeNumber } from '@/lib/export/copy-text';
import { Rng } from '@/lib/generate/rng';
const enc = new TextEncoder();
const pgExp = (x: number) => x.toExponential().replace(/e([+-])(\d)$/, 'e$10$2');
// The steps export reads its costs off the COPY text with no string made (copy-text.ts: decodeNumber):
// it must read every text as Number() reads it, bit for bit, or the running cost would drift.
describe('a COPY number read without a string', () => {
  it('is the double Number() reads, for numbers of every magnitude and notation', () => {
    const rng = new Rng(11);
    const bad: string[] = [];
    const texts = [
      '0',
      '-0',
      '1',
      '-17',
      '0.5',
      '1e-05',
      '7.56e-05',
      '1.5e+20',
      '123456789012345',
      '1234567890123456789',
      'NaN',
      'Infinity',
      '-Infinity',
      '0.1',
      '3.3000000000000003',
      '1e+22',
      '1e+23',
      '9007199254740993',
      '9007199254740991',
      '9007199254740992',
      '9007199254740991e-20',
      '0.9007199254740993',
      '0.0005928000000000001',
      '0.00022975000000000003',
      '0.00010220000000000002',
      '8.06e-05',
      '1234567890123456e-22',
      '1234567890123456e-23',
      '2.2250738585072014e-308',
      '5e-324',
      '1.7976931348623157e+308',
      '12.',
      '.5',
    ];
    for (let i = 0; i < 200000; i++) {
      const x =
        i % 3 === 0
          ? rng.next() * 10 ** (Math.floor(rng.next() * 60) - 30)
          : i % 3 === 1
            ? Math.floor(rng.next() * 1e9) / 10 ** Math.floor(rng.next() * 14)
            : rng.next() * 1e-3;
      texts.push(`${x}`, pgExp(x), `-${x}`, x.toPrecision(1 + (i % 17)));
    }
    for (const t of texts) {
      const b = enc.encode(t);
      const got = decodeNumber(b, 0, b.length);
      if (!Object.is(got, Number(t))) bad.push(`${t} -> ${got}`);
    }
    expect(bad.slice(0, 10)).toEqual([]);
  });
});
