// The A2A AgentExecutor over an AgentBackend: task (submitted) → working → `answer` artifact chunks as the text is
// generated → the final `answer` artifact (replacing them: a text part with the cited answer, a data part with the
// structured citations) → completed. The caller is the Principal the transport authenticated (never a user id from
// the message). CancelTask aborts the answer (LLM included) and ends the task as canceled.
import { randomUUID } from "node:crypto";
import type { Artifact, Message, Part, TaskState } from "@a2a-js/sdk";
import type { AgentExecutor, ExecutionEventBus, RequestContext, User } from "@a2a-js/sdk/server";
import { AgentEvent } from "@a2a-js/sdk/server";
import type { AnswerTracer, Principal } from "@isa/core";
import { AppError, citationJson, isAppError } from "@isa/core";
import { parseTraceparent, traceAnswer } from "@isa/engine";
import type { Logger } from "pino";
import type { AgentAnswer, AgentBackend, AgentId } from "./agents.js";

// Numeric values of the SDK's TaskState / Role enums (const-enum-like; imported as types only).
const SUBMITTED = 1 as TaskState;
const WORKING = 2 as TaskState;
const COMPLETED = 3 as TaskState;
const FAILED = 4 as TaskState;
const CANCELED = 5 as TaskState;
const ROLE_AGENT = 2 as Message["role"];

/** The SDK's User carrying our Principal; built by the transport after the bearer token was verified. */
export class PrincipalUser implements User {
  /** `credential`: the verified bearer token, forwarded only when root delegates to a remote agent. */
  constructor(
    readonly principal: Principal,
    readonly credential?: string,
  ) {}
  get isAuthenticated(): boolean {
    return true;
  }
  /** Tasks are stored per userName, so one principal cannot read or cancel another's tasks. */
  get userName(): string {
    return this.principal.id;
  }
}

export function textPart(text: string): Part {
  return {
    content: { $case: "text", value: text },
    metadata: undefined,
    filename: "",
    mediaType: "text/plain",
  };
}

export function dataPart(value: unknown): Part {
  return {
    content: { $case: "data", value },
    metadata: undefined,
    filename: "",
    mediaType: "application/json",
  };
}

/** The question: every text part of the message, in order. */
export function questionOf(message: Message | undefined): string {
  return (message?.parts ?? [])
    .flatMap((p) => (p.content?.$case === "text" ? [p.content.value] : []))
    .join("\n")
    .trim();
}

/** The data part of the `answer` artifact. */
export function answerData(a: AgentAnswer) {
  return {
    answer: a.result.answer,
    citations: a.result.citations.map(citationJson),
    abstained: a.result.abstained,
    // Answers from before `state`/`mode` existed (a remote agent's) read as answered or abstained.
    state: a.result.state ?? (a.result.abstained ? "abstained" : "answered"),
    ...(a.result.mode ? { mode: a.result.mode } : {}),
    closest: (a.result.closest ?? []).map(citationJson),
    answeredBy: a.answeredBy,
    ...(a.route ? { route: a.route } : {}),
  };
}

/** The `answer` artifact's fixed fields (parts are set per event). */
function answerArtifact(description: string): Artifact {
  return {
    artifactId: "answer",
    name: "answer",
    description,
    parts: [],
    metadata: undefined,
    extensions: [],
  };
}

function safeMessage(err: unknown): string {
  if (isAppError(err)) return `${err.code}: ${err.message}`;
  return "INTERNAL: The server failed to answer.";
}

export interface ExecutorOptions {
  readonly logger?: Logger;
  /**
   * Traces each task's answer (MLflow when configured). A `traceparent` in the message's metadata (sent by root
   * when it delegates, remote.ts) makes this agent's spans part of the caller's trace.
   */
  readonly tracer?: AnswerTracer;
  /** Recorded on traces: the prompt version and model (engine's promptVersionOf / modelOf). */
  readonly promptVersion?: string;
  readonly model?: string;
}

