// The webview ↔ extension message map, one zod schema per message (CONVENTIONS 4 and 6): both sides parse what
// they receive with these and drop (and log) anything else, so a compromised or stale webview cannot drive the
// extension with shapes it does not expect. Imported by the extension host and by the webview bundle alike, so it
// must not import `vscode` or anything Node-only (the webview build maps @isa/core to its wire schemas).
import { TRACE_ID, wireAnswerSchema, wireCitationSchema } from "@isa/core";
import { z } from "zod";

const id = z.string().min(1).max(64);
const traceId = z.string().regex(TRACE_ID);

/** One exchange as the sidebar shows and the workspace stores it. */
export const turnSchema = z.object({
  id,
  question: z.string().max(8000),
  answer: wireAnswerSchema.optional(),
  /** The text streamed so far (kept when a stream breaks, so the reader sees what came). */
  partial: z.string().optional(),
  error: z.object({ code: z.string(), message: z.string() }).optional(),
  rating: z.enum(["up", "down"]).optional(),
});

export const conversationSchema = z.object({
  /** The backend's conversation id once an answer carried one; follow-ups send it back. */
  conversationId: z.string().max(64).optional(),
  turns: z.array(turnSchema),
});

/** Webview → extension. */
export const toExtensionSchema = z.discriminatedUnion("type", [
  z.strictObject({ type: z.literal("view/ready") }),
  z.strictObject({ type: z.literal("ask/send"), text: z.string().trim().min(1).max(4000) }),
  z.strictObject({ type: z.literal("ask/cancel") }),
  z.strictObject({ type: z.literal("citation/open"), citation: wireCitationSchema }),
  z.strictObject({ type: z.literal("feedback/send"), turnId: id, traceId, rating: z.enum(["up", "down"]) }),
  z.strictObject({ type: z.literal("conversation/new") }),
]);

/** Extension → webview. */
export const toWebviewSchema = z.discriminatedUnion("type", [
  z.strictObject({ type: z.literal("conversation/load"), conversation: conversationSchema }),
  z.strictObject({ type: z.literal("answer/start"), turnId: id, question: z.string() }),
  z.strictObject({ type: z.literal("answer/token"), turnId: id, text: z.string() }),
  z.strictObject({ type: z.literal("answer/done"), turnId: id, answer: wireAnswerSchema }),
  z.strictObject({
    type: z.literal("answer/error"),
    turnId: id,
    code: z.string(),
    message: z.string(),
  }),
  z.strictObject({ type: z.literal("feedback/recorded"), turnId: id, rating: z.enum(["up", "down"]) }),
  z.strictObject({
    type: z.literal("connection/status"),
    state: z.enum(["ok", "unreachable", "unauthenticated", "not-ready", "checking"]),
    detail: z.string(),
  }),
]);

export type Turn = z.infer<typeof turnSchema>;
export type Conversation = z.infer<typeof conversationSchema>;
export type ToExtension = z.infer<typeof toExtensionSchema>;
export type ToWebview = z.infer<typeof toWebviewSchema>;
export type ToExtensionType = ToExtension["type"];
export type ToWebviewType = ToWebview["type"];

/** The message of a given type, for handler tables typed from the map. */
export type MessageOf<M extends { type: string }, T extends M["type"]> = Extract<M, { type: T }>;

export type ParseResult<T> = { ok: true; message: T } | { ok: false; error: string };

function parse<S extends z.ZodType>(schema: S, raw: unknown): ParseResult<z.infer<S>> {
  const r = schema.safeParse(raw);
  if (r.success) return { ok: true, message: r.data };
  const first = r.error.issues[0];
  return { ok: false, error: first ? `${first.path.join(".") || "(root)"}: ${first.message}` : "invalid" };
}

export const parseToExtension = (raw: unknown): ParseResult<ToExtension> => parse(toExtensionSchema, raw);
export const parseToWebview = (raw: unknown): ParseResult<ToWebview> => parse(toWebviewSchema, raw);
