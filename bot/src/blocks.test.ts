import { AppError } from "@isa/core";
import { describe, expect, it } from "vitest";
import {
  answerBlocks,
  answerMetadata,
  continueInVsCodeUrl,
  decodeRetry,
  encodeRetry,
  errorBlocks,
  escapeMrkdwn,
  sourceUrl,
} from "./blocks.js";
import { ownerMentions, ownersOffer } from "./owners.js";
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

  it("adds a Continue in VS Code link for an answer with a conversation, in the configured scheme", () => {
    const id = "c_AbCdEfGhIjKlMnOpQrStUv";
    expect(JSON.stringify(answerBlocks(sampleAnswer, {}))).not.toContain("isa_open_vscode");
    const actions = answerBlocks(
      { ...sampleAnswer, conversationId: id },
      { vscodeUriScheme: "vscode-insiders" },
    ).find((b) => b.type === "actions");
    expect(JSON.stringify(actions)).toContain(
      `"url":"vscode-insiders://innersource.innersource-assistant/continue?conversation=${id}"`,
    );
    expect(continueInVsCodeUrl(id)).toBe(
      `vscode://innersource.innersource-assistant/continue?conversation=${id}`,
    );
    expect(answerMetadata({ ...sampleAnswer, conversationId: id })).toEqual({
      event_type: "isa_answer",
      event_payload: { trace_id: sampleAnswer.traceId, conversation_id: id },
    });
    expect(answerMetadata(sampleAnswer).event_payload).toEqual({ trace_id: sampleAnswer.traceId });
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

  it("says how the answer was made: quoted, generated or partial", () => {
    const quoted = JSON.stringify(answerBlocks({ ...sampleAnswer, state: "answered", mode: "quoted" }, {}));
    expect(quoted).toContain("*Quoted from 1 source*");
    const generated = JSON.stringify(
      answerBlocks({ ...sampleAnswer, state: "answered", mode: "generated" }, {}),
    );
    expect(generated).toContain("*Generated from 1 source*");
    const partial = JSON.stringify(answerBlocks({ ...sampleAnswer, state: "partial", mode: "quoted" }, {}));
    expect(partial).toContain("Partial answer: closest passages from 1 source");
  });
});

describe("owners", () => {
  it("offers the catalog owners of the document's project, else its CODEOWNERS owners", () => {
    const doc = { source: "acme", path: "services/billing/api/x.ts" };
    const cat = { owner: "group:team-billing", source: "catalog" as const };
    const co = { owner: "@acme/billing", source: "codeowners" as const };
    expect(
      ownersOffer({ owners: [co, cat], project: { name: "billing", source: "acme", path: "s" } }, doc),
    ).toEqual({
      name: "billing",
      owners: ["group:team-billing"],
    });
    expect(ownersOffer({ owners: [co] }, doc)).toEqual({ name: "acme", owners: ["@acme/billing"] });
    expect(ownersOffer({ owners: [] }, doc)).toBeUndefined();
  });

  it("tags mapped owners as Slack user groups and names the rest", () => {
    expect(ownerMentions(["team-a", "team-<b>"], { "team-a": "S1" })).toBe("<!subteam^S1>, *team-&lt;b&gt;*");
    expect(
      ownerMentions(["group:default/team-a", "group:team-a", "@acme/x"], { "team-a": "S1", "@acme/x": "S2" }),
    ).toBe("<!subteam^S1>, <!subteam^S1>, <!subteam^S2>");
  });
});
