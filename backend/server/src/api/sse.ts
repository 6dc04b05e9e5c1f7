// Server-Sent Events framing. Data is always one JSON line, so no payload can break out of its `data:` field.
// Memory is bounded by bytes: a client that stops reading while the answer streams would make the body buffer grow,
// so past SSE_MAX_BUFFERED_BYTES unread the stream is cut (the client sees it end without an answer event and can
// ask again). Live streams and their unread bytes are reported in /metrics.
import { PassThrough } from "node:stream";

export interface SseStream {
  /** The body to hand to `reply.send`. */
  readonly body: PassThrough;
  send(event: string, data: unknown): void;
  /** Ends the stream; later sends are ignored. */
  end(): void;
  readonly ended: boolean;
}

/** Proxies drop idle connections; a comment line every interval keeps a slow generation's stream open. */
const HEARTBEAT_MS = 15_000;
/** Unread bytes one stream may buffer before it is cut (an answer's events are a few KiB to a few hundred). */
export const SSE_MAX_BUFFERED_BYTES = 1024 * 1024;

const live = new Set<PassThrough>();
/** Streams open in this process and the bytes they buffer unread (the /metrics gauges). */
export function sseBuffered(): { entries: number; bytes: number } {
  let bytes = 0;
  for (const b of live) bytes += b.writableLength + b.readableLength;
  return { entries: live.size, bytes };
}

export function sseFrame(event: string, data: unknown): string {
  if (!/^[a-z_]+$/.test(event)) throw new Error(`bad SSE event name ${event}`);
  return `event: ${event}\ndata: ${JSON.stringify(data)}\n\n`;
}

export function createSseStream(heartbeatMs = HEARTBEAT_MS, maxBuffered = SSE_MAX_BUFFERED_BYTES): SseStream {
  const body = new PassThrough();
  live.add(body);
  let ended = false;
  const heartbeat = setInterval(() => {
    if (!ended) body.write(": keep-alive\n\n");
  }, heartbeatMs);
  heartbeat.unref();
  const end = () => {
    if (ended) return;
    ended = true;
    clearInterval(heartbeat);
    body.end();
    body.once("end", () => live.delete(body));
  };
  // A client gone away destroys the body: stop writing to it.
  body.on("close", () => {
    live.delete(body);
    end();
  });
  return {
    body,
    send(event, data) {
      if (ended || body.destroyed) return;
      const frame = sseFrame(event, data);
      if (body.writableLength + body.readableLength + Buffer.byteLength(frame) > maxBuffered) {
        // The client is not reading: cut the stream rather than hold the answer in memory.
        ended = true;
        clearInterval(heartbeat);
        body.destroy();
        live.delete(body);
        return;
      }
      body.write(frame);
    },
    end,
    get ended() {
      return ended;
    },
  };
}
