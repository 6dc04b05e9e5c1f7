import { describe, expect, it } from "vitest";
import { loadConfig } from "./config.js";
import { AppError } from "./errors.js";

describe("loadConfig", () => {
  it("gives defaults for an empty environment", () => {
    const c = loadConfig({});
    expect(c.dataDir).toBe("./.isa");
    expect(c.modelsDir).toBe("./.isa/models");
    expect(c.ingest.maxFileBytes).toBe(2 * 1024 * 1024);
    expect(c.retrieval.mode).toBe("hybrid");
    expect(c.llm.baseUrl).toBeUndefined();
  });

  it("is frozen all the way down", () => {
    const c = loadConfig({});
    expect(Object.isFrozen(c)).toBe(true);
    expect(Object.isFrozen(c.retrieval)).toBe(true);
    expect(() => {
      (c.retrieval as { topK: number }).topK = 1;
    }).toThrow();
  });

  it("coerces and applies values", () => {
    const c = loadConfig({
      ISA_TOP_K: "9",
      ISA_RETRIEVAL_MODE: "dense",
      LLM_BASE_URL: "http://127.0.0.1:8000/v1",
    });
    expect(c.retrieval.topK).toBe(9);
    expect(c.retrieval.mode).toBe("dense");
    expect(c.llm.baseUrl).toBe("http://127.0.0.1:8000/v1");
  });

  it("fails naming the bad variable", () => {
    let err: unknown;
    try {
      loadConfig({ ISA_TOP_K: "lots", LLM_BASE_URL: "not a url" });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(AppError);
    const e = err as AppError;
    expect(e.code).toBe("CONFIG_INVALID");
    expect(e.message).toContain("ISA_TOP_K");
    expect(e.message).toContain("LLM_BASE_URL");
  });

  it("has server and auth sections (OIDC only when fully configured)", () => {
    const c = loadConfig({});
    expect(c.server).toEqual({ host: "127.0.0.1", port: 8080, rateLimitPerMin: 120, bodyLimitBytes: 65536 });
    expect(c.auth).toEqual({ tokensFile: undefined, oidc: undefined });
    const o = loadConfig({
      ISA_OIDC_ISSUER: "https://idp.example/",
      ISA_OIDC_AUDIENCE: "isa",
      ISA_OIDC_JWKS_URL: "https://idp.example/jwks",
    });
    expect(o.auth.oidc).toEqual({
      issuer: "https://idp.example/",
      audience: "isa",
      jwksUrl: "https://idp.example/jwks",
      groupsClaim: "groups",
    });
    expect(() => loadConfig({ ISA_OIDC_ISSUER: "https://idp.example/" })).toThrow(/ISA_OIDC_AUDIENCE/);
    expect(() => loadConfig({ ISA_PORT: "70000" })).toThrow(/ISA_PORT/);
  });

  it("answers extractively with the embedded model and generates with a served one, unless told", () => {
    expect(loadConfig({}).llm.answerMode).toBe("extractive");
    expect(loadConfig({ LLM_BASE_URL: "http://127.0.0.1:8000/v1" }).llm.answerMode).toBe("generate");
    expect(loadConfig({ ISA_ANSWER_MODE: "hybrid" }).llm.answerMode).toBe("hybrid");
  });

  it("tracks nothing unless MLFLOW_TRACKING_URI is set, and checks the tracking settings", () => {
    expect(loadConfig({}).tracking).toEqual({
      uri: undefined,
      experimentName: "innersource-assistant",
      sampleRatio: 1,
      queueMax: 2048,
      promptVersion: undefined,
    });
    const t = loadConfig({
      MLFLOW_TRACKING_URI: "http://mlflow.mlops:5000/",
      MLFLOW_EXPERIMENT_NAME: "isa-prod",
      ISA_TRACE_SAMPLE_RATIO: "0.25",
      ISA_TRACE_QUEUE_MAX: "100",
      ISA_PROMPT_VERSION: "answer-v3",
    }).tracking;
    expect(t).toEqual({
      uri: "http://mlflow.mlops:5000",
      experimentName: "isa-prod",
      sampleRatio: 0.25,
      queueMax: 100,
      promptVersion: "answer-v3",
    });
    expect(() => loadConfig({ MLFLOW_TRACKING_URI: "mlflow:5000" })).toThrow(/MLFLOW_TRACKING_URI/);
    expect(() => loadConfig({ ISA_TRACE_SAMPLE_RATIO: "1.5" })).toThrow(/ISA_TRACE_SAMPLE_RATIO/);
  });

  it("uses the in-process bus unless KAFKA_BROKERS is set, and checks the Kafka settings", () => {
    expect(loadConfig({}).bus.kafka).toBeUndefined();
    const k = loadConfig({
      KAFKA_BROKERS: "10.0.0.1:9092, kafka-1.kafka:9093,",
      KAFKA_SASL_MECHANISM: "scram-sha-512",
      KAFKA_SASL_USERNAME: "isa",
      KAFKA_SASL_PASSWORD: "secret",
      KAFKA_SSL_CA_FILE: "/etc/kafka/ca.pem",
    }).bus.kafka;
    expect(k).toEqual({
      brokers: ["10.0.0.1:9092", "kafka-1.kafka:9093"],
      clientId: "isa",
      sasl: { mechanism: "scram-sha-512", username: "isa", password: "secret" },
      ssl: { caFile: "/etc/kafka/ca.pem" },
    });
    expect(loadConfig({ KAFKA_BROKERS: "127.0.0.1:9092", KAFKA_SSL: "true" }).bus.kafka?.ssl).toEqual({
      caFile: undefined,
    });
    expect(loadConfig({ KAFKA_BROKERS: "127.0.0.1:9092" }).bus.kafka).toMatchObject({
      sasl: undefined,
      ssl: undefined,
    });
    expect(() => loadConfig({ KAFKA_BROKERS: "localhost" })).toThrow(/KAFKA_BROKERS/);
    expect(() => loadConfig({ KAFKA_BROKERS: "127.0.0.1:9092", KAFKA_SASL_MECHANISM: "plain" })).toThrow(
      /KAFKA_SASL_USERNAME/,
    );
    expect(() => loadConfig({ KAFKA_BROKERS: "127.0.0.1:9092", KAFKA_SASL_MECHANISM: "gssapi" })).toThrow(
      /KAFKA_SASL_MECHANISM/,
    );
    expect(() => loadConfig({ KAFKA_SSL: "true" })).toThrow(/KAFKA_BROKERS/);
    expect(() => loadConfig({ KAFKA_BROKERS: "127.0.0.1:9092", KAFKA_CLIENT_ID: "a b" })).toThrow(
      /KAFKA_CLIENT_ID/,
    );
  });

  it("uses LanceDB unless QDRANT_URL is set, and checks the Qdrant settings", () => {
    expect(loadConfig({}).store.qdrant).toBeUndefined();
    expect(loadConfig({ QDRANT_URL: "http://qdrant.isa.svc:6333/" }).store.qdrant).toEqual({
      url: "http://qdrant.isa.svc:6333",
      apiKey: undefined,
      collection: "isa_chunks",
    });
    expect(
      loadConfig({
        QDRANT_URL: "https://q.example.com",
        QDRANT_API_KEY: "k3y",
        QDRANT_COLLECTION: "team-a_v2",
      }).store.qdrant,
    ).toEqual({ url: "https://q.example.com", apiKey: "k3y", collection: "team-a_v2" });
    expect(() => loadConfig({ QDRANT_URL: "qdrant:6333" })).toThrow(/QDRANT_URL/);
    expect(() => loadConfig({ QDRANT_URL: "http://q:6333", QDRANT_COLLECTION: "a/b" })).toThrow(
      /QDRANT_COLLECTION/,
    );
    expect(() => loadConfig({ QDRANT_API_KEY: "k3y" })).toThrow(/QDRANT_URL/);
  });

  it("parses the GPU settings: LLM_GPU off (default) is the CPU, EMBED_DEVICE cpu by default", () => {
    const d = loadConfig({});
    expect(d.llm.gpu).toBe(false);
    expect(d.embed.device).toBe("cpu");
    expect(loadConfig({ LLM_GPU: "off" }).llm.gpu).toBe(false);
    expect(loadConfig({ LLM_GPU: "auto" }).llm.gpu).toBe("auto");
    expect(loadConfig({ LLM_GPU: "cuda" }).llm.gpu).toBe("cuda");
    expect(loadConfig({ LLM_GPU: "vulkan" }).llm.gpu).toBe("vulkan");
    expect(loadConfig({ EMBED_DEVICE: "cuda" }).embed.device).toBe("cuda");
    for (const [name, value] of [
      ["LLM_GPU", "metal"],
      ["LLM_GPU", "true"],
      ["EMBED_DEVICE", "gpu"],
    ] as const) {
      expect(() => loadConfig({ [name]: value }), `${name}=${value}`).toThrow(name);
    }
  });

  it("treats empty strings as unset", () => {
    expect(loadConfig({ LLM_BASE_URL: "" }).llm.baseUrl).toBeUndefined();
  });
});

describe("README config table", () => {
  it("documents every environment variable of the schema, and no other", async () => {
    const { readFileSync } = await import("node:fs");
    const { envSchema } = await import("./config.js");
    const md = readFileSync(new URL("../../README.md", import.meta.url), "utf8");
    const section = md.slice(md.indexOf("## Configuration"));
    const documented = [...section.matchAll(/^\|\s*`([A-Z_]+)`\s*\|/gm)].map((m) => m[1]).sort();
    expect(documented).toEqual(Object.keys(envSchema.shape).sort());
  });
});
