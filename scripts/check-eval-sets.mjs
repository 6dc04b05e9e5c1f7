#!/usr/bin/env node
// Checks an eval question set against its corpus: the format of shared/eval/README.md (id, question, gold, facts,
// kind; extra fields allowed), unique ids, gold files that exist, every fact found (case-insensitively) in the text
// of at least one gold file, `none` rows with empty gold and facts, 2+ gold files for `compare`/`multi`, and
// `closest` files (near-miss rows) that exist. Prints counts by kind and area; exits 1 on any problem.
//
//   node scripts/check-eval-sets.mjs <set.jsonl> <corpus-dir> [--also]
//
// --also lists, for each fact, the other corpus files that contain it too (to judge how unique a gold file is).
import { readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";

const args = process.argv.slice(2);
const also = args.includes("--also");
const [setFile, corpusDir] = args.filter((a) => !a.startsWith("--"));
if (!setFile || !corpusDir) {
  process.stderr.write("usage: node scripts/check-eval-sets.mjs <set.jsonl> <corpus-dir> [--also]\n");
  process.exit(2);
}

const problems = [];
const rows = readFileSync(setFile, "utf8")
  .split("\n")
  .map((l, i) => [l.trim(), i + 1])
  .filter(([l]) => l.length > 0)
  .map(([l, line]) => {
    try {
      return { ...JSON.parse(l), _line: line };
    } catch {
      problems.push(`${setFile}:${line}: not valid JSON`);
      return null;
    }
  })
  .filter((r) => r !== null);

const textCache = new Map();
function textOf(rel) {
  if (!textCache.has(rel)) {
    const p = path.join(corpusDir, rel);
    let t = null;
    try {
      if (statSync(p).isFile()) t = readFileSync(p, "utf8").toLowerCase();
    } catch {
      t = null;
    }
    textCache.set(rel, t);
  }
  return textCache.get(rel);
}

let allFiles;
function corpusFiles() {
  if (!allFiles) {
    allFiles = [];
    const walk = (d) => {
      for (const e of readdirSync(d, { withFileTypes: true })) {
        const p = path.join(d, e.name);
        if (e.isDirectory()) walk(p);
        else if (e.isFile()) allFiles.push(path.relative(corpusDir, p));
      }
    };
    walk(corpusDir);
  }
  return allFiles;
}

const ids = new Set();
const byKind = {};
const byArea = {};
for (const r of rows) {
  const where = `${setFile}:${r._line} (${r.id ?? "no id"})`;
  for (const [k, type] of [
    ["id", "string"],
    ["question", "string"],
    ["kind", "string"],
  ]) {
    if (typeof r[k] !== type || r[k].length === 0)
      problems.push(`${where}: ${k} must be a non-empty ${type}`);
  }
  for (const k of ["gold", "facts"]) {
    if (!Array.isArray(r[k]) || r[k].some((x) => typeof x !== "string" || x.length === 0))
      problems.push(`${where}: ${k} must be an array of non-empty strings`);
  }
  if (ids.has(r.id)) problems.push(`${where}: duplicate id`);
  ids.add(r.id);
  byKind[r.kind] = (byKind[r.kind] ?? 0) + 1;
  if (r.area) byArea[r.area] = (byArea[r.area] ?? 0) + 1;
  const gold = Array.isArray(r.gold) ? r.gold : [];
  const facts = Array.isArray(r.facts) ? r.facts : [];
  if (r.kind === "none") {
    if (gold.length || facts.length) problems.push(`${where}: a none row has empty gold and facts`);
  } else {
    if (gold.length === 0) problems.push(`${where}: an answerable row needs gold`);
    if (facts.length === 0 || facts.length > 3) problems.push(`${where}: an answerable row needs 1-3 facts`);
    if ((r.kind === "compare" || r.kind === "multi") && gold.length < 2)
      problems.push(`${where}: ${r.kind} needs 2+ gold files`);
  }
  for (const g of gold) if (textOf(g) === null) problems.push(`${where}: gold file ${g} not in the corpus`);
  for (const f of facts) {
    const lf = f.toLowerCase();
    if (!gold.some((g) => textOf(g)?.includes(lf)))
      problems.push(`${where}: fact ${JSON.stringify(f)} not in any gold file`);
    if (also) {
      const others = corpusFiles().filter((p) => !gold.includes(p) && textOf(p)?.includes(lf));
      if (others.length)
        process.stdout.write(
          `${r.id} fact ${JSON.stringify(f)} also in ${others.length}: ${others.slice(0, 6).join(", ")}${others.length > 6 ? ", …" : ""}\n`,
        );
    }
  }
  for (const c of Array.isArray(r.closest) ? r.closest : [])
    if (textOf(c) === null) problems.push(`${where}: closest file ${c} not in the corpus`);
}

process.stdout.write(
  `${setFile}: ${rows.length} questions · by kind ${JSON.stringify(byKind)}${Object.keys(byArea).length ? ` · by area ${JSON.stringify(byArea)}` : ""}\n`,
);
for (const p of problems) process.stdout.write(`PROBLEM ${p}\n`);
process.exit(problems.length ? 1 : 0);
