// What one agent run knows about its caller, and where its tools leave their evidence.
// Identity lives in the ADK session state (`isa_principal`, `isa_credential`), put there by the backend from the
// transport's verified token — never read from the message text — so every tool retrieves as the person asking.
// The run's book (numbered sources, the answer a tool produced, the route taken, the stream callback and abort
// signal) is not JSON and stays out of the session: it is keyed by the session id, which is created per run.
import type { Citation, Principal } from "@isa/core";
import { AppError } from "@isa/core";
import type { RetrievalHit, RetrievalResult } from "@isa/engine";
import { toCitation } from "@isa/engine";
import type { AgentAnswer, LeafAgentId, RouteDecision } from "../a2a/agents.js";

export const STATE_PRINCIPAL = "isa_principal";
export const STATE_CREDENTIAL = "isa_credential";

/** A source a tool showed the model: `[n]` in the answer cites it. */
export interface BookSource {
  readonly n: number;
  /** Identity for de-duplication: a chunk id, or the MCP file range read. */
  readonly key: string;
  readonly citation: Citation;
}

export interface RunBook {
  readonly signal: AbortSignal | undefined;
  readonly onToken: ((piece: string) => void) | undefined;
  /** Sources numbered across every tool call of the run (1-based, in the order tools returned them). */
  readonly sources: BookSource[];
  /** Retrievals already made this run, by `kinds|query` (root's comparison is reused by the leaf). */
  readonly retrievals: Map<string, RetrievalResult>;
  /** Set by an answer tool (score-routed runs, remote delegation): the finished, cited answer. */
  answer?: AgentAnswer;
  /** Set by root's score comparison. */
  route?: RouteDecision;
  /** The leaf agent whose tools retrieved, when the model answered from them itself. */
  answeredBy?: LeafAgentId;
  /** Set when root answered from the project catalog. */
  projects?: boolean;
  /** The first error a tool threw: ADK hands the model only its message, the run rethrows it with its code. */
  error?: unknown;
}

/** Per-run books, keyed by ADK session id (one fresh session per run). */
export class RunBooks {
  readonly #books = new Map<string, RunBook>();

  open(sessionId: string, opts: { signal?: AbortSignal; onToken?: (piece: string) => void }): RunBook {
    const book: RunBook = {
      signal: opts.signal,
      onToken: opts.onToken,
      sources: [],
      retrievals: new Map(),
    };
    this.#books.set(sessionId, book);
    return book;
  }

  get(sessionId: string): RunBook {
    const book = this.#books.get(sessionId);
    if (!book) throw new AppError("INTERNAL", "An agent tool ran outside an agent run.");
    return book;
  }

  find(sessionId: string): RunBook | undefined {
    return this.#books.get(sessionId);
  }

  close(sessionId: string): void {
    this.#books.delete(sessionId);
  }
}

/** The minimal view of ADK's context that our tools need (Context and ReadonlyContext both fit). */
export interface StateView {
  readonly sessionId: string;
  readonly state: { get<T>(key: string, defaultValue?: T): T | undefined };
}

/** The caller, from session state; a run without one is a wiring bug and fails closed. */
export function principalOf(ctx: StateView | undefined): Principal {
  const p = ctx?.state.get<unknown>(STATE_PRINCIPAL) as { id?: unknown; groups?: unknown } | undefined;
  if (
    !p ||
    typeof p.id !== "string" ||
    !Array.isArray(p.groups) ||
    !p.groups.every((g) => typeof g === "string")
  ) {
    throw new AppError("UNAUTHENTICATED", "No caller identity in the agent session.");
  }
  return { id: p.id, groups: p.groups as string[] };
}

/** The caller's bearer credential (for MCP and remote agents), when the transport had one. */
export function credentialOf(ctx: StateView | undefined): string | undefined {
  const c = ctx?.state.get<unknown>(STATE_CREDENTIAL);
  return typeof c === "string" && c !== "" ? c : undefined;
}

/** Number a source into the book (one already listed keeps its number). */
export function addSource(book: RunBook, key: string, cite: (n: number) => Citation): BookSource {
  const seen = book.sources.find((s) => s.key === key);
  if (seen) return seen;
  const n = book.sources.length + 1;
  const s = { n, key, citation: cite(n) };
  book.sources.push(s);
  return s;
}

/** Number retrieval hits into the book. */
export function addHits(book: RunBook, hits: readonly RetrievalHit[]): BookSource[] {
  return hits.map((hit) => addSource(book, hit.chunk.id, (n) => toCitation(n, hit)));
}
