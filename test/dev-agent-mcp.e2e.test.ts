// root → dev agent → MCP tools → cited answer, through the front doors: the A2A root agent (the SDK's client, a
// user's bearer token), a scripted OpenAI-compatible model server (real HTTP, streamed tool_calls) making the
// decisions, and the real `isa mcp files|git --http` processes (bearer auth; both enforce the repository's acl.yaml
// per caller). A recording proxy in front of each MCP server shows
// which credential every MCP request carried. read_file, git_show of a file and git_blame come back as structured
// citations (repo-relative path, line range, revision in the title).
import type { ChildProcess } from "node:child_process";
import { execFileSync, spawn } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import type { IncomingMessage, Server } from "node:http";
import { createServer, request } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { hashToken } from "@isa/auth";
import { createOpenAiCompatibleLlm } from "@isa/engine";
import type { ScriptedOpenAi, ScriptedTurn, WireRequest } from "@isa/engine/testkit";
import { startScriptedOpenAi } from "@isa/engine/testkit";
import type { A2aTestServer, TestCorpus } from "@isa/server/testkit";
import {
  answerArtifact,
  clientFor,
  indexA2aCorpus,
  openA2aServer,
  sendRequest,
  tokenOf,
  USERS,
} from "@isa/server/testkit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const repo = path.resolve(import.meta.dirname, "..");
const bin = path.join(repo, "bin", "isa.mjs");
const ready =
  process.env.CI === "true" ||
  (existsSync(path.join(repo, "mcp-servers", "dist", "cli", "main.js")) &&
    existsSync(path.join(repo, "backend", "cli", "dist", "main.js")));

const SECRET = "CANARY-MCP-ENG-SECRET";

interface Mcp {
  readonly proc: ChildProcess;
  readonly url: string;
}

/** `isa mcp <kind> … --http --port 0`, resolved once it prints its URL. */
async function startMcp(args: string[], env: Record<string, string>): Promise<Mcp> {
  const proc = spawn(process.execPath, [bin, "mcp", ...args, "--http", "--port", "0"], {
    env: { ...process.env, ...env },
    stdio: ["ignore", "ignore", "pipe"],
  });
  let err = "";
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`isa mcp ${args[0]} did not start: ${err}`)), 60_000);
    proc.stderr?.on("data", (d: Buffer) => {
      err += d.toString();
      const m = /listening on (http:\/\/\S+)/.exec(err);
      if (m?.[1]) {
        clearTimeout(timer);
        resolve(m[1]);
      }
    });
    proc.once("exit", (code) => reject(new Error(`isa mcp ${args[0]} exited ${code}: ${err}`)));
  });
  return { proc, url };
}

