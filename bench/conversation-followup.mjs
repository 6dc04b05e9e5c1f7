#!/usr/bin/env node
// Does the conversation follow-up rule (backend/src/answer/history.ts: a short or referring question is also
// retrieved together with the previous question, and that search is used when its best dense score beats the
// question's own by FOLLOW_UP_MARGIN) help or hurt retrieval? Over the npm-docs eval set, recall@5 and MRR@10 of
// each question's gold file, with the embedded retriever (hybrid, all-MiniLM-L6-v2):
//   single        the question alone: exactly what a single-turn /v1/ask does (no history → the rule never runs)
//   switch*       the previous turn was a different eval question (the user changed topic): the rule should
//                 change nothing
//   followUp*     the previous turn was this question and the follow-up is context-free ("Can you show an example
//                 of that?", or $FOLLOW_UP): the rule should find the previous question's document
//   *Rule = the answerer's rule; *Always = always searching with the previous question; followUpAlone = no rule
// Usage: node bench/conversation-followup.mjs [questions.jsonl] [corpus dir]   (needs `npx tsc -b` and the models)
import { isFollowUp, preferExpanded, retrievalQuery } from "../backend/engine/dist/answer/history.js";
import { PUBLIC_GROUP } from "../core/dist/index.js";
import { openEvalIndex } from "./lib/evalIndex.mjs";

const { config, runtime: rt, questions } = await openEvalIndex(process.argv.slice(2));
const retriever = await rt.retriever();
const principal = { id: "bench", groups: [PUBLIC_GROUP] };

const search = (query) => retriever.retrieve(query, { principal, k: 10 });

/** What the answerer does with one earlier turn (backend/src/answer/answerer.ts). */
async function withRule(question, previous) {
  const alone = await search(question);
  const expanded = retrievalQuery(question, [{ question: previous, answer: "" }]);
  if (expanded === question) return alone;
  const withContext = await search(expanded);
  return preferExpanded(withContext.bestDenseScore, alone.bestDenseScore) ? withContext : alone;
}

function score(result, gold) {
  const hits = result.hits.map((h) => h.chunk.path);
  const rank = hits.findIndex((p) => gold.some((g) => p === g || p.endsWith(`/${g}`)));
  return { r5: rank >= 0 && rank < 5 ? 1 : 0, rr: rank >= 0 ? 1 / (rank + 1) : 0 };
}

const FOLLOW_UP = process.env.FOLLOW_UP ?? "Can you show an example of that?";
const rows = {
  single: [],
  switchRule: [],
  switchAlways: [],
  followUpRule: [],
  followUpAlways: [],
  followUpAlone: [],
};
let expandedOnSwitch = 0;
for (const [i, q] of questions.entries()) {
  // The "previous" question of a topic switch: one about another gold file, fixed so runs compare.
  const other =
    questions
      .slice(i + 1)
      .concat(questions.slice(0, i))
      .find((o) => o.gold[0] !== q.gold[0]) ?? q;
  rows.single.push(score(await search(q.question), q.gold));
  const switched = retrievalQuery(q.question, [{ question: other.question, answer: "" }]);
  if (switched !== q.question) expandedOnSwitch++;
  rows.switchRule.push(score(await withRule(q.question, other.question), q.gold));
  rows.switchAlways.push(score(await search(switched), q.gold));
  rows.followUpRule.push(score(await withRule(FOLLOW_UP, q.question), q.gold));
  const always = retrievalQuery(FOLLOW_UP, [{ question: q.question, answer: "" }]);
  rows.followUpAlways.push(score(await search(always), q.gold));
  rows.followUpAlone.push(score(await search(FOLLOW_UP), q.gold));
}
await rt.close();

const mean = (xs, f) => xs.reduce((s, x) => s + f(x), 0) / xs.length;
const fmt = (v) => v.toFixed(3);
const summary = Object.fromEntries(
  Object.entries(rows).map(([k, xs]) => [
    k,
    { recall_at_5: fmt(mean(xs, (x) => x.r5)), mrr_at_10: fmt(mean(xs, (x) => x.rr)) },
  ]),
);
console.log(`questions ${questions.length} (answerable) · retrieval ${config.retrieval.mode}`);
console.log(
  `questions the rule treats as follow-ups (searched twice on a topic switch): ${expandedOnSwitch}/${questions.length}`,
);
console.log(`follow-up "${FOLLOW_UP}" counts as a follow-up: ${isFollowUp(FOLLOW_UP)}`);
for (const [k, v] of Object.entries(summary))
  console.log(`${k.padEnd(14)} recall@5 ${v.recall_at_5}  MRR@10 ${v.mrr_at_10}`);
console.log(JSON.stringify({ n: questions.length, expandedOnSwitch, ...summary }));
