// The A2A servers through @a2a-js/sdk's own client against a real listen() on 127.0.0.1: cards, send, stream,
// get, cancel, v0.3 compat names, JSON-RPC error codes, and 401 without a valid bearer token.
import type { StreamResponse, Task } from "@a2a-js/sdk";
import { TaskState } from "@a2a-js/sdk";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { A2aTestServer } from "../testkit/fixture.js";
import {
  answerArtifact,
  clientFor,
  indexA2aCorpus,
  openA2aServer,
  rawRpc,
  sendRequest,
} from "../testkit/fixture.js";
import type { TestCorpus } from "../testkit/harness.js";
import { slowLlm } from "../testkit/harness.js";

const V1 = { "A2A-Version": "1.0" };
const alice = { user: "alice" };

function asTask(r: unknown): Task {
  expect((r as Task).artifacts, "a Task, not a Message").toBeDefined();
  return r as Task;
}

describe("A2A servers (docs, dev, root)", () => {
  let corpus: TestCorpus;
  let s: A2aTestServer;

  beforeAll(async () => {
    corpus = await indexA2aCorpus();
    s = await openA2aServer(corpus);
  }, 120_000);
  afterAll(async () => {
    await s?.close();
    corpus?.cleanup();
  });

  it("publishes each agent's card at its well-known path (skills, streaming, bearer)", async () => {
    for (const agent of ["docs", "dev", "root"] as const) {
      const res = await fetch(`${s.url}/agents/${agent}/.well-known/agent-card.json`, { headers: V1 });
      expect(res.status).toBe(200);
      const card = (await res.json()) as Record<string, unknown> & {
        skills: { examples: string[] }[];
        capabilities: { streaming: boolean };
        securitySchemes: Record<string, { httpAuthSecurityScheme?: { scheme: string } }>;
        supportedInterfaces: { url: string; protocolBinding: string; protocolVersion: string }[];
      };
      expect(card.skills.length).toBeGreaterThan(0);
      expect(card.skills[0]?.examples.length).toBeGreaterThan(0);
      expect(card.capabilities.streaming).toBe(true);
      expect(card.securitySchemes.bearer?.httpAuthSecurityScheme?.scheme).toBe("Bearer");
      expect(card.supportedInterfaces[0]).toMatchObject({
        url: `${s.url}/agents/${agent}`,
        protocolBinding: "JSONRPC",
        protocolVersion: "1.0",
      });
      const client = await clientFor(s.url, agent, alice);
      expect((await client.getAgentCard()).name).toBe(card.name);
    }
    // No A2A-Version header: still the v1.0 shape (the card must validate against the v1.0 schema whatever the
    // client sends; the TCK fetches it without a header). A client that names 0.3 gets the v0.3 shape.
    const bare = (await (await fetch(`${s.url}/agents/docs/.well-known/agent-card.json`)).json()) as {
      url?: string;
      supportedInterfaces?: unknown[];
    };
    expect(bare.url).toBeUndefined();
    expect(bare.supportedInterfaces?.length).toBeGreaterThan(0);
    const legacy = (await (
      await fetch(`${s.url}/agents/docs/.well-known/agent-card.json`, { headers: { "A2A-Version": "0.3" } })
    ).json()) as { url?: string; protocolVersion?: string; supportedInterfaces?: unknown };
    expect(legacy.url).toBe(`${s.url}/agents/docs`);
    expect(legacy.protocolVersion).toBe("0.3.0");
    expect(legacy.supportedInterfaces).toBeUndefined();
    // The root agent's card is also at the server's own well-known path.
    expect((await fetch(`${s.url}/.well-known/agent-card.json`, { headers: V1 })).status).toBe(200);
  });

  it("SendMessage → a completed task with a cited answer artifact (text + data parts)", async () => {
    const client = await clientFor(s.url, "docs", alice);
    const task = asTask(
      await client.sendMessage(sendRequest("How do I rotate the staging database password?")),
    );
    expect(task.status?.state).toBe(TaskState.TASK_STATE_COMPLETED);
    const { text, data } = answerArtifact(task);
    expect(text).toBe(data.answer);
    expect(data.abstained).toBe(false);
    expect((data as { state?: string }).state).toBe("answered");
    expect(["quoted", "generated"]).toContain((data as { mode?: string }).mode);
    expect(data.answeredBy).toBe("docs");
    expect(data.citations.length).toBeGreaterThan(0);
    expect(data.citations.map((c) => c.path)).toContain("eng/deploy.md");
    for (const c of data.citations) expect(c.path).toMatch(/\.md$/);
  });

  it("the dev agent cites only code and config; root routes code questions to dev and doc questions to docs", async () => {
    const dev = await clientFor(s.url, "dev", alice);
    const code = answerArtifact(
      asTask(await dev.sendMessage(sendRequest("rotateStagingPassword rotate-db"))),
    );
    expect(code.data.citations.length).toBeGreaterThan(0);
    for (const c of code.data.citations) expect(c.path).toMatch(/\.(ts|py|yaml)$/);

    const root = await clientFor(s.url, "root", alice);
    const r1 = answerArtifact(asTask(await root.sendMessage(sendRequest("rotateStagingPassword rotate-db"))));
    expect(r1.data.answeredBy).toBe("dev");
    expect(r1.data.route?.agent).toBe("dev");
    const r2 = answerArtifact(asTask(await root.sendMessage(sendRequest("What is the vacation policy?"))));
    expect(r2.data.answeredBy).toBe("docs");
    expect(r2.data.citations.map((c) => c.path)).toContain("handbook/vacation.md");
  });

  it("SendStreamingMessage → task, status updates, then the artifact, then the final status", async () => {
    const client = await clientFor(s.url, "docs", alice);
    const events: StreamResponse[] = [];
    for await (const e of client.sendMessageStream(sendRequest("What is the vacation policy?")))
      events.push(e);
    const kinds = events.map((e) => e.payload?.$case);
    expect(kinds[0]).toBe("task");
    const artifactAt = kinds.indexOf("artifactUpdate");
    expect(artifactAt).toBeGreaterThan(0);
    expect(kinds.slice(1, artifactAt)).toContain("statusUpdate");
    const last = events.at(-1)?.payload;
    expect(last?.$case).toBe("statusUpdate");
    if (last?.$case === "statusUpdate") expect(last.value.status?.state).toBe(TaskState.TASK_STATE_COMPLETED);
    // Text chunks as generated (append after the first), then the full artifact (text + data) replacing them.
    const updates = events.flatMap((e) => (e.payload?.$case === "artifactUpdate" ? [e.payload.value] : []));
    const chunks = updates.filter((u) => !u.lastChunk);
    const final = updates.at(-1);
    expect(chunks.length).toBeGreaterThan(1);
    expect(chunks.map((u) => u.append)).toEqual(chunks.map((_, i) => i > 0));
    expect(final?.lastChunk).toBe(true);
    expect(final?.append).toBe(false);
    expect(final?.artifact?.parts.length).toBe(2);
    const streamed = chunks
      .flatMap((u) => u.artifact?.parts ?? [])
      .map((p) => (p.content?.$case === "text" ? p.content.value : ""))
      .join("");
    const finalText = final?.artifact?.parts[0]?.content;
    expect(finalText?.$case === "text" && finalText.value).toBe(streamed);
    const stored = await client.getTask({
      tenant: "",
      id: events[0]?.payload?.$case === "task" ? events[0].payload.value.id : "",
    });
    expect(stored.artifacts).toHaveLength(1);
    expect(stored.artifacts[0]?.parts).toHaveLength(2);
  });

  it("GetTask returns the stored task; another principal cannot see it", async () => {
    const client = await clientFor(s.url, "docs", alice);
    const sent = asTask(await client.sendMessage(sendRequest("How many vacation days do I get?")));
    const got = await client.getTask({ tenant: "", id: sent.id });
    expect(got.id).toBe(sent.id);
    expect(got.status?.state).toBe(TaskState.TASK_STATE_COMPLETED);
    expect(answerArtifact(got).data).toEqual(answerArtifact(sent).data);
    const bob = await clientFor(s.url, "docs", { user: "bob" });
    await expect(bob.getTask({ tenant: "", id: sent.id })).rejects.toThrow(/not found/i);
    await expect(client.getTask({ tenant: "", id: "no-such-task" })).rejects.toThrow(/not found/i);
  });

  it("unknown method → -32601; malformed JSON → -32700; not a JSON-RPC request → -32600", async () => {
    const auth = { authorization: "Bearer token-alice", ...V1 };
    const unknown = await rawRpc(
      s.url,
      "docs",
      { jsonrpc: "2.0", id: 1, method: "NoSuchMethod", params: {} },
      auth,
    );
    expect(unknown.json).toMatchObject({ jsonrpc: "2.0", id: 1, error: { code: -32601 } });
    const legacyUnknown = await rawRpc(
      s.url,
      "docs",
      { jsonrpc: "2.0", id: 2, method: "tasks/nope", params: {} },
      {
        authorization: "Bearer token-alice",
      },
    );
    expect(legacyUnknown.json).toMatchObject({ error: { code: -32601 } });
    const malformed = await rawRpc(s.url, "docs", '{"jsonrpc": "2.0", "id": 1, "method": ', auth);
    expect(malformed.json).toMatchObject({ jsonrpc: "2.0", id: null, error: { code: -32700 } });
    const notRpc = await rawRpc(s.url, "docs", { hello: "world" }, auth);
    expect(notRpc.json).toMatchObject({ error: { code: -32600 } });
    // A content type other than JSON is the A2A ContentTypeNotSupportedError (-32005), not a parse error; the
    // A2A media type and a missing type are read as JSON.
    const plain = await rawRpc(
      s.url,
      "docs",
      { jsonrpc: "2.0", id: 4, method: "GetTask" },
      {
        ...auth,
        "content-type": "text/plain",
      },
    );
    expect(plain.json).toMatchObject({ jsonrpc: "2.0", error: { code: -32005 } });
    const a2aJson = await rawRpc(
      s.url,
      "docs",
      { jsonrpc: "2.0", id: 5, method: "NoSuchMethod", params: {} },
      {
        ...auth,
        "content-type": "application/a2a+json",
      },
    );
    expect(a2aJson.json).toMatchObject({ id: 5, error: { code: -32601 } });
    const badParams = await rawRpc(
      s.url,
      "docs",
      { jsonrpc: "2.0", id: 3, method: "GetTask", params: 7 },
      auth,
    );
    expect(badParams.json).toMatchObject({ id: 3, error: { code: -32602 } });
    const noTask = await rawRpc(
      s.url,
      "docs",
      { jsonrpc: "2.0", id: 4, method: "GetTask", params: { id: "nope" } },
      auth,
    );
    expect(noTask.json).toMatchObject({ id: 4, error: { code: -32001 } });
  });

  it("without a valid bearer token: 401, whatever the method (the card stays public)", async () => {
    const body = { jsonrpc: "2.0", id: 1, method: "SendMessage", params: {} };
    const none = await rawRpc(s.url, "docs", body, V1);
    expect(none.status).toBe(401);
    expect(none.json).toMatchObject({ error: { code: "UNAUTHENTICATED" } });
    for (const agent of ["docs", "dev", "root"] as const) {
      const bad = await rawRpc(s.url, agent, body, { ...V1, authorization: "Bearer not-a-token" });
      expect(bad.status).toBe(401);
    }
    const anonymous = await clientFor(s.url, "docs", { token: undefined });
    await expect(anonymous.sendMessage(sendRequest("What is the vacation policy?"))).rejects.toThrow();
  });

  it("a body over ISA_BODY_LIMIT_BYTES → 413; an unsupported A2A-Version → a JSON-RPC error; no text → failed", async () => {
    const auth = { authorization: "Bearer token-alice", ...V1 };
    const huge = { jsonrpc: "2.0", id: 1, method: "SendMessage", params: { pad: "x".repeat(70_000) } };
    const big = await rawRpc(s.url, "docs", huge, auth);
    expect(big.status).toBe(413);
    expect(big.json).toMatchObject({ error: { code: "PAYLOAD_TOO_LARGE" } });
    const v9 = await rawRpc(
      s.url,
      "docs",
      { jsonrpc: "2.0", id: 2, method: "GetTask", params: { id: "x" } },
      {
        ...auth,
        "A2A-Version": "9.0",
      },
    );
    expect((v9.json as { error?: { code: number } }).error?.code).toBeLessThan(0);
    const client = await clientFor(s.url, "docs", alice);
    const req = sendRequest("");
    const msg = req.message;
    if (msg)
      msg.parts = [
        {
          content: { $case: "data", value: { q: 1 } },
          metadata: undefined,
          filename: "",
          mediaType: "application/json",
        },
      ];
    const task = asTask(await client.sendMessage(req));
    expect(task.status?.state).toBe(TaskState.TASK_STATE_FAILED);
    expect(JSON.stringify(task.status?.message)).toContain("INPUT_INVALID");
  });

  it("v0.3 clients: message/send and tasks/get on the same URL", async () => {
    const auth = { authorization: "Bearer token-alice" };
    const sent = await rawRpc(
      s.url,
      "docs",
      {
        jsonrpc: "2.0",
        id: "a",
        method: "message/send",
        params: {
          message: {
            kind: "message",
            messageId: "m-legacy-1",
            role: "user",
            parts: [{ kind: "text", text: "What is the vacation policy?" }],
          },
        },
      },
      auth,
    );
    const result = (sent.json as { result: { kind: string; id: string; status: { state: string } } }).result;
    expect(result.kind).toBe("task");
    expect(result.status.state).toBe("completed");
    const got = await rawRpc(
      s.url,
      "docs",
      { jsonrpc: "2.0", id: "b", method: "tasks/get", params: { id: result.id } },
      auth,
    );
    expect((got.json as { result: { id: string } }).result.id).toBe(result.id);
  });
});

