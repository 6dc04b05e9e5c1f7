// One config schema: environment variables in, a frozen typed Config out. A bad value fails at start naming the variable.
import { z } from "zod";
import { AppError } from "./errors.js";

const int = (min: number, max: number) => z.coerce.number().int().min(min).max(max);
const bool = z.enum(["true", "false", "1", "0"]).transform((v) => v === "true" || v === "1");
const csv = z.string().transform((s) =>
  s
    .split(",")
    .map((x) => x.trim())
    .filter(Boolean),
);

/** Every environment variable the product reads, with its default. README's config table mirrors this. */
export const envSchema = z.object({
  ISA_DATA_DIR: z.string().min(1).default("./.isa"),
  ISA_MODELS_DIR: z.string().min(1).optional(),
  ISA_LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
  ISA_MAX_FILE_BYTES: int(1, 1 << 30).default(2 * 1024 * 1024),
  ISA_DEFAULT_GROUPS: csv.default(["public"]),
  ISA_DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\/\S+$/, "must be a postgres:// or postgresql:// connection URL")
    .optional(),
  ISA_RETENTION_DAYS: int(0, 36_500).default(30),
  EMBED_MODEL: z.enum(["all-MiniLM-L6-v2"]).default("all-MiniLM-L6-v2"),
  EMBED_DEVICE: z.enum(["cpu", "cuda"]).default("cpu"),
  EMBED_BATCH_SIZE: int(1, 1024).default(32),
  EMBED_THREADS: int(0, 256).default(0),
  ISA_RETRIEVAL_MODE: z.enum(["hybrid", "dense", "lexical"]).default("hybrid"),
  ISA_TOP_K: int(1, 100).default(6),
  ISA_RRF_K: int(1, 1000).default(60),
  ISA_MAX_CHUNKS_PER_DOC: int(1, 100).default(2),
  // npm-docs eval sweep: 0.4 and 0.45 abstain on 1 of 5 out-of-corpus questions with no false abstention; 0.5
  // starts refusing answerable ones (5.5%). 0.4 keeps a margin below that edge.
  ISA_ABSTAIN_MIN_SCORE: z.coerce.number().min(-1).max(1).default(0.4),
  // A question naming something (`nodeLinker`, "Dependabot") that no readable chunk mentions abstains below this
  // higher bar too (npm-docs eval: backend/README.md, "Key-term abstention"). -1 turns the check off.
  ISA_ABSTAIN_UNMENTIONED_MIN_SCORE: z.coerce.number().min(-1).max(1).default(0.58),
  // Answerability: a content word of the question mentioned by at most this share of the index's chunks is specific
  // (a qualifier such as "production"), and an answer whose quoted documents do not mention it is `partial`. Names
  // are always specific. 0 checks names only. Measured on the near-miss and npm-docs sets (backend/README.md).
  ISA_ANSWERABILITY_MAX_SHARE: z.coerce.number().min(0).max(1).default(0.15),
  // Unset: `generate` with a served model (LLM_BASE_URL), `extractive` with the tiny embedded one, which scored
  // lower on fact recall than quoting the evidence (npm-docs eval; see README) and takes seconds per answer on CPU.
  ISA_ANSWER_MODE: z.enum(["generate", "extractive", "hybrid"]).optional(),
  ISA_LOCAL_MODEL: z.enum(["smollm2-135m", "gemma3-270m"]).default("smollm2-135m"),
  LLM_BASE_URL: z.string().url().optional(),
  LLM_MODEL: z.string().min(1).optional(),
  LLM_API_KEY: z.string().min(1).optional(),
  LLM_TIMEOUT_MS: int(100, 600_000).default(120_000),
  LLM_MAX_TOKENS: int(16, 8192).default(320),
  LLM_CONTEXT_TOKENS: int(512, 131072).default(4096),
  // The embedded llama.cpp model's backend. `off`: the prebuilt CPU binary (fast to load, no GPU probing);
  // `auto`: the GPU backend node-llama-cpp finds (CUDA, Vulkan), else CPU; `cuda`/`vulkan`: that backend, and the CPU
  // with one warning when it cannot load. Ignored with LLM_BASE_URL (the server owns its GPUs).
  LLM_GPU: z.enum(["off", "auto", "cuda", "vulkan"]).default("off"),
  HF_ENDPOINT: z.string().url().default("https://huggingface.co"),
  ISA_PYPI_URL: z.string().url().default("https://pypi.org"),
  ISA_FETCH_TIMEOUT_MS: int(100, 3_600_000).default(15_000),
  ISA_SKIP_HF: bool.default(false),
  ISA_HOST: z.string().min(1).default("127.0.0.1"),
  ISA_PORT: int(0, 65535).default(8080),
  ISA_RATE_LIMIT_PER_MIN: int(1, 1_000_000).default(120),
  // In-memory stores are bounded by bytes (approximate: the UTF-8 size of what they keep), not only by count.
  ISA_MEMORY_CONVERSATIONS_MAX_BYTES: int(1 << 20, 2 ** 40).default(64 * 1024 * 1024),
  ISA_MEMORY_TASKS_MAX_BYTES: int(1 << 20, 2 ** 40).default(32 * 1024 * 1024),
  ISA_MCP_SESSIONS_PER_PRINCIPAL: int(1, 100_000).default(16),
  ISA_BODY_LIMIT_BYTES: int(1024, 64 * 1024 * 1024).default(65536),
  ISA_TOKENS_FILE: z.string().min(1).optional(),
  ISA_METRICS_TOKEN: z.string().min(16, "must be at least 16 characters").optional(),
  ISA_OIDC_ISSUER: z.string().url().optional(),
  ISA_OIDC_AUDIENCE: z.string().min(1).optional(),
  ISA_OIDC_JWKS_URL: z.string().url().optional(),
  ISA_OIDC_GROUPS_CLAIM: z.string().min(1).default("groups"),
  ISA_MCP_GROUPS: csv.default([]),
  ISA_MCP_PUBLIC_URL: z.string().url().optional(),
  ISA_AGENT_URLS: z
    .string()
    .regex(
      /^\s*(docs|dev)=https?:\/\/[^\s,]+\s*(,\s*(docs|dev)=https?:\/\/[^\s,]+\s*)*,?\s*$/,
      "expected docs=URL,dev=URL",
    )
    .optional(),
  ISA_MCP_FILES_URL: z.string().url().optional(),
  ISA_MCP_GIT_URL: z.string().url().optional(),
  ISA_AGENT_ROUTER: z.enum(["auto", "scores", "llm"]).default("auto"),
  KAFKA_BROKERS: z
    .string()
    .regex(/^\s*[^\s,:]+:\d{1,5}\s*(,\s*[^\s,:]+:\d{1,5}\s*)*,?\s*$/, "expected host:port[,host:port…]")
    .transform((s) =>
      s
        .split(",")
        .map((x) => x.trim())
        .filter(Boolean),
    )
    .optional(),
  KAFKA_CLIENT_ID: z
    .string()
    .regex(/^[A-Za-z0-9._-]{1,200}$/, "letters, digits, '.', '_' and '-' only")
    .default("isa"),
  KAFKA_SASL_MECHANISM: z.enum(["plain", "scram-sha-256", "scram-sha-512"]).optional(),
  KAFKA_SASL_USERNAME: z.string().min(1).optional(),
  KAFKA_SASL_PASSWORD: z.string().min(1).optional(),
  KAFKA_SSL: bool.default(false),
  KAFKA_SSL_CA_FILE: z.string().min(1).optional(),
  // MLflow (off unless MLFLOW_TRACKING_URI is set): answer traces over OTLP/HTTP, eval runs, feedback assessments.
  MLFLOW_TRACKING_URI: z
    .string()
    .regex(/^https?:\/\/\S+$/, "must be an http:// or https:// URL")
    .optional(),
  MLFLOW_EXPERIMENT_NAME: z.string().min(1).max(500).default("innersource-assistant"),
  ISA_TRACE_SAMPLE_RATIO: z.coerce.number().min(0).max(1).default(1),
  /** Finished spans held for export at most; past it spans are dropped (counted), never waited for. */
  ISA_TRACE_QUEUE_MAX: int(1, 1_000_000).default(2048),
  ISA_PROMPT_VERSION: z.string().min(1).max(100).optional(),
  // Qdrant, the cluster vector store (unset: LanceDB under ISA_DATA_DIR).
  QDRANT_URL: z
    .string()
    .regex(/^https?:\/\/\S+$/, "must be an http:// or https:// URL")
    .optional(),
  QDRANT_API_KEY: z.string().min(1).optional(),
  QDRANT_COLLECTION: z
    .string()
    .regex(/^[A-Za-z0-9_-]{1,200}$/, "1-200 letters, digits, '_' or '-'")
    .default("isa_chunks"),
});

