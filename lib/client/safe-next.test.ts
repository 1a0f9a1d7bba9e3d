// ?next= after sign-in stays on this origin, whatever characters it holds.
import { describe, expect, it } from 'vitest';
import { safeNext } from './auth';

const ORIGIN = 'http://localhost:3000';
/** Where the browser goes when it navigates to what safeNext returned. */
const lands = (next: string | null) => new URL(safeNext(next, ORIGIN), ORIGIN);

describe('safeNext', () => {
  it('keeps a path of this site, with its query and hash', () => {
    expect(safeNext('/trajectories?run=a%2Fb#x', ORIGIN)).toBe('/trajectories?run=a%2Fb#x');
    expect(safeNext('/queues/3', ORIGIN)).toBe('/queues/3');
  });

  it('never leaves this origin', () => {
    const hostile = [
      '//evil.example',
      '/\\evil.example',
      '/\t/evil.example',
      '/\n/evil.example',
      '/\r\n/evil.example',
      '\t//evil.example',
      '/.//evil.example',
      '/%2e//evil.example',
      '/../..//evil.example',
      '/\\\\evil.example',
      '/ /evil.example',
      'https://evil.example',
      'javascript:alert(1)',
      '/javascript:alert(1)',
      'http://localhost:3000@evil.example/',
      '/@evil.example',
      '\u0000//evil.example',
      '/\u0000/evil.example',
      '',
      null,
    ];
    for (const next of hostile) {
      const url = lands(next);
      expect(url.origin, JSON.stringify(next)).toBe(ORIGIN);
      // And once more: what the router is handed is a path, never a URL of another host.
      expect(safeNext(next, ORIGIN), JSON.stringify(next)).toMatch(/^\/(?!\/)/);
    }
  });
});
