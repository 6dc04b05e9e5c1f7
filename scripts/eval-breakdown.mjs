#!/usr/bin/env node
// Breaks an `isa eval --json --per-question` report down by a field of the question set (e.g. `area`, `difficulty`)
// and lists each question's outcome: the CLI reports by `kind` only. Metrics as in shared/eval/README.md.
//
//   node scripts/eval-breakdown.mjs <report.json> <set.jsonl> [--by area] [--list]
import { readFileSync } from "node:fs";

const args = process.argv.slice(2);
const flag = (name) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
};
const [reportFile, setFile] = args.filter((a, i) => !a.startsWith("--") && !args[i - 1]?.startsWith("--by"));
if (!reportFile || !setFile) {
  process.stderr.write(
    "usage: node scripts/eval-breakdown.mjs <report.json> <set.jsonl> [--by FIELD] [--list]\n",
  );
  process.exit(2);
}
const by = flag("--by") ?? "area";
const report = JSON.parse(readFileSync(reportFile, "utf8"));
if (!Array.isArray(report.questions)) {
  process.stderr.write("the report has no per-question results: run `isa eval … --json --per-question`\n");
  process.exit(2);
}
const set = new Map(
  readFileSync(setFile, "utf8")
    .split("\n")
    .filter((l) => l.trim())
    .map((l) => JSON.parse(l))
    .map((q) => [q.id, q]),
);
const mean = (xs) => (xs.length ? xs.reduce((s, x) => s + x, 0) / xs.length : null);
const fmt = (v) => (v === null ? "  —  " : v.toFixed(3));
function aggregate(rs) {
  const ans = rs.filter((r) => r.answerable);
  const none = rs.filter((r) => !r.answerable);
  const withFacts = ans.filter((r) => r.factRecall !== undefined);
  return {
    n: rs.length,
    answerable: ans.length,
    recall_at_5: mean(ans.map((r) => r.recallAt5)),
    mrr_at_10: mean(ans.map((r) => r.mrrAt10)),
    fact_recall: mean(withFacts.map((r) => r.factRecall)),
    abstention: none.length ? none.filter((r) => r.abstained).length / none.length : null,
    false_abstention: ans.length ? ans.filter((r) => r.abstained).length / ans.length : null,
  };
}
const groups = new Map();
for (const r of report.questions) {
  const key = String(set.get(r.id)?.[by] ?? "(unset)");
  if (!groups.has(key)) groups.set(key, []);
  groups.get(key).push(r);
}
const line = (name, a) =>
  `${name.padEnd(10)} n=${String(a.n).padStart(3)} (answerable ${String(a.answerable).padStart(3)})  R@5 ${fmt(a.recall_at_5)}  MRR@10 ${fmt(a.mrr_at_10)}  facts ${fmt(a.fact_recall)}  abst ${fmt(a.abstention)}  false-abst ${fmt(a.false_abstention)}`;
process.stdout.write(`${line("all", aggregate(report.questions))}\nby ${by}:\n`);
for (const [k, rs] of [...groups].sort()) process.stdout.write(`  ${line(k, aggregate(rs))}\n`);
if (args.includes("--list")) {
  for (const r of report.questions) {
    const q = set.get(r.id);
    const verdict = r.answerable
      ? `R@5 ${r.recallAt5.toFixed(2)} RR ${r.mrrAt10.toFixed(2)} facts ${r.factRecall === undefined ? "—" : r.factRecall.toFixed(2)}${r.abstained ? " ABSTAINED" : ""}`
      : r.abstained
        ? "abstained"
        : "ANSWERED";
    process.stdout.write(
      `${r.id.padEnd(12)} ${verdict.padEnd(38)} dense ${r.bestDenseScore?.toFixed(3) ?? "—"}  ${q?.question ?? ""}\n`,
    );
  }
}
