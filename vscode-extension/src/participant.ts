// The `@innersource` chat participant in VS Code's own chat view: `/ask` (the default) streams a cited answer,
// `/project` lists projects, `/owner` names the owners of the active file or of a named project. Citations become
// references and anchors that open the file at the cited lines (or the source URL). Feedback (👍/👎 in the chat
// view) goes to /v1/feedback by the answer's traceId, carried in the result metadata.
import type {
  AnswerPayload,
  ApiClient,
  ConversationTurn,
  OwnersResponse,
  Project,
  WireCitation,
} from "@isa/core";
import { AppError, answerLabel, toAppError } from "@isa/core";
import * as vscode from "vscode";
import { resolveCitation } from "./citations.js";
import type { Connection } from "./connection.js";
import type { Logger } from "./sidebar.js";

export const PARTICIPANT_ID = "innersource.assistant";

export interface InnersourceChatResult extends vscode.ChatResult {
  readonly metadata?: {
    readonly traceId?: string;
    readonly conversationId?: string;
    readonly command: string;
  };
}

const md = (s: string) => s.replace(/([\\`*_{}[\]()#+\-.!|<>])/g, "\\$1");

/** Earlier turns with this participant, as API history, and the last conversation id it was given. */
export function historyFrom(context: vscode.ChatContext): {
  turns: ConversationTurn[];
  conversationId?: string;
} {
  const turns: ConversationTurn[] = [];
  let conversationId: string | undefined;
  for (const h of context.history) {
    if (h.participant !== PARTICIPANT_ID) continue;
    if (h instanceof vscode.ChatRequestTurn) {
      turns.push({ role: "user", text: h.prompt });
    } else if (h instanceof vscode.ChatResponseTurn) {
      const text = h.response
        .flatMap((p) => (p instanceof vscode.ChatResponseMarkdownPart ? [p.value.value] : []))
        .join("");
      turns.push({ role: "assistant", text });
      const meta = (h.result as InnersourceChatResult).metadata;
      if (meta?.conversationId) conversationId = meta.conversationId;
    }
  }
  return conversationId ? { turns, conversationId } : { turns };
}

async function citationLinks(
  stream: vscode.ChatResponseStream,
  citations: readonly WireCitation[],
  template: string,
): Promise<void> {
  for (const c of citations) {
    const target = await resolveCitation(c, template);
    const label = `[${c.n}] ${c.title || c.path}`;
    stream.markdown("\n- ");
    if (target.kind === "file") {
      const loc = new vscode.Location(
        target.uri,
        new vscode.Range(Math.max(0, c.startLine - 1), 0, Math.max(0, c.endLine - 1), 0),
      );
      stream.reference(loc);
      stream.anchor(loc, label);
    } else if (target.kind === "url") {
      stream.anchor(vscode.Uri.parse(target.url), label);
    } else {
      stream.markdown(md(label));
    }
    stream.markdown(` — \`${c.path}:${c.startLine}-${c.endLine}\``);
  }
  stream.markdown("\n");
}

async function ask(
  client: ApiClient,
  request: vscode.ChatRequest,
  context: vscode.ChatContext,
  stream: vscode.ChatResponseStream,
  ctx: { signal: AbortSignal; template: string },
): Promise<InnersourceChatResult> {
  const question = request.prompt.trim();
  if (question === "") {
    stream.markdown(
      "Ask a question, e.g. `@innersource /ask how do I rotate the staging database password?`",
    );
    return { metadata: { command: "ask" } };
  }
  const { turns, conversationId } = historyFrom(context);
  stream.progress("Searching the docs…");
  const options = conversationId
    ? { signal: ctx.signal, conversationId, onToken: (t: string) => stream.markdown(t) }
    : { signal: ctx.signal, history: turns, onToken: (t: string) => stream.markdown(t) };
  const answer: AnswerPayload = await client.ask(question, options);
  if (answer.abstained) {
    if (answer.closest.length > 0) {
      stream.markdown("\n\n**Closest documents:**");
      await citationLinks(stream, answer.closest, ctx.template);
    }
  } else if (answer.citations.length > 0) {
    stream.markdown(`\n\n**${answerLabel(answer, new Set(answer.citations.map((c) => c.path)).size)}:**`);
    await citationLinks(stream, answer.citations, ctx.template);
  }
  return {
    metadata: {
      command: "ask",
      traceId: answer.traceId,
      ...(answer.conversationId ? { conversationId: answer.conversationId } : {}),
    },
  };
}

function projectMarkdown(p: Project): string {
  const owners = p.owners.length > 0 ? p.owners.map((o) => `\`${o}\``).join(", ") : "_none recorded_";
  const where = p.path ? `${p.source}/${p.path}` : p.source;
  const desc = p.description ? ` — ${md(p.description)}` : "";
  const docs =
    p.docs.length > 0
      ? `\n  - docs: ${p.docs
          .slice(0, 5)
          .map((d) => `\`${d}\``)
          .join(", ")}`
      : "";
  return `- **${md(p.name)}** (\`${where}\`)${desc}\n  - owners: ${owners}${docs}\n`;
}

