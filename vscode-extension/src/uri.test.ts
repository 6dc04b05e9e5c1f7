// The Slack → IDE handoff URI against a real backend: a conversation started over the API is opened in the
// sidebar from `vscode://innersource.innersource-assistant/continue?conversation=<id>`, and the next question
// continues it; malformed links, unknown ids and other users' conversations are refused with a message.
import { createApiClient } from "@isa/core";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { ExtensionApi } from "./extension.js";
import type { ToWebview } from "./protocol.js";
import { VIEW_ID } from "./sidebar.js";
import { tokenOf } from "./testkit/backend.js";
import { activateSignedIn, type SignedIn, useBackend } from "./testkit/extension.js";
import { disposeAll, state, Uri } from "./testkit/vscode.js";

const backend = useBackend();

let ctx: SignedIn["ctx"];
let api: ExtensionApi;
let rec: SignedIn["rec"];
beforeEach(async () => {
  ({ ctx, api, rec } = await activateSignedIn({ backendUrl: backend.url, user: "alice" }));
});
afterEach(() => disposeAll(ctx));

const link = (q: string, p = "/continue") =>
  Uri.parse(`vscode://innersource.innersource-assistant${p}${q ? `?${q}` : ""}`);

describe("handoff URI", () => {
  it("opens the sidebar with the conversation from the backend, and continues it", async () => {
    // What the Slack bot does: ask as the same user, get a conversationId back.
    const slack = createApiClient({ baseUrl: backend.url, token: tokenOf("alice"), timeoutMs: 10_000 });
    const answer = await slack.ask("How do I rotate the staging database password?");
    expect(answer.conversationId).toBeDefined();
    const id = answer.conversationId ?? "";

    const outcome = await api.uriHandler.handle(link(`conversation=${id}`));
    expect(outcome).toEqual({ ok: true, conversationId: id, turns: 1 });
    expect(state.executed.map((e) => e.command)).toContain(`${VIEW_ID}.focus`);
    const view = state.resolvedViews.get(VIEW_ID);
    const load = ((view?.webview.posted ?? []) as ToWebview[])
      .filter((m) => m.type === "conversation/load")
      .at(-1);
    expect(
      load?.type === "conversation/load" && load.conversation.turns[0]?.answer?.citations.length,
    ).toBeGreaterThan(0);
    expect(load?.type === "conversation/load" && load.conversation.conversationId).toBe(id);

    await api.controller.ask("And who promotes staging to production?");
    const asks = rec.calls.filter((c) => c.path === "/v1/ask").map((c) => JSON.parse(c.body ?? "{}"));
    expect(asks).toEqual([{ question: "And who promotes staging to production?", conversationId: id }]);
    const turns = (await slack.getConversation(id)).turns;
    expect(turns.map((t) => t.question)).toEqual([
      "How do I rotate the staging database password?",
      "And who promotes staging to production?",
    ]);
  });

  it("refuses other paths, malformed ids, unknown ids and someone else's conversation", async () => {
    expect(
      await api.uriHandler.handle(link("conversation=c_aaaaaaaaaaaaaaaaaaaaaa", "/delete")),
    ).toMatchObject({
      ok: false,
    });
    expect(await api.uriHandler.handle(link("conversation=../../etc"))).toMatchObject({ ok: false });
    expect(await api.uriHandler.handle(link(""))).toMatchObject({ ok: false });
    const unknown = await api.uriHandler.handle(link("conversation=c_aaaaaaaaaaaaaaaaaaaaaa"));
    expect(unknown).toEqual({
      ok: false,
      reason: "That conversation does not exist or is not visible to you.",
    });
    const bob = createApiClient({ baseUrl: backend.url, token: tokenOf("bob"), timeoutMs: 10_000 });
    const bobs = (await bob.ask("What is the break-glass procedure?")).conversationId ?? "";
    expect(await api.uriHandler.handle(link(`conversation=${bobs}`))).toMatchObject({ ok: false });
    expect(state.messages.filter((m) => m.level === "error")).toHaveLength(5);
    expect(rec.calls.filter((c) => c.path.startsWith("/v1/conversations/"))).toHaveLength(2);
  });
});