export type Env = z.infer<typeof envSchema>;

export interface Config {
  readonly dataDir: string;
  readonly modelsDir: string;
  /** PostgreSQL for conversations and A2A tasks; unset → kept in memory (lost on restart). */
  readonly databaseUrl: string | undefined;
  /**
   * Operational settings: conversations not updated and terminal A2A tasks older than `retentionDays` are deleted
   * (0 = keep forever); `metricsToken` set → `/metrics` needs `Authorization: Bearer <it>`.
   */
  readonly ops: { readonly retentionDays: number; readonly metricsToken: string | undefined };
  readonly logLevel: Env["ISA_LOG_LEVEL"];
  readonly ingest: { readonly maxFileBytes: number; readonly defaultGroups: readonly string[] };
  readonly embed: {
    readonly model: Env["EMBED_MODEL"];
    readonly device: Env["EMBED_DEVICE"];
    readonly batchSize: number;
    /** 0 = onnxruntime's default. */
    readonly threads: number;
  };
  readonly retrieval: {
    readonly mode: Env["ISA_RETRIEVAL_MODE"];
    readonly topK: number;
    readonly rrfK: number;
    readonly maxChunksPerDoc: number;
    /** Best dense cosine below this → abstain. */
    readonly abstainMinScore: number;
    /**
     * Best dense cosine below this and a key term of the question mentioned nowhere readable → abstain. Always set
     * by loadConfig; optional so hand-built configs (tests) can leave the check off.
     */
    readonly abstainUnmentionedMinScore?: number;
    /**
     * Answerability check (backend/engine/src/answer/answerability.ts): a content word in at most this share of the
     * chunks is specific. Optional like the above: hand-built configs get the default.
     */
    readonly answerabilityMaxShare?: number;
  };
  readonly llm: {
    readonly answerMode: NonNullable<Env["ISA_ANSWER_MODE"]>;
    readonly localModel: Env["ISA_LOCAL_MODEL"];
    /** Set → OpenAI-compatible server (vLLM, llama-server, Ollama); unset → embedded llama.cpp. */
    readonly baseUrl: string | undefined;
    readonly model: string | undefined;
    readonly apiKey: string | undefined;
    readonly timeoutMs: number;
    readonly maxTokens: number;
    readonly contextTokens: number;
    /**
     * The embedded model's llama.cpp backend (LLM_GPU): `false` is CPU only. Optional so hand-built configs (tests)
     * can leave it out: absent means `false`.
     */
    readonly gpu?: false | "auto" | "cuda" | "vulkan";
  };
  readonly fetch: {
    readonly hfEndpoint: string;
    readonly pypiUrl: string;
    readonly timeoutMs: number;
    /** Skip Hugging Face and go straight to the registry mirror (air-gapped sites with a PyPI proxy). */
    readonly skipHf: boolean;
  };
  readonly server: {
    readonly host: string;
    readonly port: number;
    /** Requests per minute per principal (per client address before authentication). */
    readonly rateLimitPerMin: number;
    readonly bodyLimitBytes: number;
  };
  readonly auth: {
    /** YAML list of `{token_sha256, user, groups}`. */
    readonly tokensFile: string | undefined;
    /** Set when all three OIDC variables are set (a partial set is a config error). */
    readonly oidc:
      | {
          readonly issuer: string;
          readonly audience: string;
          readonly jwksUrl: string;
          readonly groupsClaim: string;
        }
      | undefined;
  };
  readonly agents: {
    /** `docs=URL,dev=URL`: root delegates those agents' answers over A2A (unset: in process). */
    readonly urls: string | undefined;
    /** Streamable HTTP MCP endpoints the dev agent calls with the caller's token (unset: no such tools). */
    readonly mcpFilesUrl: string | undefined;
    readonly mcpGitUrl: string | undefined;
    /** How root picks an agent: `scores` (retrieval scores), `llm` (the model), `auto` (llm iff it calls tools). */
    readonly router: Env["ISA_AGENT_ROUTER"];
  };
  /** The message bus: Kafka when `kafka` is set (KAFKA_BROKERS), else in process. */
  readonly bus: { readonly kafka: KafkaConfig | undefined };
  /** The vector store: Qdrant when `qdrant` is set (QDRANT_URL), else LanceDB under `dataDir`. */
  readonly store: { readonly qdrant: QdrantConfig | undefined };
  /**
   * MLflow tracking: `uri` unset = off (nothing is sent anywhere). `sampleRatio`: share of answers traced (decided
   * from the trace id, so every agent of one answer agrees); `queueMax`: spans buffered for export before dropping.
   */
  readonly tracking: {
    readonly uri: string | undefined;
    readonly experimentName: string;
    readonly sampleRatio: number;
    readonly queueMax: number;
    /** Overrides the prompt version recorded on traces and eval runs (default: the engine's PROMPT_VERSION). */
    readonly promptVersion: string | undefined;
  };
  readonly mcp: {
    /** Groups of the local user for `isa mcp … ` over stdio (`public` is always added). */
    readonly stdioGroups: readonly string[];
    /** The MCP endpoint's public URL (RFC 9728 `resource`); unset → derived from each request's Host. */
    readonly publicUrl: string | undefined;
    /** Sessions one principal may hold on MCP over HTTP (ISA_MCP_SESSIONS_PER_PRINCIPAL). Optional for hand-built configs. */
    readonly sessionsPerPrincipal?: number;
  };
  /**
   * Byte budgets of the in-memory stores (used when ISA_DATABASE_URL is unset): conversations, and A2A tasks per
   * agent. Optional so hand-built configs (tests) get the stores' defaults.
   */
  readonly memory?: { readonly conversationsMaxBytes: number; readonly tasksMaxBytes: number };
}

