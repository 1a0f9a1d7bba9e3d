import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { decodedChunks, InputTooLargeError, splitLines, type RawLine } from './lines';

async function* chunksOf(buf: Buffer, size: number) {
  for (let i = 0; i < buf.length; i += size) yield buf.subarray(i, i + size);
}

async function collect(it: AsyncIterable<RawLine>) {
  const out: (string | number)[] = [];
  for await (const l of it) out.push(l.bytes ? l.bytes.toString() : -(l.tooLong ?? 0));
  return out;
}

describe('splitLines', () => {
  it('gives the same lines whatever the chunk size', async () => {
    const text = Buffer.from('a\nbc\r\n\ndef\nlast');
    for (const size of [1, 2, 3, 5, 100]) {
      expect(await collect(splitLines(chunksOf(text, size)))).toEqual(['a', 'bc', '', 'def', 'last']);
    }
  });

  it('reports a line over the limit by its length and keeps the lines after it', async () => {
    const text = Buffer.from(`ok\n${'x'.repeat(50)}\nnext\n${'y'.repeat(11)}`);
    for (const size of [1, 7, 1000]) {
      expect(await collect(splitLines(chunksOf(text, size), 10))).toEqual(['ok', -50, 'next', -11]);
    }
  });

  it('numbers lines from 1', async () => {
    const lines: number[] = [];
    for await (const l of splitLines(chunksOf(Buffer.from('a\n\nb\n'), 2))) lines.push(l.lineNo);
    expect(lines).toEqual([1, 2, 3]);
  });
});

describe('decodedChunks', () => {
  it('decompresses gzip by its magic bytes and passes plain text through', async () => {
    const text = 'hello\nworld\n';
    for (const input of [Buffer.from(text), gzipSync(text)]) {
      const out: Buffer[] = [];
      for await (const c of decodedChunks(chunksOf(input, 4))) out.push(c);
      expect(Buffer.concat(out).toString()).toBe(text);
    }
  });

  it('stops once the decoded bytes pass the limit', async () => {
    const consume = async () => {
      for await (const _ of decodedChunks(chunksOf(gzipSync(Buffer.alloc(1 << 20, '{}\n')), 1024), { maxBytes: 1000 })) void _;
    };
    await expect(consume()).rejects.toBeInstanceOf(InputTooLargeError);
  });
});