async function projects(
  client: ApiClient,
  request: vscode.ChatRequest,
  stream: vscode.ChatResponseStream,
  signal: AbortSignal,
): Promise<InnersourceChatResult> {
  const q = request.prompt.trim();
  const found = await client.projects(q || undefined, { signal });
  if (found.length === 0) {
    stream.markdown(q ? `No project matches “${md(q)}”.` : "No projects are visible to you.");
  } else {
    stream.markdown(
      `${found.length} project${found.length === 1 ? "" : "s"}${q ? ` matching “${md(q)}”` : ""}:\n\n`,
    );
    for (const p of found.slice(0, 20)) stream.markdown(projectMarkdown(p));
  }
  return { metadata: { command: "project" } };
}

/** The active editor's file, relative to its workspace folder (the indexed source is usually that folder). */
function activeFilePath(): { path: string; folder: string } | undefined {
  const doc = vscode.window.activeTextEditor?.document;
  if (doc?.uri.scheme !== "file") return undefined;
  const folder = vscode.workspace.getWorkspaceFolder(doc.uri);
  if (!folder) return undefined;
  return { path: vscode.workspace.asRelativePath(doc.uri, false), folder: folder.name };
}

async function owners(
  client: ApiClient,
  request: vscode.ChatRequest,
  stream: vscode.ChatResponseStream,
  signal: AbortSignal,
): Promise<InnersourceChatResult> {
  const name = request.prompt.trim();
  const file = name ? undefined : activeFilePath();
  if (!name && !file) {
    stream.markdown(
      "Open a file from a workspace folder, or name a project: `@innersource /owner billing-service`.",
    );
    return { metadata: { command: "owner" } };
  }
  const subject = name ? `project **${md(name)}**` : `\`${file?.path}\``;
  const res: OwnersResponse = await client.owners(name ? { project: name } : { path: file?.path ?? "" }, {
    signal,
  });
  if (res.owners.length === 0) {
    stream.markdown(`No owners are recorded for ${subject} (no CODEOWNERS rule or catalog owner matches).`);
  } else {
    stream.markdown(
      `Owners of ${subject}${res.project ? ` (project **${md(res.project.name)}**)` : ""}:\n\n`,
    );
    for (const o of res.owners) {
      const from =
        o.source === "codeowners" ? `CODEOWNERS rule \`${o.rule ?? "?"}\`` : `catalog ${o.rule ?? ""}`;
      const file2 = o.file ? ` in \`${o.repo ? `${o.repo}/` : ""}${o.file}\`` : "";
      stream.markdown(`- \`${o.owner}\` — ${from}${file2}\n`);
    }
  }
  return { metadata: { command: "owner" } };
}

export function createParticipantHandler(connection: Connection, log: Logger): vscode.ChatRequestHandler {
  return async (request, context, stream, token): Promise<InnersourceChatResult> => {
    const controller = new AbortController();
    const sub = token.onCancellationRequested(() => controller.abort());
    const command = request.command ?? "ask";
    try {
      const client = await connection.client();
      switch (command) {
        case "project":
          return await projects(client, request, stream, controller.signal);
        case "owner":
          return await owners(client, request, stream, controller.signal);
        default:
          return await ask(client, request, context, stream, {
            signal: controller.signal,
            template: connection.settings.sourceUrlTemplate,
          });
      }
    } catch (err) {
      if (token.isCancellationRequested) return { metadata: { command } };
      const e = err instanceof AppError ? err : toAppError(err);
      log.warn(`@innersource /${command} failed: ${e.code} ${e.message}`);
      return { errorDetails: { message: `${e.message} (${e.code})` }, metadata: { command } };
    } finally {
      sub.dispose();
    }
  };
}

export function registerParticipant(
  context: vscode.ExtensionContext,
  connection: Connection,
  log: Logger,
): vscode.ChatParticipant {
  const participant = vscode.chat.createChatParticipant(
    PARTICIPANT_ID,
    createParticipantHandler(connection, log),
  );
  participant.iconPath = vscode.Uri.joinPath(context.extensionUri, "media", "icon.svg");
  participant.onDidReceiveFeedback(async (e) => {
    const traceId = (e.result as InnersourceChatResult).metadata?.traceId;
    if (!traceId) return;
    const rating = e.kind === vscode.ChatResultFeedbackKind.Helpful ? "up" : "down";
    try {
      await (await connection.client()).feedback({ traceId, rating });
    } catch (err) {
      log.warn(`Feedback failed: ${toAppError(err).message}`);
    }
  });
  context.subscriptions.push(participant);
  return participant;
}
