// A remote docs/dev agent as an AgentBackend: the @a2a-js/sdk client (JSON-RPC, v1.0) sends the question as the
// caller — their bearer token is forwarded, never a user id — and the answer artifact's data part comes back as
// the AgentAnswer. Root uses it for ISA_AGENT_URLS (`docs=URL,dev=URL`); routing stays in root's process.
import { randomUUID } from "node:crypto";
import type { Message, Task } from "@a2a-js/sdk";
import type { Client } from "@a2a-js/sdk/client";
import { ClientFactory, ClientFactoryOptions, JsonRpcTransportFactory } from "@a2a-js/sdk/client";
import type { Answer, Citation } from "@isa/core";
import { AppError } from "@isa/core";
import { currentTraceparent } from "@isa/engine";
import type { AgentBackend, LeafAgentId } from "./agents.js";
import { textPart } from "./executor.js";

const COMPLETED = 3;
const ROLE_USER = 1 as Message["role"];

export interface RemoteAgentOptions {
  readonly fetchImpl?: typeof fetch;
}

/** `docs=http://h:8090/agents/docs,dev=http://…` → per-agent URLs; anything else is CONFIG_INVALID. */
export function parseAgentUrls(value: string | undefined): Partial<Record<LeafAgentId, string>> {
  const out: Partial<Record<LeafAgentId, string>> = {};
  for (const entry of (value ?? "").split(",").map((e) => e.trim())) {
    if (entry === "") continue;
    const m = /^(docs|dev)=(https?:\/\/\S+)$/.exec(entry);
    if (!m) {
      throw new AppError("CONFIG_INVALID", `ISA_AGENT_URLS: expected docs=URL,dev=URL, got "${entry}".`);
    }
    out[m[1] as LeafAgentId] = (m[2] as string).replace(/\/+$/, "");
  }
  return out;
}

interface AnswerData {
  answer?: unknown;
  citations?: unknown;
  closest?: unknown;
  abstained?: unknown;
  answeredBy?: unknown;
}

function citations(value: unknown): Citation[] {
  return Array.isArray(value) ? (value as Citation[]) : [];
}

/** The Answer carried by a completed task's `answer` artifact. */
export function answerOfTask(task: Task): { answer: Answer; answeredBy?: string } {
  if (task.status?.state !== COMPLETED) {
    throw new AppError(
      "BACKEND_UNAVAILABLE",
      `The remote agent's task ended in state ${task.status?.state}.`,
    );
  }
  const parts = task.artifacts.find((a) => a.artifactId === "answer")?.parts ?? [];
  const data = parts.find((p) => p.content?.$case === "data")?.content;
  if (data?.$case !== "data" || typeof data.value !== "object" || data.value === null) {
    throw new AppError("BACKEND_UNAVAILABLE", "The remote agent's answer has no data part.");
  }
  const d = data.value as AnswerData;
  return {
    answer: {
      answer: typeof d.answer === "string" ? d.answer : "",
      citations: citations(d.citations),
      abstained: d.abstained === true,
      closest: citations(d.closest),
    },
    ...(typeof d.answeredBy === "string" ? { answeredBy: d.answeredBy } : {}),
  };
}

export function createRemoteAgent(id: LeafAgentId, url: string, opts: RemoteAgentOptions = {}): AgentBackend {
  let client: Promise<Client> | undefined;
  const connect = () => {
    const factory = new ClientFactory(
      ClientFactoryOptions.createFrom(ClientFactoryOptions.default, {
        transports: [new JsonRpcTransportFactory(opts.fetchImpl ? { fetchImpl: opts.fetchImpl } : {})],
      }),
    );
    // The trailing slash: the card resolver resolves the well-known path relative to this URL.
    const p = factory.createFromUrl(`${url}/`);
    p.catch(() => {
      client = undefined; // retry the card on the next call
    });
    return p;
  };
  return {
    async answer(question, call) {
      if (!call.credential)
        throw new AppError("UNAUTHENTICATED", "No credential to forward to the remote agent.");
      client ??= connect();
      const c = await client;
      const traceparent = currentTraceparent();
      const message: Message = {
        messageId: randomUUID(),
        contextId: "",
        taskId: "",
        role: ROLE_USER,
        parts: [textPart(question)],
        // The answer's trace context, so the remote agent's spans join root's trace (executor.ts reads it).
        metadata: traceparent === undefined ? undefined : { traceparent },
        extensions: [],
        referenceTaskIds: [],
      };
      let result: Awaited<ReturnType<Client["sendMessage"]>>;
      try {
        result = await c.sendMessage(
          { tenant: "", message, configuration: undefined, metadata: undefined },
          {
            serviceParameters: {
              Authorization: `Bearer ${call.credential}`,
              ...(traceparent === undefined ? {} : { traceparent }),
            },
            ...(call.signal ? { signal: call.signal } : {}),
          },
        );
      } catch (cause) {
        call.signal?.throwIfAborted();
        throw new AppError("BACKEND_UNAVAILABLE", `The remote ${id} agent failed.`, { cause });
      }
      if (!("artifacts" in result)) {
        throw new AppError(
          "BACKEND_UNAVAILABLE",
          `The remote ${id} agent answered with a message, not a task.`,
        );
      }
      const { answer } = answerOfTask(result);
      call.onToken?.(answer.answer);
      return { result: answer, answeredBy: id };
    },
  };
}
