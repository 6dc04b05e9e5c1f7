// HTTP helpers for the model fetcher: JSON with a deadline, and streaming downloads hashed on the way to disk.
// The timeout bounds silence (waiting for headers, then any gap between chunks), not the whole transfer,
// so a slow-but-moving 250 MB download is not killed while a dead mirror is given up on quickly.
import { createHash } from "node:crypto";
import { createWriteStream } from "node:fs";
import { Readable, Transform } from "node:stream";
import { pipeline } from "node:stream/promises";
import type { ReadableStream as WebReadableStream } from "node:stream/web";

export interface DownloadProgress {
  readonly receivedBytes: number;
  readonly totalBytes: number | undefined;
}

export interface DownloadOptions {
  readonly url: string;
  readonly dest: string;
  /** Longest silence tolerated (before headers, and between body chunks). */
  readonly timeoutMs: number;
  readonly onProgress?: (p: DownloadProgress) => void;
}

class Deadline {
  readonly controller = new AbortController();
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly ms: number,
    private readonly what: string,
  ) {
    this.reset();
  }

  reset(): void {
    clearTimeout(this.timer);
    this.timer = setTimeout(
      () => this.controller.abort(new Error(`${this.what}: no data for ${this.ms} ms`)),
      this.ms,
    );
  }

  clear(): void {
    clearTimeout(this.timer);
  }
}

async function get(url: string, deadline: Deadline): Promise<Response> {
  let res: Response;
  try {
    res = await fetch(url, { signal: deadline.controller.signal, redirect: "follow" });
  } catch (err) {
    throw new Error(`GET ${url}: ${describe(deadline.controller.signal.reason ?? err)}`);
  }
  if (!res.ok) {
    await res.body?.cancel().catch(() => undefined);
    throw new Error(`GET ${url}: HTTP ${res.status}`);
  }
  return res;
}

/** undici hides the network cause (ECONNREFUSED, ENOTFOUND) behind a generic "fetch failed". */
function describe(err: unknown): string {
  if (!(err instanceof Error)) return String(err);
  const cause =
    err.cause instanceof Error ? `: ${(err.cause as NodeJS.ErrnoException).code ?? err.cause.message}` : "";
  return `${err.message}${cause}`;
}

export async function fetchJson(url: string, timeoutMs: number): Promise<unknown> {
  const deadline = new Deadline(timeoutMs, `GET ${url}`);
  try {
    const res = await get(url, deadline);
    return await res.json();
  } finally {
    deadline.clear();
  }
}

/** Streams `url` into `dest` and returns the bytes' sha256. `dest` is left partial on failure: the caller owns cleanup. */
export async function downloadToFile(opts: DownloadOptions): Promise<{ sha256: string; bytes: number }> {
  const deadline = new Deadline(opts.timeoutMs, `GET ${opts.url}`);
  try {
    const res = await get(opts.url, deadline);
    if (!res.body) throw new Error(`GET ${opts.url}: empty body`);
    const lengthHeader = res.headers.get("content-length");
    // With a content-encoding, fetch decodes the body and content-length counts the encoded bytes.
    const encoded = (res.headers.get("content-encoding") ?? "identity") !== "identity";
    const totalBytes = lengthHeader && !encoded ? Number(lengthHeader) : undefined;
    const hash = createHash("sha256");
    let receivedBytes = 0;
    const meter = new Transform({
      transform(chunk: Buffer, _enc, cb) {
        deadline.reset();
        hash.update(chunk);
        receivedBytes += chunk.length;
        opts.onProgress?.({ receivedBytes, totalBytes });
        cb(null, chunk);
      },
    });
    try {
      await pipeline(
        Readable.fromWeb(res.body as WebReadableStream<Uint8Array>),
        meter,
        createWriteStream(opts.dest),
        { signal: deadline.controller.signal },
      );
    } catch (err) {
      throw new Error(`GET ${opts.url}: ${describe(deadline.controller.signal.reason ?? err)}`);
    }
    if (totalBytes !== undefined && receivedBytes !== totalBytes) {
      throw new Error(`GET ${opts.url}: got ${receivedBytes} of ${totalBytes} bytes`);
    }
    return { sha256: hash.digest("hex"), bytes: receivedBytes };
  } finally {
    deadline.clear();
  }
}
