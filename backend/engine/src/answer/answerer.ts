// Grounded answering: retrieve → abstain (no LLM) when nothing is close enough → otherwise answer by one of three
// modes: "generate" (LLM over fenced sources), "extractive" (quoted evidence, no LLM) or "hybrid" (LLM answer,
// then the best evidence quotes it does not already contain). Every answer's citations are structured.
import type { AnswerOrigin, AnswerStatus, Citation, Llm, Principal, TokenUsage } from "@isa/core";
import { AppError } from "@isa/core";
import {
  keyTerms,
  NO_ANSWER_SENTENCE,
  renderClosest,
  retrievalAbstention,
  saysNoAnswer,
  unmentionedTerms,
} from "./abstain.js";
import type { Answerability, AnswerabilityIndex, EvidenceDocument } from "./answerability.js";
import { checkAnswerability, listTerms } from "./answerability.js";
import { citedNumbers, createCitationFilter, toCitation } from "./citations.js";
import type { Evidence } from "./extractive.js";
import { renderEvidence, selectEvidence } from "./extractive.js";
import { historyMessages, preferExpanded, retrievalQuery } from "./history.js";
import type { PromptSource, TokenCounter } from "./prompt.js";
import { buildMessages, estimateTokens, fitSources, PROMPT_SCAFFOLD_LINES } from "./prompt.js";
import { createRepeatGuard } from "./repeatGuard.js";
import { termSet } from "./terms.js";
import type { AnswererConfig, AnswerOptions, AnswerResult, AnswerRetriever, RetrievalHit } from "./types.js";

export interface AnswererDeps {
  readonly llm: Llm;
  readonly retriever: AnswerRetriever;
  readonly config: AnswererConfig;
  /** Exact prompt budgeting. Default: the LLM's own `countTokens` when it has one, else a chars/3.5 estimate. */
  readonly countTokens?: TokenCounter;
  /**
   * The index key terms are looked up in (as the caller), for key-term abstention: below
   * `config.retrieval.abstainUnmentionedMinScore` (best dense cosine), a question naming something that no chunk
   * the caller can read mentions is not answered. Without an index or that setting: the score gate only.
   * The index is also what the answerability check reads (see answerability.ts): without one, every answer that
   * passes the gates is `answered`.
   */
  readonly index?: AnswerabilityIndex;
}

export interface Answerer {
  answer(question: string, opts: AnswerOptions): Promise<AnswerResult>;
}

/** Documents listed when abstaining, and sources attached when the model cited none. */
const CLOSEST_COUNT = 3;
/** Evidence quotes appended in hybrid mode: enough to carry the key fact, few enough to stay readable. */
const HYBRID_QUOTES = 2;
/**
 * Small-to-big for extractive answers: the top hits whose documents are searched around, and how much text
 * around each. Measured on the npm-docs eval (see backend/README.md, "Extractive answers").
 */
const NEIGHBOUR_HITS = 2;
const NEIGHBOUR_CHARS = 1500;
/** Tiny models sometimes go on to recite fences or invent the next question; cut generation there. */
const STOP = ["<source", "</source>", "\nQuestion:"];

