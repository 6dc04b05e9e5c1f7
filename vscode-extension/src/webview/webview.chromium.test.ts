// The real sidebar webview in headless Chromium: the HTML the extension renders (CSP and all) and the bundled
// script, with a small acquireVsCodeApi shim bridging postMessage to the extension's real controller, which talks
// to a real backend. Asks, watches the answer stream in with numbered citations, clicks one (the file opens at
// the cited lines), rates the answer, and checks that the CSP blocks an injected inline script and a remote one.
// Saves docs/sidebar-answer.png.
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync } from "node:fs";
import path from "node:path";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ExtensionApi } from "../extension.js";
import type { ToExtension } from "../protocol.js";
import { exampleSource, type RunningBackend, startBackend } from "../testkit/backend.js";
import { CHROMIUM, launchChromium } from "../testkit/chromium.js";
import { activateSignedIn, EXTENSION_DIR, revealSidebar, type SignedIn } from "../testkit/extension.js";
import { type FakeWebviewView, state } from "../testkit/vscode.js";

const RESOURCE_ORIGIN = "https://file+.vscode-resource.vscode-cdn.net";
const PAGE_URL = `${RESOURCE_ORIGIN}/__webview__/index.html`;

let backend: RunningBackend;
let browser: Browser;
let page: Page;
let api: ExtensionApi;
let view: FakeWebviewView;
let workspace: string;
let rec: SignedIn["rec"];
const fromWebview: ToExtension[] = [];
const consoleLines: string[] = [];

