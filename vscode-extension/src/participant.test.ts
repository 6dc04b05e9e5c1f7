// The @innersource chat participant against a real backend: /ask streams markdown with references and anchors
// that open the cited lines, follow-ups continue the backend conversation, /project and /owner answer from the
// API, feedback goes to /v1/feedback by traceId, and failures end as errorDetails the chat view shows.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type * as vscode from "vscode";
import { type InnersourceChatResult, PARTICIPANT_ID } from "./participant.js";
import { activateSignedIn, type SignedIn, useBackend } from "./testkit/extension.js";
import {
  CancellationTokenSource,
  ChatRequestTurn,
  ChatResponseMarkdownPart,
  ChatResponseTurn,
  ChatResultFeedbackKind,
  disposeAll,
  FakeTextDocument,
  type Location,
  RecordingChatStream,
  setConfig,
  state,
  Uri,
} from "./testkit/vscode.js";

const FILES = {
  "README.md": "# Billing\n\nInvoices and payment runs for acme.\n",
  CODEOWNERS: "* @acme/platform\n/services/billing/ @acme/billing-team\n",
  "services/billing/catalog-info.yaml":
    "apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: billing-service\n  description: Invoices.\nspec:\n  owner: team-billing\n",
  "services/billing/docs/runs.md":
    "# Payment runs\n\nPayment runs happen monthly.\nRetry a failed payment run with the rerun job.\n",
  "services/billing/src/invoice.ts": "export function createInvoice() {}\n",
};

const backend = useBackend({ billing: { files: FILES } });
let ws: string;
beforeAll(() => {
  ws = path.join(mkdtempSync(path.join(tmpdir(), "isa-ws-")), "billing");
  for (const [rel, text] of Object.entries(FILES)) {
    mkdirSync(path.dirname(path.join(ws, rel)), { recursive: true });
    writeFileSync(path.join(ws, rel), text);
  }
});
afterAll(() => {
  rmSync(path.dirname(ws), { recursive: true, force: true });
});

let ctx: SignedIn["ctx"];
let rec: SignedIn["rec"];
beforeEach(async () => {
  ({ ctx, rec } = await activateSignedIn({ backendUrl: backend.url, user: "dan", folders: [ws] }));
});
afterEach(() => disposeAll(ctx));

function request(prompt: string, command?: string): vscode.ChatRequest {
  return { prompt, command, references: [], toolReferences: [] } as unknown as vscode.ChatRequest;
}

async function run(
  prompt: string,
  opts: { command?: string; history?: vscode.ChatContext["history"]; cancel?: boolean } = {},
) {
  const participant = state.participants.get(PARTICIPANT_ID);
  if (!participant) throw new Error("no participant");
  const stream = new RecordingChatStream();
  const cts = new CancellationTokenSource();
  if (opts.cancel) cts.cancel();
  const result = (await participant.handler(
    request(prompt, opts.command),
    { history: opts.history ?? [] },
    stream,
    cts.token,
  )) as InnersourceChatResult;
  return { stream, result };
}

describe("/ask", () => {
  it("streams the answer as markdown, then references and anchors to the cited lines", async () => {
    const { stream, result } = await run("How do I retry a failed payment run?");
    const tokens = stream.parts.filter((p) => p.kind === "markdown");
    expect(tokens.length).toBeGreaterThan(3); // streamed in pieces, not one block
    expect(stream.text).toContain("rerun job");
    expect(stream.text).toMatch(/\*\*(?:Quoted|Generated) from \d+ sources?:\*\*/);
    const refs = stream.parts.filter((p) => p.kind === "reference").map((p) => p.value as Location);
    expect(refs.length).toBeGreaterThan(0);
    const runs = refs.find((l) => l.uri.fsPath.endsWith("services/billing/docs/runs.md"));
    expect(runs?.uri.fsPath).toBe(path.join(ws, "services/billing/docs/runs.md"));
    expect(runs?.range.start.line).toBe(0);
    const anchors = stream.parts.filter((p) => p.kind === "anchor");
    expect(anchors.map((a) => (a.kind === "anchor" ? a.title : ""))).toContain("[1] Payment runs");
    expect(result.metadata?.traceId).toMatch(/^[0-9a-f]{32}$/);
    expect(result.metadata?.conversationId).toMatch(/^c_/);
  });

  it("continues the conversation from the chat history's last result", async () => {
    const first = await run("How do I retry a failed payment run?");
    const history = [
      new ChatRequestTurn("How do I retry a failed payment run?", PARTICIPANT_ID),
      new ChatResponseTurn([new ChatResponseMarkdownPart(first.stream.text)], first.result, PARTICIPANT_ID),
    ];
    await run("How often do they happen?", { history });
    const asks = rec.calls.filter((c) => c.path === "/v1/ask").map((c) => JSON.parse(c.body ?? "{}"));
    expect(asks[1]).toEqual({
      question: "How often do they happen?",
      conversationId: first.result.metadata?.conversationId,
    });
  });

  it("sends chat-view feedback for the answer's traceId", async () => {
    const { result } = await run("How do I retry a failed payment run?");
    state.participants.get(PARTICIPANT_ID)?.feedback({ result, kind: ChatResultFeedbackKind.Helpful });
    const fb = () =>
      rec.calls.filter((c) => c.path === "/v1/feedback").map((c) => JSON.parse(c.body ?? "{}"));
    await expect.poll(fb).toEqual([{ traceId: result.metadata?.traceId, rating: "up" }]);
  });

  it("ends with errorDetails when the backend is unreachable", async () => {
    setConfig({ backendUrl: "http://127.0.0.1:1" });
    const { result } = await run("anything");
    expect(result.errorDetails?.message).toContain("BACKEND_UNAVAILABLE");
  });
});

describe("/project and /owner", () => {
  it("lists projects with owners and docs", async () => {
    const { stream } = await run("billing", { command: "project" });
    expect(stream.text).toContain("**billing\\-service**");
    expect(stream.text).toContain("`team-billing`");
    expect(stream.text).toContain("services/billing/docs/runs.md");
  });

  it("names the owners of the active file", async () => {
    const uri = Uri.file(path.join(ws, "services/billing/src/invoice.ts"));
    state.activeTextEditor = {
      document: new FakeTextDocument(uri, "", "typescript"),
    } as unknown as vscode.TextEditor;
    const { stream } = await run("", { command: "owner" });
    expect(stream.text).toContain("`services/billing/src/invoice.ts`");
    expect(stream.text).toContain("@acme/billing-team");
    expect(
      rec.calls.some((c) => c.path.startsWith("/v1/owners?path=services%2Fbilling%2Fsrc%2Finvoice.ts")),
    ).toBe(true);
  });

  it("names the owners of a project by name, and explains when there is nothing to look up", async () => {
    const named = await run("billing-service", { command: "owner" });
    expect(named.stream.text).toContain("team-billing");
    const none = await run("", { command: "owner" });
    expect(none.stream.text).toContain("Open a file from a workspace folder");
  });
});
