// The isa commands that read or write the index: setup, ingest, search, ask.
import type { Principal } from "@isa/core";
import { AppError, answerLabel, citationJson, loadConfig, PUBLIC_GROUP } from "@isa/core";
import { createRuntime } from "@isa/engine";
import type { IngestSummary } from "@isa/ingest";
import { ensureModel, sourceFromPath, update } from "@isa/ingest";
import { intOption, parse } from "./args.js";
import { bar, formatCitation, progressLine } from "./output.js";

const out = (s: string) => process.stdout.write(`${s}\n`);

function principalFrom(groups: string | undefined): Principal {
  const list = (groups ?? PUBLIC_GROUP)
    .split(",")
    .map((g) => g.trim())
    .filter(Boolean);
  return { id: "cli", groups: [...new Set([PUBLIC_GROUP, ...list])] };
}

export async function setupCommand(argv: readonly string[]): Promise<void> {
  const { values } = parse(argv, { "no-llm": { type: "boolean" }, json: { type: "boolean" } });
  const config = loadConfig();
  const p = progressLine();
  const report: Record<string, Record<string, string>> = {};
  const names: string[] = [config.embed.model];
  if (!values["no-llm"] && !config.llm.baseUrl) names.push(config.llm.localModel);
  for (const name of names) {
    report[name] = await ensureModel(name, config, {
      onProgress: (f) =>
        p.update(
          `${name}: ${f.file} from ${f.source} ${Math.round(f.receivedBytes / 1e6)}${f.totalBytes ? `/${Math.round(f.totalBytes / 1e6)}` : ""} MB`,
        ),
    });
  }
  p.done();
  if (values.json) out(JSON.stringify(report));
  else for (const [name, files] of Object.entries(report)) out(`${name}: ${Object.values(files).join(", ")}`);
}

export async function ingestCommand(argv: readonly string[]): Promise<void> {
  const { values, positionals } = parse(argv, {
    json: { type: "boolean" },
    name: { type: "string", multiple: true },
  });
  if (positionals.length === 0) throw usage("isa ingest <path…> [--name NAME…] [--json]");
  const config = loadConfig();
  const names = values.name ?? [];
  const sources = positionals.map((p, i) => sourceFromPath(p, names[i]));
  const rt = createRuntime(config);
  const p = progressLine();
  try {
    const deps = { store: await rt.store(), embedder: await rt.embedder() };
    const it = update(sources, deps, {
      maxFileBytes: config.ingest.maxFileBytes,
      defaultGroups: config.ingest.defaultGroups,
    });
    let embedded = 0;
    let r = await it.next();
    while (!r.done) {
      const ev = r.value;
      if (ev.type === "embedded") embedded = ev.embedded;
      if (ev.type === "file")
        p.update(`${bar(ev.done, ev.total)} files · ${embedded} chunks embedded · ${ev.path}`);
      r = await it.next();
    }
    p.done();
    printSummary(r.value, Boolean(values.json));
  } finally {
    p.done();
    await rt.close();
  }
}

function printSummary(s: IngestSummary, json: boolean): void {
  if (json) {
    out(JSON.stringify(s));
    return;
  }
  const reasons = Object.entries(s.skippedByReason)
    .map(([k, v]) => `${k} ${v}`)
    .join(", ");
  out(
    `${s.files} files (${s.unchanged} unchanged), ${s.chunks} chunks, ${s.embedded} embedded, ${s.reused} reused, ` +
      `${s.deleted} deleted, ${s.skipped} skipped${reasons ? ` (${reasons})` : ""} in ${(s.ms / 1000).toFixed(1)} s`,
  );
}

export async function searchCommand(argv: readonly string[]): Promise<void> {
  const { values, positionals } = parse(argv, {
    k: { type: "string" },
    json: { type: "boolean" },
    mode: { type: "string" },
    groups: { type: "string" },
  });
  const query = positionals.join(" ");
  if (!query.trim())
    throw usage('isa search "<query>" [--k N] [--mode hybrid|dense|lexical] [--groups a,b] [--json]');
  const config = loadConfig(values.mode ? { ...process.env, ISA_RETRIEVAL_MODE: values.mode } : process.env);
  const k = intOption(values.k, "k", 1, 100) ?? config.retrieval.topK;
  const rt = createRuntime(config);
  try {
    const retriever = await rt.retriever();
    const res = await retriever.retrieve(query, { principal: principalFrom(values.groups), k });
    if (values.json) {
      out(
        JSON.stringify({
          query,
          hits: res.hits.map((h) => ({
            source: h.chunk.source,
            path: h.chunk.path,
            title: h.chunk.title,
            headingPath: h.chunk.headingPath,
            startLine: h.chunk.startLine,
            endLine: h.chunk.endLine,
            score: h.score,
            denseScore: h.denseScore,
            text: h.chunk.text,
          })),
          timings: res.timings,
        }),
      );
      return;
    }
    if (res.hits.length === 0) out("No results.");
    res.hits.forEach((h, i) => {
      const c = h.chunk;
      const heading = c.headingPath.length > 0 ? ` — ${c.headingPath.join(" › ")}` : "";
      out(`${i + 1}. ${c.source}/${c.path}:${c.startLine}-${c.endLine}${heading}  (${h.score.toFixed(4)})`);
      out(`   ${c.text.replace(/\s+/g, " ").slice(0, 160)}`);
    });
  } finally {
    await rt.close();
  }
}

export async function askCommand(argv: readonly string[]): Promise<void> {
  const { values, positionals } = parse(argv, { json: { type: "boolean" }, groups: { type: "string" } });
  const question = positionals.join(" ");
  if (!question.trim()) throw usage('isa ask "<question>" [--groups a,b] [--json]');
  const config = loadConfig();
  const rt = createRuntime(config);
  const stream = !values.json && process.stdout.isTTY;
  try {
    const answerer = await rt.answerer();
    const res = await answerer.answer(question, {
      principal: principalFrom(values.groups),
      ...(stream ? { onToken: (t: string) => process.stdout.write(t) } : {}),
    });
    if (values.json) {
      out(
        JSON.stringify({
          answer: res.answer,
          citations: res.citations.map(citationJson),
          abstained: res.abstained,
          state: res.state,
          mode: res.mode,
          closest: (res.closest ?? []).map(citationJson),
        }),
      );
      return;
    }
    if (stream) out("");
    else out(res.answer);
    const sources = res.abstained ? (res.closest ?? []) : res.citations;
    if (sources.length > 0) {
      out(`\n${answerLabel(res, new Set(sources.map((c) => c.path)).size)}:`);
      for (const c of sources) out(formatCitation(c));
    }
  } finally {
    await rt.close();
  }
}

function usage(text: string): AppError {
  return new AppError("INPUT_INVALID", `usage: ${text}`);
}
