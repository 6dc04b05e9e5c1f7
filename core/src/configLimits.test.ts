// Load limits in the config schema: byte budgets of the in-memory stores and the MCP per-principal session cap.
import { describe, expect, it } from "vitest";
import { loadConfig } from "./config.js";

describe("load limits", () => {
  it("defaults, overrides and bad values naming the variable", () => {
    const d = loadConfig({});
    expect(d.memory).toEqual({ conversationsMaxBytes: 64 * 1024 * 1024, tasksMaxBytes: 32 * 1024 * 1024 });
    expect(d.mcp.sessionsPerPrincipal).toBe(16);
    const c = loadConfig({
      ISA_MEMORY_CONVERSATIONS_MAX_BYTES: "2097152",
      ISA_MEMORY_TASKS_MAX_BYTES: "1048576",
      ISA_MCP_SESSIONS_PER_PRINCIPAL: "4",
    });
    expect(c.memory).toEqual({ conversationsMaxBytes: 2097152, tasksMaxBytes: 1048576 });
    expect(c.mcp.sessionsPerPrincipal).toBe(4);
    for (const [name, value] of [
      ["ISA_MEMORY_CONVERSATIONS_MAX_BYTES", "1000"],
      ["ISA_MEMORY_TASKS_MAX_BYTES", "lots"],
      ["ISA_MCP_SESSIONS_PER_PRINCIPAL", "0"],
    ] as const) {
      expect(() => loadConfig({ [name]: value }), `${name}=${value}`).toThrow(name);
    }
  });
});
