// ISA_METRICS_TOKEN through the real app: unset, /metrics is open as before; set, /metrics needs exactly that
// bearer token while /healthz, /readyz and /openapi.json stay open (kubelet probes carry no token; the OpenAPI
// document is a public contract), and a principal's API token is not a scrape token.
import { loadConfig } from "@isa/core";
import type { FastifyInstance } from "fastify";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { expectError } from "../testkit/assertions.js";
import type { TestCorpus, TestParts } from "../testkit/harness.js";
import { bearer, indexCorpus, testParts } from "../testkit/harness.js";
import { buildApp } from "./app.js";

const SCRAPE = "scrape-token-0123456789abcdef";

describe("ISA_METRICS_TOKEN", () => {
  let corpus: TestCorpus;
  let parts: TestParts;
  let open: FastifyInstance;
  let guarded: FastifyInstance;

  beforeAll(async () => {
    corpus = await indexCorpus({ acme: { files: { "README.md": "# Acme\n\nHello.\n" } } });
    parts = await testParts(corpus);
    open = buildApp(parts.config, parts.deps);
    const config = loadConfig({
      ISA_DATA_DIR: corpus.dir,
      ISA_RATE_LIMIT_PER_MIN: "100000",
      ISA_METRICS_TOKEN: SCRAPE,
    });
    guarded = buildApp(config, { ...parts.deps, runtime: { ...parts.deps.runtime, config } });
  }, 120_000);
  afterAll(async () => {
    await open?.close();
    await guarded?.close();
    await parts?.deps.runtime.close();
    corpus?.cleanup();
  });

  it("unset: /metrics answers without credentials (scrape from inside the cluster)", async () => {
    const r = await open.inject({ method: "GET", url: "/metrics" });
    expect(r.statusCode).toBe(200);
    expect(r.body).toContain("isa_http_request_duration_seconds");
  });

  it("set: /metrics needs that bearer token", async () => {
    const ok = await guarded.inject({
      method: "GET",
      url: "/metrics",
      headers: { authorization: `Bearer ${SCRAPE}` },
    });
    expect(ok.statusCode).toBe(200);
    expect(ok.body).toContain("isa_http_request_duration_seconds");
    const refused: (string | undefined)[] = [
      undefined,
      "",
      `Bearer ${SCRAPE}x`,
      `Bearer ${SCRAPE.slice(0, -1)}`,
      `Basic ${Buffer.from(`x:${SCRAPE}`).toString("base64")}`,
      SCRAPE,
      bearer("root").authorization,
    ];
    for (const authorization of refused) {
      const r = await guarded.inject({
        method: "GET",
        url: "/metrics",
        ...(authorization === undefined ? {} : { headers: { authorization } }),
      });
      expectError(r, "UNAUTHENTICATED");
      expect(r.body).not.toContain("isa_");
    }
  });

  it("set: /healthz, /readyz and /openapi.json stay open; the scrape token is no API token", async () => {
    expect((await guarded.inject({ method: "GET", url: "/healthz" })).statusCode).toBe(200);
    expect((await guarded.inject({ method: "GET", url: "/readyz" })).statusCode).toBe(200);
    expect((await guarded.inject({ method: "GET", url: "/openapi.json" })).statusCode).toBe(200);
    const search = await guarded.inject({
      method: "POST",
      url: "/v1/search",
      headers: { authorization: `Bearer ${SCRAPE}`, "content-type": "application/json" },
      payload: { query: "hello" },
    });
    expectError(search, "UNAUTHENTICATED");
  });

  it("a value shorter than 16 characters is a config error naming the variable", () => {
    expect(() => loadConfig({ ISA_METRICS_TOKEN: "short" })).toThrow(/ISA_METRICS_TOKEN/);
  });
});
