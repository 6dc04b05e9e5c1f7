// The sidebar through its front door: the webview view is resolved by the (double) workbench, messages are
// delivered as the webview script would post them, and answers come from a real backend over HTTP. Covers the CSP,
// streaming with citations, per-workspace history, conversation continuation, feedback, citation opening (local
// folder, URL template, neither) and the validation that drops malformed messages.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import type { AnswerPayload } from "@isa/core";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { TOKEN_KEY } from "./connection.js";
import type { ExtensionApi } from "./extension.js";
import type { ToWebview } from "./protocol.js";
import {
  activateSignedIn,
  EXTENSION_DIR,
  revealSidebar,
  type SignedIn,
  useBackend,
} from "./testkit/extension.js";
import { disposeAll, type FakeWebviewView, setConfig, setWorkspaceFolders, state } from "./testkit/vscode.js";
import { contentSecurityPolicy, renderHtml } from "./webview/html.js";

const backend = useBackend();
let workspace: string;
beforeAll(() => {
  // A checkout of the `acme` source, as a developer would have it open.
  workspace = path.join(mkdtempSync(path.join(tmpdir(), "isa-ws-")), "acme");
  mkdirSync(path.join(workspace, "eng"), { recursive: true });
  writeFileSync(path.join(workspace, "eng", "deploy.md"), "# Deploying\n\nline 3\nline 4\n");
});
afterAll(() => {
  rmSync(path.dirname(workspace), { recursive: true, force: true });
});

let ctx: SignedIn["ctx"];
let api: ExtensionApi;
let view: FakeWebviewView;
let rec: SignedIn["rec"];
beforeEach(async () => {
  ({ ctx, api, rec } = await activateSignedIn({ backendUrl: backend.url, user: "alice" }));
  view = await revealSidebar(api);
});
afterEach(() => disposeAll(ctx));

const posted = () => view.webview.posted as ToWebview[];
const ofType = <T extends ToWebview["type"]>(t: T) =>
  posted().filter((m): m is Extract<ToWebview, { type: T }> => m.type === t);

async function askAndWait(text: string): Promise<AnswerPayload> {
  view.webview.deliver({ type: "ask/send", text });
  await new Promise((r) => setTimeout(r, 0));
  await api.controller.idle;
  const done = ofType("answer/done").at(-1);
  if (!done) throw new Error(`no answer: ${JSON.stringify(ofType("answer/error"))}`);
  return done.answer;
}

describe("webview HTML", () => {
  it("has a strict CSP with a fresh nonce per render and no inline or remote script sources", () => {
    const html = view.webview.html;
    const csp = /http-equiv="Content-Security-Policy" content="([^"]+)"/
      .exec(html)?.[1]
      ?.replace(/&#39;|&quot;/g, "'");
    expect(csp).toBeDefined();
    const nonce = /script-src 'nonce-([^']+)'/.exec(csp ?? "")?.[1];
    expect(nonce).toMatch(/^[A-Za-z0-9+/]{22}==$/);
    expect(csp).toContain("default-src 'none'");
    expect(csp).toMatch(/script-src 'nonce-[^']+'(;|$)/); // nothing else may run: no host, no 'unsafe-*'
    expect(csp).not.toContain("unsafe-inline");
    expect(csp).not.toContain("unsafe-eval");
    expect(csp).toContain(`style-src ${view.webview.cspSource} 'nonce-${nonce}'`);
    // Every script tag carries the nonce and loads the bundled file from the extension (no inline script body).
    const scripts = [...html.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script>/g)];
    expect(scripts).toHaveLength(1);
    expect(scripts[0]?.[1]).toContain(`nonce="${nonce}"`);
    expect(scripts[0]?.[1]).toContain('src="https://file+.vscode-resource.vscode-cdn.net/');
    expect(scripts[0]?.[2]).toBe("");
    const again = renderHtml({ cspSource: "x", scriptUri: "s", styleUri: "c" });
    expect(again).not.toContain(nonce);
    expect(view.webview.options.enableScripts).toBe(true);
    expect(view.webview.options.localResourceRoots?.map((u) => u.path)).toEqual([
      path.join(EXTENSION_DIR, "out"),
    ]);
  });

  it("builds the policy from the nonce and cspSource only", () => {
    expect(contentSecurityPolicy("vscode-src:", "abc")).toBe(
      "default-src 'none'; img-src vscode-src: data:; font-src vscode-src:; style-src vscode-src: 'nonce-abc'; script-src 'nonce-abc'; connect-src 'none'; frame-src 'none'; form-action 'none'; base-uri 'none'",
    );
  });
});

describe("messages from the webview", () => {
  it("drops and logs anything that is not in the message map", async () => {
    const bad: unknown[] = [
      null,
      "ask/send",
      { type: "ask/send" },
      { type: "ask/send", text: "   " },
      { type: "ask/send", text: "x".repeat(4001) },
      { type: "ask/send", text: "hi", extra: true },
      { type: "citation/open", citation: { path: "/etc/passwd" } },
      { type: "feedback/send", turnId: "t1", traceId: "nope", rating: "up" },
      { type: "feedback/send", turnId: "t1", traceId: "a".repeat(32), rating: "meh" },
      { type: "shell/exec", command: "rm -rf /" },
    ];
    for (const m of bad) expect(await api.controller.receive(m)).toBe(false);
    expect(
      state.logs.filter((l) => l.level === "warn" && l.message.startsWith("Dropped an invalid message")),
    ).toHaveLength(bad.length);
    expect(
      rec.calls.filter((c) => c.path.startsWith("/v1/ask") || c.path.startsWith("/v1/feedback")),
    ).toEqual([]);
    expect(ofType("answer/start")).toEqual([]);
  });

  it("answers view/ready with the stored conversation and the connection state", async () => {
    view.webview.deliver({ type: "view/ready" });
    await new Promise((r) => setTimeout(r, 0));
    expect(ofType("conversation/load").at(-1)?.conversation).toEqual({ turns: [] });
    expect(ofType("connection/status").at(-1)?.state).toBe("ok");
  });
});