export function createAnswerer(deps: AnswererDeps): Answerer {
  const { llm, retriever, config } = deps;
  const mode = config.llm.answerMode;
  const countTokens = deps.countTokens ?? tokenCounterOf(llm);
  const maxShare = config.retrieval.answerabilityMaxShare;
  /** Does what the question asks about appear in the documents of these hits? Undefined: no index to ask. */
  const answerability = async (
    question: string,
    hits: readonly RetrievalHit[],
    principal: Principal,
  ): Promise<Answerability | undefined> => {
    if (!deps.index || hits.length === 0) return undefined;
    const docs = new Map<string, EvidenceDocument>();
    for (const { chunk: c } of hits) {
      const t = `${c.title}\n${c.headingPath.join("\n")}\n${c.text}`;
      const d = docs.get(c.docId);
      docs.set(c.docId, { docId: c.docId, text: d ? `${d.text}\n${t}` : t });
    }
    return checkAnswerability(deps.index, question, {
      principal,
      evidence: [...docs.values()],
      ...(maxShare === undefined ? {} : { maxShare }),
    });
  };

  return {
    async answer(question, opts) {
      const t0 = performance.now();
      const q = question.trim();
      if (q === "") throw new AppError("INPUT_INVALID", "The question is empty.");
      opts.signal?.throwIfAborted();

      const k = config.retrieval.topK;
      let retrieved = await retriever.retrieve(q, { principal: opts.principal, k });
      // A follow-up is also searched with the previous question; without history `expanded` is `q` itself.
      let rq = q;
      const expanded = retrievalQuery(q, opts.history);
      if (expanded !== q) {
        opts.signal?.throwIfAborted();
        const withContext = await retriever.retrieve(expanded, { principal: opts.principal, k });
        if (preferExpanded(withContext.bestDenseScore, retrieved.bestDenseScore)) {
          retrieved = withContext;
          rq = expanded;
        }
      }
      const retrieveMs = performance.now() - t0;
      opts.signal?.throwIfAborted();
      const hits = retrieved.hits.slice(0, config.retrieval.topK);

      let text = "";
      let firstTokenMs: number | undefined;
      const emit = (piece: string) => {
        if (piece === "") return;
        firstTokenMs ??= performance.now() - t0;
        text += piece;
        opts.onToken?.(piece);
      };
      const done = (
        rest: Omit<AnswerResult, "answer" | "timings" | "mode" | "state" | "answerMode" | "abstained"> & {
          readonly abstained: boolean;
          readonly state?: AnswerStatus;
          readonly mode?: AnswerOrigin;
        },
        generateMs = 0,
        usage?: TokenUsage,
      ): AnswerResult => ({
        answer: text,
        ...rest,
        state: rest.state ?? (rest.abstained ? "abstained" : "answered"),
        abstained: rest.state === undefined ? rest.abstained : rest.state === "abstained",
        mode: rest.mode ?? (mode === "extractive" ? "quoted" : "generated"),
        answerMode: mode,
        ...(usage ? { usage } : {}),
        timings: {
          retrieveMs,
          generateMs,
          ...(firstTokenMs === undefined ? {} : { firstTokenMs }),
          totalMs: performance.now() - t0,
        },
      });

      // The lexical look-ups run only for weak retrievals, so confident questions pay nothing.
      const unmentionedMin = deps.index ? config.retrieval.abstainUnmentionedMinScore : undefined;
      if (
        hits.length === 0 ||
        retrieved.bestDenseScore < config.retrieval.abstainMinScore ||
        (deps.index !== undefined &&
          unmentionedMin !== undefined &&
          retrieved.bestDenseScore < unmentionedMin &&
          (await unmentionedTerms(deps.index, keyTerms(q), opts.principal)).length > 0)
      ) {
        const closest = hits.slice(0, CLOSEST_COUNT).map((h, i) => toCitation(i + 1, h));
        emit(retrievalAbstention(closest));
        return done({ citations: [], abstained: true, closest, citationsInferred: false });
      }

      if (mode === "extractive") {
        const sources = await evidenceSources(retriever, hits, opts);
        opts.signal?.throwIfAborted();
        const evidence = selectEvidence(
          rq,
          sources.map((s) => ({ n: s.n, chunk: s.hit.chunk, rank: s.rank, around: s.n > hits.length })),
        );
        // Quoted sources are renumbered 1..m in reading order, so a chunk found around a hit (numbered after all
        // hits) reads as [3], not [8], and the numbers a reader sees have no gaps.
        const order = [...new Set(evidence.map((e) => e.n))];
        const renumber = new Map(order.map((n, i) => [n, i + 1]));
        const quotedHit = (m: number) => {
          const n = order[m - 1];
          return n === undefined ? undefined : sources[n - 1]?.hit;
        };
        const check = await answerability(
          q,
          byScore(evidence).flatMap((n) => sources[n - 1]?.hit ?? []),
          opts.principal,
        );
        opts.signal?.throwIfAborted();
        const quoted = renderEvidence(evidence.map((e) => ({ ...e, n: renumber.get(e.n) ?? e.n })));
        if (check && check.missing.length > 0) {
          const first = quotedHit(1);
          emit(notCoveredAnswer(check, first?.chunk.title, quoted));
          const cited = citationsFor(citedNumbers(text), quotedHit);
          return done({
            citations: check.covered.length > 0 ? cited : [],
            abstained: check.covered.length === 0,
            state: check.covered.length > 0 ? "partial" : "abstained",
            closest: cited,
            notCovered: check.missing.map((t) => t.text),
            citationsInferred: false,
          });
        }
        emit(quoted);
        return done({
          citations: citationsFor(citedNumbers(text), quotedHit),
          abstained: false,
          citationsInferred: false,
        });
      }

      // generate / hybrid
      // Earlier turns get at most a quarter of the window left after the answer; oldest turns go first.
      let history = historyMessages(opts.history);
      const historyBudget = Math.floor((config.llm.contextTokens - config.llm.maxTokens) / 4);
      let reservedTokens = 0;
      for (;;) {
        reservedTokens = 0;
        // +8 per message: its chat-template role markers.
        for (const m of history) reservedTokens += (await (countTokens ?? estimateTokens)(m.content)) + 8;
        if (reservedTokens <= historyBudget || history.length === 0) break;
        history = history.slice(2);
      }
      const sources = await fitSources(q, hits, {
        contextTokens: config.llm.contextTokens,
        maxTokens: config.llm.maxTokens,
        ...(countTokens ? { countTokens } : {}),
        ...(history.length > 0 ? { reservedTokens } : {}),
      });
      const hitOf = (n: number): RetrievalHit | undefined => sources[n - 1]?.hit;
      // What the question asks about must be in the evidence the model gets: when the passages closest to it cover
      // a sibling (staging for production), the model is not asked; the answer says what is not covered, quoted.
      const closestEvidence = evidenceFrom(rq, sources);
      const pre = await answerability(
        q,
        byScore(closestEvidence).flatMap((n) => hitOf(n) ?? []),
        opts.principal,
      );
      opts.signal?.throwIfAborted();
      if (pre && pre.missing.length > 0) {
        emit(
          notCoveredAnswer(
            pre,
            hitOf(closestEvidence[0]?.n ?? 1)?.chunk.title,
            renderEvidence(closestEvidence),
          ),
        );
        const cited = citationsFor(citedNumbers(text), hitOf);
        return done({
          citations: pre.covered.length > 0 ? cited : [],
          abstained: pre.covered.length === 0,
          state: pre.covered.length > 0 ? "partial" : "abstained",
          mode: "quoted",
          closest: cited,
          notCovered: pre.missing.map((t) => t.text),
          citationsInferred: false,
        });
      }
      const exists = (n: number) => n >= 1 && n <= sources.length;
      const filter = createCitationFilter(exists);
      const guard = createRepeatGuard({ seed: PROMPT_SCAFFOLD_LINES });
      // Leading and trailing blanks of the model's text are dropped (held back until more text follows), so the
      // streamed pieces still add up to exactly the final answer.
      let blanks = "";
      const emitModel = (piece: string) => {
        const all = text === "" ? (blanks + piece).trimStart() : blanks + piece;
        const body = all.trimEnd();
        blanks = all.slice(body.length);
        emit(body);
      };
      const tg = performance.now();
      let usage: TokenUsage | undefined;
      for await (const d of llm.stream({
        messages: buildMessages(q, sources, history),
        maxTokens: config.llm.maxTokens,
        temperature: 0,
        stop: STOP,
        ...(opts.signal ? { signal: opts.signal } : {}),
      })) {
        if (d.type === "done") {
          usage = d.usage;
          continue;
        }
        const r = guard.push(d.text);
        emitModel(filter.push(r.emit));
        // Leaving the loop ends the stream, which stops generation in both adapters.
        if (r.stop) break;
      }
      emitModel(filter.push(guard.flush()));
      emitModel(filter.flush());
      const generateMs = performance.now() - tg;
      const generated = text;
      const silent = generated === "";
      const saidNoAnswer = !silent && saysNoAnswer(generated);
      const closest = sources.slice(0, CLOSEST_COUNT).map((s) => toCitation(s.n, s.hit));
      const finish = (abstained: boolean) =>
        done(
          {
            citations: citationsFor(citedNumbers(text), hitOf),
            abstained,
            ...(abstained ? { closest } : {}),
            citationsInferred: false,
          },
          generateMs,
          usage,
        );

      if (mode === "hybrid") {
        const evidence = closestEvidence;
        // The model gave nothing usable (only loops or prompt echo): the evidence is the answer, as in extractive.
        if (silent && evidence.length > 0) {
          emit(renderEvidence(evidence));
          return { ...finish(false), mode: "quoted" };
        }
        const quotes = saidNoAnswer ? evidence : evidence.filter((e) => !covered(generated, e.text));
        if (quotes.length > 0) {
          // When the model found nothing, the quotes are offered as the closest passages, not as an answer.
          const heading = saidNoAnswer ? "Closest passages in the sources:" : "From the sources:";
          emit(`\n\n${heading}\n\n${renderEvidence(quotes)}`);
          if (saidNoAnswer) return finish(true);
        }
      }
      if (silent || saidNoAnswer) {
        if (silent) emit(NO_ANSWER_SENTENCE);
        emit(`\n\n${renderClosest(closest)}`);
        return finish(true);
      }
      const cited = citationsFor(citedNumbers(text), hitOf);
      // Post-check: the documents the answer cites (else the top ones) must mention what was asked; when they do
      // not, the answer says so (it has been streamed already, so the note is appended) and is `partial`.
      const used =
        cited.length > 0
          ? [...new Set(citedNumbers(text))].flatMap((n) => hitOf(n) ?? [])
          : sources.slice(0, CLOSEST_COUNT).map((s) => s.hit);
      const post = await answerability(q, used, opts.principal);
      const partial = post !== undefined && post.missing.length > 0;
      if (partial) emit(`\n\nThe cited sources do not mention ${listTerms(post.missing)}.`);
      const state: AnswerStatus = partial ? "partial" : "answered";
      const notCovered = partial ? { notCovered: post.missing.map((t) => t.text) } : {};
      if (cited.length > 0)
        return done(
          { citations: cited, abstained: false, state, ...notCovered, citationsInferred: false },
          generateMs,
          usage,
        );
      // Nothing cited: attach the top sources in rank order so the person can still check the answer.
      return done(
        { citations: closest, abstained: false, state, ...notCovered, citationsInferred: true },
        generateMs,
        usage,
      );
    },
  };
}

