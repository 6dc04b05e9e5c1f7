// Per-language rules for the code chunker: which lexer dialect, what starts a top-level statement, and how to
// name it. Regexes look at one trimmed header line only, so they cannot hang on odd input.
import type { Dialect } from "./lexer.js";

/** What a top-level statement is, from its header line. */
export interface Named {
  /** `symbol`: a declaration worth its own chunk; `import`: preamble material; `other`: plain statements. */
  readonly kind: "symbol" | "import" | "other";
  readonly name?: string;
  /** Classes and the like: split by member when too big. */
  readonly container?: boolean;
}

export interface LanguageRules {
  readonly dialect: Dialect;
  /** Statements start only at this exact indentation (Python); undefined for brace languages. */
  readonly byIndent?: boolean;
  /** Forces a new statement even if the previous one looks unfinished. */
  isDecl(t: string): boolean;
  /** Decorators and annotations: they belong to the statement after them. */
  isPrefix(t: string): boolean;
  /** Lines that continue the previous statement (`else`, `.then(`, `)`). */
  isContinuation(t: string): boolean;
  /** Whether a statement whose last code character is `c` is finished. */
  complete(c: string): boolean;
  name(t: string): Named;
  /** Name of a member (method, field) of a container. */
  memberName(t: string): string | undefined;
}

