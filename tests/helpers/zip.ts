// Reads a ZIP archive as an unzip program does: from its central directory (ZIP64 fields included),
// each entry inflated and its CRC checked. For the tests of zipped exports.
import zlib from 'node:zlib';

export function readZip(buf: Buffer): Map<string, Buffer> {
  let end = buf.length - 22;
  while (end >= 0 && buf.readUInt32LE(end) !== 0x06054b50) end--;
  if (end < 0) throw new Error('not a ZIP: no end of central directory');
  let count = buf.readUInt16LE(end + 10);
  let offset = buf.readUInt32LE(end + 16);
  if (offset === 0xffffffff) {
    const locator = end - 20;
    const record = Number(buf.readBigUInt64LE(locator + 8));
    count = Number(buf.readBigUInt64LE(record + 32));
    offset = Number(buf.readBigUInt64LE(record + 48));
  }
  const out = new Map<string, Buffer>();
  for (let i = 0; i < count; i++) {
    if (buf.readUInt32LE(offset) !== 0x02014b50) throw new Error(`no central directory entry at ${offset}`);
    const method = buf.readUInt16LE(offset + 10);
    const crc = buf.readUInt32LE(offset + 16);
    let compressed = buf.readUInt32LE(offset + 20);
    let size = buf.readUInt32LE(offset + 24);
    const nameLength = buf.readUInt16LE(offset + 28);
    const extraLength = buf.readUInt16LE(offset + 30);
    const commentLength = buf.readUInt16LE(offset + 32);
    let local = buf.readUInt32LE(offset + 42);
    const name = buf.subarray(offset + 46, offset + 46 + nameLength).toString('utf8');
    const extra = buf.subarray(offset + 46 + nameLength, offset + 46 + nameLength + extraLength);
    if (extra.length >= 4 && extra.readUInt16LE(0) === 1) {
      let at = 4;
      if (size === 0xffffffff) {
        size = Number(extra.readBigUInt64LE(at));
        at += 8;
      }
      if (compressed === 0xffffffff) {
        compressed = Number(extra.readBigUInt64LE(at));
        at += 8;
      }
      if (local === 0xffffffff) local = Number(extra.readBigUInt64LE(at));
    }
    const start = local + 30 + buf.readUInt16LE(local + 26) + buf.readUInt16LE(local + 28);
    const raw = buf.subarray(start, start + compressed);
    const data = method === 8 ? zlib.inflateRawSync(raw) : Buffer.from(raw);
    if (data.length !== size) throw new Error(`${name}: ${data.length} bytes, the directory says ${size}`);
    if (zlib.crc32(data) !== crc) throw new Error(`${name}: CRC mismatch`);
    out.set(name, data);
    offset += 46 + nameLength + extraLength + commentLength;
  }
  return out;
}
