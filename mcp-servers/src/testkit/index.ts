// Test kit of @isa/mcp-servers (tests only; not built): the docs server over a small index, reached through a real
// MCP client, and shared fixtures (tokens, text of a tool result).
export type { DocsFixture, DocsFixtureOptions } from "./docsFixture.js";
export { SECURITY_ACL, startDocsFixture } from "./docsFixture.js";
export { TOKENS_YAML, textOf } from "./fixtures.js";
