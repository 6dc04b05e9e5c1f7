// Default file-system access for discovery: bounded reads that never block on a FIFO and never follow a link
// swapped in after the walk looked at the path.
import { constants } from "node:fs";
import { open, readdir } from "node:fs/promises";
import type { DiscoverIo } from "./types.js";

/** Thrown by `readFile` when the path is no longer what the walk saw; mapped to a skip reason. */
export class ReadRefused extends Error {
  constructor(
    readonly reason: "too-large" | "special-file",
    message: string,
  ) {
    super(message);
    this.name = "ReadRefused";
  }
}

// O_NOFOLLOW and O_NONBLOCK are 0 where the platform lacks them (Windows), which is harmless.
const READ_FLAGS = constants.O_RDONLY | (constants.O_NOFOLLOW ?? 0) | (constants.O_NONBLOCK ?? 0);

async function readFileBounded(absPath: string, maxBytes: number): Promise<Uint8Array> {
  const fh = await open(absPath, READ_FLAGS);
  try {
    const st = await fh.stat();
    if (!st.isFile()) throw new ReadRefused("special-file", "not a regular file");
    if (st.size > maxBytes) throw new ReadRefused("too-large", `${st.size} bytes`);
    // Read at most maxBytes + 1 so a file that grew since stat is caught without reading it all.
    const buf = Buffer.allocUnsafe(Math.min(st.size, maxBytes) + 1);
    let filled = 0;
    while (filled < buf.length) {
      const { bytesRead } = await fh.read(buf, filled, buf.length - filled, filled);
      if (bytesRead === 0) break;
      filled += bytesRead;
    }
    if (filled > maxBytes) throw new ReadRefused("too-large", `more than ${maxBytes} bytes`);
    return buf.subarray(0, filled);
  } finally {
    await fh.close();
  }
}

export const defaultIo: DiscoverIo = {
  readDir: (absDir) => readdir(absDir),
  readFile: readFileBounded,
};
