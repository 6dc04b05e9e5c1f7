// Extractive evidence selection: the sentences carrying the question's terms win, quoted verbatim with [n].
import { describe, expect, it } from "vitest";
import { renderEvidence, selectEvidence, splitSentences, splitUnits } from "./extractive.js";
import { stem, terms } from "./terms.js";
import { chunk } from "./testkit/fakes.js";

describe("terms", () => {
  it("lower-cases, drops stop words, stems, and splits identifiers while keeping them whole", () => {
    expect(terms("How do I rotate the API keys?")).toEqual(["rotate", "api", "key"]);
    expect(terms("maxRetryCount and max_retry_count")).toEqual(
      expect.arrayContaining(["maxretrycount", "max", "retry", "count", "max_retry_count"]),
    );
    expect(["deploys", "deployed", "deploying"].map(stem)).toEqual(["deploy", "deploy", "deploy"]);
    expect(["running", "policies", "retried", "classes", "status", "installed"].map(stem)).toEqual([
      "run",
      "policy",
      "retry",
      "class",
      "status",
      "install",
    ]);
  });
});

describe("splitUnits", () => {
  it("splits prose into sentences, keeps list items, table rows and whole code blocks, skips headings", () => {
    const text = [
      "# Deploying",
      "",
      "Deploys happen on weekdays, e.g. Monday. They need approval from ops.",
      "Use version 1.2.3 of the tool.",
      "",
      "- First item",
      "- Second item",
      "  continues here",
      "",
      "| key | value |",
      "|-----|-------|",
      "| port | 8080 |",
      "",
      "Run this:",
      "```bash",
      "make deploy",
      "```",
    ].join("\n");
    expect(splitUnits(text, "markdown")).toEqual([
      "Deploys happen on weekdays, e.g. Monday.",
      "They need approval from ops.",
      "Use version 1.2.3 of the tool.",
      "First item",
      "Second item continues here",
      "| key | value |",
      "| port | 8080 |",
      "Run this:",
      "```bash\nmake deploy\n```",
    ]);
  });

  it("treats code as lines, skipping bare punctuation", () => {
    expect(splitUnits("function f() {\n  return 1;\n}\n", "code")).toEqual(["function f() {", "return 1;"]);
  });

  it("does not split file names, versions or initials", () => {
    expect(splitSentences("Edit config.yaml and set v2.1 as J. Smith said. Then restart.")).toEqual([
      "Edit config.yaml and set v2.1 as J. Smith said.",
      "Then restart.",
    ]);
  });
});

describe("selectEvidence", () => {
  const deploy = chunk({
    path: "docs/deploy.md",
    text: [
      "Our team cares about reliability.",
      "To deploy the billing service, run `make deploy-billing` from the repository root.",
      "Deploys need approval from the ops group.",
      "Lunch is served at noon.",
    ].join("\n"),
  });
  const oncall = chunk({
    path: "docs/oncall.md",
    text: "The on-call rotation changes every Monday at 10:00 UTC. Pages go to the primary first.",
  });

  it("picks the sentences that contain the question's terms, best first, each with its citation", () => {
    const ev = selectEvidence("How do I deploy the billing service?", [
      { n: 1, chunk: deploy },
      { n: 2, chunk: oncall },
    ]);
    expect(ev[0]).toMatchObject({
      n: 1,
      text: "To deploy the billing service, run `make deploy-billing` from the repository root.",
    });
    expect(ev.map((e) => e.text)).not.toContain("Lunch is served at noon.");
    expect(ev.map((e) => e.text)).not.toContain("Our team cares about reliability.");
    expect(ev.every((e) => e.n === 1)).toBe(true);
    expect(renderEvidence(ev)).toMatch(
      /^To deploy the billing service, run `make deploy-billing` from the repository root\. \[1\]/,
    );
  });

  it("finds the answer in a lower-ranked source when that is where the terms are", () => {
    const ev = selectEvidence("When does the on-call rotation change?", [
      { n: 1, chunk: deploy },
      { n: 2, chunk: oncall },
    ]);
    expect(ev[0]).toMatchObject({ n: 2, text: "The on-call rotation changes every Monday at 10:00 UTC." });
  });

  it("quotes the block a sentence introduces, and puts a code block's citation on its own line", () => {
    const c = chunk({
      path: "docs/run.md",
      text: "To reset the cache, run:\n\n```sh\nisa cache reset --all\n```\n",
    });
    const ev = selectEvidence("How do I reset the cache?", [{ n: 1, chunk: c }]);
    expect(ev[0]?.text).toBe("To reset the cache, run:\n```sh\nisa cache reset --all\n```");
    expect(renderEvidence(ev)).toBe("To reset the cache, run:\n```sh\nisa cache reset --all\n```\n[1]");
  });

  it("matches identifiers in code through their parts", () => {
    const code = chunk({
      path: "src/retry.ts",
      kind: "code",
      text: "export const MAX_RETRY_COUNT = 5;\nexport const TIMEOUT_MS = 3000;\n",
    });
    const ev = selectEvidence("What is the max retry count?", [{ n: 1, chunk: code }]);
    expect(ev[0]?.text).toBe("export const MAX_RETRY_COUNT = 5;");
  });

  it("quotes a code comment together with the line it describes", () => {
    const code = chunk({
      path: "src/http/retry.ts",
      kind: "code",
      text: "// Retry policy for outbound HTTP calls.\nexport const MAX_RETRIES = 5;\nexport const BACKOFF_MS = 250;",
    });
    const ev = selectEvidence("How many times are outbound HTTP calls retried?", [{ n: 1, chunk: code }]);
    expect(ev[0]?.text).toBe("// Retry policy for outbound HTTP calls.\nexport const MAX_RETRIES = 5;");
  });

  it("falls back to the top source's opening when no term matches", () => {
    const ev = selectEvidence("Qué hora es?", [{ n: 1, chunk: oncall }]);
    expect(ev).toEqual([{ n: 1, text: "The on-call rotation changes every Monday at 10:00 UTC.", score: 0 }]);
  });

  it("respects maxUnits and maxPerSource", () => {
    const many = chunk({
      path: "docs/many.md",
      text: Array.from({ length: 10 }, (_, i) => `Backup step ${i} for the backup job.`).join(" "),
    });
    expect(selectEvidence("backup job", [{ n: 1, chunk: many }], { maxUnits: 5 })).toHaveLength(2);
    expect(
      selectEvidence("backup job", [{ n: 1, chunk: many }], { maxUnits: 5, maxPerSource: 9 }),
    ).toHaveLength(5);
  });
});
