// The API client against a real node:http server on 127.0.0.1 speaking the API's SSE and JSON shapes.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { AppError } from "../errors.js";
import { composeQuestion, createApiClient } from "./apiClient.js";

const TRACE = "0123456789abcdef0123456789abcdef";
const answer = {
  answer: "Rotate it with vault [1].",
  citations: [
    {
      n: 1,
      chunkId: "c1",
      docId: "d1",
      source: "handbook",
      path: "ops/db.md",
      title: "DB",
      headingPath: ["DB"],
      startLine: 3,
      endLine: 9,
      score: 0.8,
    },
  ],
  abstained: false,
  closest: [],
  traceId: TRACE,
};

type Handler = (req: IncomingMessage, body: string, res: ServerResponse) => void;
let server: Server | undefined;

async function serve(handler: Handler): Promise<string> {
  server = createServer((req, res) => {
    let body = "";
    req.on("data", (c: Buffer) => {
      body += c.toString("utf8");
    });
    req.on("end", () => handler(req, body, res));
  });
  await new Promise<void>((r) => server!.listen(0, "127.0.0.1", r));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

afterEach(async () => {
  server?.closeAllConnections();
  await new Promise<void>((r) => (server ? server.close(() => r()) : r()));
  server = undefined;
});

const sse = (res: ServerResponse) => res.writeHead(200, { "content-type": "text/event-stream" });

describe("createApiClient", () => {
  it("streams tokens and returns the answer, sending the bearer token and the question", async () => {
    let seen: { auth?: string; accept?: string; body?: unknown; url?: string } = {};
    const baseUrl = await serve((req, body, res) => {
      seen = {
        auth: req.headers.authorization,
        accept: req.headers.accept,
        body: JSON.parse(body),
        url: req.url,
      };
      sse(res);
      res.write(": keep-alive\n\n");
      res.write('event: token\ndata: {"text":"Rotate "}\n\n');
      // An event split across writes, CRLF line ends.
      res.write('event: token\r\ndata: {"text":"it"');
      setTimeout(() => {
        res.write("}\r\n\r\n");
        res.end(`event: answer\ndata: ${JSON.stringify(answer)}\n\n`);
      }, 20);
    });
    const tokens: string[] = [];
    const client = createApiClient({ baseUrl, token: "tok", timeoutMs: 2000 });
    const got = await client.ask("How?", { onToken: (t) => tokens.push(t) });
    expect(got).toEqual(answer);
    expect(tokens).toEqual(["Rotate ", "it"]);
    expect(seen).toEqual({
      auth: "Bearer tok",
      accept: "text/event-stream",
      body: { question: "How?" },
      url: "/v1/ask",
    });
  });

  it("maps an SSE error event to its catalog code", async () => {
    const baseUrl = await serve((_req, _body, res) => {
      sse(res);
      res.end('event: error\ndata: {"code":"LLM_TIMEOUT","message":"slow"}\n\n');
    });
    const err = await createApiClient({ baseUrl, token: "t", timeoutMs: 2000 })
      .ask("q")
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AppError);
    expect(err).toMatchObject({ code: "LLM_TIMEOUT", message: "slow", httpStatus: 504 });
  });

  it("maps HTTP errors: 401 keeps its code, 429 carries Retry-After, unknown codes become INTERNAL", async () => {
    const baseUrl = await serve((req, _body, res) => {
      if (req.url === "/v1/search") {
        res.writeHead(401, { "content-type": "application/json" });
        res.end('{"error":{"code":"UNAUTHENTICATED","message":"no"}}');
      } else if (req.url === "/v1/feedback") {
        res.writeHead(429, { "content-type": "application/json", "retry-after": "7" });
        res.end('{"error":{"code":"RATE_LIMITED","message":"slow down"}}');
      } else {
        res.writeHead(418, { "content-type": "application/json" });
        res.end('{"error":{"code":"TEAPOT","message":"short and stout"}}');
      }
    });
    const c = createApiClient({ baseUrl, token: "t", timeoutMs: 2000 });
    await expect(c.search("x")).rejects.toMatchObject({ code: "UNAUTHENTICATED", httpStatus: 401 });
    await expect(c.feedback({ traceId: TRACE, rating: "up" })).rejects.toMatchObject({
      code: "RATE_LIMITED",
      details: { retryAfterSeconds: 7 },
    });
    await expect(c.projects("billing")).rejects.toMatchObject({
      code: "INTERNAL",
      message: "short and stout",
    });
  });

  it("is BACKEND_UNAVAILABLE when nothing listens, on a timeout, on a bad body and on a cut stream", async () => {
    const down = createApiClient({ baseUrl: "http://127.0.0.1:1", token: "t", timeoutMs: 2000 });
    await expect(down.ask("q")).rejects.toMatchObject({ code: "BACKEND_UNAVAILABLE", httpStatus: 503 });
    const baseUrl = await serve((req, _body, res) => {
      if (req.url === "/v1/search") return; // never answers
      if (req.url === "/v1/feedback") {
        res.writeHead(200, { "content-type": "application/json" });
        res.end('{"nope":1}');
        return;
      }
      sse(res);
      res.end('event: token\ndata: {"text":"half"}\n\n');
    });
    const c = createApiClient({ baseUrl, token: "t", timeoutMs: 150 });
    await expect(c.search("x")).rejects.toMatchObject({
      code: "BACKEND_UNAVAILABLE",
      details: { timeoutMs: 150 },
    });
    await expect(c.feedback({ traceId: TRACE, rating: "down" })).rejects.toMatchObject({
      code: "BACKEND_UNAVAILABLE",
    });
    await expect(c.ask("q")).rejects.toMatchObject({ code: "BACKEND_UNAVAILABLE" });
  });

  it("sends search, feedback and projects requests and parses their answers", async () => {
    const calls: string[] = [];
    const baseUrl = await serve((req, body, res) => {
      calls.push(`${req.method} ${req.url} ${body}`);
      res.writeHead(req.url === "/v1/feedback" ? 201 : 200, { "content-type": "application/json" });
      if (req.url === "/v1/feedback") res.end('{"recorded":true}');
      else if (req.url === "/v1/search") res.end(JSON.stringify({ hits: [], traceId: TRACE }));
      else
        res.end(
          JSON.stringify({
            projects: [
              { name: "billing", source: "s", path: "", owners: ["team-billing"], docs: [], from: "readme" },
            ],
          }),
        );
    });
    const c = createApiClient({ baseUrl: `${baseUrl}/`, token: "t", timeoutMs: 2000 });
    expect(await c.search("q", { k: 3, mode: "lexical" })).toEqual({ hits: [], traceId: TRACE });
    await c.feedback({ traceId: TRACE, rating: "up", comment: "ok" });
    expect((await c.projects("bill ing"))[0]?.owners).toEqual(["team-billing"]);
    expect(calls).toEqual([
      'POST /v1/search {"query":"q","k":3,"mode":"lexical"}',
      `POST /v1/feedback {"traceId":"${TRACE}","rating":"up","comment":"ok"}`,
      "GET /v1/projects?q=bill%20ing ",
    ]);
  });

  it("asks for owners by path (with or without a source) or by project, and rejects a malformed answer", async () => {
    const urls: string[] = [];
    const owners = {
      owners: [
        { owner: "@acme/billing", source: "codeowners", rule: "/services/billing/", file: "CODEOWNERS" },
      ],
      project: { name: "billing", source: "acme", path: "services/billing" },
    };
    const baseUrl = await serve((req, _body, res) => {
      urls.push(req.url ?? "");
      res.writeHead(200, { "content-type": "application/json" });
      res.end(JSON.stringify(req.url?.includes("bad") ? { owners: [{ owner: 1 }] } : owners));
    });
    const c = createApiClient({ baseUrl, token: "t", timeoutMs: 2000 });
    expect(await c.owners({ path: "services/billing/a b.md", source: "acme" })).toEqual(owners);
    await c.owners({ path: "README.md" });
    await c.owners({ project: "billing & co" });
    await expect(c.owners({ project: "bad" })).rejects.toMatchObject({ code: "BACKEND_UNAVAILABLE" });
    expect(urls.slice(0, 3)).toEqual([
      "/v1/owners?path=services%2Fbilling%2Fa+b.md&source=acme",
      "/v1/owners?path=README.md",
      "/v1/owners?project=billing+%26+co",
    ]);
  });

  it("sends conversationId, returns the one the server issued, and reads a conversation", async () => {
    const CID = "c_AbCdEfGhIjKlMnOpQrSt_-";
    const bodies: unknown[] = [];
    const urls: string[] = [];
    const baseUrl = await serve((req, body, res) => {
      urls.push(req.url ?? "");
      if (req.method === "POST") {
        bodies.push(JSON.parse(body));
        sse(res);
        res.end(`event: answer\ndata: ${JSON.stringify({ ...answer, conversationId: CID })}\n\n`);
        return;
      }
      if (req.url === `/v1/conversations/${CID}`) {
        res.writeHead(200, { "content-type": "application/json" });
        res.end(
          JSON.stringify({
            id: CID,
            createdAt: "2026-11-24T23:00:00.000Z",
            turns: [
              {
                question: "How?",
                answer: answer.answer,
                citations: answer.citations,
                abstained: false,
                traceId: TRACE,
                at: "2026-11-24T23:00:00.000Z",
              },
            ],
          }),
        );
        return;
      }
      const full = req.url?.includes("full");
      res.writeHead(full ? 409 : 404, { "content-type": "application/json" });
      res.end(
        JSON.stringify({
          error: full
            ? { code: "CONVERSATION_FULL", message: "full", details: { maxTurns: 50 } }
            : {
                code: "NOT_FOUND",
                message: "The conversation does not exist or is not visible to the caller.",
              },
        }),
      );
    });
    const client = createApiClient({ baseUrl, token: "tok", timeoutMs: 2000 });
    const first = await client.ask("How?");
    expect(first.conversationId).toBe(CID);
    await client.ask("And then?", { conversationId: CID });
    expect(bodies).toEqual([{ question: "How?" }, { question: "And then?", conversationId: CID }]);
    const c = await client.getConversation(CID);
    expect(c.turns.map((t) => t.question)).toEqual(["How?"]);
    const missing = await client.getConversation("c_/../x?y").catch((e: unknown) => e);
    expect(missing).toBeInstanceOf(AppError);
    expect((missing as AppError).code).toBe("NOT_FOUND");
    // The id is one path segment, whatever it holds.
    expect(urls.at(-1)).toBe("/v1/conversations/c_%2F..%2Fx%3Fy");
    const full = await client.getConversation("full").catch((e: unknown) => e);
    expect((full as AppError).code).toBe("CONVERSATION_FULL");
  });

  it("folds history into the question, newest turns kept under the cap", () => {
    expect(composeQuestion("q")).toBe("q");
    const q = composeQuestion("And staging?", [
      { role: "user", text: "How do I rotate the prod password?" },
      { role: "assistant", text: "Use vault [1]." },
    ]);
    expect(q).toBe(
      "Earlier in this conversation:\nUser: How do I rotate the prod password?\nAssistant: Use vault [1].\n\nCurrent question: And staging?",
    );
    const long = composeQuestion("last", [
      { role: "user", text: "a".repeat(5000) },
      { role: "assistant", text: "short answer here" },
    ]);
    expect(long.length).toBeLessThanOrEqual(4000);
    expect(long).toContain("Assistant: short answer here");
    expect(long.endsWith("Current question: last")).toBe(true);
  });
});
