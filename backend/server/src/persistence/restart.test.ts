// ISA_DATABASE_URL for real: a throwaway PostgreSQL cluster, the A2A server and the API built from config as in
// production. Tasks and conversations survive closing the server and starting a new one on the same database (and
// stay scoped to their principals); the database going away mid-use gives catalog errors, not a crash, and the
// servers recover when it returns.
import type { Task } from "@a2a-js/sdk";
import { TaskState } from "@a2a-js/sdk";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { expectError, parseSse } from "../testkit/assertions.js";
import type { A2aTestServer } from "../testkit/fixture.js";
import { answerArtifact, clientFor, indexA2aCorpus, openA2aServer, sendRequest } from "../testkit/fixture.js";
import type { TestApp, TestCorpus } from "../testkit/harness.js";
import { bearer, openTestApp } from "../testkit/harness.js";
import type { TestPostgres } from "../testkit/postgres.js";
import { startTestPostgres } from "../testkit/postgres.js";
import { closeSharedDatabases } from "./index.js";

describe("PostgreSQL persistence (ISA_DATABASE_URL)", () => {
  let pg: TestPostgres;
  let corpus: TestCorpus;
  let env: Record<string, string>;
  const open: { a2a?: A2aTestServer; api?: TestApp } = {};

  beforeAll(async () => {
    pg = await startTestPostgres();
    env = { ISA_DATABASE_URL: pg.url };
    corpus = await indexA2aCorpus();
  }, 180_000);
  afterAll(async () => {
    await open.a2a?.close();
    await open.api?.close();
    await closeSharedDatabases();
    await pg?.destroy();
    corpus?.cleanup();
  });

  async function restartA2a(): Promise<A2aTestServer> {
    await open.a2a?.close();
    // A fresh pool too: nothing of the first server survives in this process but the database.
    await closeSharedDatabases();
    open.a2a = await openA2aServer(corpus, { env });
    return open.a2a;
  }
  async function restartApi(): Promise<TestApp> {
    await open.api?.close();
    open.api = await openTestApp(corpus, { env });
    return open.api;
  }

  it("an A2A task survives a restart, and another principal still cannot see it", async () => {
    let s = await restartA2a();
    const alice = await clientFor(s.url, "docs", { user: "alice" });
    const created = (await alice.sendMessage(
      sendRequest("How do I rotate the staging database password?"),
    )) as Task;
    expect(created.status?.state).toBe(TaskState.TASK_STATE_COMPLETED);

    s = await restartA2a();
    const again = await (await clientFor(s.url, "docs", { user: "alice" })).getTask({
      tenant: "",
      id: created.id,
    });
    expect(again.id).toBe(created.id);
    expect(again.status?.state).toBe(TaskState.TASK_STATE_COMPLETED);
    expect(answerArtifact(again).data.answer).toBe(answerArtifact(created).data.answer);
    // Scoped per principal and per agent, as with the in-memory store.
    const mallory = await clientFor(s.url, "docs", { user: "dan" });
    await expect(mallory.getTask({ tenant: "", id: created.id })).rejects.toThrow(/not found/i);
    const otherAgent = await clientFor(s.url, "dev", { user: "alice" });
    await expect(otherAgent.getTask({ tenant: "", id: created.id })).rejects.toThrow(/not found/i);
  }, 120_000);

  it("a conversation survives a restart and can be continued; the audience rule still holds", async () => {
    let t = await restartApi();
    const first = await t.app.inject({
      method: "POST",
      url: "/v1/ask",
      headers: { ...bearer("alice"), accept: "application/json" },
      payload: { question: "How do I rotate the staging database password?" },
    });
    expect(first.statusCode, first.body).toBe(200);
    const id = first.json<{ conversationId: string }>().conversationId;

    t = await restartApi();
    const second = await t.app.inject({
      method: "POST",
      url: "/v1/ask",
      headers: { ...bearer("alice"), accept: "application/json" },
      payload: { question: "Who runs it?", conversationId: id },
    });
    expect(second.statusCode, second.body).toBe(200);
    expect(second.json<{ conversationId: string }>().conversationId).toBe(id);

    t = await restartApi();
    const got = await t.app.inject({
      method: "GET",
      url: `/v1/conversations/${id}`,
      headers: bearer("alice"),
    });
    expect(got.statusCode, got.body).toBe(200);
    expect(got.json<{ turns: { question: string }[] }>().turns.map((x) => x.question)).toEqual([
      "How do I rotate the staging database password?",
      "Who runs it?",
    ]);
    expectError(
      await t.app.inject({ method: "GET", url: `/v1/conversations/${id}`, headers: bearer("dan") }),
      "NOT_FOUND",
    );
  }, 120_000);

  it("questions with NUL, lone surrogates and other edge text are answered and recorded (JSONB-safe)", async () => {
    const t = await restartApi();
    for (const question of [
      "vacation\u0000days?",
      "vacation \ud800?",
      "\udc00 vacation",
      "vacation \\u0000 days?",
    ]) {
      const r = await t.app.inject({
        method: "POST",
        url: "/v1/ask",
        headers: { ...bearer("alice"), accept: "application/json", "content-type": "application/json" },
        payload: JSON.stringify({ question }),
      });
      expect(r.statusCode, `${JSON.stringify(question)} ${r.body}`).toBe(200);
      const id = r.json<{ conversationId: string }>().conversationId;
      const got = await t.app.inject({
        method: "GET",
        url: `/v1/conversations/${id}`,
        headers: bearer("alice"),
      });
      expect(got.statusCode, got.body).toBe(200);
    }
  }, 60_000);

  it("the database going away: 503 DATABASE_UNAVAILABLE (HTTP and SSE), no crash; it recovers when it returns", async () => {
    const t = await restartApi();
    const s = await restartA2a();
    const ask = (payload: object, json = true) =>
      t.app.inject({
        method: "POST",
        url: "/v1/ask",
        headers: { ...bearer("alice"), ...(json ? { accept: "application/json" } : {}) },
        payload,
      });
    const ok = await ask({ question: "When does the on-call rotation change?" });
    expect(ok.statusCode, ok.body).toBe(200);
    const id = ok.json<{ conversationId: string }>().conversationId;
    const alice = await clientFor(s.url, "docs", { user: "alice" });
    const task = (await alice.sendMessage(sendRequest("Where is the pager schedule?"))) as Task;

    await pg.stop("immediate");
    try {
      expectError(await ask({ question: "And next week?", conversationId: id }), "DATABASE_UNAVAILABLE");
      expectError(
        await t.app.inject({ method: "GET", url: `/v1/conversations/${id}`, headers: bearer("alice") }),
        "DATABASE_UNAVAILABLE",
      );
      // A new conversation: the answer is generated, recording it fails → the catalog error, as JSON and as SSE.
      expectError(await ask({ question: "How many vacation days?" }), "DATABASE_UNAVAILABLE");
      const sse = await ask({ question: "How many vacation days?" }, false);
      const last = parseSse(sse.body).at(-1);
      expect(last?.[0]).toBe("error");
      expect(((last ?? ["", {}])[1] as { error?: { code: string } }).error?.code).toBe(
        "DATABASE_UNAVAILABLE",
      );
      // A2A: a JSON-RPC error for the call, the server keeps serving.
      await expect(alice.getTask({ tenant: "", id: task.id })).rejects.toThrow();
      const card = await fetch(`${s.url}/agents/docs/.well-known/agent-card.json`);
      expect(card.status).toBe(200);
      // Liveness still answers; readiness says which part is missing.
      expect((await t.app.inject({ method: "GET", url: "/healthz" })).statusCode).toBe(200);
      const ready = await t.app.inject({ method: "GET", url: "/readyz" });
      expect(ready.statusCode).toBe(503);
      expect(ready.json<{ checks: Record<string, string> }>().checks.database).toBe(
        "error: DATABASE_UNAVAILABLE",
      );
    } finally {
      await pg.start();
    }

    const ready = await t.app.inject({ method: "GET", url: "/readyz" });
    expect(ready.json<{ checks: Record<string, string> }>().checks.database).toBe("ok");
    const back = await t.app.inject({
      method: "GET",
      url: `/v1/conversations/${id}`,
      headers: bearer("alice"),
    });
    expect(back.statusCode, back.body).toBe(200);
    expect((await ask({ question: "And next week?", conversationId: id })).statusCode).toBe(200);
    expect((await alice.getTask({ tenant: "", id: task.id })).id).toBe(task.id);
  }, 120_000);
});
