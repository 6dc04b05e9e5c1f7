// Conversations on the API through app.inject(): every answer carries a conversationId, sending it back continues
// the conversation (earlier turns steer retrieval and reach the model), GET /v1/conversations/:id shows the turns,
// and the audience rule keeps a conversation from anyone whose groups do not cover everyone who added to it.
import { CONVERSATION_ID } from "@isa/core";
import type { ScriptedLlm } from "@isa/engine/testkit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { MAX_CONVERSATION_TURNS } from "../persistence/index.js";
import { expectError, parseSse } from "../testkit/assertions.js";
import type { TestApp, TestCorpus } from "../testkit/harness.js";
import { bearer, echoingLlm, indexCorpus, openTestApp } from "../testkit/harness.js";

interface Answer {
  answer: string;
  citations: { path: string }[];
  traceId: string;
  conversationId: string;
}

interface Conversation {
  id: string;
  createdAt: string;
  turns: {
    question: string;
    answer: string;
    citations: { path: string }[];
    abstained: boolean;
    traceId: string;
    at: string;
  }[];
}

/** The data of the last SSE event (the `answer` event of a successful stream). */
function lastAnswer(body: string): Answer {
  const last = parseSse(body).at(-1);
  expect(last?.[0]).toBe("answer");
  return (last ?? ["", {}])[1] as Answer;
}

