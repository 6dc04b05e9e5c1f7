#!/usr/bin/env node
// How much of each eval question's expected facts do the default (extractive) answers quote? Over the npm-docs
// eval set with the embedded retriever (hybrid, all-MiniLM-L6-v2) and the eval's cached index: fact recall (share
// of a question's facts found in the answer), all-facts rate, answer length, and per question the facts missed,
// so a change to backend/src/answer/extractive.ts can be judged question by question, not only by the mean.
//   --dump   also print every answer
// Usage: node bench/extractive-answers.mjs [--dump] [questions.jsonl] [corpus dir]   (needs `npx tsc -b` and
// `isa eval` run once on the corpus, which builds the index this reads)
import { factRecall } from "../backend/engine/dist/eval/metrics.js";
import { PUBLIC_GROUP } from "../core/dist/index.js";
import { openEvalIndex } from "./lib/evalIndex.mjs";

const args = process.argv.slice(2);
const dump = args.includes("--dump");
const positional = args.filter((a) => !a.startsWith("--"));
const { runtime: rt, questions } = await openEvalIndex(positional, { ISA_ANSWER_MODE: "extractive" });
const answerer = await rt.answerer();
const principal = { id: "bench", groups: [PUBLIC_GROUP] };

const rows = [];
for (const q of questions) {
  const a = await answerer.answer(q.question, { principal });
  const missed = q.facts.filter((f) => !a.answer.toLowerCase().includes(f.toLowerCase()));
  rows.push({ q, a, fr: factRecall(q.facts, a.answer), missed });
  if (dump) {
    console.log(
      `\n=== ${q.id} [${q.kind}] ${q.question}\nfacts: ${JSON.stringify(q.facts)} missed: ${JSON.stringify(missed)}`,
    );
    console.log(a.answer);
    console.log(a.citations.map((c) => `  [${c.n}] ${c.path}:${c.startLine}-${c.endLine}`).join("\n"));
  }
}
const mean = (xs) => (xs.length ? xs.reduce((s, x) => s + x, 0) / xs.length : 0);
const r3 = (x) => Math.round(x * 1000) / 1000;
console.log("\nid        kind     fr    missed");
for (const r of rows)
  console.log(`${r.q.id.padEnd(9)} ${r.q.kind.padEnd(8)} ${r.fr.toFixed(2)}  ${r.missed.join(" | ")}`);
console.log(
  JSON.stringify({
    answerable: rows.length,
    fact_recall: r3(mean(rows.map((r) => r.fr))),
    all_facts_rate: r3(mean(rows.map((r) => (r.fr === 1 ? 1 : 0)))),
    answer_chars_mean: Math.round(mean(rows.map((r) => r.a.answer.length))),
  }),
);
await rt.close();