export function createAgentExecutor(
  agentId: AgentId,
  backend: AgentBackend,
  opts: ExecutorOptions = {},
): AgentExecutor {
  const running = new Map<string, { readonly controller: AbortController; readonly contextId: string }>();
  const canceled = new Set<string>();

  const agentMessage = (taskId: string, contextId: string, text: string): Message => ({
    messageId: randomUUID(),
    contextId,
    taskId,
    role: ROLE_AGENT,
    parts: [textPart(text)],
    metadata: undefined,
    extensions: [],
    referenceTaskIds: [],
  });
  const status = (
    bus: ExecutionEventBus,
    taskId: string,
    contextId: string,
    state: TaskState,
    text?: string,
  ) =>
    bus.publish(
      AgentEvent.statusUpdate({
        taskId,
        contextId,
        status: {
          state,
          message: text === undefined ? undefined : agentMessage(taskId, contextId, text),
          timestamp: new Date().toISOString(),
        },
        metadata: undefined,
      }),
    );

  return {
    async execute(ctx: RequestContext, bus: ExecutionEventBus): Promise<void> {
      const { taskId, contextId } = ctx;
      const user = ctx.context.user;
      if (!ctx.task) {
        bus.publish(
          AgentEvent.task({
            id: taskId,
            contextId,
            status: { state: SUBMITTED, message: undefined, timestamp: new Date().toISOString() },
            artifacts: [],
            history: [ctx.userMessage],
            metadata: undefined,
          }),
        );
      }
      if (!(user instanceof PrincipalUser)) {
        // The transport authenticates every request; reaching here without a principal is a wiring bug.
        status(bus, taskId, contextId, FAILED, "UNAUTHENTICATED: No valid credentials were presented.");
        return;
      }
      const question = questionOf(ctx.userMessage);
      if (question === "") {
        status(bus, taskId, contextId, FAILED, "INPUT_INVALID: Send the question as a text part.");
        return;
      }
      const controller = new AbortController();
      running.set(taskId, { controller, contextId });
      status(bus, taskId, contextId, WORKING, agentId === "root" ? "Routing the question." : "Searching.");
      try {
        let chunks = 0;
        // Answer text as it is generated: `answer` artifact chunks (append), replaced at the end by the full one.
        const onToken = (piece: string) => {
          if (canceled.has(taskId)) return;
          bus.publish(
            AgentEvent.artifactUpdate({
              taskId,
              contextId,
              artifact: { ...answerArtifact(""), parts: [textPart(piece)] },
              append: chunks++ > 0,
              lastChunk: false,
              metadata: undefined,
            }),
          );
        };
        const parent = parseTraceparent(ctx.userMessage?.metadata?.traceparent);
        const answer = await traceAnswer(
          opts.tracer,
          {
            traceId: parent?.traceId ?? randomUUID().replaceAll("-", ""),
            ...(parent ? { parent } : {}),
            agent: agentId,
            question,
            principalId: user.principal.id,
            promptVersion: opts.promptVersion ?? "unknown",
            model: opts.model ?? "unknown",
          },
          () =>
            backend.answer(question, {
              principal: user.principal,
              signal: controller.signal,
              onToken,
              ...(user.credential === undefined ? {} : { credential: user.credential }),
            }),
          (a) => ({
            result: a.result,
            answeredBy: a.answeredBy,
            ...(a.route ? { route: { agent: a.route.agent, scores: a.route.scores } } : {}),
          }),
        );
        if (canceled.has(taskId)) return;
        bus.publish(
          AgentEvent.artifactUpdate({
            taskId,
            contextId,
            artifact: {
              ...answerArtifact(
                answer.result.abstained
                  ? "No answer from the indexed sources; closest documents listed."
                  : `Cited answer from the ${answer.answeredBy} agent.`,
              ),
              parts: [textPart(answer.result.answer), dataPart(answerData(answer))],
            },
            append: false,
            lastChunk: true,
            metadata: undefined,
          }),
        );
        status(bus, taskId, contextId, COMPLETED);
      } catch (err) {
        if (canceled.has(taskId)) return;
        if (!(isAppError(err) && err.httpStatus < 500))
          opts.logger?.error({ err, taskId, agentId }, "a2a task failed");
        status(bus, taskId, contextId, FAILED, safeMessage(err));
      } finally {
        running.delete(taskId);
        canceled.delete(taskId);
      }
    },

    async cancelTask(taskId: string, bus: ExecutionEventBus): Promise<void> {
      const run = running.get(taskId);
      if (!run) return;
      canceled.add(taskId);
      run.controller.abort(new AppError("INPUT_INVALID", "The task was canceled."));
      status(bus, taskId, run.contextId, CANCELED, "Canceled by the caller.");
    },
  };
}
