// A streamed ZIP archive (APPNOTE 6.3): each entry's bytes are deflated as they arrive and followed by
// a data descriptor (its CRC and sizes are known only at its end), then the central directory. Sizes
// and offsets are ZIP64 throughout where they can exceed 4 GiB, so an export of any size fits. What the
// Exports page downloads for JSON Lines and CSV: the data file and its manifest side by side, so that
// a file saved by the browser carries its provenance (docs/exports.md).
import zlib from 'node:zlib';

export interface ZipEntry {
  name: string;
  /** The entry's bytes; a function is called once the entries before it are written (a manifest that counts their rows). */
  data: AsyncIterable<Uint8Array> | (() => Uint8Array | string);
}

const U32_MAX = 0xffffffff;

function dosDateTime(d: Date): { time: number; date: number } {
  const year = Math.max(1980, d.getUTCFullYear());
  return {
    time: (d.getUTCHours() << 11) | (d.getUTCMinutes() << 5) | (d.getUTCSeconds() >> 1),
    date: ((year - 1980) << 9) | ((d.getUTCMonth() + 1) << 5) | d.getUTCDate(),
  };
}

interface Written {
  name: Buffer;
  crc: number;
  compressed: number;
  size: number;
  offset: number;
}

function localHeader(name: Buffer, at: { time: number; date: number }): Buffer {
  // ZIP64 extra field with zero sizes: the real ones follow in the (64-bit) data descriptor.
  const extra = Buffer.alloc(20);
  extra.writeUInt16LE(0x0001, 0);
  extra.writeUInt16LE(16, 2);
  const h = Buffer.alloc(30);
  h.writeUInt32LE(0x04034b50, 0);
  h.writeUInt16LE(45, 4); // version needed: ZIP64
  h.writeUInt16LE(0x0808, 6); // bit 3: sizes in the data descriptor; bit 11: UTF-8 names
  h.writeUInt16LE(8, 8); // deflate
  h.writeUInt16LE(at.time, 10);
  h.writeUInt16LE(at.date, 12);
  h.writeUInt32LE(0, 14);
  h.writeUInt32LE(U32_MAX, 18);
  h.writeUInt32LE(U32_MAX, 22);
  h.writeUInt16LE(name.length, 26);
  h.writeUInt16LE(extra.length, 28);
  return Buffer.concat([h, name, extra]);
}

function dataDescriptor(e: Written): Buffer {
  const d = Buffer.alloc(24);
  d.writeUInt32LE(0x08074b50, 0);
  d.writeUInt32LE(e.crc, 4);
  d.writeBigUInt64LE(BigInt(e.compressed), 8);
  d.writeBigUInt64LE(BigInt(e.size), 16);
  return d;
}

function centralEntry(e: Written, at: { time: number; date: number }): Buffer {
  const big = [e.size, e.compressed, e.offset].map((v) => v >= U32_MAX);
  const extraValues = [e.size, e.compressed, e.offset].filter((_, i) => big[i]);
  const extra = Buffer.alloc(extraValues.length ? 4 + 8 * extraValues.length : 0);
  if (extraValues.length) {
    extra.writeUInt16LE(0x0001, 0);
    extra.writeUInt16LE(8 * extraValues.length, 2);
    extraValues.forEach((v, i) => extra.writeBigUInt64LE(BigInt(v), 4 + 8 * i));
  }
  const h = Buffer.alloc(46);
  h.writeUInt32LE(0x02014b50, 0);
  h.writeUInt16LE((3 << 8) | 45, 4); // made by: Unix, 4.5
  h.writeUInt16LE(45, 6);
  h.writeUInt16LE(0x0808, 8);
  h.writeUInt16LE(8, 10);
  h.writeUInt16LE(at.time, 12);
  h.writeUInt16LE(at.date, 14);
  h.writeUInt32LE(e.crc, 16);
  h.writeUInt32LE(big[1] ? U32_MAX : e.compressed, 20);
  h.writeUInt32LE(big[0] ? U32_MAX : e.size, 24);
  h.writeUInt16LE(e.name.length, 28);
  h.writeUInt16LE(extra.length, 30);
  h.writeUInt16LE(0, 32); // comment
  h.writeUInt16LE(0, 34); // disk
  h.writeUInt16LE(0, 36); // internal attributes
  h.writeUInt32LE((0o100644 << 16) >>> 0, 38); // a regular file, rw-r--r--
  h.writeUInt32LE(big[2] ? U32_MAX : e.offset, 42);
  return Buffer.concat([h, e.name, extra]);
}