export interface QdrantConfig {
  readonly url: string;
  readonly apiKey: string | undefined;
  /** Chunks collection; document states live in `<collection>_documents`. */
  readonly collection: string;
}

function qdrantConfig(e: Env): QdrantConfig | undefined {
  if (!e.QDRANT_URL) {
    if (e.QDRANT_API_KEY !== undefined) {
      throw new AppError("CONFIG_INVALID", "Invalid configuration: QDRANT_API_KEY given without QDRANT_URL", {
        details: { variables: ["QDRANT_URL"] },
      });
    }
    return undefined;
  }
  return { url: e.QDRANT_URL.replace(/\/+$/, ""), apiKey: e.QDRANT_API_KEY, collection: e.QDRANT_COLLECTION };
}

export interface KafkaConfig {
  readonly brokers: readonly string[];
  readonly clientId: string;
  /** SASL over the connection (with `ssl`, SASL_SSL; without, SASL_PLAINTEXT). */
  readonly sasl:
    | {
        readonly mechanism: NonNullable<Env["KAFKA_SASL_MECHANISM"]>;
        readonly username: string;
        readonly password: string;
      }
    | undefined;
  /** TLS to the brokers; `caFile`: a PEM bundle to trust instead of the system's CAs. */
  readonly ssl: { readonly caFile: string | undefined } | undefined;
}

