// Playwright helpers for VS Code's workbench as code-server serves it: launch Debian's Chromium, wait for the
// workbench, run a command through the palette, answer an input box, and find a webview's content frame (webviews
// are nested iframes; the content sits in the inner one, so we search every frame for a selector).
import type { Frame, Page } from "playwright-core";

export { CHROMIUM, launchChromium as launchBrowser } from "../src/testkit/chromium.js";

/** Opens the workbench and waits until the activity bar is up (extensions may still be activating). */
export async function openWorkbench(page: Page, url: string): Promise<void> {
  await page.goto(url);
  await page.locator(".monaco-workbench").waitFor({ timeout: 180_000 });
  await page.locator(".activitybar").waitFor({ timeout: 180_000 });
}

/** Runs a command by its palette title ("Category: Title"); retries while contributions are still loading or
 * while focus sits somewhere F1 does not reach (a just-closed picker, the Output view). */
export async function runCommand(page: Page, title: string): Promise<void> {
  const input = page.locator(".quick-input-widget input.input");
  for (let attempt = 1; ; attempt++) {
    try {
      await page.keyboard.press("F1");
      await input.waitFor({ timeout: 5_000 });
      await input.fill(`>${title}`);
      await page
        .locator(".quick-input-list .monaco-list-row", { hasText: title })
        .first()
        .waitFor({ timeout: 5_000 });
      await input.press("Enter");
      return;
    } catch (err) {
      await page.keyboard.press("Escape");
      if (attempt >= 6) throw err;
      // Focus the workbench itself so the next F1 reaches the keybinding service.
      await page
        .locator(".part.editor")
        .first()
        .click({ position: { x: 5, y: 5 }, timeout: 2_000 })
        .catch(() => undefined);
      await page.waitForTimeout(1_000);
    }
  }
}

/** Types into the open input box (showInputBox) and accepts it. */
export async function answerInputBox(page: Page, text: string): Promise<void> {
  const input = page.locator(".quick-input-widget input.input");
  await input.waitFor({ timeout: 30_000 });
  await input.fill(text);
  await input.press("Enter");
  await page.locator(".quick-input-widget").waitFor({ state: "hidden", timeout: 30_000 });
}

/** The frame that contains `selector` (a webview's content), polling until one appears. */
export async function frameWith(page: Page, selector: string, timeoutMs = 120_000): Promise<Frame> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    for (const f of page.frames()) {
      try {
        if ((await f.locator(selector).count()) > 0) return f;
      } catch {
        // a frame can detach while we look
      }
    }
    await page.waitForTimeout(250);
  }
  throw new Error(`no frame contains ${selector} after ${timeoutMs} ms`);
}

/** Quick Open a workspace file by its relative path (the palette without ">" searches files). */
export async function openFile(page: Page, relPath: string): Promise<void> {
  const base = relPath.split("/").at(-1) ?? relPath;
  const input = page.locator(".quick-input-widget input.input");
  await page.keyboard.press("Escape");
  await page.keyboard.press("F1");
  await input.waitFor({ timeout: 30_000 });
  await input.fill(relPath);
  await page
    .locator(".quick-input-list .monaco-list-row", { hasText: base })
    .first()
    .waitFor({ timeout: 30_000 });
  await input.press("Enter");
  await page.locator(".tabs-container .tab.active", { hasText: base }).waitFor({ timeout: 30_000 });
}
