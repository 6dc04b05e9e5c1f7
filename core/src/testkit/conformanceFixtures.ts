// Fixtures for the VectorStore conformance suite: small documents with known ACLs, kinds and sources, and the
// principals (ordinary and hostile) that the ACL matrix runs against.
import type { DocumentKind, EmbeddedChunk, Principal } from "../domain.js";
import { contentId } from "../hash.js";
import type { DocumentState } from "../ports.js";
import { hashingVector } from "./hashingEmbedder.js";

/** Every store under test must be opened with this many dimensions. */
export const CONFORMANCE_DIMENSIONS = 64;

export interface FixtureDoc {
  readonly state: DocumentState;
  readonly chunks: readonly EmbeddedChunk[];
}

export interface FixtureDocSpec {
  readonly source?: string;
  readonly path: string;
  readonly kind?: DocumentKind;
  readonly language?: string;
  readonly acl: readonly string[];
  /** One chunk per entry, in line order (each chunk spans 10 lines). */
  readonly texts: readonly string[];
  readonly contentHash?: string;
}

/** A document and its embedded chunks, ids derived as the indexer derives them. */
export function fixtureDoc(spec: FixtureDocSpec): FixtureDoc {
  const source = spec.source ?? "docs";
  const docId = contentId(source, spec.path);
  const title = spec.path.split("/").pop() ?? spec.path;
  const chunks = spec.texts.map((text, i): EmbeddedChunk => {
    const base = {
      id: contentId(source, spec.path, text),
      docId,
      source,
      path: spec.path,
      title,
      headingPath: [title, `part ${i + 1}`],
      kind: spec.kind ?? "markdown",
      startLine: i * 10 + 1,
      endLine: i * 10 + 10,
      text,
      acl: [...spec.acl],
      vector: hashingVector(`${title} ${text}`, CONFORMANCE_DIMENSIONS),
    };
    return spec.language ? { ...base, language: spec.language } : base;
  });
  return {
    chunks,
    state: {
      docId,
      source,
      path: spec.path,
      contentHash: spec.contentHash ?? contentId("hash", ...spec.texts),
      acl: [...spec.acl],
      chunkIds: chunks.map((c) => c.id),
    },
  };
}

export const ORDINARY_GROUPS = ["public", "eng", "finance", "hr", "sec"] as const;

/** Group names a token could carry: SQL and filter-syntax injection, LIKE wildcards, unicode, case variants. */
export const HOSTILE_GROUPS = [
  "o'brien",
  "'); drop table chunks; --",
  "x' OR true OR 'y",
  "eng') OR array_has_any(acl, ['public",
  'say "hi"',
  "back\\slash\\",
  "back\\'quote",
  "%",
  "_",
  "*",
  "名前-グループ",
  "🙂 émoji",
  "Eng",
  " eng ",
] as const;

/** ACL sets of the matrix documents: single groups, overlaps, an empty ACL, and one document per hostile group. */
export const MATRIX_ACLS: readonly (readonly string[])[] = [
  ["public"],
  ["eng"],
  ["finance"],
  ["hr", "finance"],
  ["sec"],
  ["eng", "sec"],
  [],
  ...HOSTILE_GROUPS.map((g) => [g]),
];

/** The matrix corpus: every document shares the word `handbook`, so one lexical query reaches all of them. */
export function matrixDocs(): FixtureDoc[] {
  return MATRIX_ACLS.map((acl, i) =>
    fixtureDoc({
      path: `matrix/doc-${i}.md`,
      acl,
      texts: [`handbook section one for team ${i}`, `handbook section two for team ${i}`],
    }),
  );
}

const principal = (id: string, groups: readonly string[]): Principal => ({ id, groups });

/** Principals of the matrix; visibility is exact, case-sensitive group membership. */
export function matrixPrincipals(): Principal[] {
  return [
    principal("nobody", []),
    ...ORDINARY_GROUPS.map((g) => principal(g, [g])),
    principal("public+eng", ["public", "eng"]),
    principal("everyone", [...ORDINARY_GROUPS]),
    principal("upper", ["ENG", "PUBLIC"]),
    ...HOSTILE_GROUPS.map((g, i) => principal(`hostile-${i}`, [g])),
    principal("injection-1", ["' OR '1'='1"]),
    principal("injection-2", ["eng' OR 'a'='a"]),
    principal("injection-3", ["public'])--"]),
    principal("injection-4", ["\u0000public", "eng\u0000"]),
    principal("injection-5", ["'", "''", "\\", "[", "]", "(", ")", ",", ""]),
    principal("long", ["x".repeat(5000)]),
  ];
}

/** Whether `p` may read a document with `acl`: any shared group, compared exactly. */
export function mayRead(p: Principal, acl: readonly string[]): boolean {
  return acl.some((g) => p.groups.includes(g));
}
