// Ownership of paths and projects: CODEOWNERS (GitHub semantics) and Backstage catalog-info.yaml, read from the
// index with the caller's permissions. Used by GET /v1/owners, /v1/projects and the docs-search MCP server.
export type { CatalogEntity, CatalogProblem } from "./catalog.js";
export {
  CATALOG_FILES,
  catalogProblems,
  onCatalogProblem,
  PROJECT_KINDS,
  parseCatalogEntities,
  parseCatalogInfo,
} from "./catalog.js";
export type { CodeownersRule } from "./codeowners.js";
export {
  CODEOWNERS_PATHS,
  matchRule,
  parseCodeownersRules,
  patternRegex,
  repositoryOwners,
} from "./codeowners.js";
export type { OwnedProject, OwnerEntry, Ownership, OwnershipQuery } from "./ownership.js";
export { findOwners, normalizeRepoPath } from "./ownership.js";
