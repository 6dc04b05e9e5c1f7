import { AppError } from "@isa/core";
import { describe, expect, it } from "vitest";
import { answerBlocks, decodeRetry, encodeRetry, errorBlocks, escapeMrkdwn, sourceUrl } from "./blocks.js";
import { ownerMentions, owningProject } from "./owners.js";
import { sampleAnswer } from "./testkit/fakes.js";

const citation = sampleAnswer.citations[0]!;

describe("blocks", () => {
  it("fills the source URL template, encoding path segments", () => {
    expect(sourceUrl("https://git/{source}/blob/main/{path}#L{startLine}-L{endLine}", citation)).toBe(
      "https://git/handbook/blob/main/ops/db.md#L3-L9",
    );
    expect(sourceUrl("x/{path}", { ...citation, path: "a b/c#d.md" })).toBe("x/a%20b/c%23d.md");
  });

  it("escapes mrkdwn control characters in answers", () => {
    expect(escapeMrkdwn("a < b & <@U1>")).toBe("a &lt; b &amp; &lt;@U1&gt;");
    const blocks = answerBlocks({ ...sampleAnswer, answer: "<!channel> hi" }, {});
    expect(JSON.stringify(blocks[0])).toContain("&lt;!channel&gt; hi");
  });

  it("lists plain paths without a template, and the closest documents when abstaining", () => {
    const plain = JSON.stringify(answerBlocks(sampleAnswer, {}));
    expect(plain).toContain("1. `ops/db.md L3–9` — Database operations");
    const abstained = JSON.stringify(
      answerBlocks({ ...sampleAnswer, abstained: true, citations: [], closest: [{ ...citation, n: 7 }] }, {}),
    );
    expect(abstained).toContain("Closest documents");
    expect(abstained).toContain("1. `ops/db.md");
  });

  it("round-trips retry values under Slack's 2000-character cap", () => {
    const v = encodeRetry({ q: "x".repeat(5000), t: "1.2" });
    expect(v.length).toBeLessThanOrEqual(2000);
    expect(decodeRetry(v)?.t).toBe("1.2");
    expect(decodeRetry("garbage")).toBeUndefined();
    expect(decodeRetry(encodeRetry({ q: "why?" }))).toEqual({ q: "why?" });
  });

  it("shows a friendly message, the code and a retry button on errors", () => {
    const b = JSON.stringify(errorBlocks(new AppError("RATE_LIMITED"), { q: "q" }));
    expect(b).toContain("try again in a minute");
    expect(b).toContain("isa_retry");
    expect(b).toContain("RATE_LIMITED");
  });
});

describe("owners", () => {
  const project = (name: string, source: string, path: string, owners: string[] = ["team"]) => ({
    name,
    source,
    path,
    owners,
    docs: [],
    from: "catalog-info" as const,
  });

  it("finds the deepest project folder holding a document, skipping projects without owners", () => {
    const projects = [
      project("root", "acme", ""),
      project("billing", "acme", "services/billing"),
      project("billing-api", "acme", "services/billing/api", []),
      project("other", "beta", "services/billing"),
    ];
    expect(owningProject(projects, { source: "acme", path: "services/billing/api/x.ts" })?.name).toBe(
      "billing",
    );
    expect(owningProject(projects, { source: "acme", path: "services/billingx/y.md" })?.name).toBe("root");
    expect(owningProject(projects, { source: "gamma", path: "a.md" })).toBeUndefined();
  });

  it("tags mapped owners as Slack user groups and names the rest", () => {
    expect(ownerMentions(["team-a", "team-<b>"], { "team-a": "S1" })).toBe("<!subteam^S1>, *team-&lt;b&gt;*");
  });
});
