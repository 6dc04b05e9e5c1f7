// The API with broken parts and tight limits, through app.inject(): unknown errors become INTERNAL without leaking,
// an SSE answer that fails ends with an error event, readiness reports the failure, and rate limits apply per
// principal (and per address before authentication).

import { createAuthenticator, hashToken, parseTokensFile } from "@isa/auth";
import { ERROR_CATALOG, loadConfig } from "@isa/core";
import type { Runtime } from "@isa/engine";
import { pino } from "pino";
import { describe, expect, it } from "vitest";
import { expectError, parseSse } from "../testkit/assertions.js";
import { buildApp } from "./app.js";

describe("API with failing parts", () => {
  const config = async () => loadConfig({ ISA_DATA_DIR: "/nonexistent", ISA_RATE_LIMIT_PER_MIN: "3" });
  const tokens = parseTokensFile(
    `- {token_sha256: ${hashToken("a")}, user: a}\n- {token_sha256: ${hashToken("b")}, user: b}`,
  );
  const brokenRuntime = (cfg: Awaited<ReturnType<typeof config>>): Runtime => {
    const boom = () => Promise.reject(new Error("secret internal detail /etc/passwd"));
    return {
      config: cfg,
      embedder: boom,
      store: boom,
      retriever: boom,
      llm: boom,
      answerer: boom,
      close: async () => {},
    };
  };

  it("unknown errors are INTERNAL without message or stack; SSE ends with an error event", async () => {
    const cfg = await config();
    const app = buildApp(cfg, {
      runtime: brokenRuntime(cfg),
      authenticator: createAuthenticator({ tokens }),
      logger: pino({ level: "silent" }),
    });
    const json = await app.inject({
      method: "POST",
      url: "/v1/search",
      headers: { authorization: "Bearer a" },
      payload: { query: "q" },
    });
    expectError(json, "INTERNAL");
    expect(json.body).not.toContain("secret");
    const sse = await app.inject({
      method: "POST",
      url: "/v1/ask",
      headers: { authorization: "Bearer a" },
      payload: { question: "q" },
    });
    expect(sse.statusCode).toBe(200);
    expect(parseSse(sse.body)).toEqual([
      ["error", { error: { code: "INTERNAL", message: ERROR_CATALOG.INTERNAL.message } }],
    ]);
    expect(sse.body).not.toContain("secret");
    const ready = await app.inject({ method: "GET", url: "/readyz" });
    expect(ready.statusCode).toBe(503);
    expect(ready.json<{ ready: boolean }>().ready).toBe(false);
    await app.close();
  });

  it("rate limits per principal (429 RATE_LIMITED with Retry-After), and failed logins per address", async () => {
    const cfg = await config();
    const app = buildApp(cfg, {
      runtime: brokenRuntime(cfg),
      authenticator: createAuthenticator({ tokens }),
      logger: pino({ level: "silent" }),
    });
    const hit = (auth: string) =>
      app.inject({ method: "GET", url: `/v1/documents/${"a".repeat(32)}`, headers: { authorization: auth } });
    for (let i = 0; i < 3; i++) expect((await hit("Bearer a")).statusCode).not.toBe(429);
    const limited = await hit("Bearer a");
    expectError(limited, "RATE_LIMITED");
    expect(Number(limited.headers["retry-after"])).toBeGreaterThan(0);
    // Another principal has its own budget.
    expect((await hit("Bearer b")).statusCode).not.toBe(429);
    // Unauthenticated attempts count per client address.
    for (let i = 0; i < 3; i++) expectError(await hit("Bearer wrong"), "UNAUTHENTICATED");
    expectError(await hit("Bearer wrong"), "RATE_LIMITED");
    // Probes are never limited.
    for (let i = 0; i < 5; i++)
      expect((await app.inject({ method: "GET", url: "/healthz" })).statusCode).toBe(200);
    await app.close();
  });
});
