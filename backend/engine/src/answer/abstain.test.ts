// Detecting a model's "the sources don't say" in its common phrasings, without flagging real answers.
import { describe, expect, it } from "vitest";
import { keyTerms, NO_ANSWER_SENTENCE, retrievalAbstention, saysNoAnswer } from "./abstain.js";

describe("saysNoAnswer", () => {
  it.each([
    NO_ANSWER_SENTENCE,
    "The sources do not contain the answer.",
    "I could not find the answer in the sources, sorry.",
    "The provided sources don't mention the refund policy.",
    "I'm sorry, but I cannot find that information in the documents.",
    "I don't know.",
    "There is no information about the VPN setup in the sources.",
    "The context does not specify which port is used.",
    "Unable to determine the answer from the given documents.",
    "The deadline is not mentioned in the sources.",
  ])("flags %j", (text) => {
    expect(saysNoAnswer(text)).toBe(true);
  });

  it.each([
    "To deploy, run `make deploy` [1].",
    "The rotation changes on Monday [2]. The sources do not mention holidays.",
    "Deploys are not allowed on Fridays [1].",
  ])("does not flag %j", (text) => {
    expect(saysNoAnswer(text)).toBe(false);
  });
});

describe("retrievalAbstention", () => {
  it("says the sources do not cover it and lists the closest documents", () => {
    const text = retrievalAbstention([
      {
        n: 1,
        chunkId: "c",
        docId: "d",
        source: "docs",
        path: "docs/a.md",
        title: "A",
        headingPath: ["Setup"],
        startLine: 1,
        endLine: 9,
        score: 0.2,
      },
    ]);
    expect(text).toBe(
      "The indexed sources do not seem to cover this question.\n\nClosest documents:\n- A › Setup (docs/a.md, lines 1–9)",
    );
    expect(retrievalAbstention([])).toMatch(/No indexed source/);
  });
});

describe("keyTerms", () => {
  it.each([
    [
      "In Yarn Berry, how do I set `nodeLinker` in .yarnrc.yml to switch to node-modules?",
      ["nodeLinker", "Yarn", "Berry", ".yarnrc.yml"],
    ],
    ["How do I configure Dependabot to group npm PRs into one?", ["Dependabot", "PR"]],
    ["Why doesn't `npx some-cli --yes` prompt in CI?", ["some-cli", "yes", "CI"]],
    ["Does NODE_ENV=production skip devDependencies with 2FA on?", ["NODE_ENV", "devDependencies", "2FA"]],
    [
      "How do I scope @acme/ui packages in package.json and node_modules?",
      ["@acme/ui", "package.json", "node_modules"],
    ],
    ["Is Verdaccio's htpasswd auth supported?", ["Verdaccio"]],
  ])("names in %j", (question, expected) => {
    expect(keyTerms(question)).toEqual(expected);
  });

  it.each([
    "How do I rotate the staging database password?",
    "What's the maximum tarball size the public registry accepts?",
    "Is there a command that sanity-checks a known high-severity setup?",
    "Deploy. Then restart. Where are the logs?",
  ])("no names in ordinary words: %j", (question) => {
    expect(keyTerms(question)).toEqual([]);
  });
});
