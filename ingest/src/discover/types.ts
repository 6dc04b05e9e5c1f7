// Types that discovery hands to the chunker and the indexer: one event per file of a source tree.
import type { DocumentKind } from "@isa/core";

/** Why a file of the tree was not indexed. Files ignored by `.gitignore` are not part of the tree and never skipped. */
export type SkipReason =
  | "binary"
  | "too-large"
  | "generated"
  | "invalid-utf8"
  | "unreadable"
  | "symlink-loop"
  | "symlink-outside-root"
  | "special-file"
  | "unsupported-type";

/** A readable text file of a source, with everything the chunker needs. */
export interface SourceFile {
  /** Name of the source (connector root). */
  readonly source: string;
  /** The source root as given (absolute). */
  readonly root: string;
  /** Path relative to the root, `/`-separated. For a followed symlink: the link's path. */
  readonly path: string;
  /** Absolute path that was read (the real path for a followed symlink). */
  readonly absPath: string;
  /** Decoded text, BOM stripped. */
  readonly text: string;
  /** sha256 hex of the file's bytes. */
  readonly contentHash: string;
  readonly bytes: number;
  readonly kind: DocumentKind;
  readonly language?: string;
  readonly title: string;
  readonly acl: readonly string[];
}

export type DiscoverEvent =
  | { readonly type: "file"; readonly file: SourceFile }
  | { readonly type: "skip"; readonly path: string; readonly reason: SkipReason; readonly detail?: string };

export interface DiscoverSpec {
  readonly name: string;
  readonly root: string;
}

/** File-system seams, so tests can simulate failures that root cannot provoke with chmod. */
export interface DiscoverIo {
  /** Names in a directory (any order). */
  readDir(absDir: string): Promise<string[]>;
  /** The file's bytes; must refuse (throw) rather than return more than `maxBytes`. */
  readFile(absPath: string, maxBytes: number): Promise<Uint8Array>;
}

export interface DiscoverOptions {
  readonly maxFileBytes: number;
  /** Groups of files no `acl.yaml` rule matches (normally `["public"]`). */
  readonly defaultGroups: readonly string[];
  readonly io?: Partial<DiscoverIo>;
}
