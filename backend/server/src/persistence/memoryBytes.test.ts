// In-memory stores bounded by bytes, not only counts: conversations and A2A tasks drop the least recently used past
// their byte budget (keeping the one in use), an unread SSE stream is cut past its buffer, and /metrics shows them.
import { createAuthenticator, hashToken, parseTokensFile } from "@isa/auth";
import { loadConfig } from "@isa/core";
import type { Runtime } from "@isa/engine";
import { pino } from "pino";
import { describe, expect, it } from "vitest";
import { buildApp } from "../api/app.js";
import { createSseStream, sseBuffered } from "../api/sse.js";
import { createMemoryConversationStore, newConversationId } from "./conversations.js";
import { createMemoryTaskStore } from "./memoryTaskStore.js";
import { ctx, task, turn } from "./testkit/index.js";

const big = (n: number) => turn({ question: "q".repeat(n) });

describe("memory bounded by bytes", () => {
  it("conversations: past maxBytes the least recently used go; the one just written stays", async () => {
    const s = createMemoryConversationStore({ maxBytes: 50_000 });
    const ids = Array.from({ length: 10 }, () => newConversationId());
    for (const id of ids)
      await s.append({ id, turn: big(10_000), groups: ["public"], create: true, maxTurns: 50 });
    expect(s.memoryBytes()).toBeLessThanOrEqual(50_000);
    expect(s.memoryEntries()).toBe(4);
    expect(await s.get(ids[9] ?? "")).toBeDefined();
    expect(await s.get(ids[0] ?? "")).toBeUndefined();
    // One conversation over the whole budget is still kept while it is the one in use.
    const huge = newConversationId();
    await s.append({ id: huge, turn: big(60_000), groups: ["public"], create: true, maxTurns: 50 });
    expect(s.memoryEntries()).toBe(1);
    expect(await s.get(huge)).toBeDefined();
    await s.close();
    expect(s.memoryBytes()).toBe(0);
  });

  it("tasks: past maxBytes the oldest go, a re-save replaces its bytes", async () => {
    const s = createMemoryTaskStore({ maxBytes: 5_000 });
    const c = ctx("alice");
    const saved = [];
    for (let i = 0; i < 20; i++) {
      const t = task();
      saved.push(t.id);
      await s.save(t, c);
    }
    expect(s.memoryBytes()).toBeLessThanOrEqual(5_000);
    expect(s.memoryEntries()).toBeLessThan(20);
    expect(await s.load(saved[19] ?? "", c)).toBeDefined();
    expect(await s.load(saved[0] ?? "", c)).toBeUndefined();
    // Saving a task again replaces its bytes rather than adding to them.
    const entries = s.memoryEntries();
    const again = await s.load(saved[19] ?? "", c);
    for (let i = 0; i < 5; i++) if (again) await s.save(again, c);
    expect(s.memoryEntries()).toBe(entries);
    expect(s.memoryBytes()).toBeLessThanOrEqual(5_000);
  });

  it("an SSE stream nobody reads is cut past its buffer instead of growing", () => {
    const sse = createSseStream(60_000, 10_000);
    expect(sseBuffered().entries).toBeGreaterThanOrEqual(1);
    for (let i = 0; i < 100; i++) sse.send("delta", { text: "x".repeat(500) });
    expect(sse.ended).toBe(true);
    expect(sse.body.destroyed).toBe(true);
  });

  it("/metrics reports the stores' bytes and entries", async () => {
    const config = loadConfig({ ISA_DATA_DIR: "/nonexistent" });
    const boom = () => Promise.reject(new Error("unused"));
    const runtime = {
      config,
      embedder: boom,
      store: boom,
      retriever: boom,
      llm: boom,
      answerer: boom,
      close: async () => {},
    } as unknown as Runtime;
    const app = buildApp(config, {
      runtime,
      authenticator: createAuthenticator({
        tokens: parseTokensFile(`- {token_sha256: ${hashToken("a")}, user: a}`),
      }),
      logger: pino({ level: "silent" }),
    });
    await app.ready();
    const text = (await app.inject({ method: "GET", url: "/metrics" })).body;
    expect(text).toMatch(/^isa_memory_store_bytes\{store="conversations"\} 0$/m);
    expect(text).toMatch(/^isa_memory_store_bytes\{store="a2a_tasks_docs"\} 0$/m);
    expect(text).toMatch(/^isa_memory_store_entries\{store="rate_limit_keys"\} \d+$/m);
    expect(text).toMatch(/^isa_memory_store_entries\{store="sse_streams"\} \d+$/m);
    await app.close();
  });
});