const other: Named = { kind: "other" };
const imp: Named = { kind: "import" };
const MEMBER_KEYWORDS = new Set([
  "if",
  "for",
  "while",
  "switch",
  "catch",
  "return",
  "new",
  "function",
  "super",
  "this",
  "throw",
  "await",
  "typeof",
]);
const unquote = (s: string) => s.replace(/^["']|["']$/g, "");

/** Member name of a C-like class body line: the field before `=`, else the method before `(`, else the field. */
function braceMemberName(t: string): string | undefined {
  const s = t.replace(/^@\w+(?:\([^)]*\))?\s*/, "");
  const eq = /[^=!<>]=(?![=>])/.exec(s);
  const paren = s.indexOf("(");
  if (eq && (paren < 0 || eq.index < paren)) {
    // `private final Map<K, V> orders = new HashMap<>()`: the name is the last word before `=`.
    const before = /([A-Za-z_$#][\w$]*)\s*[?!]?\s*(?::[^=]*)?$/.exec(s.slice(0, eq.index + 1));
    if (before?.[1]) return before[1];
  }
  for (const m of s.matchAll(/([A-Za-z_$][\w$]*)\s*(?:<[^<>()]*>)?\s*\(/g)) {
    if (m[1] && !MEMBER_KEYWORDS.has(m[1])) return m[1];
  }
  const field = /([A-Za-z_$#][\w$]*)\s*[?!]?\s*(?::|;|$)/.exec(s);
  return field?.[1];
}

const JS_DECL =
  /^(export\s+(?:default\s+)?)?(?:declare\s+)?(?:abstract\s+)?(?:async\s+)?(function\s*\*?|class|interface|type|const\s+enum|enum|namespace|module|global|const|let|var)(?=[\s{*(]|$)\s*\*?\s*([A-Za-z_$][\w$]*|"[^"]*"|'[^']*')?/;
const JS_CONTAINER = new Set(["class", "interface", "enum", "const enum", "namespace", "module", "global"]);

const js: LanguageRules = {
  dialect: "js",
  isDecl: (t) => JS_DECL.test(t) || /^(?:import|export)\b/.test(t) || /^(?:module\.)?exports\b/.test(t),
  isPrefix: (t) => /^@[A-Za-z_$]/.test(t),
  isContinuation: (t) =>
    // `*name(` is a generator method, not a multiplication carried over.
    /^(?:[.?:)\]}>,+\-%&|^=]|=>|\*(?!\s*[A-Za-z_$[]))/.test(t) ||
    /^(?:else|catch|finally|as|satisfies|extends|implements)\b/.test(t),
  complete: (c) => c === ";" || c === "}",
  name(t) {
    if (/^#!|^["']use \w+["']/.test(t)) return imp;
    if (/^import\b(?!\s*\()/.test(t) || /^export\s+(?:type\s+)?(?:\*|\{[^}]*\}\s*from\b)/.test(t)) return imp;
    if (/^export\s+(?:type\s+)?\{/.test(t) || /^export\s*=/.test(t))
      return { kind: "other", name: "(exports)" };
    const m = JS_DECL.exec(t);
    if (m) {
      const keyword = (m[2] ?? "").replace(/\s+/g, " ").replace(/\s*\*$/, "");
      // `const fs = require("fs")` is an import in CommonJS clothing.
      if (/^(?:const|let|var)$/.test(keyword) && /=\s*(?:require\s*\(|await\s+import\s*\()/.test(t))
        return imp;
      const name = m[3] ? unquote(m[3]) : m[1]?.includes("default") ? "default" : undefined;
      if (name === undefined) return { kind: "other", name: "(top-level)" };
      return { kind: "symbol", name, container: JS_CONTAINER.has(keyword) };
    }
    if (/^export\s+default\b/.test(t)) return { kind: "symbol", name: "default" };
    const cjs = /^((?:module\.)?exports(?:\.[\w$]+)?)\s*=/.exec(t);
    if (cjs?.[1]) return { kind: "symbol", name: cjs[1] };
    return other;
  },
  memberName: braceMemberName,
};

const go: LanguageRules = {
  dialect: "go",
  isDecl: (t) => /^(?:func|type|var|const|import|package)\b/.test(t),
  isPrefix: () => false,
  isContinuation: (t) => /^[.)\]},]/.test(t),
  // Top-level Go statements always start with a keyword, so only isDecl starts one.
  complete: () => false,
  name(t) {
    if (/^(?:package|import)\b/.test(t)) return imp;
    const method = /^func\s*\(\s*(?:\w+\s+)?\*?\s*([\w]+)(?:\[[^\]]*\])?\s*\)\s*([\w]+)/.exec(t);
    if (method?.[1] && method[2]) return { kind: "symbol", name: `${method[1]}.${method[2]}` };
    const fn = /^func\s+([\w]+)/.exec(t);
    if (fn?.[1]) return { kind: "symbol", name: fn[1] };
    const typ = /^type\s+([\w]+)(?:\[[^\]]*\])?\s+(struct|interface)?/.exec(t);
    if (typ?.[1]) return { kind: "symbol", name: typ[1], container: typ[2] !== undefined };
    const block = /^(var|const|type)\s*\(/.exec(t);
    if (block?.[1]) return { kind: "symbol", name: `(${block[1]})` };
    const v = /^(?:var|const)\s+([\w]+)/.exec(t);
    if (v?.[1]) return { kind: "symbol", name: v[1] };
    return other;
  },
  memberName: (t) => /^([\w]+)/.exec(t)?.[1],
};

const JAVA_TYPE =
  /^(?:(?:public|protected|private|abstract|static|final|sealed|non-sealed|strictfp)\s+)*(class|interface|enum|record|@interface)\s+([A-Za-z_$][\w$]*)/;

const java: LanguageRules = {
  dialect: "java",
  isDecl: (t) => JAVA_TYPE.test(t) || /^(?:package|import)\b/.test(t),
  isPrefix: (t) => /^@(?!interface\b)[A-Za-z_]/.test(t),
  isContinuation: (t) =>
    /^(?:[.?:)\]},+\-*/%&|^=]|->)/.test(t) || /^(?:else|catch|finally|extends|implements|throws)\b/.test(t),
  complete: (c) => c === ";" || c === "}",
  name(t) {
    if (/^(?:package|import)\b/.test(t)) return imp;
    const m = JAVA_TYPE.exec(t);
    if (m?.[2]) return { kind: "symbol", name: m[2], container: true };
    return other;
  },
  memberName: braceMemberName,
};

const python: LanguageRules = {
  dialect: "python",
  byIndent: true,
  isDecl: () => false,
  isPrefix: (t) => t.startsWith("@"),
  isContinuation: (t) => /^(?:else|elif|except|finally)\b/.test(t),
  complete: (c) => c !== "\\",
  name(t) {
    if (
      /^(?:import|from)\s/.test(t) ||
      /^(?:[rRbBuU]{0,2})?("""|'''|"|')/.test(t) ||
      t.startsWith("__all__")
    ) {
      return imp;
    }
    const def = /^(?:async\s+)?def\s+([A-Za-z_]\w*)/.exec(t);
    if (def?.[1]) return { kind: "symbol", name: def[1] };
    const cls = /^class\s+([A-Za-z_]\w*)/.exec(t);
    if (cls?.[1]) return { kind: "symbol", name: cls[1], container: true };
    if (/^if\s+__name__\s*==/.test(t)) return { kind: "other", name: "__main__" };
    const assign = /^([A-Za-z_][\w.]*)\s*(?::[^=]*)?=(?!=)/.exec(t);
    if (assign?.[1]) return { kind: "other", name: assign[1] };
    return other;
  },
  memberName(t) {
    const s =
      /^(?:async\s+)?(?:def|class)\s+([A-Za-z_]\w*)/.exec(t) ?? /^([A-Za-z_]\w*)\s*(?::[^=]*)?=/.exec(t);
    return s?.[1];
  },
};

const GENERIC_DECL =
  /^(?:(?:pub(?:\([^)]*\))?|public|private|protected|internal|static|inline|extern|virtual|abstract|final|open|override|async|unsafe|export|data|sealed|partial|template\s*<[^>]*>)\s+)*(fn|func|function|fun|def|class|struct|enum|union|trait|impl|interface|object|message|service|namespace|mod|typedef|record)\b\s*(?:<[^>]*>\s*)?([A-Za-z_$][\w$:]*)?/;
const GENERIC_CONTAINER = new Set([
  "class",
  "struct",
  "trait",
  "impl",
  "interface",
  "object",
  "namespace",
  "mod",
]);

/** C, C++, C#, Rust, Kotlin, Swift, Scala, PHP, protobuf, CSS…: braces only, names by common keywords. */
const braceGeneric: LanguageRules = {
  dialect: "c",
  isDecl: (t) => GENERIC_DECL.test(t),
  isPrefix: (t) => /^(?:@[A-Za-z_]|#\[|\[[A-Z]\w*)/.test(t),
  isContinuation: (t) => /^[.?:)\]},+\-*/%&|^=]|^(?:else|catch|finally|where)\b/.test(t),
  complete: (c) => c === ";" || c === "}",
  name(t) {
    if (
      /^(?:#\s*(?:include|import|pragma|define|if|ifdef|ifndef|endif|else)|using\b|use\b|import\b|package\b|syntax\b|<\?php)/.test(
        t,
      )
    ) {
      return imp;
    }
    const m = GENERIC_DECL.exec(t);
    if (m?.[1]) return { kind: "symbol", name: m[2] ?? m[1], container: GENERIC_CONTAINER.has(m[1]) };
    const fn = /([A-Za-z_~][\w:~]*)\s*\([^;]*$/.exec(t);
    if (fn?.[1] && !MEMBER_KEYWORDS.has(fn[1])) return { kind: "symbol", name: fn[1] };
    const block = /^([^{;]{1,80}?)\s*\{\s*$/.exec(t);
    if (block?.[1]) return { kind: "symbol", name: block[1] };
    return other;
  },
  memberName: braceMemberName,
};

const BY_LANGUAGE: Readonly<Record<string, LanguageRules>> = {
  typescript: js,
  javascript: js,
  go,
  java,
  python,
  c: braceGeneric,
  cpp: braceGeneric,
  csharp: braceGeneric,
  rust: braceGeneric,
  kotlin: braceGeneric,
  swift: braceGeneric,
  scala: braceGeneric,
  groovy: braceGeneric,
  php: braceGeneric,
  dart: braceGeneric,
  protobuf: braceGeneric,
  css: braceGeneric,
  hcl: braceGeneric,
};

export function rulesFor(language: string | undefined): LanguageRules | undefined {
  return language === undefined ? undefined : BY_LANGUAGE[language];
}