beforeAll(async () => {
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: apt-get install -y chromium`);
  // The webview bundle the .vsix ships.
  execFileSync(process.execPath, [path.join(EXTENSION_DIR, "scripts", "build.mjs")], { stdio: "ignore" });
  // The example source, answered the way the default install answers (extractive: quoted evidence, cited).
  const example = exampleSource();
  backend = await startBackend({ acme: example.source }, { env: { ISA_ANSWER_MODE: "extractive" } });
  // The developer has the same repository open: citations map into it.
  workspace = example.dir;

  ({ api, rec } = await activateSignedIn({ backendUrl: backend.url, user: "alice", folders: [workspace] }));
  view = await revealSidebar(api);

  browser = await launchChromium();
  page = await browser.newPage({ viewport: { width: 420, height: 760 }, colorScheme: "dark" });
  page.on("console", (m) => consoleLines.push(`${m.type()}: ${m.text()}`));
  // The workbench's webview host: the page's HTML is what the extension rendered; resources are served from the
  // extension folder under the resource origin, as VS Code does; nothing else is reachable.
  await page.route("**/*", async (route) => {
    const url = new URL(route.request().url());
    if (url.href === PAGE_URL) {
      return route.fulfill({ contentType: "text/html", body: view.webview.html });
    }
    if (
      url.origin === RESOURCE_ORIGIN &&
      decodeURIComponent(url.pathname).startsWith(path.join(EXTENSION_DIR, "out"))
    ) {
      const file = decodeURIComponent(url.pathname);
      const type = file.endsWith(".js") ? "text/javascript" : "text/css";
      return route.fulfill({ contentType: type, body: readFileSync(file) });
    }
    return route.abort();
  });
  await page.exposeFunction("__isaToExtension", (m: unknown) => {
    fromWebview.push(m as ToExtension);
    view.webview.deliver(m);
  });
  // In-page code is given as source text: this file is typechecked without the DOM library.
  await page.addInitScript(`
    let st;
    window.acquireVsCodeApi = () => ({
      postMessage: (m) => window.__isaToExtension(m),
      getState: () => st,
      setState: (s) => { st = s; },
    });`);
  view.webview.onPost = (m) => {
    void page.evaluate(`window.postMessage(${JSON.stringify(m)}, "*")`).catch(() => {});
  };
  await page.goto(PAGE_URL);
  await page.waitForSelector("#question");
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await backend?.close();
});

describe("sidebar webview in Chromium", () => {
  it("streams a cited answer, opens a citation at its lines, and records feedback", async () => {
    await page.waitForFunction(() => true);
    expect(fromWebview.map((m) => m.type)).toContain("view/ready");
    await page.fill("#question", "How do I rotate the staging database password?");
    await page.press("#question", "Enter");
    await page.waitForSelector(".turn .sources button.cite", { timeout: 30_000 });
    const tokens = (view.webview.posted as { type: string }[]).filter((m) => m.type === "answer/token");
    // Extractive answers arrive as one token event (multi-token streaming is covered in sidebar.test.ts).
    expect(tokens.length).toBeGreaterThan(0);

    const answerText = await page.textContent(".turn .answer");
    expect(answerText?.toLowerCase()).toContain("password");
    const inline = await page.$$eval(".turn .answer button.cite", (bs) => bs.map((b) => b.textContent));
    expect(inline.length).toBeGreaterThan(0);
    expect(inline[0]).toMatch(/^\[\d+\]$/);
    // Inline code from the sources (`secret/staging/postgres/app`) renders as <code>, not as raw backticks.
    const code = await page.$$eval(".turn .answer code", (cs) => cs.map((c) => c.textContent ?? ""));
    expect(code.length).toBeGreaterThan(0);
    expect(answerText).not.toContain("`");
    const sources = await page.$$eval(".turn .sources button.cite", (bs) =>
      bs.map((b) => b.textContent ?? ""),
    );
    const deploy = sources.findIndex((s) => s.includes("runbooks/rotate-staging-db-password.md"));
    expect(deploy).toBeGreaterThanOrEqual(0);
    mkdirSync(path.join(EXTENSION_DIR, "docs"), { recursive: true });
    await page.screenshot({ path: path.join(EXTENSION_DIR, "docs", "sidebar-answer.png"), fullPage: true });

    await page.locator(".turn .sources button.cite").nth(deploy).click();
    await expect.poll(() => state.shownDocuments.length).toBe(1);
    const open = fromWebview.filter((m) => m.type === "citation/open").at(-1);
    expect(open?.type === "citation/open" && open.citation.path).toBe(
      "runbooks/rotate-staging-db-password.md",
    );
    expect(state.shownDocuments[0]?.uri.fsPath).toBe(
      path.join(workspace, "runbooks", "rotate-staging-db-password.md"),
    );
    expect(state.shownDocuments[0]?.options?.selection?.start.line).toBe(
      open?.type === "citation/open" ? open.citation.startLine - 1 : -1,
    );

    await page.click(".turn .rate-up");
    await page.waitForSelector('.turn .rate-up[aria-pressed="true"]');
    expect(rec.calls.filter((c) => c.path === "/v1/feedback")).toHaveLength(1);
  });

  it("renders quoted code as a code block (no raw fences)", async () => {
    const before = await page.$$eval(".turn", (t) => t.length);
    await page.fill("#question", "How do I restart the consumers after a password rotation?");
    await page.press("#question", "Enter");
    await expect.poll(() => page.$$eval(".turn .sources", (s) => s.length)).toBe(before + 1);
    const last = page.locator(".turn").last();
    const blocks = await last.locator(".answer pre code").allTextContents();
    expect(blocks.join("\n")).toMatch(/kubectl|restart/i);
    expect(await last.locator(".answer").textContent()).not.toContain("```");
  });

  it("enforces the CSP: an injected inline script and a remote script do not run", async () => {
    const violations = (await page.evaluate(`(async () => {
      const seen = [];
      document.addEventListener("securitypolicyviolation", (e) => seen.push(e.violatedDirective + " " + e.blockedURI));
      const inline = document.createElement("script");
      inline.textContent = "window.__inlineRan = true;";
      document.body.append(inline);
      const remote = document.createElement("script");
      remote.src = "https://cdn.example.com/evil.js";
      document.body.append(remote);
      const handler = document.createElement("img");
      handler.setAttribute("src", "data:,x");
      handler.setAttribute("onerror", "window.__handlerRan = true");
      document.body.append(handler);
      await new Promise((r) => setTimeout(r, 300));
      return seen;
    })()`)) as string[];
    expect(await page.evaluate("window.__inlineRan")).toBeUndefined();
    expect(await page.evaluate("window.__handlerRan")).toBeUndefined();
    expect(violations.some((v) => v.startsWith("script-src") && v.endsWith("inline"))).toBe(true);
    expect(violations).toContain("script-src-elem https://cdn.example.com/evil.js");
  });

  it("drops and logs a malformed message from the extension side", async () => {
    const before = await page.$$eval(".turn", (t) => t.length);
    await page.evaluate(`window.postMessage({ type: "answer/start", turnId: 7 }, "*")`);
    await page.evaluate(`window.postMessage({ type: "conversation/load", conversation: "x" }, "*")`);
    await expect
      .poll(
        () => consoleLines.filter((l) => l.includes("dropped an invalid message from the extension")).length,
      )
      .toBe(2);
    expect(await page.$$eval(".turn", (t) => t.length)).toBe(before);
  });
});
