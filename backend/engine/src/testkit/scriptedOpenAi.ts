// Test helper: a scripted OpenAI-compatible chat server on 127.0.0.1 (real HTTP). Each POST /v1/chat/completions
// is answered by the script with text and/or tool calls, streamed in the exact SSE wire format vLLM and OpenAI use
// for `stream: true` (role delta, content deltas, tool_calls deltas — id and name first, the arguments JSON split
// across chunks —, the finish_reason chunk, the usage chunk, `data: [DONE]`). Requests are recorded.
import type { Server } from "node:http";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";

export interface ScriptedTurn {
  readonly text?: readonly string[];
  readonly toolCalls?: readonly { readonly name: string; readonly arguments: Record<string, unknown> }[];
}

export interface WireRequest {
  readonly model?: string;
  readonly messages: readonly {
    role: string;
    content: string | null;
    tool_call_id?: string;
    tool_calls?: { id: string; type: string; function: { name: string; arguments: string } }[];
  }[];
  readonly tools?: readonly {
    type: string;
    function: { name: string; description: string; parameters: unknown };
  }[];
  readonly stream?: boolean;
}

export interface ScriptedOpenAi {
  /** Base URL with the API prefix, e.g. `http://127.0.0.1:PORT/v1`. */
  readonly baseUrl: string;
  readonly requests: WireRequest[];
  close(): Promise<void>;
}

const MODEL = "scripted/tool-model";

/** The SSE `data:` payloads of one streamed completion. */
export function sseChunks(turn: ScriptedTurn): string[] {
  const base = {
    id: "chatcmpl-scripted",
    object: "chat.completion.chunk",
    created: 1_764_000_000,
    model: MODEL,
  };
  const chunk = (delta: unknown, finish: string | null = null) =>
    JSON.stringify({ ...base, choices: [{ index: 0, delta, logprobs: null, finish_reason: finish }] });
  const out = [chunk({ role: "assistant", content: "" })];
  for (const t of turn.text ?? []) out.push(chunk({ content: t }));
  (turn.toolCalls ?? []).forEach((c, index) => {
    const args = JSON.stringify(c.arguments);
    const cut = Math.floor(args.length / 2);
    out.push(
      chunk({
        tool_calls: [
          {
            index,
            id: `chatcmpl-tool-${index}abc`,
            type: "function",
            function: { name: c.name, arguments: "" },
          },
        ],
      }),
    );
    out.push(chunk({ tool_calls: [{ index, function: { arguments: args.slice(0, cut) } }] }));
    out.push(chunk({ tool_calls: [{ index, function: { arguments: args.slice(cut) } }] }));
  });
  out.push(chunk({}, turn.toolCalls && turn.toolCalls.length > 0 ? "tool_calls" : "stop"));
  out.push(
    JSON.stringify({
      ...base,
      choices: [],
      usage: { prompt_tokens: 42, completion_tokens: 7, total_tokens: 49 },
    }),
  );
  out.push("[DONE]");
  return out;
}

export async function startScriptedOpenAi(
  script: (req: WireRequest, call: number) => ScriptedTurn,
): Promise<ScriptedOpenAi> {
  const requests: WireRequest[] = [];
  const server: Server = createServer((req, res) => {
    let body = "";
    req.on("data", (c: Buffer) => {
      body += c.toString("utf8");
    });
    req.on("end", () => {
      if (req.method !== "POST" || !req.url?.endsWith("/chat/completions")) {
        res.writeHead(404, { "content-type": "application/json" }).end('{"error":{"message":"not found"}}');
        return;
      }
      const parsed = JSON.parse(body) as WireRequest;
      requests.push(parsed);
      let turn: ScriptedTurn;
      try {
        turn = script(parsed, requests.length - 1);
      } catch (err) {
        res.writeHead(400, { "content-type": "application/json" });
        res.end(JSON.stringify({ error: { message: String(err) } }));
        return;
      }
      res.writeHead(200, { "content-type": "text/event-stream", "cache-control": "no-cache" });
      for (const data of sseChunks(turn)) res.write(`data: ${data}\n\n`);
      res.end();
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const port = (server.address() as AddressInfo).port;
  return {
    baseUrl: `http://127.0.0.1:${port}/v1`,
    requests,
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}