function endRecords(count: number, cdOffset: number, cdSize: number): Buffer {
  const parts: Buffer[] = [];
  const zip64 = cdOffset >= U32_MAX || cdSize >= U32_MAX;
  if (zip64) {
    const r = Buffer.alloc(56);
    r.writeUInt32LE(0x06064b50, 0);
    r.writeBigUInt64LE(44n, 4);
    r.writeUInt16LE((3 << 8) | 45, 12);
    r.writeUInt16LE(45, 14);
    r.writeUInt32LE(0, 16);
    r.writeUInt32LE(0, 20);
    r.writeBigUInt64LE(BigInt(count), 24);
    r.writeBigUInt64LE(BigInt(count), 32);
    r.writeBigUInt64LE(BigInt(cdSize), 40);
    r.writeBigUInt64LE(BigInt(cdOffset), 48);
    const locator = Buffer.alloc(20);
    locator.writeUInt32LE(0x07064b50, 0);
    locator.writeUInt32LE(0, 4);
    locator.writeBigUInt64LE(BigInt(cdOffset + cdSize), 8);
    locator.writeUInt32LE(1, 16);
    parts.push(r, locator);
  }
  const e = Buffer.alloc(22);
  e.writeUInt32LE(0x06054b50, 0);
  e.writeUInt16LE(count, 8);
  e.writeUInt16LE(count, 10);
  e.writeUInt32LE(zip64 ? U32_MAX : cdSize, 12);
  e.writeUInt32LE(zip64 ? U32_MAX : cdOffset, 16);
  parts.push(e);
  return Buffer.concat(parts);
}

/**
 * Each chunk is deflated on its own and ends on a sync flush (a byte boundary, no final block), so the
 * concatenation of the chunks' output is one deflate stream; an empty final block closes it.
 */
function deflateChunk(chunk: Uint8Array): Buffer {
  return zlib.deflateRawSync(chunk, { finishFlush: zlib.constants.Z_SYNC_FLUSH, level: 6 });
}
const FINAL_BLOCK = zlib.deflateRawSync(Buffer.alloc(0));

async function* entryBytes(data: ZipEntry['data']): AsyncGenerator<Uint8Array> {
  if (typeof data === 'function') {
    const v = data();
    yield typeof v === 'string' ? Buffer.from(v, 'utf8') : v;
  } else yield* data;
}

export async function* zipStream(entries: readonly ZipEntry[], now = new Date()): AsyncGenerator<Uint8Array> {
  const at = dosDateTime(now);
  const written: Written[] = [];
  let offset = 0;
  for (const entry of entries) {
    const name = Buffer.from(entry.name, 'utf8');
    const header = localHeader(name, at);
    const e: Written = { name, crc: 0, compressed: 0, size: 0, offset };
    yield header;
    offset += header.length;
    for await (const chunk of entryBytes(entry.data)) {
      if (chunk.length === 0) continue;
      e.crc = zlib.crc32(chunk, e.crc);
      e.size += chunk.length;
      const out = deflateChunk(chunk);
      e.compressed += out.length;
      offset += out.length;
      yield out;
    }
    e.compressed += FINAL_BLOCK.length;
    offset += FINAL_BLOCK.length;
    yield FINAL_BLOCK;
    const descriptor = dataDescriptor(e);
    offset += descriptor.length;
    yield descriptor;
    written.push(e);
  }
  const central = Buffer.concat(written.map((e) => centralEntry(e, at)));
  yield central;
  yield endRecords(written.length, offset, central.length);
}
