// Permission matrix through the A2A front door: every user × question × agent (docs, dev, root) over a corpus of
// Markdown, code and config under an acl.yaml, via the SDK's client (send and stream). A restricted document must
// never be cited, listed as closest or quoted (its canary) to a principal outside its groups. The echoing LLM
// repeats every source it is given, so a leak anywhere in retrieval would show in the answer text.
import type { Task } from "@a2a-js/sdk";
import type { AgentId } from "@isa/agents";
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
import { mayRead, USERS } from "../testkit/harness.js";

const QUESTIONS = [
  "How do I rotate the staging database password?",
  "Where is the break-glass token?",
  "When does the bonus schedule pay?",
  "rotateStagingPassword rotate-db",
  "vault breakglass_path rotate_after_use",
  "bonus_schedule march",
  "What is in the reorganisation plan?",
  "Which port does the server listen on?",
  "billing client retry policy",
  "CANARY",
  "Tell me everything about security",
  "What is the vacation policy?",
];

const AGENTS: readonly AgentId[] = ["docs", "dev", "root"];

describe("A2A permission matrix (users × questions × agents)", () => {
  let corpus: TestCorpus;
  let s: A2aTestServer;
  const aclOf = new Map<string, readonly string[]>();
  const pathOf = new Map<string, string>();

  beforeAll(async () => {
    corpus = await indexA2aCorpus();
    for (const [p, d] of corpus.docs) {
      aclOf.set(d.docId, d.acl);
      pathOf.set(d.docId, p);
    }
    s = await openA2aServer(corpus);
  }, 120_000);
  afterAll(async () => {
    await s?.close();
    corpus?.cleanup();
  });

  function check(user: string, task: Task, where: string): number {
    const groups = USERS[user] ?? [];
    const { data } = answerArtifact(task);
    for (const item of [...data.citations, ...data.closest]) {
      const acl = aclOf.get(item.docId);
      expect(acl, `${where}: unknown doc ${item.docId}`).toBeDefined();
      expect(mayRead(groups, acl ?? []), `${where}: ${user} got ${pathOf.get(item.docId)}`).toBe(true);
    }
    const wire = JSON.stringify(task);
    for (const [p, canary] of Object.entries(A2A_CANARIES)) {
      const acl = corpus.docs.get(p)?.acl ?? [];
      if (!mayRead(groups, acl)) expect(wire.includes(canary), `${where}: ${user} saw ${canary}`).toBe(false);
    }
    return data.citations.length;
  }

  it("never cites or quotes a document outside the caller's groups (≥ 200 triples, send)", async () => {
    let triples = 0;
    let cited = 0;
    const seenBy = new Map<string, Set<string>>();
    for (const user of Object.keys(USERS)) {
      for (const agent of AGENTS) {
        const client = await clientFor(s.url, agent, { user });
        for (const q of QUESTIONS) {
          const task = (await client.sendMessage(sendRequest(q))) as Task;
          expect(task.status?.state, `${user}/${agent}/${q}`).toBe(3);
          cited += check(user, task, `${agent} ${user} / ${q}`);
          const seen = seenBy.get(user) ?? new Set<string>();
          for (const c of answerArtifact(task).data.citations) seen.add(c.docId);
          seenBy.set(user, seen);
          triples++;
        }
      }
    }
    expect(triples).toBeGreaterThanOrEqual(200);
    // Not vacuous: answers cite, and the most privileged user reaches restricted documents of every group.
    expect(cited).toBeGreaterThan(triples);
    const rootSeen = [...(seenBy.get("root") ?? [])].map((id) => pathOf.get(id) ?? "");
    for (const prefix of ["security/", "finance/", "eng/"]) {
      expect(
        rootSeen.some((p) => p.startsWith(prefix)),
        `root reaches ${prefix}`,
      ).toBe(true);
    }
  }, 180_000);

  it("streams never leak either", async () => {
    for (const user of ["dan", "alice", "carol"]) {
      for (const agent of AGENTS) {
        const client = await clientFor(s.url, agent, { user });
        for (const q of QUESTIONS.slice(0, 6)) {
          let last: Task | undefined;
          const wire: string[] = [];
          for await (const e of client.sendMessageStream(sendRequest(q))) {
            wire.push(JSON.stringify(e));
            if (e.payload?.$case === "task") last = e.payload.value;
          }
          const groups = USERS[user] ?? [];
          for (const [p, canary] of Object.entries(A2A_CANARIES)) {
            const acl = corpus.docs.get(p)?.acl ?? [];
            if (!mayRead(groups, acl))
              expect(wire.join("\n").includes(canary), `${agent} ${user} ${q}`).toBe(false);
          }
          expect(last).toBeDefined();
          const task = await client.getTask({ tenant: "", id: last?.id ?? "" });
          check(user, task, `stream ${agent} ${user} / ${q}`);
        }
      }
    }
  }, 120_000);
});
