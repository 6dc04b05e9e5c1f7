// Test fixture for the A2A servers: the API harness's corpus plus code and config files (each restricted one with
// a canary), a real listen() on 127.0.0.1:0, and @a2a-js/sdk clients that send a user's bearer token.
import { randomUUID } from "node:crypto";
import type { Message, SendMessageRequest, Task } from "@a2a-js/sdk";
import type { Client } from "@a2a-js/sdk/client";
import { ClientFactory, ClientFactoryOptions, JsonRpcTransportFactory } from "@a2a-js/sdk/client";
import type { AgentId } from "@isa/agents";
import { agentPath } from "@isa/agents";
import type { Llm } from "@isa/core";
import type { Runtime } from "@isa/engine";
import type { RunningA2aServer } from "../a2a/server.js";
import { startA2aServer } from "../a2a/server.js";
import type { TestCorpus } from "./harness.js";
import { ACL_YAML, CORPUS, indexCorpus, testParts, tokenOf } from "./harness.js";

/** Code and config beside the harness's Markdown; paths fall under the same acl.yaml rules. */
export const CODE_FILES: Readonly<Record<string, string>> = {
  "eng/rotate.ts":
    "// Rotation job for the staging database password.\nexport function rotateStagingPassword(): string {\n" +
    '  return "rotate-db"; // CANARY-ENG-CODE\n}\n',
  "security/vault.yaml":
    "vault:\n  breakglass_path: ops/breakglass # CANARY-SEC-VAULTCFG\n  rotate_after_use: true\n",
  "finance/bonus.py":
    'def bonus_schedule():\n    """The bonus schedule pays in March. CANARY-FIN-CODE"""\n    return "march"\n',
  "src/server.ts":
    "export const PORT = 8080;\nexport function startServer(port = PORT) {\n  return { port, retries: 3 };\n}\n",
  "config/billing.yaml": "billing:\n  client:\n    retry_policy: exponential\n    max_retries: 5\n",
};

export const A2A_FILES: Readonly<Record<string, string>> = { ...CORPUS, ...CODE_FILES };

/** Canary of each restricted file (Markdown and code). */
export const A2A_CANARIES: Readonly<Record<string, string>> = Object.fromEntries(
  Object.entries(A2A_FILES).flatMap(([p, text]) => {
    const m = /CANARY-[A-Z-]+/.exec(text);
    return m ? [[p, m[0]]] : [];
  }),
);

export function indexA2aCorpus(): Promise<TestCorpus> {
  return indexCorpus({ acme: { files: A2A_FILES, acl: ACL_YAML } });
}

export interface A2aTestServer {
  readonly url: string;
  readonly runtime: Runtime;
  close(): Promise<void>;
}

export async function openA2aServer(
  corpus: TestCorpus,
  opts: { llm?: Llm; env?: Record<string, string> } = {},
): Promise<A2aTestServer> {
  const { config, deps } = await testParts(corpus, opts);
  const running: RunningA2aServer = await startA2aServer(
    config,
    {
      runtime: deps.runtime,
      authenticator: deps.authenticator,
      ...(deps.logger ? { logger: deps.logger } : {}),
    },
    { host: "127.0.0.1", port: 0 },
  );
  return {
    url: running.url,
    runtime: deps.runtime,
    async close() {
      await running.close();
      await deps.runtime.close();
    },
  };
}

/** fetch that adds `Authorization: Bearer <token>` (none for `undefined`). */
export function bearerFetch(token: string | undefined): typeof fetch {
  return (input, init) => {
    const headers = new Headers(init?.headers);
    if (token !== undefined) headers.set("authorization", `Bearer ${token}`);
    return fetch(input, { ...init, headers });
  };
}

/** An SDK client of one agent, calling as `user` (its harness token), or with a raw token / none. */
export async function clientFor(
  url: string,
  agent: AgentId,
  who: { user: string } | { token: string | undefined },
): Promise<Client> {
  const token = "user" in who ? tokenOf(who.user) : who.token;
  const factory = new ClientFactory(
    ClientFactoryOptions.createFrom(ClientFactoryOptions.default, {
      transports: [new JsonRpcTransportFactory({ fetchImpl: bearerFetch(token) })],
    }),
  );
  // The trailing slash: the resolver resolves the well-known path relative to this URL.
  return factory.createFromUrl(`${url}${agentPath(agent)}/`);
}

export function userMessage(text: string, messageId: string = randomUUID()): Message {
  return {
    messageId,
    contextId: "",
    taskId: "",
    role: 1 as Message["role"],
    parts: [
      { content: { $case: "text", value: text }, metadata: undefined, filename: "", mediaType: "text/plain" },
    ],
    metadata: undefined,
    extensions: [],
    referenceTaskIds: [],
  };
}

export function sendRequest(text: string): SendMessageRequest {
  return { tenant: "", message: userMessage(text), configuration: undefined, metadata: undefined };
}

export interface AnswerArtifact {
  readonly text: string;
  readonly data: {
    answer: string;
    citations: { docId: string; path: string; startLine: number; endLine: number }[];
    closest: { docId: string; path: string }[];
    abstained: boolean;
    answeredBy: string;
    route?: { agent: string; scores: Record<string, number> };
  };
}

/** The `answer` artifact of a completed task: its text part and its data part. */
export function answerArtifact(task: Task): AnswerArtifact {
  const artifact = task.artifacts.find((a) => a.artifactId === "answer");
  if (!artifact) throw new Error(`task ${task.id} has no answer artifact`);
  let text = "";
  let data: AnswerArtifact["data"] | undefined;
  for (const p of artifact.parts) {
    if (p.content?.$case === "text") text += p.content.value;
    if (p.content?.$case === "data") data = p.content.value as AnswerArtifact["data"];
  }
  if (!data) throw new Error(`task ${task.id}: the answer artifact has no data part`);
  return { text, data };
}

/** POST a raw JSON-RPC body (string or object) to an agent. */
export async function rawRpc(
  url: string,
  agent: AgentId,
  body: unknown,
  headers: Record<string, string> = {},
): Promise<{ status: number; json: unknown; text: string }> {
  const res = await fetch(`${url}${agentPath(agent)}`, {
    method: "POST",
    headers: { "content-type": "application/json", ...headers },
    body: typeof body === "string" ? body : JSON.stringify(body),
  });
  const text = await res.text();
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: res.status, json, text };
}
