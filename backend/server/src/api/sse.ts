// Server-Sent Events framing. Data is always one JSON line, so no payload can break out of its `data:` field.
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

export function sseFrame(event: string, data: unknown): string {
  if (!/^[a-z_]+$/.test(event)) throw new Error(`bad SSE event name ${event}`);
  return `event: ${event}\ndata: ${JSON.stringify(data)}\n\n`;
}

export function createSseStream(heartbeatMs = HEARTBEAT_MS): SseStream {
  const body = new PassThrough();
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
  };
  // A client gone away destroys the body: stop writing to it.
  body.on("close", end);
  return {
    body,
    send(event, data) {
      if (!ended && !body.destroyed) body.write(sseFrame(event, data));
    },
    end,
    get ended() {
      return ended;
    },
  };
}