describe("asking", () => {
  it("streams tokens, then a cited answer, and keeps the exchange in workspaceState", async () => {
    const answer = await askAndWait("How do I rotate the staging database password?");
    const tokens = ofType("answer/token")
      .map((m) => m.text)
      .join("");
    expect(tokens.length).toBeGreaterThan(0);
    expect(tokens).toBe(answer.answer);
    expect(answer.citations.length).toBeGreaterThan(0);
    expect(answer.citations.map((c) => c.path)).toContain("eng/deploy.md");
    expect(answer.answer).toMatch(/\[\d+\]/);
    const stored = api.controller.deps.store.current();
    expect(stored.turns).toHaveLength(1);
    expect(stored.turns[0]?.answer?.traceId).toBe(answer.traceId);
    // The view gets everything it needs to re-render after a reload.
    view.webview.deliver({ type: "view/ready" });
    await new Promise((r) => setTimeout(r, 0));
    expect(ofType("conversation/load").at(-1)?.conversation.turns[0]?.question).toBe(
      "How do I rotate the staging database password?",
    );
  });

  it("continues the backend conversation: the follow-up sends the conversationId it was given", async () => {
    const first = await askAndWait("How do I rotate the staging database password?");
    expect(first.conversationId).toMatch(/^c_/);
    await askAndWait("And what does the deploy pipeline promote?");
    const asks = rec.calls.filter((c) => c.path === "/v1/ask").map((c) => JSON.parse(c.body ?? "{}"));
    expect(asks).toHaveLength(2);
    expect(asks[0]).toEqual({ question: "How do I rotate the staging database password?" });
    expect(asks[1]).toEqual({
      question: "And what does the deploy pipeline promote?",
      conversationId: first.conversationId,
    });
    expect(api.controller.deps.store.current().conversationId).toBe(first.conversationId);
  });

  it("shows a catalog error when the backend refuses (no readable token)", async () => {
    await ctx.secrets.store(TOKEN_KEY, "wrong");
    view.webview.deliver({ type: "ask/send", text: "How do I deploy?" });
    await new Promise((r) => setTimeout(r, 0));
    await api.controller.idle;
    expect(ofType("answer/error").at(-1)).toMatchObject({ code: "UNAUTHENTICATED" });
  });

  it("starts a new conversation on request, archiving the old one", async () => {
    await askAndWait("How do I deploy?");
    view.webview.deliver({ type: "conversation/new" });
    await new Promise((r) => setTimeout(r, 0));
    expect(ofType("conversation/load").at(-1)?.conversation).toEqual({ turns: [] });
    expect(api.controller.deps.store.archived()).toHaveLength(1);
    // …and brings it back from the history picker (the current, empty one is not archived).
    state.quickPickAnswers.push(0);
    const back = await state.commands.get("innersource.openConversation")?.();
    expect((back as { turns: { question: string }[] }).turns[0]?.question).toBe("How do I deploy?");
    expect(ofType("conversation/load").at(-1)?.conversation.turns).toHaveLength(1);
    expect(api.controller.deps.store.archived()).toHaveLength(0);
  });
});

describe("feedback", () => {
  it("sends 👍/👎 for the answer's traceId and confirms it to the view", async () => {
    const answer = await askAndWait("How do I deploy?");
    const turnId = ofType("answer/done").at(-1)?.turnId ?? "";
    await api.controller.receive({ type: "feedback/send", turnId, traceId: answer.traceId, rating: "down" });
    expect(rec.calls.filter((c) => c.path === "/v1/feedback").map((c) => JSON.parse(c.body ?? ""))).toEqual([
      { traceId: answer.traceId, rating: "down" },
    ]);
    expect(ofType("feedback/recorded").at(-1)).toEqual({ type: "feedback/recorded", turnId, rating: "down" });
    expect(api.controller.deps.store.current().turns[0]?.rating).toBe("down");
  });
});

describe("citations", () => {
  const citation = {
    n: 1,
    chunkId: "c",
    docId: "d",
    source: "acme",
    path: "eng/deploy.md",
    title: "Deploying",
    headingPath: [],
    startLine: 3,
    endLine: 4,
    score: 1,
  };

  it("open the local file at the cited lines when the path is in an open folder", async () => {
    setWorkspaceFolders([workspace]);
    expect(await api.controller.receive({ type: "citation/open", citation })).toBe(true);
    const shown = state.shownDocuments.at(-1);
    expect(shown?.uri.fsPath).toBe(path.join(workspace, "eng", "deploy.md"));
    expect(shown?.options?.selection).toMatchObject({ start: { line: 2, character: 0 }, end: { line: 3 } });
  });

  it("open the source URL template otherwise, and say why when there is neither", async () => {
    setConfig({
      sourceUrlTemplate: "https://git.example.com/{source}/blob/main/{path}#L{startLine}-L{endLine}",
    });
    await api.controller.receive({
      type: "citation/open",
      citation: { ...citation, path: "eng/not here.md" },
    });
    expect(state.opened.at(-1)?.toString()).toBe(
      "https://git.example.com/acme/blob/main/eng/not%20here.md#L3-L4",
    );
    setConfig({ sourceUrlTemplate: "" });
    await api.controller.receive({
      type: "citation/open",
      citation: { ...citation, path: "../../etc/passwd" },
    });
    expect(state.messages.at(-1)).toMatchObject({ level: "warning" });
    expect(state.shownDocuments).toEqual([]);
  });
});
