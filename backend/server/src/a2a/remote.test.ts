// Root delegating to remote docs/dev agents (ISA_AGENT_URLS): server A serves the agents, server B's root routes on
// its own runtime and asks A through the A2A client with the caller's bearer token. The remote tasks belong to the
// caller on A, and a restricted document still never reaches someone outside its groups.
import type { Task } from "@a2a-js/sdk";
import { createInProcessAgents, createRemoteAgent, parseAgentUrls } from "@isa/agents";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { A2aTestServer } from "../testkit/fixture.js";
import {
  A2A_CANARIES,
  answerArtifact,
  clientFor,
  indexA2aCorpus,
  openA2aServer,
  sendRequest,
} from "../testkit/fixture.js";
import type { TestCorpus } from "../testkit/harness.js";
import { mayRead, testParts, USERS } from "../testkit/harness.js";
import type { RunningA2aServer } from "./server.js";
import { startA2aServer } from "./server.js";

describe("root → remote docs/dev agents over A2A", () => {
  let corpus: TestCorpus;
  let a: A2aTestServer;
  let b: RunningA2aServer;
  let closeB: () => Promise<void>;

  beforeAll(async () => {
    corpus = await indexA2aCorpus();
    a = await openA2aServer(corpus);
    const { config, deps } = await testParts(corpus);
    const urls = parseAgentUrls(`docs=${a.url}/agents/docs,dev=${a.url}/agents/dev/`);
    const backends = createInProcessAgents(deps.runtime, {
      docs: createRemoteAgent("docs", urls.docs ?? ""),
      dev: createRemoteAgent("dev", urls.dev ?? ""),
    });
    b = await startA2aServer(
      config,
      { runtime: deps.runtime, authenticator: deps.authenticator, backends },
      { host: "127.0.0.1", port: 0 },
    );
    closeB = async () => {
      await b.close();
      await deps.runtime.close();
    };
  }, 120_000);
  afterAll(async () => {
    await closeB?.();
    await a?.close();
    corpus?.cleanup();
  });

  it("parses ISA_AGENT_URLS and refuses anything else", () => {
    expect(parseAgentUrls("docs=http://h:1/agents/docs, dev=https://x/agents/dev/")).toEqual({
      docs: "http://h:1/agents/docs",
      dev: "https://x/agents/dev",
    });
    expect(parseAgentUrls(undefined)).toEqual({});
    expect(() => parseAgentUrls("root=http://h")).toThrow(/ISA_AGENT_URLS/);
  });

  it("routes, delegates as the caller, and returns the remote agent's cited answer", async () => {
    const root = await clientFor(b.url, "root", { user: "alice" });
    const code = answerArtifact(
      (await root.sendMessage(sendRequest("rotateStagingPassword rotate-db"))) as Task,
    );
    expect(code.data.answeredBy).toBe("dev");
    expect(code.data.route?.agent).toBe("dev");
    expect(code.data.citations.length).toBeGreaterThan(0);
    for (const c of code.data.citations) expect(c.path).toMatch(/\.(ts|py|yaml)$/);
    const docs = answerArtifact(
      (await root.sendMessage(sendRequest("What is the vacation policy?"))) as Task,
    );
    expect(docs.data.answeredBy).toBe("docs");
    expect(docs.data.citations.map((c) => c.path)).toContain("handbook/vacation.md");
    // The delegated tasks were created on A as alice (tasks are per principal there).
    const aliceOnA = await clientFor(a.url, "dev", { user: "alice" });
    const bobOnA = await clientFor(a.url, "dev", { user: "bob" });
    const list = { tenant: "", contextId: "", status: 0, pageToken: "", statusTimestampAfter: undefined };
    expect((await aliceOnA.listTasks(list)).tasks.length).toBeGreaterThan(0);
    expect((await bobOnA.listTasks(list)).tasks).toHaveLength(0);
  });

  it("never leaks a restricted document through the remote path", async () => {
    const questions = [
      "rotateStagingPassword rotate-db",
      "Where is the break-glass token?",
      "bonus_schedule march",
    ];
    let pairs = 0;
    for (const [user, groups] of Object.entries(USERS)) {
      const root = await clientFor(b.url, "root", { user });
      for (const q of questions) {
        const task = (await root.sendMessage(sendRequest(q))) as Task;
        const { data } = answerArtifact(task);
        for (const c of [...data.citations, ...data.closest]) {
          const acl = [...corpus.docs.values()].find((d) => d.docId === c.docId)?.acl ?? [];
          expect(mayRead(groups, acl), `${user} got ${c.path}`).toBe(true);
        }
        const wire = JSON.stringify(task);
        for (const [p, canary] of Object.entries(A2A_CANARIES)) {
          if (!mayRead(groups, corpus.docs.get(p)?.acl ?? [])) expect(wire.includes(canary)).toBe(false);
        }
        pairs++;
      }
    }
    expect(pairs).toBe(Object.keys(USERS).length * questions.length);
  });
});