/** A pass-through HTTP proxy that records each request's Authorization header. */
async function recordingProxy(
  target: string,
): Promise<{ url: string; auth: string[]; close(): Promise<void> }> {
  const t = new URL(target);
  const auth: string[] = [];
  const server: Server = createServer((req: IncomingMessage, res) => {
    auth.push(req.headers.authorization ?? "(none)");
    const up = request(
      { host: t.hostname, port: t.port, path: req.url, method: req.method, headers: req.headers },
      (r) => {
        res.writeHead(r.statusCode ?? 502, r.headers);
        r.pipe(res);
      },
    );
    up.on("error", () => res.destroy());
    req.pipe(up);
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}${t.pathname}`,
    auth,
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}

type ToolResult = { cite_as?: unknown; structuredContent?: Record<string, unknown> };

/**
 * "Who last changed F at REV?": git_blame of F's line 1 and git_show of F at REV, in one turn (the scripted server
 * numbers tool-call ids per turn, so a second tool turn would reuse the first's ids), then an answer citing both.
 */
function blameScript(file: string, rev: string, results: readonly ToolResult[]): ScriptedTurn {
  const blame = results.find((r) => Array.isArray(r.structuredContent?.lines));
  const show = results.find((r) => typeof r.structuredContent?.sha === "string");
  if (results.length === 0) {
    return {
      toolCalls: [
        { name: "git_blame", arguments: { path: file, lines: "1", rev } },
        { name: "git_show", arguments: { rev, path: file } },
      ],
    };
  }
  if (!blame?.cite_as || !show?.cite_as) return { text: ["I could not find the answer in the sources."] };
  const line = (blame.structuredContent?.lines as { author: string; text: string }[] | undefined)?.[0];
  const text = String(show.structuredContent?.text ?? "").split("\n");
  return {
    text: [
      `${line?.author} last changed line 1 (${line?.text}) ${String(blame.cite_as)}; `,
      `at that commit the file ends with ${text.at(-2)} ${String(show.cite_as)}`,
    ],
  };
}

/** "Show F from git": git_show of F at HEAD, quoted and cited. */
function showScript(file: string, results: readonly ToolResult[]): ScriptedTurn {
  const show = results.find((r) => typeof r.cite_as === "string");
  if (results.length === 0)
    return { toolCalls: [{ name: "git_show", arguments: { rev: "HEAD", path: file } }] };
  if (!show) return { text: ["I could not find the answer in the sources."] };
  return { text: [`git has it as: ${String(show.structuredContent?.text).trim()} ${String(show.cite_as)}`] };
}

/**
 * The scripted model: root → dev; dev reads the file named in the question and its git log, then cites it — or,
 * for the git questions, blames/shows it through git and cites that.
 */
function script(req: WireRequest): ScriptedTurn {
  const tools = (req.tools ?? []).map((t) => t.function.name);
  if (tools.includes("transfer_to_agent")) {
    return { toolCalls: [{ name: "transfer_to_agent", arguments: { agentName: "dev" } }] };
  }
  const question = req.messages.find((m) => m.role === "user")?.content ?? "";
  const toolResults = req.messages
    .filter((m) => m.role === "tool")
    .map((m) => JSON.parse(m.content ?? "{}") as ToolResult);
  const blameQ = /Who last changed ([\w/.]+) at (\w+)\?/.exec(question);
  if (blameQ?.[1] && blameQ[2]) return blameScript(blameQ[1], blameQ[2], toolResults);
  const showQ = /Show ([\w/.]+) from git/.exec(question)?.[1];
  if (showQ) return showScript(showQ, toolResults);
  const last = req.messages.at(-1);
  if (last?.role === "user") {
    const file = /\b([\w/]+\.ts)\b/.exec(req.messages.find((m) => m.role === "user")?.content ?? "")?.[1];
    return {
      toolCalls: [
        { name: "read_file", arguments: { path: file ?? "src/server.ts" } },
        { name: "git_log", arguments: { n: 5 } },
      ],
    };
  }
  // Tool results: answer from read_file's text, citing the number the agent gave it.
  const results = req.messages
    .filter((m) => m.role === "tool")
    .map((m) => JSON.parse(m.content ?? "{}") as Record<string, unknown>);
  const read = results.find((r) => typeof r.cite_as === "string");
  if (!read) return { text: ["I could not find the answer in the sources."] };
  const text = (read.structuredContent as { text?: string } | undefined)?.text ?? "";
  return { text: ["The file says: ", text.split("\n")[0] ?? "", ` ${String(read.cite_as)}`] };
}

describe.skipIf(!ready)("dev agent with the files and git MCP servers (A2A → ADK → MCP)", () => {
  let work: string;
  let corpus: TestCorpus;
  let model: ScriptedOpenAi;
  let files: Mcp;
  let git: Mcp;
  let filesProxy: Awaited<ReturnType<typeof recordingProxy>>;
  let gitProxy: Awaited<ReturnType<typeof recordingProxy>>;
  let a2a: A2aTestServer;
  let head: string;

  beforeAll(async () => {
    work = mkdtempSync(path.join(tmpdir(), "isa-dev-mcp-"));
    const src = path.join(work, "svc");
    mkdirSync(path.join(src, "src"), { recursive: true });
    mkdirSync(path.join(src, "eng"), { recursive: true });
    writeFileSync(
      path.join(src, "src", "server.ts"),
      'export const PORT = 8080;\nexport const HOST = "::";\n',
    );
    writeFileSync(path.join(src, "eng", "secret.ts"), `export const KEY = "${SECRET}";\n`);
    writeFileSync(
      path.join(src, "acl.yaml"),
      'default: [public]\nrules:\n  - glob: "eng/**"\n    groups: [eng]\n',
    );
    const g = (...a: string[]) =>
      execFileSync("git", ["-c", "user.name=Test", "-c", "user.email=t@example.com", ...a], { cwd: src });
    g("init", "-q");
    g("add", ".");
    g("commit", "-q", "-m", "Initial service commit");
    head = g("rev-parse", "HEAD").toString().trim();
    const tokensFile = path.join(work, "tokens.yaml");
    writeFileSync(
      tokensFile,
      Object.entries(USERS)
        .map(
          ([u, groups]) =>
            `- {token_sha256: ${hashToken(tokenOf(u))}, user: ${u}, groups: [${groups.join(", ")}]}`,
        )
        .join("\n"),
    );
    const env = { ISA_TOKENS_FILE: tokensFile, ISA_LOG_LEVEL: "warn" };
    [files, git] = await Promise.all([
      startMcp(["files", "--root", src], env),
      startMcp(["git", "--repo", src], env),
    ]);
    filesProxy = await recordingProxy(files.url);
    gitProxy = await recordingProxy(git.url);
    model = await startScriptedOpenAi(script);
    corpus = await indexA2aCorpus();
    a2a = await openA2aServer(corpus, {
      llm: createOpenAiCompatibleLlm({ baseUrl: model.baseUrl, model: "tool-model", timeoutMs: 30_000 }),
      env: { ISA_MCP_FILES_URL: filesProxy.url, ISA_MCP_GIT_URL: gitProxy.url },
    });
  }, 180_000);

  afterAll(async () => {
    await a2a?.close();
    await model?.close();
    await filesProxy?.close();
    await gitProxy?.close();
    for (const p of [files?.proc, git?.proc]) p?.kill("SIGTERM");
    corpus?.cleanup();
    if (work) rmSync(work, { recursive: true, force: true });
  });

  it("alice (eng): root → dev → read_file + git_log over MCP as alice → an answer citing the file read", async () => {
    filesProxy.auth.length = 0;
    gitProxy.auth.length = 0;
    const client = await clientFor(a2a.url, "root", { user: "alice" });
    const task = await client.sendMessage(sendRequest("What is in eng/secret.ts?"));
    if (!("id" in task) || !("artifacts" in task)) throw new Error("expected a task");
    const { text, data } = answerArtifact(task);
    expect(data.answeredBy).toBe("dev");
    expect(text).toContain(SECRET);
    expect(data.citations.map((c) => c.path)).toEqual(["eng/secret.ts"]);
    expect(data.citations[0]).toMatchObject({ startLine: 1, endLine: 1 });
    // Every MCP request (initialize, tools/list, tools/call, close) carried alice's token, nothing else.
    expect(filesProxy.auth.length).toBeGreaterThan(0);
    expect(gitProxy.auth.length).toBeGreaterThan(0);
    expect(new Set([...filesProxy.auth, ...gitProxy.auth])).toEqual(new Set([`Bearer ${tokenOf("alice")}`]));
    // The git tool really ran: its result (with the commit subject) went back to the model.
    const sawLog = model.requests.some((r) =>
      r.messages.some((m) => m.role === "tool" && (m.content ?? "").includes("Initial service commit")),
    );
    expect(sawLog).toBe(true);
  });

  it("dan (no eng group): the same question never reads the restricted file through the agent", async () => {
    filesProxy.auth.length = 0;
    const client = await clientFor(a2a.url, "root", { user: "dan" });
    const task = await client.sendMessage(sendRequest("What is in eng/secret.ts?"));
    if (!("id" in task) || !("artifacts" in task)) throw new Error("expected a task");
    const { text, data } = answerArtifact(task);
    expect(text).not.toContain(SECRET);
    expect(JSON.stringify(data)).not.toContain(SECRET);
    expect(data.citations.map((c) => c.path)).not.toContain("eng/secret.ts");
    expect(data.abstained).toBe(true);
    expect(new Set(filesProxy.auth)).toEqual(new Set([`Bearer ${tokenOf("dan")}`]));
    // …while a public file reads fine for dan.
    const ok = await client.sendMessage(sendRequest("What is in src/server.ts?"));
    if (!("id" in ok) || !("artifacts" in ok)) throw new Error("expected a task");
    const pub = answerArtifact(ok);
    expect(pub.text).toContain("PORT = 8080");
    expect(pub.data.citations.map((c) => c.path)).toEqual(["src/server.ts"]);
  });

  it("alice: git_blame + git_show over MCP → an answer citing both as structured git citations", async () => {
    gitProxy.auth.length = 0;
    const client = await clientFor(a2a.url, "root", { user: "alice" });
    const task = await client.sendMessage(sendRequest(`Who last changed src/server.ts at ${head}?`));
    if (!("id" in task) || !("artifacts" in task)) throw new Error("expected a task");
    const { text, data } = answerArtifact(task);
    expect(data.answeredBy).toBe("dev");
    expect(text).toContain("Test last changed line 1 (export const PORT = 8080;) [1]");
    expect(text).toContain('HOST = "::"; [2]');
    expect(data.abstained).toBe(false);
    const title = `src/server.ts @ ${head.slice(0, 7)}`;
    const docId = `mcp-git:svc/src/server.ts@${head}`;
    expect(data.citations).toEqual([
      {
        n: 1,
        chunkId: `${docId}#L1-L1`,
        docId,
        source: "svc",
        path: "src/server.ts",
        title,
        headingPath: [],
        startLine: 1,
        endLine: 1,
        score: 0,
      },
      {
        n: 2,
        chunkId: `${docId}#L1-L2`,
        docId,
        source: "svc",
        path: "src/server.ts",
        title,
        headingPath: [],
        startLine: 1,
        endLine: 2,
        score: 0,
      },
    ]);
    expect(new Set(gitProxy.auth)).toEqual(new Set([`Bearer ${tokenOf("alice")}`]));
    // The model was told the numbers to cite, in the git tools' own results.
    const cited = model.requests.flatMap((r) =>
      r.messages.filter((m) => m.role === "tool" && (m.content ?? "").includes('"cite_as":"[2]"')),
    );
    expect(cited.length).toBeGreaterThan(0);
  });

  it("the git server turns away a request without a token (401), as the files server does", async () => {
    const init = {
      jsonrpc: "2.0",
      id: 1,
      method: "initialize",
      params: { protocolVersion: "2025-06-18", capabilities: {}, clientInfo: { name: "t", version: "0" } },
    };
    for (const url of [git.url, files.url]) {
      const res = await fetch(url, {
        method: "POST",
        headers: { "content-type": "application/json", accept: "application/json, text/event-stream" },
        body: JSON.stringify(init),
      });
      expect(res.status).toBe(401);
    }
  });

  // The git server applies the repository's acl.yaml over HTTP too: dan, whom the files server refuses
  // eng/secret.ts (test above), cannot read it from git history either (this was a leak until the git server
  // learned acl.yaml: the same scripted git_show then quoted and cited the secret).
  it("dan (no eng group) cannot read eng/secret.ts through git_show either", async () => {
    gitProxy.auth.length = 0;
    const client = await clientFor(a2a.url, "root", { user: "dan" });
    const task = await client.sendMessage(sendRequest("Show eng/secret.ts from git"));
    if (!("id" in task) || !("artifacts" in task)) throw new Error("expected a task");
    const { text, data } = answerArtifact(task);
    expect(new Set(gitProxy.auth)).toEqual(new Set([`Bearer ${tokenOf("dan")}`]));
    expect(text).not.toContain(SECRET);
    expect(JSON.stringify(data)).not.toContain(SECRET);
    expect(data.citations.map((c) => c.path)).not.toContain("eng/secret.ts");
  });
});
