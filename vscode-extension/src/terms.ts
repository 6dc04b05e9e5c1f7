// What a file could have docs about, found with a few line-based patterns (cheap enough to run on every edit, no
// parser): exported symbols, imported packages that are not relative or Node built-ins (the lookup decides which
// are internal: the index knows them), and configuration keys (ENV_STYLE names anywhere; top-level keys in YAML,
// .properties and .env files). Each term is reported once, at its first line.
export type TermKind = "symbol" | "import" | "config";

export interface Term {
  readonly term: string;
  readonly kind: TermKind;
  /** 0-based line of the first occurrence, and the term's column range on it. */
  readonly line: number;
  readonly start: number;
  readonly end: number;
}

export const MAX_TERMS = 50;

const EXPORTS: Readonly<Record<string, RegExp>> = {
  ts: /^\s*export\s+(?:default\s+)?(?:declare\s+)?(?:abstract\s+)?(?:async\s+)?(?:function\*?|class|const|let|var|interface|type|enum|namespace)\s+([A-Za-z_$][\w$]*)/,
  py: /^(?:async\s+)?(?:def|class)\s+([A-Za-z][A-Za-z0-9_]*)/,
  go: /^(?:func|type|var|const)\s+(?:\([^)]*\)\s*)?([A-Z]\w*)/,
  java: /^\s*public\s+(?:static\s+|final\s+|abstract\s+)*(?:class|interface|enum|record|[\w<>[\],\s]+?)\s+([A-Za-z_]\w*)\s*[({<]/,
};

const LANG: Readonly<Record<string, keyof typeof EXPORTS>> = {
  typescript: "ts",
  typescriptreact: "ts",
  javascript: "ts",
  javascriptreact: "ts",
  python: "py",
  go: "go",
  java: "java",
  kotlin: "java",
};

const IMPORT_PATTERNS = [
  /\bfrom\s+["']([^"']+)["']/g,
  /\bimport\s+["']([^"']+)["']/g,
  /\brequire\(\s*["']([^"']+)["']\s*\)/g,
  /^\s*import\s+"([^"]+)"/g, // Go single import
  /^\s*"([\w.-]+\/[\w./-]+)"\s*$/g, // Go import block line
];

const NODE_BUILTINS = new Set([
  "assert",
  "buffer",
  "child_process",
  "crypto",
  "events",
  "fs",
  "http",
  "https",
  "net",
  "os",
  "path",
  "process",
  "stream",
  "url",
  "util",
  "zlib",
  "worker_threads",
  "readline",
  "timers",
  "vscode",
]);

const CONFIG_KEY = /\b[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+\b/g;
const CONFIG_FILE_KEY = /^([A-Za-z][\w.-]*[\w])\s*[:=]/;
const CONFIG_LANGS = new Set(["yaml", "properties", "dotenv", "ini", "toml"]);

/** The package a module specifier names (`@scope/name` or `name`), or undefined for relative and built-ins. */
export function packageOf(spec: string): string | undefined {
  if (spec.startsWith(".") || spec.startsWith("/") || spec.startsWith("node:") || spec.includes(":"))
    return undefined;
  const parts = spec.split("/");
  const pkg = spec.startsWith("@") ? parts.slice(0, 2).join("/") : parts[0];
  if (!pkg || NODE_BUILTINS.has(pkg)) return undefined;
  return pkg;
}

export function extractTerms(text: string, languageId: string): Term[] {
  const out = new Map<string, Term>();
  const add = (t: Term) => {
    if (out.size < MAX_TERMS && t.term.length >= 3 && t.term.length <= 200 && !out.has(t.term))
      out.set(t.term, t);
  };
  const lang = LANG[languageId];
  const exportRe = lang ? EXPORTS[lang] : undefined;
  const lines = text.split(/\r?\n/);
  for (let i = 0; i < lines.length && out.size < MAX_TERMS; i++) {
    const line = lines[i] ?? "";
    if (line.length > 2000) continue; // minified or generated: nothing useful, and regexes get slow
    if (exportRe) {
      const m = exportRe.exec(line);
      if (m?.[1] && !(lang === "py" && m[1].startsWith("_"))) {
        const start = line.indexOf(m[1], m.index + m[0].length - m[1].length);
        add({ term: m[1], kind: "symbol", line: i, start, end: start + m[1].length });
      }
      for (const re of IMPORT_PATTERNS) {
        re.lastIndex = 0;
        for (const im of line.matchAll(re)) {
          const spec = im[1];
          // Go imports name a module path (standard library paths have no dot in their first element).
          const pkg = !spec
            ? undefined
            : lang === "go"
              ? spec.split("/")[0]?.includes(".")
                ? spec
                : undefined
              : packageOf(spec);
          if (!pkg || !spec) continue;
          const start = line.indexOf(spec, im.index);
          add({ term: pkg, kind: "import", line: i, start, end: start + pkg.length });
        }
      }
    }
    if (CONFIG_LANGS.has(languageId) && !/^\s/.test(line)) {
      const m = CONFIG_FILE_KEY.exec(line);
      if (m?.[1]) add({ term: m[1], kind: "config", line: i, start: 0, end: m[1].length });
    }
    for (const m of line.matchAll(CONFIG_KEY)) {
      add({ term: m[0], kind: "config", line: i, start: m.index ?? 0, end: (m.index ?? 0) + m[0].length });
    }
  }
  return [...out.values()];
}
