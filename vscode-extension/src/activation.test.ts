// Activation against the typed vscode double: everything in the manifest is registered by activate() (commands,
// view, participant, MCP provider, lenses, hovers, URI handler, status bar), the manifest is what VS Code and the
// handoff URI expect, and the status bar reflects a real backend's state (ok, no token, unreachable).
import { readFileSync } from "node:fs";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { TOKEN_KEY } from "./connection.js";
import { activateWith } from "./extension.js";
import { MCP_PROVIDER_ID } from "./mcp.js";
import { PARTICIPANT_ID } from "./participant.js";
import { VIEW_ID } from "./sidebar.js";
import { tokenOf } from "./testkit/backend.js";
import { EXTENSION_DIR, useBackend } from "./testkit/extension.js";
import { disposeAll, makeContext, reset, setConfig, state } from "./testkit/vscode.js";

const manifest = JSON.parse(readFileSync(path.join(EXTENSION_DIR, "package.json"), "utf8"));

const backend = useBackend();

let ctx: ReturnType<typeof makeContext>;
beforeEach(() => {
  reset();
  ctx = makeContext(EXTENSION_DIR, manifest);
});
afterEach(() => disposeAll(ctx));

describe("manifest", () => {
  it("has the identity the vscode:// handoff URI and the marketplace need", () => {
    expect(`${manifest.publisher}.${manifest.name}`).toBe("innersource.innersource-assistant");
    expect(manifest.engines.vscode).toBe("^1.101.0");
    expect(manifest.main).toBe("./out/extension.cjs");
    expect(manifest.contributes.chatParticipants.map((p: { id: string }) => p.id)).toEqual([PARTICIPANT_ID]);
    expect(manifest.contributes.chatParticipants[0].commands.map((c: { name: string }) => c.name)).toEqual([
      "ask",
      "project",
      "owner",
    ]);
    expect(manifest.contributes.mcpServerDefinitionProviders.map((p: { id: string }) => p.id)).toEqual([
      MCP_PROVIDER_ID,
    ]);
    expect(manifest.contributes.views.innersource.map((v: { id: string }) => v.id)).toEqual([VIEW_ID]);
    expect(Object.keys(manifest.contributes.configuration.properties)).toEqual(
      expect.arrayContaining([
        "innersource.backendUrl",
        "innersource.codeLens.enabled",
        "innersource.sourceUrlTemplate",
        "innersource.auth.mode",
      ]),
    );
  });
});

describe("activate", () => {
  it("registers every contributed command, the view, participant, MCP provider, lenses, hovers and URI handler", () => {
    activateWith(ctx);
    const contributed = manifest.contributes.commands.map((c: { command: string }) => c.command);
    expect([...state.commands.keys()].sort()).toEqual([...contributed].sort());
    expect([...state.webviewProviders.keys()]).toEqual([VIEW_ID]);
    expect([...state.participants.keys()]).toEqual([PARTICIPANT_ID]);
    expect([...state.mcpProviders.keys()]).toEqual([MCP_PROVIDER_ID]);
    expect(state.codeLensProviders).toHaveLength(1);
    expect(state.hoverProviders).toHaveLength(1);
    expect(state.uriHandlers).toHaveLength(1);
    expect(state.statusItems).toHaveLength(1);
  });

  it("disposes everything it registered", () => {
    activateWith(ctx);
    disposeAll(ctx);
    expect(state.commands.size).toBe(0);
    expect(state.webviewProviders.size).toBe(0);
    expect(state.participants.size).toBe(0);
    expect(state.mcpProviders.size).toBe(0);
    expect(state.codeLensProviders).toHaveLength(0);
    expect(state.uriHandlers).toHaveLength(0);
    expect(state.statusItems).toHaveLength(0);
  });

  it("keeps the token in SecretStorage: set and clear commands", async () => {
    activateWith(ctx);
    state.inputAnswers.push("  token-alice  ");
    await state.commands.get("innersource.setToken")?.();
    expect(await ctx.secrets.get(TOKEN_KEY)).toBe("token-alice");
    await state.commands.get("innersource.clearToken")?.();
    expect(await ctx.secrets.get(TOKEN_KEY)).toBeUndefined();
  });
});

describe("connection status", () => {
  it("is ok against a running backend with a valid token", async () => {
    setConfig({ backendUrl: backend.url });
    await ctx.secrets.store(TOKEN_KEY, tokenOf("alice"));
    const api = activateWith(ctx);
    await api.firstCheck;
    const s = await api.connection.check();
    expect(s.state).toBe("ok");
    expect(state.statusItems[0]?.text).toBe("$(book) InnerSource");
    expect(state.statusItems[0]?.command).toBe("innersource.checkConnection");
  });

  it("asks for a sign-in without a token, and after a wrong one", async () => {
    setConfig({ backendUrl: backend.url });
    const api = activateWith(ctx);
    await api.firstCheck;
    expect((await api.connection.check()).state).toBe("unauthenticated");
    expect(state.statusItems[0]?.command).toBe("innersource.signIn");
    await api.connection.setToken("not-a-token");
    const s = await api.connection.check();
    expect(s.state).toBe("unauthenticated");
    expect(state.statusItems[0]?.text).toContain("Sign in");
  });

  it("says clearly when nothing listens at the configured URL", async () => {
    setConfig({ backendUrl: "http://127.0.0.1:1" });
    await ctx.secrets.store(TOKEN_KEY, tokenOf("alice"));
    const api = activateWith(ctx);
    await api.firstCheck;
    const s = await api.connection.check();
    expect(s.state).toBe("unreachable");
    expect(s.detail).toContain("Cannot reach the InnerSource backend at http://127.0.0.1:1");
    expect(s.detail).toContain("innersource.backendUrl");
    expect(state.statusItems[0]?.tooltip).toBe(s.detail);
  });
});