describe("CancelTask", () => {
  let corpus: TestCorpus;
  let s: A2aTestServer;
  const llm = slowLlm(200, 25);

  beforeAll(async () => {
    corpus = await indexA2aCorpus();
    s = await openA2aServer(corpus, { llm });
  }, 120_000);
  afterAll(async () => {
    await s?.close();
    corpus?.cleanup();
  });

  it("cancels a running task: the stream ends canceled and generation is aborted", async () => {
    const client = await clientFor(s.url, "docs", alice);
    const states: TaskState[] = [];
    let canceled: Task | undefined;
    for await (const e of client.sendMessageStream(sendRequest("What is the vacation policy?"))) {
      const p = e.payload;
      if (p?.$case === "task") {
        await new Promise((r) => setTimeout(r, 100));
        canceled = await client.cancelTask({ tenant: "", id: p.value.id, metadata: undefined });
      }
      if (p?.$case === "statusUpdate" && p.value.status) states.push(p.value.status.state);
    }
    expect(canceled?.status?.state).toBe(TaskState.TASK_STATE_CANCELED);
    expect(states.at(-1)).toBe(TaskState.TASK_STATE_CANCELED);
    expect(states).not.toContain(TaskState.TASK_STATE_COMPLETED);
    await new Promise((r) => setTimeout(r, 100));
    expect(llm.aborted).toBeGreaterThanOrEqual(1);
    expect(llm.finished).toBe(0);
    // A finished task cannot be canceled.
    const got = await client.getTask({ tenant: "", id: canceled?.id ?? "" });
    expect(got.status?.state).toBe(TaskState.TASK_STATE_CANCELED);
  });
});