/** The sources of the evidence, best-scoring quote's first (its document is the primary one). */
function byScore(evidence: readonly Evidence[]): number[] {
  return [...new Set([...evidence].sort((a, b) => b.score - a.score).map((e) => e.n))];
}

/**
 * The answer when the quoted documents do not mention what the question specifically asks about: one plain sentence
 * saying what they do describe and what nothing covers, then the closest passages, quoted and cited.
 */
function notCoveredAnswer(check: Answerability, about: string | undefined, quoted: string): string {
  const missing = listTerms(check.missing);
  const lead =
    check.covered.length > 0 && about
      ? `The sources describe “${about.trim()}”; nothing in them covers ${missing}.`
      : `Nothing in the sources covers ${missing}.`;
  return quoted === "" ? lead : `${lead}\n\nClosest passages:\n\n${quoted}`;
}

/**
 * The hits, then (small-to-big) the chunks around the best ones in their documents, each a source of its own:
 * numbered after the hits so `[n]` of a hit is unchanged, and cited with its own line range when quoted.
 */
async function evidenceSources(
  retriever: AnswerRetriever,
  hits: readonly RetrievalHit[],
  opts: AnswerOptions,
): Promise<Array<{ n: number; hit: RetrievalHit; rank: number }>> {
  const sources = hits.map((hit, i) => ({ n: i + 1, hit, rank: i + 1 }));
  if (!retriever.neighbours) return sources;
  const seen = new Set(hits.map((h) => h.chunk.id));
  const { neighbours } = retriever;
  const top = hits.slice(0, NEIGHBOUR_HITS);
  const arounds = await Promise.all(
    top.map((hit) =>
      neighbours.call(retriever, hit.chunk, { principal: opts.principal, maxChars: NEIGHBOUR_CHARS }),
    ),
  );
  for (const [i, hit] of top.entries()) {
    for (const chunk of arounds[i] ?? []) {
      if (seen.has(chunk.id)) continue;
      seen.add(chunk.id);
      sources.push({ n: sources.length + 1, hit: { chunk, score: hit.score }, rank: i + 1 });
    }
  }
  return sources;
}

