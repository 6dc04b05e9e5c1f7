// The sidebar chat UI, bundled for the webview (browser, no framework). It renders what the extension host sends
// and posts the reader's actions back; every incoming message is parsed with the shared zod map and invalid ones
// are dropped and logged. Text from the backend only ever reaches the page as text nodes (never innerHTML).
import type { WireCitation } from "@isa/core";
import { z } from "zod";
import type { Conversation, ToExtension, ToWebview, Turn } from "../../protocol.js";
import { parseToWebview } from "../../protocol.js";

// zod 4 probes `new Function` for a faster parser; the CSP forbids eval, so ask it not to try.
z.config({ jitless: true });

interface VsCodeApi {
  postMessage(message: unknown): void;
}
declare function acquireVsCodeApi(): VsCodeApi;

const vscode = acquireVsCodeApi();
const post = (m: ToExtension) => vscode.postMessage(m);

const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;
const turnsEl = $<HTMLOListElement>("turns");
const form = $<HTMLFormElement>("ask");
const input = $<HTMLTextAreaElement>("question");
const statusEl = $<HTMLDivElement>("status");
const cancelBtn = $<HTMLButtonElement>("cancel");
const sendBtn = $<HTMLButtonElement>("send");

const turns = new Map<string, { turn: Turn; el: HTMLLIElement }>();

function el<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  opts: { cls?: string; text?: string; attrs?: Record<string, string> } = {},
): HTMLElementTagNameMap[K] {
  const e = document.createElement(tag);
  if (opts.cls) e.className = opts.cls;
  if (opts.text !== undefined) e.textContent = opts.text;
  for (const [k, v] of Object.entries(opts.attrs ?? {})) e.setAttribute(k, v);
  return e;
}

function citationLabel(c: WireCitation): string {
  const lines = c.startLine === c.endLine ? `${c.startLine}` : `${c.startLine}-${c.endLine}`;
  return `${c.title || c.path} — ${c.path}:${lines}`;
}

function citeButton(c: WireCitation, label: string): HTMLButtonElement {
  const b = el("button", {
    cls: "cite",
    text: label,
    attrs: { type: "button", title: `Open ${c.path} at line ${c.startLine}`, "data-n": String(c.n) },
  });
  b.addEventListener("click", () => post({ type: "citation/open", citation: c }));
  return b;
}

/** Text with Markdown inline code (`x`) shown as <code>; built from text nodes only, never parsed as HTML. */
function appendInline(target: HTMLElement, text: string): void {
  let last = 0;
  for (const m of text.matchAll(/`([^`\n]+)`/g)) {
    target.append(document.createTextNode(text.slice(last, m.index)));
    target.append(el("code", { text: m[1] ?? "" }));
    last = (m.index ?? 0) + m[0].length;
  }
  target.append(document.createTextNode(text.slice(last)));
}

/** Answer text with `[n]` markers turned into buttons that open citation n. */
function renderAnswerText(target: HTMLElement, text: string, citations: readonly WireCitation[]): void {
  target.replaceChildren();
  const byN = new Map(citations.map((c) => [c.n, c]));
  /** A paragraph with `[n]` markers turned into citation buttons. */
  const paragraph = (para: string) => {
    const p = el("p");
    let last = 0;
    for (const m of para.matchAll(/\[(\d+)\]/g)) {
      const c = byN.get(Number(m[1]));
      if (!c) continue;
      appendInline(p, para.slice(last, m.index));
      p.append(citeButton(c, `[${c.n}]`));
      last = (m.index ?? 0) + m[0].length;
    }
    appendInline(p, para.slice(last));
    target.append(p);
  };
  // Fenced code blocks (quoted code, config) become <pre><code> from a text node; the rest splits into paragraphs.
  const fenced = /^(`{3,}|~{3,})[^\n]*\n([\s\S]*?)\n\1[ \t]*$/gm;
  let last = 0;
  const prose = (chunk: string) => {
    for (const para of chunk.split(/\n{2,}/)) if (para.trim() !== "") paragraph(para);
  };
  for (const m of text.matchAll(fenced)) {
    prose(text.slice(last, m.index));
    const pre = el("pre");
    pre.append(el("code", { text: m[2] ?? "" }));
    target.append(pre);
    last = (m.index ?? 0) + m[0].length;
  }
  prose(text.slice(last));
}

