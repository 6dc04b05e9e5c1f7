// Shapes the answerer works with. The retriever is described here by the little we need, so this module does not
// depend on the retrieval package's internals (any object with this `retrieve` fits).
import type { Answer, AnswerOrigin, AnswerStatus, Chunk, Config, Principal, TokenUsage } from "@isa/core";

export interface RetrievalHit {
  readonly chunk: Chunk;
  /** The ranking's score (fused in hybrid mode); higher is better. */
  readonly score: number;
  /** Cosine similarity from the dense search, when this chunk was found by it. */
  readonly denseScore?: number;
}

export interface RetrievalResult {
  readonly hits: readonly RetrievalHit[];
  /** Best dense cosine over the query's candidates: the abstention signal. */
  readonly bestDenseScore: number;
}

export interface AnswerRetriever {
  retrieve(
    query: string,
    opts: { readonly principal: Principal; readonly k: number },
  ): Promise<RetrievalResult>;
  /**
   * Optional small-to-big: chunks of the same document around a hit (the principal's view), so extractive answers
   * can quote a how-to's steps when only its introduction was retrieved. Without it answers use the hits alone.
   */
  neighbours?(
    chunk: Chunk,
    opts: { readonly principal: Principal; readonly maxChars: number },
  ): Promise<readonly Chunk[]>;
}

/** The parts of Config the answerer reads (a whole Config fits). */
export interface AnswererConfig {
  readonly retrieval: Pick<Config["retrieval"], "topK" | "abstainMinScore"> &
    Partial<Pick<Config["retrieval"], "abstainUnmentionedMinScore" | "answerabilityMaxShare">>;
  readonly llm: Pick<Config["llm"], "answerMode" | "maxTokens" | "contextTokens">;
}

export type AnswerMode = Config["llm"]["answerMode"];

/** An earlier question and answer of the same conversation. */
export interface HistoryTurn {
  readonly question: string;
  readonly answer: string;
}

export interface AnswerOptions {
  readonly principal: Principal;
  /**
   * Earlier turns, oldest first. A short or pronoun-led follow-up is retrieved together with the previous question,
   * and the generating modes see the last turns as chat messages. Absent or empty: a single-turn answer, unchanged.
   */
  readonly history?: readonly HistoryTurn[];
  readonly signal?: AbortSignal;
  /**
   * Streamed answer text. The pieces concatenate to exactly the final `answer` (citations already cleaned),
   * in every mode: extractive and abstention answers arrive as one piece.
   */
  readonly onToken?: (text: string) => void;
}

export interface AnswerTimings {
  readonly retrieveMs: number;
  /** Time in the LLM (0 when none was called). */
  readonly generateMs: number;
  /** From the call to the first streamed piece. */
  readonly firstTokenMs?: number;
  readonly totalMs: number;
}

export interface AnswerResult extends Answer {
  readonly timings: AnswerTimings;
  /** `quoted`: the answer is evidence quoted verbatim; `generated`: a model wrote it (hybrid adds quotes). */
  readonly mode: AnswerOrigin;
  readonly state: AnswerStatus;
  /** The configured answer mode that produced it. */
  readonly answerMode: AnswerMode;
  /** Specific terms of the question that the quoted (or cited) documents do not mention, when `partial`. */
  readonly notCovered?: readonly string[];
  /**
   * True when the model cited nothing and `citations` are the top sources in rank order, attached so the
   * person can still verify (they are not claims that the model used them).
   */
  readonly citationsInferred: boolean;
  readonly usage?: TokenUsage;
}