function kafkaConfig(e: Env): KafkaConfig | undefined {
  const saslVars = [e.KAFKA_SASL_MECHANISM, e.KAFKA_SASL_USERNAME, e.KAFKA_SASL_PASSWORD];
  const saslSet = saslVars.filter((v) => v !== undefined).length;
  // A half-configured SASL login would fail at the first connection, far from the cause; fail at start instead.
  if (saslSet !== 0 && saslSet !== saslVars.length) {
    throw new AppError(
      "CONFIG_INVALID",
      "Invalid configuration: KAFKA_SASL_MECHANISM, KAFKA_SASL_USERNAME and KAFKA_SASL_PASSWORD must be set together",
      { details: { variables: ["KAFKA_SASL_MECHANISM", "KAFKA_SASL_USERNAME", "KAFKA_SASL_PASSWORD"] } },
    );
  }
  if (!e.KAFKA_BROKERS) {
    const stray = (["KAFKA_SASL_MECHANISM", "KAFKA_SSL_CA_FILE"] as const).filter((k) => e[k] !== undefined);
    if (stray.length > 0 || e.KAFKA_SSL) {
      throw new AppError(
        "CONFIG_INVALID",
        "Invalid configuration: Kafka settings given without KAFKA_BROKERS",
        {
          details: { variables: ["KAFKA_BROKERS"] },
        },
      );
    }
    return undefined;
  }
  return {
    brokers: e.KAFKA_BROKERS,
    clientId: e.KAFKA_CLIENT_ID,
    sasl:
      e.KAFKA_SASL_MECHANISM && e.KAFKA_SASL_USERNAME && e.KAFKA_SASL_PASSWORD
        ? {
            mechanism: e.KAFKA_SASL_MECHANISM,
            username: e.KAFKA_SASL_USERNAME,
            password: e.KAFKA_SASL_PASSWORD,
          }
        : undefined,
    // A CA file only makes sense over TLS: setting it turns TLS on.
    ssl: e.KAFKA_SSL || e.KAFKA_SSL_CA_FILE ? { caFile: e.KAFKA_SSL_CA_FILE } : undefined,
  };
}

