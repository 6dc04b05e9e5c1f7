// Where a citation opens: the cited file at its lines when the document's path exists in an open workspace folder
// (the folder named like the document's source is tried first), else the configured source URL template, else
// nothing (the caller says why). The extension never fetches the document itself for this.
import type { WireCitation } from "@isa/core";
import * as vscode from "vscode";

export type CitationTarget =
  | { readonly kind: "file"; readonly uri: vscode.Uri; readonly startLine: number; readonly endLine: number }
  | { readonly kind: "url"; readonly url: string }
  | { readonly kind: "none"; readonly reason: string };

type CitedLocation = Pick<WireCitation, "source" | "path" | "startLine" | "endLine">;

/** `{source}`, `{path}`, `{startLine}`, `{endLine}` filled in (path segments URL-encoded, slashes kept). */
export function fillTemplate(template: string, c: CitedLocation): string {
  const path = c.path.split("/").map(encodeURIComponent).join("/");
  return template
    .replaceAll("{source}", encodeURIComponent(c.source))
    .replaceAll("{path}", path)
    .replaceAll("{startLine}", String(c.startLine))
    .replaceAll("{endLine}", String(c.endLine));
}

async function exists(uri: vscode.Uri): Promise<boolean> {
  try {
    const s = await vscode.workspace.fs.stat(uri);
    return (s.type & vscode.FileType.File) !== 0;
  } catch {
    return false;
  }
}

/** A cited path is relative to its source; `..` or an absolute path never maps outside a folder. */
function safeRelative(p: string): string | undefined {
  const parts = p.split("/").filter((s) => s !== "" && s !== ".");
  return parts.length === 0 || parts.includes("..") ? undefined : parts.join("/");
}

export async function resolveCitation(c: CitedLocation, template: string): Promise<CitationTarget> {
  const rel = safeRelative(c.path);
  const folders = [...(vscode.workspace.workspaceFolders ?? [])].sort(
    (a, b) => Number(b.name === c.source) - Number(a.name === c.source),
  );
  if (rel) {
    for (const f of folders) {
      const candidates = [rel];
      if (rel.startsWith(`${f.name}/`)) candidates.push(rel.slice(f.name.length + 1));
      for (const cand of candidates) {
        const uri = vscode.Uri.joinPath(f.uri, ...cand.split("/"));
        if (await exists(uri)) return { kind: "file", uri, startLine: c.startLine, endLine: c.endLine };
      }
    }
  }
  if (template) return { kind: "url", url: fillTemplate(template, c) };
  return {
    kind: "none",
    reason: `${c.path} (${c.source}) is not in an open workspace folder and "innersource.sourceUrlTemplate" is not set.`,
  };
}

/** Opens a resolved citation; returns what was opened (tests and the caller's messages use it). */
export async function openCitation(c: CitedLocation, template: string): Promise<CitationTarget> {
  const target = await resolveCitation(c, template);
  switch (target.kind) {
    case "file": {
      const start = Math.max(0, target.startLine - 1);
      const end = Math.max(start, target.endLine - 1);
      await vscode.window.showTextDocument(target.uri, {
        preview: true,
        selection: new vscode.Range(start, 0, end, 0),
      });
      return target;
    }
    case "url":
      await vscode.env.openExternal(vscode.Uri.parse(target.url));
      return target;
    case "none":
      void vscode.window.showWarningMessage(target.reason);
      return target;
    default: {
      const never: never = target;
      return never;
    }
  }
}
