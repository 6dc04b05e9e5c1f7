// Test kit of @isa/server (tests only; not built): an API app over a small indexed corpus with known users and
// tokens, A2A server fixtures, response assertions and a throwaway PostgreSQL server.

export { expectError, parseSse } from "./assertions.js";
export type { A2aTestServer, AnswerArtifact } from "./fixture.js";
export {
  A2A_CANARIES,
  A2A_FILES,
  answerArtifact,
  bearerFetch,
  CODE_FILES,
  clientFor,
  indexA2aCorpus,
  openA2aServer,
  rawRpc,
  sendRequest,
  userMessage,
} from "./fixture.js";
export type { SourceFiles, TestApp, TestCorpus, TestParts } from "./harness.js";
export {
  ACL_YAML,
  bearer,
  CANARIES,
  CORPUS,
  echoingLlm,
  indexCorpus,
  mayRead,
  openTestApp,
  slowLlm,
  testParts,
  tokenOf,
  USERS,
} from "./harness.js";
export type { TestPostgres } from "./postgres.js";
export { findPostgresBin, startTestPostgres } from "./postgres.js";
