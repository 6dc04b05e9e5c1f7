// Test utilities shared by packages (import from `@isa/core/testkit`, only in tests): the VectorStore and Bus
// conformance suites and a deterministic hashing embedder. Imports vitest, so it is excluded from the package build.
export type { BusConformanceTarget } from "./busConformance.js";
export { describeBusConformance } from "./busConformance.js";
export type { FixtureDoc, FixtureDocSpec } from "./conformanceFixtures.js";
export {
  CONFORMANCE_DIMENSIONS,
  fixtureDoc,
  HOSTILE_GROUPS,
  matrixDocs,
  matrixPrincipals,
  mayRead,
} from "./conformanceFixtures.js";
export { hashingEmbedder, hashingVector } from "./hashingEmbedder.js";
export { describeVectorStoreConformance } from "./vectorStoreConformance.js";
