// The A2A TCK's scenario agent: the behaviours its tests drive by messageId prefix (tck-complete-task,
// tck-artifact-*, tck-message-response, tck-input-required, tck-reject-task, tck-stream-*, the resubscribe
// message), ported from the TCK's reference SUT (a2a-tck sut/a2a-python/sut_agent.py, generated from its
// scenarios/*.feature). Not part of the product's behaviour: `scripts/a2a-tck-sut.mjs` runs it as every agent's
// executor on the product's own A2A stack (fastify routes, cards, task stores, auth, error mapping), so the TCK
// tests that stack.
import { randomUUID } from "node:crypto";
import type { Message, Part, TaskState } from "@a2a-js/sdk";
import { A2AError } from "@a2a-js/sdk/errors";
import type { AgentExecutor, ExecutionEventBus, RequestContext } from "@a2a-js/sdk/server";
import { AgentEvent } from "@a2a-js/sdk/server";

const SUBMITTED = 1 as TaskState;
const WORKING = 2 as TaskState;
const COMPLETED = 3 as TaskState;
const CANCELED = 5 as TaskState;
const INPUT_REQUIRED = 6 as TaskState;
const ROLE_AGENT = 2 as Message["role"];

const text = (value: string): Part => ({
  content: { $case: "text", value },
  metadata: undefined,
  filename: "",
  mediaType: "text/plain",
});
const raw = (value: Buffer, filename: string): Part => ({
  content: { $case: "raw", value },
  metadata: undefined,
  filename,
  mediaType: "text/plain",
});
const url = (value: string, filename: string): Part => ({
  content: { $case: "url", value },
  metadata: undefined,
  filename,
  mediaType: "text/plain",
});
const data = (value: unknown): Part => ({
  content: { $case: "data", value },
  metadata: undefined,
  filename: "",
  mediaType: "application/json",
});

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** The TaskUpdater of the reference SUT, over our SDK's event bus. */
function updater(bus: ExecutionEventBus, taskId: string, contextId: string) {
  const message = (parts: Part[]): Message => ({
    messageId: randomUUID(),
    contextId,
    taskId,
    role: ROLE_AGENT,
    parts,
    metadata: undefined,
    extensions: [],
    referenceTaskIds: [],
  });
  const status = (state: TaskState, msg?: Message) =>
    bus.publish(
      AgentEvent.statusUpdate({
        taskId,
        contextId,
        status: { state, message: msg, timestamp: new Date().toISOString() },
        metadata: undefined,
      }),
    );
  let artifacts = 0;
  return {
    message,
    startWork: () => status(WORKING),
    complete: (msg?: Message) => status(COMPLETED, msg),
    requiresInput: () => status(INPUT_REQUIRED),
    cancel: () => status(CANCELED),
    addArtifact(parts: Part[], opts: { append?: boolean; lastChunk?: boolean; id?: string } = {}) {
      const artifactId = opts.id ?? `artifact-${++artifacts}`;
      bus.publish(
        AgentEvent.artifactUpdate({
          taskId,
          contextId,
          artifact: { artifactId, name: "", description: "", parts, metadata: undefined, extensions: [] },
          append: opts.append ?? false,
          lastChunk: opts.lastChunk ?? false,
          metadata: undefined,
        }),
      );
    },
  };
}

export function createTckScenarioExecutor(): AgentExecutor {
  // cancelTask gets only the task id; its status update needs the context id (bounded: a TCK run is small).
  const contexts = new Map<string, string>();
  return {
    async execute(ctx: RequestContext, bus: ExecutionEventBus): Promise<void> {
      const { taskId, contextId } = ctx;
      if (contexts.size > 10_000) contexts.clear();
      contexts.set(taskId, contextId);
      const messageId = ctx.userMessage.messageId;
      const u = updater(bus, taskId, contextId);
      // A direct Message reply creates no task.
      if (messageId.startsWith("tck-message-response")) {
        bus.publish(AgentEvent.message(u.message([text("Direct message response")])));
        return;
      }
      if (messageId.startsWith("tck-reject-task")) throw new A2AError("rejected");
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
      const p = (prefix: string) => messageId.startsWith(prefix);
      if (p("tck-stream-artifact-chunked")) {
        u.startWork();
        u.addArtifact([text("chunk-1 ")], { append: true, id: "chunked" });
        u.addArtifact([text("chunk-2")], { append: true, lastChunk: true, id: "chunked" });
        u.complete();
      } else if (p("test-resubscribe-message-id")) {
        u.startWork();
        await sleep(4000);
        u.complete();
      } else if (p("tck-stream-artifact-text")) {
        u.startWork();
        u.addArtifact([text("Streamed text content")]);
        u.complete();
      } else if (p("tck-stream-artifact-file")) {
        u.startWork();
        u.addArtifact([raw(Buffer.from("tck"), "output.txt")]);
        u.complete();
      } else if (p("tck-stream-ordering-001")) {
        u.startWork();
        u.addArtifact([text("Ordered output")]);
        u.complete();
      } else if (p("tck-artifact-file-url")) {
        u.addArtifact([url("https://example.com/output.txt", "output.txt")]);
        u.complete();
      } else if (p("tck-input-required")) {
        u.requiresInput();
      } else if (p("tck-complete-task")) {
        u.complete(u.message([text("Hello from TCK")]));
      } else if (p("tck-artifact-text")) {
        u.addArtifact([text("Generated text content")]);
        u.complete();
      } else if (p("tck-artifact-file")) {
        u.addArtifact([raw(Buffer.from("tck"), "output.txt")]);
        u.complete();
      } else if (p("tck-artifact-data")) {
        u.addArtifact([data({ key: "value", count: 42 })]);
        u.complete();
      } else if (p("tck-stream-001")) {
        u.startWork();
        u.addArtifact([text("Stream hello from TCK")]);
        u.complete();
      } else if (p("tck-stream-002")) {
        u.complete();
      } else if (p("tck-stream-003")) {
        u.startWork();
        u.addArtifact([text("Stream task lifecycle")]);
        u.complete();
      } else {
        u.complete(u.message([text(`Unhandled messageId prefix: ${messageId}`)]));
      }
    },

    async cancelTask(taskId: string, bus: ExecutionEventBus): Promise<void> {
      bus.publish(
        AgentEvent.statusUpdate({
          taskId,
          contextId: contexts.get(taskId) ?? "",
          status: { state: CANCELED, message: undefined, timestamp: new Date().toISOString() },
          metadata: undefined,
        }),
      );
    },
  };
}