describe("conversations", () => {
  let corpus: TestCorpus;
  let t: TestApp;
  let llm: ScriptedLlm;

  beforeAll(async () => {
    corpus = await indexCorpus();
    llm = echoingLlm() as ScriptedLlm;
    t = await openTestApp(corpus, { llm });
  }, 60_000);
  afterAll(async () => {
    await t?.close();
    corpus?.cleanup();
  });

  async function ask(who: string, question: string, conversationId?: string) {
    return t.app.inject({
      method: "POST",
      url: "/v1/ask",
      headers: { ...bearer(who), accept: "application/json" },
      payload: { question, ...(conversationId === undefined ? {} : { conversationId }) },
    });
  }
  async function askOk(who: string, question: string, conversationId?: string): Promise<Answer> {
    const r = await ask(who, question, conversationId);
    expect(r.statusCode, r.body).toBe(200);
    return r.json<Answer>();
  }
  const get = (who: string, id: string) =>
    t.app.inject({ method: "GET", url: `/v1/conversations/${id}`, headers: bearer(who) });
  /** Paths of the sources the model was shown in the last request, in rank order. */
  const lastPromptPaths = () =>
    [
      ...(llm.requests.at(-1)?.messages.at(-1)?.content ?? "").matchAll(/<source n="\d+" path="([^"]+)"/g),
    ].map((m) => m[1]);

  it("issues a new conversation per answer without an id, and records the turn", async () => {
    const a = await askOk("alice", "How do I rotate the staging database password?");
    const b = await askOk("alice", "How do I rotate the staging database password?");
    expect(a.conversationId).toMatch(CONVERSATION_ID);
    expect(b.conversationId).not.toBe(a.conversationId);
    const r = await get("alice", a.conversationId);
    expect(r.statusCode, r.body).toBe(200);
    const c = r.json<Conversation>();
    expect(c.id).toBe(a.conversationId);
    expect(Number.isNaN(Date.parse(c.createdAt))).toBe(false);
    expect(c.turns).toHaveLength(1);
    expect(c.turns[0]).toMatchObject({
      question: "How do I rotate the staging database password?",
      answer: a.answer,
      abstained: false,
      traceId: a.traceId,
    });
    expect(c.turns[0]?.citations.map((x) => x.path)).toEqual(a.citations.map((x) => x.path));
  });

  it("the SSE answer event carries the conversationId too, and continuing keeps it", async () => {
    const r = await t.app.inject({
      method: "POST",
      url: "/v1/ask",
      headers: bearer("alice"),
      payload: { question: "When does the on-call rotation change?" },
    });
    const answer = lastAnswer(r.body);
    expect(answer.conversationId).toMatch(CONVERSATION_ID);
    const r2 = await t.app.inject({
      method: "POST",
      url: "/v1/ask",
      headers: bearer("alice"),
      payload: { question: "Where is the pager schedule?", conversationId: answer.conversationId },
    });
    expect(lastAnswer(r2.body).conversationId).toBe(answer.conversationId);
    const c = (await get("alice", answer.conversationId)).json<Conversation>();
    expect(c.turns.map((x) => x.question)).toEqual([
      "When does the on-call rotation change?",
      "Where is the pager schedule?",
    ]);
  });

  it("a single-turn ask sends the model only the rules and this turn", async () => {
    await askOk("root", "How many vacation days?");
    expect(llm.requests.at(-1)?.messages.map((m) => m.role)).toEqual(["system", "user"]);
  });

  it("a pronoun follow-up is retrieved with the previous question, and earlier turns reach the model", async () => {
    // (Test double: the hashing embedder. The follow-up rule's 0.2 margin was set on MiniLM; since chunks embed a
    // contextual header, the first question must say enough for the combined query to clear it here.)
    const first = await askOk("root", "What is the break-glass procedure for the token in the vault?");
    const alone = await askOk("root", "How do I rotate it?");
    const alonePaths = lastPromptPaths();
    const followUp = await askOk("root", "How do I rotate it?", first.conversationId);
    const followPaths = lastPromptPaths();
    expect(followUp.citations[0]?.path).toBe("security/breakglass.md");
    expect(alone.citations[0]?.path).not.toBe("security/breakglass.md");
    expect(followPaths[0]).toBe("security/breakglass.md");
    expect(alonePaths[0]).not.toBe("security/breakglass.md");
    const messages = llm.requests.at(-1)?.messages ?? [];
    expect(messages.map((m) => m.role)).toEqual(["system", "user", "assistant", "user"]);
    expect(messages[1]?.content).toBe("What is the break-glass procedure for the token in the vault?");
    // The earlier answer, without its citation markers (they numbered that turn's sources).
    expect(messages[2]?.content).not.toMatch(/\[\d+\]/);
    expect(messages[2]?.content).toContain("vault");
  });

  it("404 NOT_FOUND for a well-formed id that was never issued, on ask and on GET", async () => {
    const id = "c_AAAAAAAAAAAAAAAAAAAAAA";
    expectError(await ask("root", "vacation?", id), "NOT_FOUND");
    expectError(await get("root", id), "NOT_FOUND");
  });

  it("400 INPUT_INVALID for a malformed id, on ask and on GET", async () => {
    for (const id of [
      "c_short",
      "x_AAAAAAAAAAAAAAAAAAAAAA",
      "c_AAAAAAAAAAAAAAAAAAAAA+",
      "c_AAAAAAAAAAAAAAAAAAAAAAA",
    ]) {
      expectError(await ask("root", "vacation?", id), "INPUT_INVALID");
      expectError(await get("root", encodeURIComponent(id)), "INPUT_INVALID");
    }
    const r = await t.app.inject({
      method: "POST",
      url: "/v1/ask",
      headers: { ...bearer("root"), accept: "application/json" },
      payload: { question: "vacation?", conversationId: 42 },
    });
    expectError(r, "INPUT_INVALID");
  });

  it("only principals whose groups cover the audience may read or continue; adding a turn widens it", async () => {
    // Started by alice (eng): eng members read it, dan (public only) and carol (finance) do not.
    const a = await askOk("alice", "How do I rotate the staging database password?");
    const id = a.conversationId;
    for (const who of ["dan", "carol", "bob"]) {
      expectError(await get(who, id), "NOT_FOUND");
      expectError(await ask(who, "And then?", id), "NOT_FOUND");
    }
    expect((await get("erin", id)).statusCode).toBe(200);
    // erin (eng + finance) continues it: now only principals with eng and finance may see it.
    await askOk("erin", "And the budget forecast?", id);
    expectError(await get("alice", id), "NOT_FOUND");
    expectError(await ask("alice", "And then?", id), "NOT_FOUND");
    expect((await get("erin", id)).json<Conversation>().turns).toHaveLength(2);
    expect((await get("root", id)).statusCode).toBe(200);
  });

  it("a conversation started by a public-only principal can be continued by anyone", async () => {
    const a = await askOk("dan", "How many vacation days?");
    for (const who of ["dan", "alice", "bob", "carol", "root"]) {
      expect((await get(who, a.conversationId)).statusCode, who).toBe(200);
    }
    // A second public-only turn keeps it open to all; an eng member's turn closes it to those outside eng.
    await askOk("dan", "How do I book it?", a.conversationId);
    await askOk("alice", "And the staging database?", a.conversationId);
    expect((await get("erin", a.conversationId)).json<Conversation>().turns).toHaveLength(3);
    expectError(await get("bob", a.conversationId), "NOT_FOUND");
    expectError(await get("dan", a.conversationId), "NOT_FOUND");
  });

  it("/openapi.json: conversationId in the ask body (optional) and the answer (required), and the GET route", async () => {
    const doc = (await t.app.inject({ method: "GET", url: "/openapi.json" })).json<{
      paths: Record<string, Record<string, { requestBody?: unknown; responses: Record<string, unknown> }>>;
    }>();
    type Schema = { required?: string[]; properties: Record<string, { pattern?: string }> };
    const ask = doc.paths["/v1/ask"]?.post as unknown as {
      requestBody: { content: Record<string, { schema: Schema }> };
      responses: Record<string, { content: Record<string, { schema: Schema }> }>;
    };
    const body = ask.requestBody.content["application/json"]?.schema;
    expect(body?.properties.conversationId?.pattern).toBe(CONVERSATION_ID.source);
    expect(body?.required).toEqual(["question"]);
    expect(ask.responses["200"]?.content["application/json"]?.schema.required).toContain("conversationId");
    expect(Object.keys(ask.responses)).toEqual(expect.arrayContaining(["404", "409"]));
    expect(Object.keys(doc.paths["/v1/conversations/{id}"]?.get?.responses ?? {})).toEqual(
      expect.arrayContaining(["200", "404"]),
    );
  });

  it(`409 CONVERSATION_FULL after ${MAX_CONVERSATION_TURNS} turns, before any answering`, async () => {
    const first = await askOk("root", "How many vacation days?");
    for (let i = 1; i < MAX_CONVERSATION_TURNS; i++)
      await askOk("root", `Question ${i}?`, first.conversationId);
    const before = llm.requests.length;
    const r = await ask("root", "One more?", first.conversationId);
    expectError(r, "CONVERSATION_FULL");
    expect(r.json<{ error: { details: { maxTurns: number } } }>().error.details.maxTurns).toBe(
      MAX_CONVERSATION_TURNS,
    );
    expect(llm.requests.length).toBe(before);
    expect((await get("root", first.conversationId)).json<Conversation>().turns).toHaveLength(
      MAX_CONVERSATION_TURNS,
    );
  });
});
