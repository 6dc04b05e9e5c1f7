// Reads one member out of a zip file (a wheel) as a stream, without extracting the rest.
// A wheel is a plain zip with stored or deflated members, so a ~150-line reader (central directory, local
// header, raw inflate from node:zlib) replaces a dependency; zip64 is handled for wheels over 4 GiB.
import type { FileHandle } from "node:fs/promises";
import { open } from "node:fs/promises";
import type { Readable } from "node:stream";
import { Transform } from "node:stream";
import { crc32, createInflateRaw } from "node:zlib";

const EOCD_SIG = 0x06054b50;
const ZIP64_LOCATOR_SIG = 0x07064b50;
const ZIP64_EOCD_SIG = 0x06064b50;
const CENTRAL_SIG = 0x02014b50;
const LOCAL_SIG = 0x04034b50;
const MAX_U32 = 0xffffffff;

export interface ZipEntry {
  readonly name: string;
  readonly method: number;
  readonly flags: number;
  readonly crc32: number;
  readonly compressedSize: number;
  readonly size: number;
  readonly localHeaderOffset: number;
}

async function readAt(fh: FileHandle, position: number, length: number): Promise<Buffer> {
  const buf = Buffer.alloc(length);
  const { bytesRead } = await fh.read(buf, 0, length, position);
  if (bytesRead !== length) throw new Error(`zip: short read at ${position}`);
  return buf;
}

const u64 = (b: Buffer, at: number): number => Number(b.readBigUInt64LE(at));

async function findCentralDirectory(
  fh: FileHandle,
  fileSize: number,
): Promise<{ offset: number; size: number }> {
  // The end record sits in the last 22 bytes plus an optional comment of at most 65535 bytes.
  const tailLen = Math.min(fileSize, 22 + 0xffff);
  const tailStart = fileSize - tailLen;
  const tail = await readAt(fh, tailStart, tailLen);
  for (let i = tail.length - 22; i >= 0; i--) {
    if (tail.readUInt32LE(i) !== EOCD_SIG) continue;
    const size = tail.readUInt32LE(i + 12);
    const offset = tail.readUInt32LE(i + 16);
    if (offset !== MAX_U32 && size !== MAX_U32) return { offset, size };
    const loc = i - 20;
    if (loc < 0 || tail.readUInt32LE(loc) !== ZIP64_LOCATOR_SIG)
      throw new Error("zip: zip64 locator missing");
    const z64 = await readAt(fh, u64(tail, loc + 8), 56);
    if (z64.readUInt32LE(0) !== ZIP64_EOCD_SIG) throw new Error("zip: bad zip64 end record");
    return { size: u64(z64, 40), offset: u64(z64, 48) };
  }
  throw new Error("zip: end of central directory not found (not a zip file?)");
}

function parseCentralDirectory(cd: Buffer): ZipEntry[] {
  const entries: ZipEntry[] = [];
  let p = 0;
  while (p + 46 <= cd.length && cd.readUInt32LE(p) === CENTRAL_SIG) {
    const nameLen = cd.readUInt16LE(p + 28);
    const extraLen = cd.readUInt16LE(p + 30);
    const commentLen = cd.readUInt16LE(p + 32);
    let compressedSize = cd.readUInt32LE(p + 20);
    let size = cd.readUInt32LE(p + 24);
    let localHeaderOffset = cd.readUInt32LE(p + 42);
    const name = cd.toString("utf8", p + 46, p + 46 + nameLen);
    // Zip64 extra field: only the fields saturated in the fixed header are present, in this order.
    let e = p + 46 + nameLen;
    const extraEnd = e + extraLen;
    while (e + 4 <= extraEnd) {
      const id = cd.readUInt16LE(e);
      const len = cd.readUInt16LE(e + 2);
      if (id === 0x0001) {
        let q = e + 4;
        if (size === MAX_U32) {
          size = u64(cd, q);
          q += 8;
        }
        if (compressedSize === MAX_U32) {
          compressedSize = u64(cd, q);
          q += 8;
        }
        if (localHeaderOffset === MAX_U32) localHeaderOffset = u64(cd, q);
      }
      e += 4 + len;
    }
    entries.push({
      name,
      method: cd.readUInt16LE(p + 10),
      flags: cd.readUInt16LE(p + 8),
      crc32: cd.readUInt32LE(p + 16),
      compressedSize,
      size,
      localHeaderOffset,
    });
    p = extraEnd + commentLen;
  }
  return entries;
}

/** Every entry of the zip's central directory. */
export async function listZip(zipPath: string): Promise<ZipEntry[]> {
  const fh = await open(zipPath, "r");
  try {
    const { size: fileSize } = await fh.stat();
    const { offset, size } = await findCentralDirectory(fh, fileSize);
    if (offset + size > fileSize) throw new Error("zip: central directory outside the file");
    return parseCentralDirectory(await readAt(fh, offset, size));
  } finally {
    await fh.close();
  }
}

/** Counts bytes and CRC-32 as they pass, and fails the stream when either disagrees with the directory. */
function checkEntry(entry: ZipEntry): Transform {
  let crc = 0;
  let n = 0;
  return new Transform({
    transform(chunk: Buffer, _enc, cb) {
      crc = crc32(chunk, crc);
      n += chunk.length;
      cb(null, chunk);
    },
    flush(cb) {
      if (n !== entry.size) cb(new Error(`zip: ${entry.name}: ${n} bytes, directory says ${entry.size}`));
      else if (crc >>> 0 !== entry.crc32 >>> 0) cb(new Error(`zip: ${entry.name}: CRC-32 mismatch`));
      else cb();
    },
  });
}

/** A stream of one member's uncompressed bytes (CRC and size checked). Throws when the member is absent. */
export async function openZipMember(
  zipPath: string,
  member: string,
): Promise<{ entry: ZipEntry; stream: Readable }> {
  const entry = (await listZip(zipPath)).find((e) => e.name === member);
  if (!entry) throw new Error(`zip: member ${member} not found`);
  if (entry.flags & 0x1) throw new Error(`zip: member ${member} is encrypted`);
  if (entry.method !== 0 && entry.method !== 8)
    throw new Error(`zip: member ${member} uses method ${entry.method}`);
  const fh = await open(zipPath, "r");
  let dataStart: number;
  try {
    const local = await readAt(fh, entry.localHeaderOffset, 30);
    if (local.readUInt32LE(0) !== LOCAL_SIG) throw new Error(`zip: bad local header for ${member}`);
    // The local header's own name/extra lengths decide where data starts; they may differ from the directory's.
    dataStart = entry.localHeaderOffset + 30 + local.readUInt16LE(26) + local.readUInt16LE(28);
  } catch (err) {
    await fh.close();
    throw err;
  }
  const checked = checkEntry(entry);
  if (entry.compressedSize === 0) {
    // Only an empty stored member has no data; a read stream cannot express an empty byte range.
    await fh.close();
    checked.end();
    return { entry, stream: checked };
  }
  const raw = fh.createReadStream({
    start: dataStart,
    end: dataStart + entry.compressedSize - 1,
    autoClose: true,
  });
  const body = entry.method === 8 ? raw.pipe(createInflateRaw()) : raw;
  // pipe() does not forward errors: surface read and inflate errors on the stream the caller consumes.
  raw.on("error", (err) => checked.destroy(err));
  body.on("error", (err: Error) => checked.destroy(err));
  // A consumer that gives up early must not leave the file handle open.
  checked.on("close", () => raw.destroy());
  return { entry, stream: body.pipe(checked) };
}
