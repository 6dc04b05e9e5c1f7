// The agents' configuration (ISA_AGENT_URLS, ISA_MCP_FILES_URL, ISA_MCP_GIT_URL, ISA_AGENT_ROUTER): parsed once
// by core's schema, failing at start naming the variable.
import { loadConfig } from "@isa/core";
import { describe, expect, it } from "vitest";

describe("agents config", () => {
  it("defaults: in process, no MCP tools, auto routing", () => {
    expect(loadConfig({}).agents).toEqual({
      urls: undefined,
      mcpFilesUrl: undefined,
      mcpGitUrl: undefined,
      router: "auto",
    });
  });

  it("accepts docs=URL,dev=URL and MCP URLs", () => {
    const c = loadConfig({
      ISA_AGENT_URLS: "docs=http://a:1/agents/docs, dev=https://b/agents/dev",
      ISA_MCP_FILES_URL: "http://127.0.0.1:8766/mcp",
      ISA_MCP_GIT_URL: "http://127.0.0.1:8767/mcp",
      ISA_AGENT_ROUTER: "scores",
    });
    expect(c.agents).toMatchObject({
      urls: "docs=http://a:1/agents/docs, dev=https://b/agents/dev",
      mcpFilesUrl: "http://127.0.0.1:8766/mcp",
      mcpGitUrl: "http://127.0.0.1:8767/mcp",
      router: "scores",
    });
  });

  it("refuses malformed values, naming the variable", () => {
    for (const [name, value] of [
      ["ISA_AGENT_URLS", "docs=http://a,garbage"],
      ["ISA_AGENT_URLS", "ops=http://a"],
      ["ISA_AGENT_URLS", "docs=ftp://a"],
      ["ISA_MCP_FILES_URL", "not a url"],
      ["ISA_AGENT_ROUTER", "magic"],
    ] as const) {
      expect(() => loadConfig({ [name]: value })).toThrow(name);
    }
  });
});