function deepFreeze<T>(o: T): T {
  if (o && typeof o === "object" && !Object.isFrozen(o)) {
    Object.freeze(o);
    for (const v of Object.values(o)) deepFreeze(v);
  }
  return o;
}

/** Parse the environment into a frozen Config. Throws CONFIG_INVALID naming each bad variable. */
export function loadConfig(env: Readonly<Record<string, string | undefined>> = process.env): Config {
  // Empty strings mean "unset", as in most shells' `FOO= cmd`.
  const cleaned = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ""));
  const parsed = envSchema.safeParse(cleaned);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`);
    throw new AppError("CONFIG_INVALID", `Invalid configuration: ${problems.join("; ")}`, {
      details: { variables: parsed.error.issues.map((i) => i.path.join(".")) },
    });
  }
  const e = parsed.data;
  const oidcVars = [e.ISA_OIDC_ISSUER, e.ISA_OIDC_AUDIENCE, e.ISA_OIDC_JWKS_URL];
  const oidcSet = oidcVars.filter((v) => v !== undefined).length;
  // Half-configured OIDC would silently reject every JWT; fail at start instead.
  if (oidcSet !== 0 && oidcSet !== oidcVars.length) {
    throw new AppError(
      "CONFIG_INVALID",
      "Invalid configuration: ISA_OIDC_ISSUER, ISA_OIDC_AUDIENCE and ISA_OIDC_JWKS_URL must be set together",
      { details: { variables: ["ISA_OIDC_ISSUER", "ISA_OIDC_AUDIENCE", "ISA_OIDC_JWKS_URL"] } },
    );
  }
  const dataDir = e.ISA_DATA_DIR;
  return deepFreeze<Config>({
    dataDir,
    modelsDir: e.ISA_MODELS_DIR ?? `${dataDir}/models`,
    databaseUrl: e.ISA_DATABASE_URL,
    ops: { retentionDays: e.ISA_RETENTION_DAYS, metricsToken: e.ISA_METRICS_TOKEN },
    logLevel: e.ISA_LOG_LEVEL,
    ingest: { maxFileBytes: e.ISA_MAX_FILE_BYTES, defaultGroups: e.ISA_DEFAULT_GROUPS },
    embed: {
      model: e.EMBED_MODEL,
      device: e.EMBED_DEVICE,
      batchSize: e.EMBED_BATCH_SIZE,
      threads: e.EMBED_THREADS,
    },
    retrieval: {
      mode: e.ISA_RETRIEVAL_MODE,
      topK: e.ISA_TOP_K,
      rrfK: e.ISA_RRF_K,
      maxChunksPerDoc: e.ISA_MAX_CHUNKS_PER_DOC,
      abstainMinScore: e.ISA_ABSTAIN_MIN_SCORE,
      abstainUnmentionedMinScore: e.ISA_ABSTAIN_UNMENTIONED_MIN_SCORE,
      answerabilityMaxShare: e.ISA_ANSWERABILITY_MAX_SHARE,
    },
    llm: {
      answerMode: e.ISA_ANSWER_MODE ?? (e.LLM_BASE_URL ? "generate" : "extractive"),
      localModel: e.ISA_LOCAL_MODEL,
      baseUrl: e.LLM_BASE_URL,
      model: e.LLM_MODEL,
      apiKey: e.LLM_API_KEY,
      timeoutMs: e.LLM_TIMEOUT_MS,
      maxTokens: e.LLM_MAX_TOKENS,
      contextTokens: e.LLM_CONTEXT_TOKENS,
      gpu: e.LLM_GPU === "off" ? false : e.LLM_GPU,
    },
    fetch: {
      hfEndpoint: e.HF_ENDPOINT,
      pypiUrl: e.ISA_PYPI_URL,
      timeoutMs: e.ISA_FETCH_TIMEOUT_MS,
      skipHf: e.ISA_SKIP_HF,
    },
    server: {
      host: e.ISA_HOST,
      port: e.ISA_PORT,
      rateLimitPerMin: e.ISA_RATE_LIMIT_PER_MIN,
      bodyLimitBytes: e.ISA_BODY_LIMIT_BYTES,
    },
    auth: {
      tokensFile: e.ISA_TOKENS_FILE,
      oidc:
        e.ISA_OIDC_ISSUER && e.ISA_OIDC_AUDIENCE && e.ISA_OIDC_JWKS_URL
          ? {
              issuer: e.ISA_OIDC_ISSUER,
              audience: e.ISA_OIDC_AUDIENCE,
              jwksUrl: e.ISA_OIDC_JWKS_URL,
              groupsClaim: e.ISA_OIDC_GROUPS_CLAIM,
            }
          : undefined,
    },
    bus: { kafka: kafkaConfig(e) },
    store: { qdrant: qdrantConfig(e) },
    tracking: {
      uri: e.MLFLOW_TRACKING_URI?.replace(/\/+$/, ""),
      experimentName: e.MLFLOW_EXPERIMENT_NAME,
      sampleRatio: e.ISA_TRACE_SAMPLE_RATIO,
      queueMax: e.ISA_TRACE_QUEUE_MAX,
      promptVersion: e.ISA_PROMPT_VERSION,
    },
    mcp: {
      stdioGroups: e.ISA_MCP_GROUPS,
      publicUrl: e.ISA_MCP_PUBLIC_URL,
      sessionsPerPrincipal: e.ISA_MCP_SESSIONS_PER_PRINCIPAL,
    },
    memory: {
      conversationsMaxBytes: e.ISA_MEMORY_CONVERSATIONS_MAX_BYTES,
      tasksMaxBytes: e.ISA_MEMORY_TASKS_MAX_BYTES,
    },
    agents: {
      urls: e.ISA_AGENT_URLS,
      mcpFilesUrl: e.ISA_MCP_FILES_URL,
      mcpGitUrl: e.ISA_MCP_GIT_URL,
      router: e.ISA_AGENT_ROUTER,
    },
  });
}
