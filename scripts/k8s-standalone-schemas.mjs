// Rewrites kubernetes-validate's schemas (one file per kind, `$ref`s into a shared `/api/_definitions.json`) into
// standalone files that kubeconform can compile: each kind's file gets the definitions it reaches under its own
// `$defs`. Recursive definitions stay as internal references. Usage: node k8s-standalone-schemas.mjs <src> <dst>
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";

const [src, dst] = process.argv.slice(2);
if (!src || !dst) {
  process.stderr.write("usage: node k8s-standalone-schemas.mjs <source folder> <destination folder>\n");
  process.exit(2);
}
const MARK = "#/$defs/";
const defs = JSON.parse(readFileSync(join(src, "_definitions.json"), "utf8")).$defs;

/** Copies `node`, pointing every definition reference at `#/$defs/<name>` and collecting the names into `need`. */
function rewrite(node, need) {
  if (Array.isArray(node)) return node.map((n) => rewrite(n, need));
  if (!node || typeof node !== "object") return node;
  const out = {};
  for (const [k, v] of Object.entries(node)) {
    if (k === "$id") continue; // an absolute $id would make the local references resolve against kubernetes.io
    if (k === "$ref" && typeof v === "string" && v.includes(MARK)) {
      const name = v.slice(v.indexOf(MARK) + MARK.length);
      if (!defs[name]) throw new Error(`unknown definition ${name}`);
      need.add(name);
      out[k] = `${MARK}${name}`;
    } else out[k] = rewrite(v, need);
  }
  return out;
}

mkdirSync(dst, { recursive: true });
let files = 0;
for (const f of readdirSync(src)) {
  if (!f.endsWith(".json") || f.startsWith("_") || f === "all.json") continue;
  const need = new Set();
  const root = rewrite(JSON.parse(readFileSync(join(src, f), "utf8")), need);
  if (!root.properties?.kind) continue; // only top-level kinds are looked up by kubeconform
  const own = {};
  const queue = [...need];
  while (queue.length > 0) {
    const name = queue.pop();
    if (own[name]) continue;
    const more = new Set();
    own[name] = rewrite(defs[name], more);
    for (const m of more) if (!own[m]) queue.push(m);
  }
  root.$defs = own;
  writeFileSync(join(dst, f), JSON.stringify(root));
  files++;
}
if (files === 0) throw new Error(`no kind schemas found in ${src}`);
process.stderr.write(`k8s-standalone-schemas: ${files} kinds written to ${dst}\n`);
