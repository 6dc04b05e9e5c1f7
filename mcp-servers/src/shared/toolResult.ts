// Tool results and refusals. Every handler runs inside `guarded`: an AppError becomes a tool error
// (`isError: true`, "CODE: message"), anything else a generic INTERNAL message (no stack crosses the wire).

import { toAppError } from "@isa/core";
import type { CallToolResult } from "@modelcontextprotocol/sdk/types.js";

/** Annotations of every tool here, set truthfully: reads only, changes nothing, same answer twice, no outside world. */
export const READ_ONLY = {
  readOnlyHint: true,
  destructiveHint: false,
  idempotentHint: true,
  openWorldHint: false,
} as const;

/** A successful result: structured data plus a text rendering for clients that only show text. */
export function ok(structured: Record<string, unknown>, text?: string): CallToolResult {
  return {
    content: [{ type: "text", text: text ?? JSON.stringify(structured, null, 2) }],
    structuredContent: structured,
  };
}

/** A plain-text result (tools without an outputSchema). */
export function okText(text: string): CallToolResult {
  return { content: [{ type: "text", text }] };
}

export function toolError(err: unknown): CallToolResult {
  const e = toAppError(err);
  const message = e.code === "INTERNAL" ? "An unexpected internal error occurred." : e.message;
  return { content: [{ type: "text", text: `${e.code}: ${message}` }], isError: true };
}

/** Run a handler; never throws. `onError` sees the original error (for a logger), not the client. */
export async function guarded(
  fn: () => Promise<CallToolResult>,
  onError?: (err: unknown) => void,
): Promise<CallToolResult> {
  try {
    return await fn();
  } catch (err) {
    onError?.(err);
    return toolError(err);
  }
}
