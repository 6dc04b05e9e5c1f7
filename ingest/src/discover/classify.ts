// Decides from a file's name (and, for extensionless files, its first line) what it is: indexable kind and
// language, or why it is skipped. Name-only checks run before any byte is read.
import type { DocumentKind } from "@isa/core";
import type { SkipReason } from "./types.js";

export interface FileType {
  readonly kind: DocumentKind;
  readonly language?: string;
}

const md: FileType = { kind: "markdown" };
const text: FileType = { kind: "text" };
const code = (language: string): FileType => ({ kind: "code", language });
const config = (language: string): FileType => ({ kind: "config", language });

const BY_EXTENSION: Readonly<Record<string, FileType>> = {
  md,
  mdx: md,
  markdown: md,
  mdown: md,
  txt: text,
  text,
  rst: text,
  adoc: text,
  asciidoc: text,
  csv: text,
  tsv: text,
  ts: code("typescript"),
  tsx: code("typescript"),
  mts: code("typescript"),
  cts: code("typescript"),
  js: code("javascript"),
  jsx: code("javascript"),
  mjs: code("javascript"),
  cjs: code("javascript"),
  py: code("python"),
  pyi: code("python"),
  go: code("go"),
  java: code("java"),
  sh: code("shell"),
  bash: code("shell"),
  zsh: code("shell"),
  ksh: code("shell"),
  yaml: config("yaml"),
  yml: config("yaml"),
  json: config("json"),
  jsonc: config("json"),
  toml: config("toml"),
  ini: config("ini"),
  cfg: config("ini"),
  conf: config("ini"),
  properties: config("ini"),
  // Languages chunked by the generic brace scanner (or blank-line blocks) rather than a dedicated one.
  c: code("c"),
  h: code("c"),
  cc: code("cpp"),
  cpp: code("cpp"),
  cxx: code("cpp"),
  hpp: code("cpp"),
  hh: code("cpp"),
  cs: code("csharp"),
  rs: code("rust"),
  kt: code("kotlin"),
  kts: code("kotlin"),
  swift: code("swift"),
  scala: code("scala"),
  groovy: code("groovy"),
  gradle: code("groovy"),
  php: code("php"),
  dart: code("dart"),
  proto: code("protobuf"),
  rb: code("ruby"),
  lua: code("lua"),
  pl: code("perl"),
  ps1: code("powershell"),
  sql: code("sql"),
  graphql: code("graphql"),
  gql: code("graphql"),
  tf: code("hcl"),
  hcl: code("hcl"),
  css: code("css"),
  scss: code("css"),
  less: code("css"),
  html: code("html"),
  htm: code("html"),
  xml: code("xml"),
  vue: code("vue"),
  svelte: code("svelte"),
};

/** Extensionless files known by name. Matched case-insensitively. */
const BY_NAME: Readonly<Record<string, FileType>> = {
  dockerfile: code("dockerfile"),
  containerfile: code("dockerfile"),
  makefile: code("makefile"),
  gnumakefile: code("makefile"),
  jenkinsfile: code("groovy"),
  vagrantfile: code("ruby"),
  gemfile: code("ruby"),
  rakefile: code("ruby"),
};

const BINARY_EXTENSIONS = new Set(
  (
    "png jpg jpeg gif bmp ico icns webp tif tiff psd heic avif " +
    "pdf doc docx xls xlsx ppt pptx odt ods odp epub " +
    "zip gz tgz bz2 xz zst lz4 7z rar tar jar war ear apk aab deb rpm dmg iso msi whl egg " +
    "class o obj so a lib dll exe dylib pyc pyo pyd wasm node bin dat " +
    "ttf otf woff woff2 eot " +
    "mp3 mp4 m4a aac wav ogg oga flac avi mov mkv webm " +
    "sqlite sqlite3 db parquet avro orc arrow feather lance " +
    "onnx pt pth safetensors ckpt h5 hdf5 npy npz pkl pickle tflite gguf lockb"
  ).split(" "),
);

