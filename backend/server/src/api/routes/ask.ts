// POST /v1/ask: a cited answer, streamed as SSE (`token` events, then one `answer` or `error` event) or returned
// as JSON when the client asks for `application/json`. Closing the connection aborts generation through the
// AbortSignal the answerer passes to the LLM. Each answer is a turn of a conversation: a new one unless the body
// names an existing one the caller may see (persistence/conversations.ts has the visibility rule), whose last turns
// are the answerer's history.
import type { ConversationRecord } from "@isa/core";
import { AppError, citationJson } from "@isa/core";
import type { AnswerResult, HistoryTurn } from "@isa/engine";
import { HISTORY_TURNS, modelOf, promptVersionOf, traceAnswer } from "@isa/engine";
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { MAX_CONVERSATION_TURNS, mayContinue, newConversationId } from "../../persistence/index.js";
import type { ApiContext } from "../context.js";
import { newTraceId, principalOf } from "../context.js";
import { parseWith, toWireAppError, wireError } from "../errors.js";
import { ROUTES } from "../routeTable.js";
import type { AnswerPayload } from "../schemas.js";
import { askBodySchema } from "../schemas.js";
import type { SseStream } from "../sse.js";
import { createSseStream } from "../sse.js";
import { appTracing } from "../tracking.js";

export function answerPayload(res: AnswerResult, traceId: string, conversationId: string): AnswerPayload {
  return {
    answer: res.answer,
    citations: res.citations.map(citationJson),
    abstained: res.abstained,
    state: res.state,
    mode: res.mode,
    closest: (res.closest ?? []).map(citationJson),
    traceId,
    conversationId,
  };
}

const conversationNotFound = () =>
  new AppError("NOT_FOUND", "The conversation does not exist or is not visible to the caller.");

const conversationFull = () =>
  new AppError(
    "CONVERSATION_FULL",
    `The conversation has reached its limit of ${MAX_CONVERSATION_TURNS} turns; start a new one.`,
    { details: { maxTurns: MAX_CONVERSATION_TURNS } },
  );

/** JSON only when asked for and SSE was not: a bare `curl` (which accepts anything) gets the stream. */
export function wantsJson(accept: string | undefined): boolean {
  const a = (accept ?? "").toLowerCase();
  return a.includes("application/json") && !a.includes("text/event-stream");
}

/**
 * Generation stopped because the client went away (nobody to tell). Shutdown aborts with an AppError reason
 * instead, which is reported to the client like any other error.
 */
function clientGone(signal: AbortSignal): boolean {
  return signal.aborted && !(signal.reason instanceof AppError);
}

function failure(err: unknown, signal: AbortSignal): unknown {
  return signal.aborted && signal.reason instanceof AppError ? signal.reason : err;
}

export function registerAsk(app: FastifyInstance, ctx: ApiContext): void {
  const spec = ROUTES.ask;
  const tracing = appTracing(app, ctx);

  async function run(request: FastifyRequest, reply: FastifyReply, onToken?: (t: string) => void) {
    const body = parseWith(askBodySchema, request.body, "body");
    const principal = principalOf(request);
    // Checked before anything is streamed, so an unknown or full conversation is an HTTP error, not an SSE one.
    let earlier: ConversationRecord | undefined;
    if (body.conversationId !== undefined) {
      earlier = await ctx.conversations.get(body.conversationId);
      if (!earlier || !mayContinue(principal.groups, earlier.audience)) throw conversationNotFound();
      if (earlier.turns.length >= MAX_CONVERSATION_TURNS) throw conversationFull();
    }
    const conversationId = earlier?.id ?? newConversationId();
    const history: HistoryTurn[] = (earlier?.turns ?? [])
      .slice(-HISTORY_TURNS)
      .map((t) => ({ question: t.question, answer: t.answer }));
    const traceId = newTraceId();
    const log = request.log.child({ traceId });
    const controller = new AbortController();
    // The response closing before we ended it means the client went away.
    reply.raw.on("close", () => {
      if (reply.raw.writableEnded) return;
      controller.abort();
    });
    ctx.inflight.add(controller);
    void reply.header("x-trace-id", traceId);
    return {
      traceId,
      log,
      signal: controller.signal,
      answer: async () => {
        try {
          const answerer = await ctx.runtime.answerer();
          let pieces = 0;
          // Traced when MLflow tracking is on and samples this id (sent in the background; never awaited).
          const res = await traceAnswer(
            await tracing.tracer(),
            {
              traceId,
              agent: "api",
              question: body.question,
              principalId: principal.id,
              conversationId,
              promptVersion: promptVersionOf(ctx.config),
              model: modelOf(ctx.config),
            },
            () =>
              answerer.answer(body.question, {
                principal,
                ...(history.length > 0 ? { history } : {}),
                signal: controller.signal,
                onToken: (t) => {
                  pieces++;
                  onToken?.(t);
                },
              }),
            (result) => ({ result }),
          );
          const t = res.timings;
          ctx.metrics.observeStage("retrieve", t.retrieveMs / 1000);
          if (t.generateMs > 0) ctx.metrics.observeStage("generate", t.generateMs / 1000);
          if (t.firstTokenMs !== undefined) ctx.metrics.observeStage("first_token", t.firstTokenMs / 1000);
          ctx.metrics.countTokens(res.usage, pieces);
          log.info(
            { abstained: res.abstained, citations: res.citations.length, mode: res.mode, timings: t },
            "answered",
          );
          const payload = answerPayload(res, traceId, conversationId);
          // Recorded before the answer is sent, so the id the client gets back always names this turn.
          const added = await ctx.conversations.append({
            id: conversationId,
            create: earlier === undefined,
            groups: principal.groups,
            maxTurns: MAX_CONVERSATION_TURNS,
            turn: {
              question: body.question,
              answer: payload.answer,
              citations: payload.citations,
              abstained: payload.abstained,
              traceId,
              at: new Date().toISOString(),
            },
          });
          if (!added.ok) {
            if (added.reason === "full") throw conversationFull();
            if (added.reason === "exists")
              throw new AppError("INTERNAL", "A conversation id was issued twice.");
            throw conversationNotFound();
          }
          return payload;
        } finally {
          ctx.inflight.delete(controller);
        }
      },
    };
  }

  app.route({
    method: spec.method,
    url: spec.url,
    handler: async (request, reply) => {
      if (wantsJson(request.headers.accept)) {
        const r = await run(request, reply);
        try {
          return await r.answer();
        } catch (err) {
          if (clientGone(r.signal)) r.log.info("client closed the connection; generation stopped");
          throw failure(err, r.signal);
        }
      }
      let sse: SseStream | undefined;
      const r = await run(request, reply, (text) => sse?.send("token", { text }));
      const stream = createSseStream();
      sse = stream;
      void reply
        .code(200)
        .header("content-type", "text/event-stream; charset=utf-8")
        .header("cache-control", "no-cache, no-transform")
        // nginx buffers proxied responses unless told otherwise, which would hold tokens back.
        .header("x-accel-buffering", "no");
      void r
        .answer()
        .then(
          (payload) => stream.send("answer", payload),
          (err: unknown) => {
            if (clientGone(r.signal)) {
              r.log.info("client closed the stream; generation stopped");
              return;
            }
            const e = toWireAppError(failure(err, r.signal));
            ctx.metrics.countError(e.code);
            if (e.httpStatus >= 500) r.log.error({ err, code: e.code }, "answer failed mid-stream");
            else r.log.info({ code: e.code }, "answer ended with an error");
            stream.send("error", wireError(e));
          },
        )
        .finally(() => stream.end());
      return reply.send(stream.body);
    },
  });
}