function renderTurn(entry: { turn: Turn; el: HTMLLIElement }): void {
  const { turn, el: li } = entry;
  li.replaceChildren();
  li.append(el("div", { cls: "question", text: turn.question }));
  const body = el("div", { cls: "answer" });
  li.append(body);
  if (turn.answer) {
    const a = turn.answer;
    renderAnswerText(body, a.answer, a.citations);
    const list = a.abstained ? a.closest : a.citations;
    if (list.length > 0) {
      li.append(
        el("div", { cls: "sources-title", text: sourcesTitle(a, new Set(list.map((c) => c.path)).size) }),
      );
      const ol = el("ol", { cls: "sources" });
      for (const c of list) {
        const item = el("li");
        item.append(citeButton(c, `[${c.n}] ${citationLabel(c)}`));
        ol.append(item);
      }
      li.append(ol);
    }
    const fb = el("div", { cls: "feedback" });
    for (const [rating, label] of [
      ["up", "👍"],
      ["down", "👎"],
    ] as const) {
      const b = el("button", {
        cls: `rate rate-${rating}`,
        text: label,
        attrs: {
          type: "button",
          title: rating === "up" ? "Helpful" : "Not helpful",
          "aria-pressed": String(turn.rating === rating),
        },
      });
      b.addEventListener("click", () =>
        post({ type: "feedback/send", turnId: turn.id, traceId: a.traceId, rating }),
      );
      fb.append(b);
    }
    li.append(fb);
  } else {
    body.textContent = turn.partial ?? "";
    if (!turn.error) body.classList.add("streaming");
  }
  if (turn.error) li.append(el("div", { cls: "error", text: `${turn.error.message} (${turn.error.code})` }));
}

function upsert(turn: Turn): void {
  let entry = turns.get(turn.id);
  if (!entry) {
    entry = { turn, el: el("li", { cls: "turn", attrs: { "data-turn": turn.id } }) };
    turns.set(turn.id, entry);
    turnsEl.append(entry.el);
  }
  entry.turn = turn;
  renderTurn(entry);
  entry.el.scrollIntoView({ block: "end" });
}

function busy(on: boolean): void {
  cancelBtn.hidden = !on;
  sendBtn.disabled = on;
}

function load(conversation: Conversation): void {
  turns.clear();
  turnsEl.replaceChildren();
  for (const t of conversation.turns) upsert(t);
  busy(false);
}

function unreachable(m: never): never {
  throw new Error(`unhandled message ${JSON.stringify(m)}`);
}

function handle(m: ToWebview): void {
  switch (m.type) {
    case "conversation/load":
      load(m.conversation);
      return;
    case "answer/start":
      busy(true);
      upsert({ id: m.turnId, question: m.question, partial: "" });
      return;
    case "answer/token": {
      const e = turns.get(m.turnId);
      if (!e) return;
      e.turn = { ...e.turn, partial: (e.turn.partial ?? "") + m.text };
      const body = e.el.querySelector(".answer");
      if (body) body.textContent = e.turn.partial ?? "";
      return;
    }
    case "answer/done": {
      busy(false);
      const e = turns.get(m.turnId);
      if (e) upsert({ ...e.turn, answer: m.answer });
      return;
    }
    case "answer/error": {
      busy(false);
      const e = turns.get(m.turnId);
      if (e) upsert({ ...e.turn, error: { code: m.code, message: m.message } });
      return;
    }
    case "feedback/recorded": {
      const e = turns.get(m.turnId);
      if (e) upsert({ ...e.turn, rating: m.rating });
      return;
    }
    case "connection/status":
      statusEl.textContent = m.state === "ok" ? "" : m.detail;
      statusEl.dataset.state = m.state;
      return;
    default:
      unreachable(m);
  }
}

window.addEventListener("message", (event: MessageEvent) => {
  const r = parseToWebview(event.data);
  if (!r.ok) {
    // biome-ignore lint/suspicious/noConsole: the webview's own log is its devtools console
    console.warn(`innersource: dropped an invalid message from the extension (${r.error})`);
    return;
  }
  handle(r.message);
});

function send(): void {
  const text = input.value.trim();
  if (text === "" || sendBtn.disabled) return;
  post({ type: "ask/send", text });
  input.value = "";
}

form.addEventListener("submit", (e) => {
  e.preventDefault();
  send();
});
input.addEventListener("keydown", (e) => {
  if (e.key === "Enter" && !e.shiftKey) {
    e.preventDefault();
    send();
  }
});
cancelBtn.addEventListener("click", () => post({ type: "ask/cancel" }));
$<HTMLButtonElement>("new").addEventListener("click", () => post({ type: "conversation/new" }));

post({ type: "view/ready" });

/**
 * The sources' heading, worded as core's `answerLabel` (the webview bundle does not load core): "Quoted from 3
 * sources", "Generated from 2 sources", "Partial answer: closest passages from 1 source", "Closest documents".
 */
function sourcesTitle(
  a: { readonly abstained: boolean; readonly state?: string | undefined; readonly mode?: string | undefined },
  count: number,
): string {
  const state = a.state ?? (a.abstained ? "abstained" : "answered");
  const n = `${count} source${count === 1 ? "" : "s"}`;
  if (state === "abstained") return "Closest documents";
  if (state === "partial") return `Partial answer: closest passages from ${n}`;
  if (a.mode === "generated") return `Generated from ${n}`;
  return a.mode === "quoted" ? `Quoted from ${n}` : "Sources";
}
