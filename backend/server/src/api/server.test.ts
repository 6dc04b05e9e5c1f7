// The API on a real socket (127.0.0.1, port 0) with fetch: tokens arrive while generation is still running, a
// client disconnect aborts generation, and graceful shutdown lets a stream finish or ends it with SHUTTING_DOWN.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { TestCorpus } from "../testkit/harness.js";
import { bearer, indexCorpus, slowLlm, testParts } from "../testkit/harness.js";
import type { RunningServer } from "./server.js";
import { startServer } from "./server.js";

const QUESTION = { question: "How do I rotate the staging database password?" };

async function waitFor(cond: () => boolean, ms = 3000): Promise<void> {
  const until = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > until) throw new Error("condition not met in time");
    await new Promise((r) => setTimeout(r, 10));
  }
}

/** Reads an SSE response frame by frame. */
function frames(res: Response) {
  const reader = (res.body as ReadableStream<Uint8Array>).getReader();
  const decoder = new TextDecoder();
  let buf = "";
  return {
    reader,
    async next(): Promise<{ event: string; data: unknown } | undefined> {
      for (;;) {
        const i = buf.indexOf("\n\n");
        if (i >= 0) {
          const frame = buf.slice(0, i);
          buf = buf.slice(i + 2);
          if (frame.startsWith(":")) continue;
          const m = /^event: (\w+)\ndata: (.*)$/.exec(frame);
          if (!m) throw new Error(`bad frame ${frame}`);
          return { event: m[1] ?? "", data: JSON.parse(m[2] ?? "null") };
        }
        const { value, done } = await reader.read();
        if (done) return undefined;
        buf += decoder.decode(value, { stream: true });
      }
    },
  };
}

describe("API over a real socket", () => {
  let corpus: TestCorpus;
  beforeAll(async () => {
    corpus = await indexCorpus();
  }, 60_000);
  afterAll(() => corpus?.cleanup());

  async function start(
    llm: ReturnType<typeof slowLlm>,
  ): Promise<RunningServer & { closeRuntime: () => Promise<void> }> {
    const { config, deps } = await testParts(corpus, { llm });
    const server = await startServer(config, deps, { host: "127.0.0.1", port: 0 });
    return Object.assign(server, { closeRuntime: () => deps.runtime.close() });
  }

  const ask = (url: string, signal?: AbortSignal) =>
    fetch(`${url}/v1/ask`, {
      method: "POST",
      headers: { ...bearer("alice"), "content-type": "application/json" },
      body: JSON.stringify(QUESTION),
      ...(signal ? { signal } : {}),
    });

  it("streams token events before generation ends, then the answer", async () => {
    const llm = slowLlm(8, 40);
    const server = await start(llm);
    try {
      const res = await ask(server.url);
      expect(res.status).toBe(200);
      expect(res.headers.get("content-type")).toBe("text/event-stream; charset=utf-8");
      const f = frames(res);
      const first = await f.next();
      expect(first?.event).toBe("token");
      expect(llm.finished).toBe(0);
      const events = [first];
      for (let e = await f.next(); e; e = await f.next()) events.push(e);
      expect(events.map((e) => e?.event)).toEqual([...Array(events.length - 1).fill("token"), "answer"]);
      const answer = events.at(-1)?.data as { answer: string; traceId: string };
      expect(
        events
          .slice(0, -1)
          .map((e) => (e?.data as { text?: string } | undefined)?.text ?? "")
          .join(""),
      ).toBe(answer.answer);
      expect(answer.answer).toContain("t7");
      expect(llm.finished).toBe(1);
    } finally {
      await server.close();
      await server.closeRuntime();
    }
  });

  it("a client disconnect aborts generation", async () => {
    const llm = slowLlm(200, 20);
    const server = await start(llm);
    try {
      const controller = new AbortController();
      const res = await ask(server.url, controller.signal);
      const f = frames(res);
      expect((await f.next())?.event).toBe("token");
      controller.abort();
      await waitFor(() => llm.aborted === 1);
      expect(llm.finished).toBe(0);
    } finally {
      await server.close();
      await server.closeRuntime();
    }
  });

  it("graceful shutdown: an in-flight stream finishes, new connections are refused", async () => {
    const llm = slowLlm(10, 30);
    const server = await start(llm);
    const res = await ask(server.url);
    const f = frames(res);
    expect((await f.next())?.event).toBe("token");
    const closing = server.close({ deadlineMs: 5000 });
    await expect(fetch(`${server.url}/healthz`)).rejects.toThrow();
    const rest: string[] = [];
    for (let e = await f.next(); e; e = await f.next()) rest.push(e.event);
    expect(rest.at(-1)).toBe("answer");
    await closing;
    expect(llm.finished).toBe(1);
    await server.closeRuntime();
  });

  it("graceful shutdown: past the deadline a stream ends with an error event SHUTTING_DOWN", async () => {
    const llm = slowLlm(1000, 20);
    const server = await start(llm);
    const res = await ask(server.url);
    const f = frames(res);
    expect((await f.next())?.event).toBe("token");
    const closing = server.close({ deadlineMs: 200, graceMs: 2000 });
    let last: { event: string; data: unknown } | undefined;
    for (let e = await f.next(); e; e = await f.next()) last = e;
    expect(last).toEqual({
      event: "error",
      data: { error: { code: "SHUTTING_DOWN", message: "The server is shutting down; retry shortly." } },
    });
    await closing;
    expect(llm.aborted).toBe(1);
    await server.closeRuntime();
  });
});
