import type { Chunk, ScoredChunk } from "@isa/core";
import { describe, expect, it } from "vitest";
import type { AnswerabilityIndex } from "./answerability.js";
import { askedTerms, checkAnswerability } from "./answerability.js";
import { terms } from "./terms.js";

const principal = { id: "t", groups: ["public"] };

function chunk(docId: string, title: string, text: string, path = `${docId}.md`): Chunk {
  return {
    id: `${docId}:${text.length}`,
    docId,
    source: "s",
    path,
    title,
    headingPath: [],
    kind: "markdown",
    startLine: 1,
    endLine: 1,
    text,
    acl: ["public"],
  };
}

/** A lexical index over a handful of chunks: a chunk matches when it shares a term with the query. */
function indexOf(chunks: readonly Chunk[]): AnswerabilityIndex {
  return {
    async searchLexical(query, opts) {
      const q = new Set(terms(query));
      const hits: ScoredChunk[] = [];
      for (const c of chunks)
        if (terms(`${c.title} ${c.text}`).some((t) => q.has(t))) hits.push({ chunk: c, score: 1 });
      return hits.slice(0, opts.k);
    },
    async stats() {
      return { chunks: chunks.length };
    },
  };
}

const staging = chunk(
  "staging",
  "Rotate the staging database password",
  "Rotate the staging PostgreSQL password with vault write.",
);
const deploy = chunk("prod", "Deploying to production", "Production deploys go through Argo CD.");
const filler = Array.from({ length: 10 }, (_, i) =>
  chunk(`f${i}`, `Note ${i}`, "Generic text about the password policy and other things."),
);
const index = indexOf([staging, deploy, ...filler]);
const evidence = [{ docId: staging.docId, text: `${staging.title}\n${staging.text}` }];

describe("askedTerms", () => {
  it("reads names, code-span words and content words", () => {
    const t = askedTerms("how do I rotate an access token with `npm token rotate` and --force?");
    expect(t.filter((x) => x.name).map((x) => x.text)).toEqual(
      expect.arrayContaining(["rotate", "npm", "--force"]),
    );
    expect(t.find((x) => x.key === "access")?.name).toBe(false);
  });
});

describe("checkAnswerability", () => {
  it("flags a qualifier that another document is about but the quoted one does not mention", async () => {
    const r = await checkAnswerability(index, "How do I rotate the production database password?", {
      principal,
      evidence,
    });
    expect(r.missing.map((t) => t.text)).toEqual(["production"]);
    expect(r.covered.length).toBeGreaterThan(0);
  });

  it("passes when the quoted document covers what is asked", async () => {
    const r = await checkAnswerability(index, "How do I rotate the staging database password?", {
      principal,
      evidence,
    });
    expect(r.missing).toEqual([]);
  });

  it("ignores words the corpus never uses (the asker's own phrasing)", async () => {
    const r = await checkAnswerability(index, "How do I rotate the staging password I leaked?", {
      principal,
      evidence,
    });
    expect(r.missing).toEqual([]);
  });

  it("flags an option written as code that the corpus does not have", async () => {
    const r = await checkAnswerability(
      index,
      "what does `vault write --canary` do to the staging password?",
      {
        principal,
        evidence,
      },
    );
    expect(r.missing.map((t) => t.key)).toEqual(["canary"]);
  });
});