function citationsFor(
  numbers: readonly number[],
  hitOf: (n: number) => RetrievalHit | undefined,
): Citation[] {
  return numbers.flatMap((n) => {
    const hit = hitOf(n);
    return hit ? [toCitation(n, hit)] : [];
  });
}

/** Evidence from the sources as the model saw them (a truncated source is quoted only from what was shown). */
function evidenceFrom(question: string, sources: readonly PromptSource[]): Evidence[] {
  return selectEvidence(
    question,
    sources.map((s) => ({ n: s.n, chunk: { ...s.hit.chunk, text: s.text } })),
    { maxUnits: HYBRID_QUOTES },
  );
}

/** The generated answer already says this quote (most of its terms appear): do not repeat it. */
function covered(generated: string, quote: string): boolean {
  const have = termSet(generated);
  const want = termSet(quote);
  if (want.size === 0) return true;
  let hit = 0;
  for (const t of want) if (have.has(t)) hit++;
  return hit / want.size >= 0.8;
}

/** Use the model's tokenizer for budgeting when the adapter offers one (the embedded llama.cpp does). */
function tokenCounterOf(llm: Llm): TokenCounter | undefined {
  const maybe = llm as Llm & { countTokens?: (text: string) => Promise<number> };
  return typeof maybe.countTokens === "function" ? (text) => maybe.countTokens?.(text) ?? 0 : undefined;
}
