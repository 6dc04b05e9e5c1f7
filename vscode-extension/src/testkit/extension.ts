// Tests only: the setup most extension tests share. A real backend started once per file (useBackend), and the
// extension activated on a fresh vscode double, pointed at that backend and signed in as a user, with its HTTP
// calls recorded (activateSignedIn); the sidebar revealed the way the workbench resolves it (revealSidebar).
import path from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll } from "vitest";
import { TOKEN_KEY } from "../connection.js";
import { activateWith, type ExtensionApi } from "../extension.js";
import { VIEW_ID } from "../sidebar.js";
import { type RunningBackend, recordingFetch, startBackend, tokenOf } from "./backend.js";
import { type FakeWebviewView, makeContext, reset, setConfig, setWorkspaceFolders, state } from "./vscode.js";

/** The vscode-extension folder (its package.json is the manifest; `out/` holds the build). */
export const EXTENSION_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..");

/** Starts a backend before the file's tests (startBackend's arguments) and closes it after them. Its fields are
 * read lazily, so use them inside hooks and tests. */
export function useBackend(...args: Parameters<typeof startBackend>): RunningBackend {
  let running: RunningBackend | undefined;
  beforeAll(async () => {
    running = await startBackend(...args);
  });
  afterAll(async () => {
    await running?.close();
  });
  const current = (): RunningBackend => {
    if (!running) throw new Error("backend not started: read it inside a hook or test");
    return running;
  };
  return {
    get url() {
      return current().url;
    },
    get corpus() {
      return current().corpus;
    },
    get app() {
      return current().app;
    },
    close: () => current().close(),
  };
}

export interface SignedIn {
  readonly ctx: ReturnType<typeof makeContext>;
  readonly api: ExtensionApi;
  readonly rec: ReturnType<typeof recordingFetch>;
}

/** Resets the double, points the extension at `backendUrl` with `user`'s token stored (and `folders` open), then
 * activates it with a recording fetch and waits for the first connection check. Dispose `ctx` afterwards. */
export async function activateSignedIn(opts: {
  backendUrl: string;
  user: string;
  folders?: readonly string[];
  codeLensDebounceMs?: number;
}): Promise<SignedIn> {
  reset();
  setConfig({ backendUrl: opts.backendUrl });
  if (opts.folders) setWorkspaceFolders(opts.folders);
  const ctx = makeContext(EXTENSION_DIR);
  await ctx.secrets.store(TOKEN_KEY, tokenOf(opts.user));
  const rec = recordingFetch();
  const api = activateWith(ctx, {
    fetch: rec.fetch,
    ...(opts.codeLensDebounceMs === undefined ? {} : { codeLensDebounceMs: opts.codeLensDebounceMs }),
  });
  await api.firstCheck;
  return { ctx, api, rec };
}

/** Reveals the sidebar and returns the webview view the (double) workbench resolved for it. */
export async function revealSidebar(api: ExtensionApi): Promise<FakeWebviewView> {
  await api.view.reveal();
  const v = state.resolvedViews.get(VIEW_ID);
  if (!v) throw new Error("view not resolved");
  return v;
}
