// The sidebar's HTML: a strict Content-Security-Policy with a fresh nonce per render. Nothing inline runs without
// the nonce, nothing loads from outside the extension's own files (`cspSource`), and the webview may not fetch
// anything: every backend call goes through the extension host, which holds the token.
import { randomBytes } from "node:crypto";

export interface HtmlParts {
  /** `webview.cspSource`: the origin the webview serves the extension's local files from. */
  readonly cspSource: string;
  /** `webview.asWebviewUri` of the bundled script and stylesheet. */
  readonly scriptUri: string;
  readonly styleUri: string;
  /** Default: 16 random bytes, base64 (a fresh one per render). */
  readonly nonce?: string;
}

export function newNonce(): string {
  return randomBytes(16).toString("base64");
}

export function contentSecurityPolicy(cspSource: string, nonce: string): string {
  return [
    "default-src 'none'",
    `img-src ${cspSource} data:`,
    `font-src ${cspSource}`,
    `style-src ${cspSource} 'nonce-${nonce}'`,
    `script-src 'nonce-${nonce}'`,
    "connect-src 'none'",
    "frame-src 'none'",
    "form-action 'none'",
    "base-uri 'none'",
  ].join("; ");
}

const attr = (s: string) =>
  s.replace(/&/g, "&amp;").replace(/"/g, "&quot;").replace(/</g, "&lt;").replace(/>/g, "&gt;");

export function renderHtml(parts: HtmlParts): string {
  const nonce = parts.nonce ?? newNonce();
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${attr(contentSecurityPolicy(parts.cspSource, nonce))}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<link rel="stylesheet" href="${attr(parts.styleUri)}" nonce="${attr(nonce)}">
<title>InnerSource Assistant</title>
</head>
<body>
<main id="app">
  <div id="status" role="status" aria-live="polite"></div>
  <ol id="turns" aria-label="Conversation"></ol>
  <form id="ask">
    <textarea id="question" rows="3" placeholder="Ask the docs… (Enter to send, Shift+Enter for a new line)" aria-label="Question"></textarea>
    <div class="actions">
      <button type="button" id="new" title="Start a new conversation">New</button>
      <button type="button" id="cancel" hidden>Stop</button>
      <button type="submit" id="send">Ask</button>
    </div>
  </form>
</main>
<script nonce="${attr(nonce)}" src="${attr(parts.scriptUri)}"></script>
</body>
</html>
`;
}