describe("rate limit", () => {
  let corpus: TestCorpus;
  let s: A2aTestServer;

  beforeAll(async () => {
    corpus = await indexA2aCorpus();
    s = await openA2aServer(corpus, { env: { ISA_RATE_LIMIT_PER_MIN: "3" } });
  }, 120_000);
  afterAll(async () => {
    await s?.close();
    corpus?.cleanup();
  });

  it("ISA_RATE_LIMIT_PER_MIN per principal across the agents → 429 RATE_LIMITED with Retry-After", async () => {
    const body = { jsonrpc: "2.0", id: 1, method: "GetTask", params: { id: "x" } };
    const as = (user: string) => ({ authorization: `Bearer token-${user}`, ...V1 });
    for (const agent of ["docs", "dev", "root"] as const) {
      expect((await rawRpc(s.url, agent, body, as("alice"))).status).toBe(200);
    }
    const res = await fetch(`${s.url}/agents/docs`, {
      method: "POST",
      headers: { "content-type": "application/json", ...as("alice") },
      body: JSON.stringify(body),
    });
    expect(res.status).toBe(429);
    expect(Number(res.headers.get("retry-after"))).toBeGreaterThan(0);
    expect(await res.json()).toMatchObject({ error: { code: "RATE_LIMITED" } });
    expect((await rawRpc(s.url, "docs", body, as("bob"))).status).toBe(200);
  });
});
