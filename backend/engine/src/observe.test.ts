// traceAnswer + the observed retriever/LLM: what a traced answer records (retrievals with chunk ids and scores,
// completions with model and tokens, state, citations), that concurrent answers never mix, that untraced and
// unsampled answers record nothing, and that a throwing tracer never reaches the answer.
import type { AnswerTraceRecord, AnswerTracer, ChatDelta, Chunk, Llm } from "@isa/core";
import { describe, expect, it } from "vitest";
import type { RetrievalResult } from "./answer/types.js";
import {
  currentTraceparent,
  formatTraceparent,
  observedLlm,
  observedRetriever,
  parseTraceparent,
  traceAnswer,
} from "./observe.js";

const chunk = (id: string): Chunk =>
  ({
    id,
    docId: `d-${id}`,
    source: "s",
    path: `${id}.md`,
    title: id,
    headingPath: [],
    startLine: 1,
    endLine: 2,
    text: id,
    kind: "markdown",
  }) as unknown as Chunk;

const retriever = observedRetriever({
  async retrieve(query: string, _opts: { k: number }): Promise<RetrievalResult> {
    await new Promise((r) => setTimeout(r, query.length % 5));
    return { hits: [{ chunk: chunk(`c-${query}`), score: 0.5, denseScore: 0.7 }], bestDenseScore: 0.7 };
  },
});

const llm: Llm = observedLlm({
  modelId: "m-test",
  async *stream(): AsyncGenerator<ChatDelta> {
    yield { type: "token", text: "hello" };
    yield { type: "done", finishReason: "stop", usage: { promptTokens: 10, completionTokens: 2 } };
  },
  async close() {},
} as unknown as Llm);

function recorder(over: Partial<AnswerTracer> = {}) {
  const records: AnswerTraceRecord[] = [];
  const tracer: AnswerTracer = {
    sampled: () => true,
    record: (r) => records.push(r),
    feedback: () => {},
    dropped: () => 0,
    close: async () => {},
    ...over,
  };
  return { tracer, records };
}

const meta = (q: string) => ({
  traceId: "0123456789abcdef0123456789abcdef".replace(/^./, String(q.length % 10)),
  agent: "api",
  question: q,
  principalId: "alice",
  promptVersion: "p1",
  model: "m-test",
});

async function answer(q: string) {
  await retriever.retrieve(q, { k: 3 });
  for await (const _ of llm.stream({ messages: [] } as never)) {
    // consume
  }
  return {
    answer: "hello [1]",
    abstained: false,
    citations: [
      {
        n: 1,
        chunkId: `c-${q}`,
        docId: "d",
        source: "s",
        path: `${q}.md`,
        title: "",
        headingPath: [],
        startLine: 1,
        endLine: 2,
        score: 0.5,
      },
    ],
  };
}

describe("traceAnswer", () => {
  it("records each concurrent answer's own retrievals and completions", async () => {
    const { tracer, records } = recorder();
    await Promise.all(
      ["alpha", "beta", "gamma"].map((q) =>
        traceAnswer(
          tracer,
          meta(q),
          () => answer(q),
          (result) => ({ result }),
        ),
      ),
    );
    expect(records).toHaveLength(3);
    for (const r of records) {
      expect(r.retrievals.map((x) => x.hits.map((h) => h.chunkId))).toEqual([[`c-${r.question}`]]);
      expect(r.retrievals[0]?.hits[0]).toMatchObject({ score: 0.5, denseScore: 0.7 });
      expect(r.generations).toMatchObject([
        { model: "m-test", outputChars: 5, usage: { promptTokens: 10, completionTokens: 2 } },
      ]);
      expect(r).toMatchObject({
        state: "answered",
        principalId: "alice",
        usage: { promptTokens: 10, completionTokens: 2 },
      });
      expect(r.rootSpanId).toMatch(/^[0-9a-f]{16}$/);
    }
  });

  it("records nothing without a tracer or when not sampled, and survives a throwing tracer", async () => {
    const off = recorder({ sampled: () => false });
    await traceAnswer(
      off.tracer,
      meta("a"),
      () => answer("a"),
      (result) => ({ result }),
    );
    expect(off.records).toEqual([]);
    expect(
      await traceAnswer(
        undefined,
        meta("a"),
        () => answer("a"),
        (result) => ({ result }),
      ),
    ).toMatchObject({ answer: "hello [1]" });
    const bad = recorder({
      record: () => {
        throw new Error("tracker broke");
      },
    });
    expect(
      await traceAnswer(
        bad.tracer,
        meta("b"),
        () => answer("b"),
        (result) => ({ result }),
      ),
    ).toMatchObject({ answer: "hello [1]" });
  });

  it("records a failed answer and rethrows its error", async () => {
    const { tracer, records } = recorder();
    await expect(
      traceAnswer(
        tracer,
        meta("x"),
        async () => {
          await retriever.retrieve("x", { k: 1 });
          throw new Error("boom");
        },
        (result: never) => ({ result }),
      ),
    ).rejects.toThrow("boom");
    expect(records).toMatchObject([{ state: "failed", error: "Error", retrievals: [{ query: "x" }] }]);
  });

  it("exposes the answer's traceparent to outgoing calls, and parses W3C traceparents strictly", async () => {
    const { tracer } = recorder();
    let seen: string | undefined;
    await traceAnswer(
      tracer,
      meta("tp"),
      async () => {
        seen = currentTraceparent();
        return answer("tp");
      },
      (result) => ({ result }),
    );
    const p = parseTraceparent(seen);
    expect(p).toMatchObject({ traceId: meta("tp").traceId, sampled: true });
    expect(p && formatTraceparent(p)).toBe(seen);
    expect(currentTraceparent()).toBeUndefined();
    expect(parseTraceparent("00-00000000000000000000000000000000-0123456789abcdef-01")).toBeUndefined();
    expect(parseTraceparent("ff-0123456789abcdef0123456789abcdef-0123456789abcdef-01")).toBeUndefined();
    expect(parseTraceparent("garbage")).toBeUndefined();
  });
});
