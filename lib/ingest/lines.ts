// Byte streams to numbered JSON Lines: gzip detected by its magic bytes, lines split on "\n" without
// holding more than one line in memory, lines longer than the limit reported (and skipped) rather than
// buffered, and the decompressed size capped so a gzip bomb stops early.
import { createGunzip } from 'node:zlib';
import { Readable } from 'node:stream';
import { notJsonLines, sniffBytes } from './sniff';

export const MAX_LINE_BYTES = 64 * 1024 * 1024;

export interface RawLine {
  /** 1-based line number in the (decompressed) input. */
  lineNo: number;
  /** The line's bytes without its "\n" (and without a trailing "\r"); undefined when it was too long. */
  bytes?: Buffer;
  /** Set when the line exceeded the limit: its length in bytes. */
  tooLong?: number;
}

export class InputTooLargeError extends Error {
  constructor(public readonly limit: number) {
    super(`the decompressed input exceeds the limit of ${limit} bytes`);
  }
}

export class InputDecodeError extends Error {}

function isGzip(first: Uint8Array): boolean {
  return first.length >= 2 && first[0] === 0x1f && first[1] === 0x8b;
}

/**
 * Decompresses the source when it is gzip (by magic bytes, whatever its name or headers say) and
 * counts the bytes that come out, failing once they pass maxBytes.
 */
export async function* decodedChunks(
  source: AsyncIterable<Uint8Array>,
  opts: { maxBytes?: number; onCompressedBytes?: (n: number) => void } = {},
): AsyncGenerator<Buffer> {
  const maxBytes = opts.maxBytes ?? Number.POSITIVE_INFINITY;
  const it = source[Symbol.asyncIterator]();
  let first = await it.next();
  while (!first.done && first.value.length === 0) first = await it.next();
  if (first.done) return;
  const head = Buffer.from(first.value.buffer, first.value.byteOffset, first.value.byteLength);

  async function* rest(): AsyncGenerator<Buffer> {
    opts.onCompressedBytes?.(head.length);
    yield head;
    for (;;) {
      const r = await it.next();
      if (r.done) return;
      opts.onCompressedBytes?.(r.value.length);
      yield Buffer.from(r.value.buffer, r.value.byteOffset, r.value.byteLength);
    }
  }

  let out: AsyncIterable<Buffer> = rest();
  if (isGzip(head)) {
    const gunzip = createGunzip();
    const input = Readable.from(rest());
    input.on('error', (e) => gunzip.destroy(e));
    input.pipe(gunzip);
    out = gunzip as AsyncIterable<Buffer>;
  }
  let total = 0;
  try {
    for await (const chunk of out) {
      if (total === 0) {
        // An image or an archive sent by mistake is one problem, not one "line" error per newline byte.
        const sniffed = sniffBytes(chunk.subarray(0, 4096));
        if (sniffed.kind === 'binary') throw new InputDecodeError(notJsonLines('the input', sniffed.what));
      }
      total += chunk.length;
      if (total > maxBytes) throw new InputTooLargeError(maxBytes);
      yield chunk;
    }
  } catch (e) {
    if (e instanceof InputTooLargeError || e instanceof InputDecodeError) throw e;
    const code = (e as NodeJS.ErrnoException).code;
    if (code && code.startsWith('Z_')) throw new InputDecodeError(`the gzip data is corrupt or truncated (${code})`);
    throw e;
  }
}

/** Splits decoded chunks into lines. Memory stays at one line (at most maxLineBytes) plus one chunk. */
export async function* splitLines(chunks: AsyncIterable<Buffer>, maxLineBytes = MAX_LINE_BYTES): AsyncGenerator<RawLine> {
  let parts: Buffer[] = [];
  let length = 0; // bytes of the current line so far
  let skipping = false; // the current line is over the limit: count it, keep none of it
  let lineNo = 0;

  const take = (piece: Buffer, copy: boolean) => {
    length += piece.length;
    if (skipping) return;
    if (length > maxLineBytes) {
      skipping = true;
      parts = [];
      return;
    }
    // Copy what stays across chunks: the caller's chunk buffer may be reused once we yield.
    if (piece.length > 0) parts.push(copy ? Buffer.from(piece) : piece);
  };
  const finish = (): RawLine => {
    lineNo++;
    const out: RawLine = skipping
      ? { lineNo, tooLong: length }
      : { lineNo, bytes: parts.length === 0 ? Buffer.alloc(0) : parts.length === 1 ? parts[0]! : Buffer.concat(parts) };
    if (out.bytes && out.bytes.length > 0 && out.bytes[out.bytes.length - 1] === 0x0d) out.bytes = out.bytes.subarray(0, out.bytes.length - 1);
    parts = [];
    length = 0;
    skipping = false;
    return out;
  };

  for await (const chunk of chunks) {
    let start = 0;
    for (;;) {
      const nl = chunk.indexOf(0x0a, start);
      if (nl === -1) break;
      take(chunk.subarray(start, nl), false);
      yield finish();
      start = nl + 1;
    }
    if (start < chunk.length) take(chunk.subarray(start), true);
  }
  if (length > 0 || skipping) yield finish();
}

const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/** Decodes a line as strict UTF-8; invalid bytes are an error for the line, never replaced silently. */
export function decodeUtf8(bytes: Buffer): string {
  return utf8.decode(bytes);
}
