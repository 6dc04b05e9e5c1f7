// Permission matrix through the front door: every user × question pair via /v1/search and /v1/ask, and every
// user × document via /v1/documents/:id, over a corpus indexed with an acl.yaml. A restricted document must never
// be returned, cited, listed as closest or quoted (its canary string) to a principal outside its groups.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { TestApp, TestCorpus } from "../testkit/harness.js";
import { bearer, CANARIES, CORPUS, indexCorpus, mayRead, openTestApp, USERS } from "../testkit/harness.js";

const QUESTIONS = [
  "How do I rotate the staging database password?",
  "Where is the break-glass token?",
  "What is the vacation policy?",
  "When are salary bands reviewed?",
  "When does the bonus schedule pay?",
  "How does the deploy pipeline promote staging?",
  "Who is on the on-call rotation?",
  "What is in the reorganisation plan?",
  "How do I respond to an incident?",
  "When is the quarterly budget forecast due?",
  "Where is the vault?",
  "How do I get a laptop?",
  "Who do I escalate to?",
  "What does the pager schedule say?",
  "How is cloud spend tracked?",
  "How many vacation days do I get?",
  "rotate token vault",
  "headcount platform budget",
  "staging production deploy password",
  "security on-call incident channel",
  "payroll April bonus March",
  "onboarding service desk database account",
  "CANARY",
  "canary sec breakglass",
  "What moves to platform?",
  "Tell me everything about finance",
  "Tell me everything about security",
  "Tell me everything about engineering",
  "Which documents mention Monday?",
  "What happens after using the break-glass token?",
];

interface Seen {
  docId: string;
}

describe("permission matrix (users × questions)", () => {
  let corpus: TestCorpus;
  let t: TestApp;
  const aclOf = new Map<string, readonly string[]>();
  const pathOf = new Map<string, string>();

  beforeAll(async () => {
    corpus = await indexCorpus();
    for (const [p, d] of corpus.docs) {
      aclOf.set(d.docId, d.acl);
      pathOf.set(d.docId, p);
    }
    t = await openTestApp(corpus);
  }, 60_000);
  afterAll(async () => {
    await t?.close();
    corpus?.cleanup();
  });

  function assertVisible(user: string, items: readonly Seen[], where: string) {
    const groups = USERS[user] ?? [];
    for (const item of items) {
      const acl = aclOf.get(item.docId);
      expect(acl, `${where}: unknown doc ${item.docId}`).toBeDefined();
      expect(mayRead(groups, acl ?? []), `${where}: ${user} got ${pathOf.get(item.docId)}`).toBe(true);
    }
  }

  function assertNoCanary(user: string, body: string, where: string) {
    const groups = USERS[user] ?? [];
    for (const [p, canary] of Object.entries(CANARIES)) {
      const acl = corpus.docs.get(p)?.acl ?? [];
      if (!mayRead(groups, acl)) expect(body.includes(canary), `${where}: ${user} saw ${canary}`).toBe(false);
    }
  }

  it("covers at least 200 pairs, on both /v1/search and /v1/ask, and never leaks", async () => {
    const pairs = Object.keys(USERS).flatMap((user) => QUESTIONS.map((q) => [user, q] as const));
    expect(pairs.length).toBeGreaterThanOrEqual(200);
    const seenBy = new Map<string, Set<string>>();
    let answered = 0;
    let cited = 0;
    for (const [user, q] of pairs) {
      const where = `${user} / ${q}`;
      const search = await t.app.inject({
        method: "POST",
        url: "/v1/search",
        headers: bearer(user),
        payload: { query: q, k: 20 },
      });
      expect(search.statusCode, where).toBe(200);
      const hits = search.json<{ hits: Seen[] }>().hits;
      assertVisible(user, hits, `search ${where}`);
      assertNoCanary(user, search.body, `search ${where}`);
      const seen = seenBy.get(user) ?? new Set<string>();
      for (const h of hits) seen.add(h.docId);
      seenBy.set(user, seen);

      const ask = await t.app.inject({
        method: "POST",
        url: "/v1/ask",
        headers: { ...bearer(user), accept: "application/json" },
        payload: { question: q },
      });
      expect(ask.statusCode, where).toBe(200);
      const a = ask.json<{ citations: Seen[]; closest: Seen[]; abstained: boolean }>();
      assertVisible(user, a.citations, `ask citations ${where}`);
      assertVisible(user, a.closest, `ask closest ${where}`);
      assertNoCanary(user, ask.body, `ask ${where}`);
      if (!a.abstained) answered++;
      cited += a.citations.length;
    }
    // Not vacuous: most questions were answered with citations, and everyone could reach every document they may
    // read (so the filter is not simply returning nothing).
    expect(answered).toBeGreaterThan(pairs.length / 2);
    expect(cited).toBeGreaterThan(pairs.length);
    for (const [user, groups] of Object.entries(USERS)) {
      const readable = [...corpus.docs.values()].filter((d) => mayRead(groups, d.acl)).map((d) => d.docId);
      expect([...(seenBy.get(user) ?? [])].sort(), user).toEqual(readable.sort());
    }
  }, 120_000);

  it("streams (SSE) never leak either", async () => {
    for (const user of Object.keys(USERS)) {
      for (const q of QUESTIONS.slice(0, 6)) {
        const r = await t.app.inject({
          method: "POST",
          url: "/v1/ask",
          headers: bearer(user),
          payload: { question: q },
        });
        expect(r.statusCode).toBe(200);
        assertNoCanary(user, r.body, `sse ${user} / ${q}`);
        const answer = /event: answer\ndata: (.*)\n\n/.exec(r.body)?.[1];
        expect(answer).toBeDefined();
        const a = JSON.parse(answer ?? "{}") as { citations: Seen[]; closest: Seen[] };
        assertVisible(user, [...a.citations, ...a.closest], `sse ${user} / ${q}`);
      }
    }
  }, 60_000);

  it("GET /v1/documents/:id: 200 with the text when readable, 404 otherwise (like a missing id)", async () => {
    let checked = 0;
    for (const [user, groups] of Object.entries(USERS)) {
      for (const [p, d] of corpus.docs) {
        const r = await t.app.inject({
          method: "GET",
          url: `/v1/documents/${d.docId}`,
          headers: bearer(user),
        });
        checked++;
        if (mayRead(groups, d.acl)) {
          expect(r.statusCode, `${user} ${p}`).toBe(200);
          const doc = r.json<{ path: string; text: string }>();
          expect(doc.path).toBe(p);
          for (const line of (CORPUS[p] ?? "").split("\n").filter((l) => l.trim() !== "")) {
            expect(doc.text).toContain(line);
          }
        } else {
          expect(r.statusCode, `${user} ${p}`).toBe(404);
          expect(r.json()).toEqual({
            error: {
              code: "NOT_FOUND",
              message: "The resource does not exist or is not visible to the caller.",
            },
          });
        }
      }
    }
    expect(checked).toBe(Object.keys(USERS).length * corpus.docs.size);
    const missing = await t.app.inject({
      method: "GET",
      url: `/v1/documents/${"0".repeat(32)}`,
      headers: bearer("root"),
    });
    expect(missing.statusCode).toBe(404);
    const malformed = await t.app.inject({
      method: "GET",
      url: "/v1/documents/..%2F..%2Fetc",
      headers: bearer("root"),
    });
    expect(malformed.statusCode).toBe(404);
  });
});
