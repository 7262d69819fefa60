/** Reads the entries of a .vsix (a zip file) without unpacking it: names, sizes, and the first bytes of an entry. */
import { readFileSync } from 'node:fs';
import { constants, inflateRawSync } from 'node:zlib';

export interface ZipEntry {
  readonly name: string;
  readonly size: number;
  /** The first `length` bytes of the entry, uncompressed (the whole entry when it is shorter). */
  head(length?: number): Buffer;
  /** The whole entry, uncompressed. */
  read(): Buffer;
}

/** The entries of a zip file, from its central directory. */
export function readZip(file: string): ZipEntry[] {
  const zip = readFileSync(file);
  let end = zip.length - 22;
  while (end >= 0 && zip.readUInt32LE(end) !== 0x06054b50) end--;
  if (end < 0) throw new Error(`${file} is not a zip file: no end of central directory`);
  const count = zip.readUInt16LE(end + 10);
  let offset = zip.readUInt32LE(end + 16);
  const entries: ZipEntry[] = [];
  for (let i = 0; i < count; i++) {
    if (zip.readUInt32LE(offset) !== 0x02014b50) throw new Error(`${file}: bad central directory entry ${i}`);
    const method = zip.readUInt16LE(offset + 10);
    const compressedSize = zip.readUInt32LE(offset + 20);
    const size = zip.readUInt32LE(offset + 24);
    const nameLength = zip.readUInt16LE(offset + 28);
    const extraLength = zip.readUInt16LE(offset + 30);
    const commentLength = zip.readUInt16LE(offset + 32);
    const local = zip.readUInt32LE(offset + 42);
    const name = zip.subarray(offset + 46, offset + 46 + nameLength).toString('utf8');
    offset += 46 + nameLength + extraLength + commentLength;
    const data = (): Buffer => {
      const start = local + 30 + zip.readUInt16LE(local + 26) + zip.readUInt16LE(local + 28);
      return zip.subarray(start, start + compressedSize);
    };
    const inflate = (bytes: Buffer, partial: boolean): Buffer =>
      method === 0 ? bytes : inflateRawSync(bytes, partial ? { finishFlush: constants.Z_SYNC_FLUSH } : {});
    entries.push({
      name,
      size,
      // Inflating a prefix of the compressed data gives a prefix of the entry: enough for a header.
      head: (length = 4096) => inflate(data().subarray(0, Math.max(length, 65_536)), true).subarray(0, length),
      read: () => inflate(data(), false),
    });
  }
  return entries;
}
