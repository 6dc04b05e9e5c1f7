// Tests only: Debian's Chromium, headless, as both browser tests drive it (the webview test in src/webview and the
// code-server workbench in e2e/): no sandbox (containers), no GPU, and nothing that phones home on its own.
import { type Browser, chromium } from "playwright-core";

export const CHROMIUM = process.env.ISA_CHROMIUM ?? "/usr/bin/chromium";

export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
      "--no-first-run",
    ],
  });
}
