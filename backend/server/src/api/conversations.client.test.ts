// The typed API client (@isa/core) against the real API server on 127.0.0.1: ask issues a conversation, ask with
// its id continues it, getConversation reads it, and the catalog errors arrive as AppErrors.
import type { AppError } from "@isa/core";
import { CONVERSATION_ID, createApiClient } from "@isa/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { TestCorpus, TestParts } from "../testkit/harness.js";
import { indexCorpus, testParts, tokenOf } from "../testkit/harness.js";
import type { RunningServer } from "./server.js";
import { startServer } from "./server.js";

describe("API client ↔ API server: conversations", () => {
  let corpus: TestCorpus;
  let parts: TestParts;
  let server: RunningServer;
  const client = (user: string) =>
    createApiClient({ baseUrl: server.url, token: tokenOf(user), timeoutMs: 10_000 });

  beforeAll(async () => {
    corpus = await indexCorpus();
    parts = await testParts(corpus);
    server = await startServer(parts.config, parts.deps, { host: "127.0.0.1", port: 0 });
  }, 60_000);
  afterAll(async () => {
    await server?.close();
    await parts?.deps.runtime.close();
    corpus?.cleanup();
  });

  it("issues, continues and reads a conversation; others get NOT_FOUND", async () => {
    const alice = client("alice");
    const tokens: string[] = [];
    const first = await alice.ask("How do I rotate the staging database password?", {
      onToken: (t) => tokens.push(t),
    });
    expect(tokens.join("")).toBe(first.answer);
    expect(first.conversationId).toMatch(CONVERSATION_ID);
    const id = first.conversationId ?? "";
    const second = await alice.ask("Who runs it?", { conversationId: id });
    expect(second.conversationId).toBe(id);
    const c = await alice.getConversation(id);
    expect(c.id).toBe(id);
    expect(c.turns.map((t) => t.traceId)).toEqual([first.traceId, second.traceId]);

    const err = (p: Promise<unknown>) =>
      p.then(
        () => undefined,
        (e: unknown) => e as AppError,
      );
    expect((await err(client("dan").getConversation(id)))?.code).toBe("NOT_FOUND");
    expect((await err(client("dan").ask("Who runs it?", { conversationId: id })))?.code).toBe("NOT_FOUND");
    expect((await err(alice.ask("x?", { conversationId: "nope" })))?.code).toBe("INPUT_INVALID");
  });
});