/** Lockfiles and other tool output: true to the byte, useless to a reader, and large. */
const GENERATED_NAMES = new Set([
  "package-lock.json",
  "npm-shrinkwrap.json",
  "yarn.lock",
  "pnpm-lock.yaml",
  "bun.lock",
  "cargo.lock",
  "go.sum",
  "poetry.lock",
  "pipfile.lock",
  "composer.lock",
  "gemfile.lock",
  "flake.lock",
  "uv.lock",
]);
const GENERATED_SUFFIXES = [".min.js", ".min.mjs", ".min.css", ".map", ".lock", ".snap"];

/** Names that usually hold credentials: never index them, whatever their content. */
const SECRET_NAME = /^(?:\.env(?:\..*)?|\.npmrc|\.pypirc|\.netrc|\.htpasswd|id_(?:rsa|dsa|ecdsa|ed25519))$/i;
const SECRET_EXTENSIONS = new Set(["pem", "key", "p12", "pfx", "jks", "keystore"]);

export type NameVerdict =
  | { readonly type: "index"; readonly fileType: FileType }
  /** No extension and no known name: index as text if the content turns out to be text. */
  | { readonly type: "sniff" }
  | { readonly type: "skip"; readonly reason: SkipReason; readonly detail?: string };

function extensionOf(name: string): string {
  const dot = name.lastIndexOf(".");
  // A leading dot (`.bashrc`) is part of the name, not an extension.
  return dot > 0 ? name.slice(dot + 1).toLowerCase() : "";
}

/** Classify by file name alone. */
export function classifyName(name: string): NameVerdict {
  const lower = name.toLowerCase();
  const ext = extensionOf(name);
  if (SECRET_NAME.test(name) || SECRET_EXTENSIONS.has(ext)) {
    return { type: "skip", reason: "unsupported-type", detail: "may hold credentials" };
  }
  if (BINARY_EXTENSIONS.has(ext)) return { type: "skip", reason: "binary", detail: `.${ext}` };
  if (GENERATED_NAMES.has(lower) || GENERATED_SUFFIXES.some((s) => lower.endsWith(s))) {
    return { type: "skip", reason: "generated", detail: "lockfile or build output" };
  }
  const byExt = BY_EXTENSION[ext];
  if (byExt) return { type: "index", fileType: byExt };
  const byName = BY_NAME[lower] ?? (lower.startsWith("dockerfile.") ? BY_NAME.dockerfile : undefined);
  if (byName) return { type: "index", fileType: byName };
  if (ext === "") {
    // Dotfiles (`.gitignore`, `.editorconfig`) are tool settings, not documentation.
    if (name.startsWith(".")) return { type: "skip", reason: "unsupported-type", detail: "dotfile" };
    return { type: "sniff" };
  }
  return { type: "skip", reason: "unsupported-type", detail: `.${ext}` };
}

const SHEBANG_LANGUAGES: ReadonlyArray<readonly [RegExp, string]> = [
  [/\b(?:ba|z|k|da)?sh\b/, "shell"],
  [/\bpython[\d.]*\b/, "python"],
  [/\b(?:node|deno|bun|tsx|ts-node)\b/, "javascript"],
  [/\bruby\b/, "ruby"],
  [/\bperl\b/, "perl"],
];

/** Type of an extensionless text file from its shebang; plain text when there is none. */
export function classifyContent(firstLine: string): FileType {
  if (firstLine.startsWith("#!")) {
    for (const [re, language] of SHEBANG_LANGUAGES) {
      if (re.test(firstLine)) {
        const lang =
          language === "javascript" && /\b(?:tsx|ts-node)\b/.test(firstLine) ? "typescript" : language;
        return code(lang);
      }
    }
  }
  return text;
}

// Case-sensitive on purpose: generators write these exact banners; prose that mentions them rarely does so in caps.
const GENERATED_MARKER = /@generated\b|\bDO NOT EDIT\b/;

/** A generator's banner in the first lines (`// Code generated by protoc. DO NOT EDIT.`, `@generated`). */
export function hasGeneratedMarker(text: string): boolean {
  let start = 0;
  for (let i = 0; i < 8; i++) {
    const end = text.indexOf("\n", start);
    const line = text.slice(start, end < 0 ? Math.min(text.length, start + 500) : Math.min(end, start + 500));
    if (GENERATED_MARKER.test(line)) return true;
    if (end < 0) break;
    start = end + 1;
  }
  return false;
}
