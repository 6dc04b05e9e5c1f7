// Test harness for the API: a small corpus with an acl.yaml indexed by the real indexer into a temp LanceDB store
// with the deterministic hashing embedder, a scripted LLM, static tokens for a cast of principals, and the app.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { createAuthenticator, hashToken, parseTokensFile } from "@isa/auth";
import type { ChatRequest, Config, DocumentState, Llm } from "@isa/core";
import { loadConfig } from "@isa/core";
import { hashingEmbedder } from "@isa/core/testkit";
import type { Runtime } from "@isa/engine";
import { createRuntimeFrom } from "@isa/engine";
import { scriptedLlm } from "@isa/engine/testkit";
import { openLanceStore, update } from "@isa/ingest";
import type { FastifyInstance } from "fastify";
import { pino } from "pino";
import type { AppDeps } from "../api/app.js";
import { buildApp } from "../api/app.js";

/** Each restricted document carries a canary: it must never appear in a response to someone outside its groups. */
export const CORPUS: Readonly<Record<string, string>> = {
  "handbook/onboarding.md":
    "# Onboarding\n\nNew starters get a laptop on day one.\nAsk the service desk for a staging database account.\n",
  "handbook/vacation.md":
    "# Vacation policy\n\nTwenty-five days of vacation per year.\nBook vacation in the HR tool.\n",
  "security/breakglass.md":
    "# Break-glass procedure\n\nThe break-glass token lives in the vault under ops/breakglass.\nRotate the token after use. CANARY-SEC-BREAKGLASS\n",
  "security/incident.md":
    "# Incident response\n\nPage the security on-call and open an incident channel.\nEscalate to the CISO. CANARY-SEC-INCIDENT\n",
  "finance/payroll.md":
    "# Payroll\n\nSalary bands are reviewed every April.\nThe bonus schedule pays in March. CANARY-FIN-PAYROLL\n",
  "finance/budget.md":
    "# Budget\n\nThe quarterly budget forecast is due in the second week.\nCloud spend is tracked per team. CANARY-FIN-BUDGET\n",
  "eng/deploy.md":
    "# Deploying\n\nTo rotate the staging database password run the rotate-db job.\nThe deploy pipeline promotes staging to production. CANARY-ENG-DEPLOY\n",
  "eng/oncall.md":
    "# On-call\n\nThe on-call rotation changes every Monday.\nThe pager schedule is in the on-call tool. CANARY-ENG-ONCALL\n",
  "leadership/reorg.md":
    "# Reorganisation\n\nThe reorganisation plan moves headcount to platform.\nThe vault and the budget move too. CANARY-LEAD-REORG\n",
};

export const ACL_YAML = `default: [public]
rules:
  - glob: "security/**"
    groups: [security]
  - glob: "finance/**"
    groups: [finance]
  - glob: "eng/**"
    groups: [eng]
  - glob: "leadership/**"
    groups: [leadership, security]
`;

/** Canary of each restricted path. */
export const CANARIES: Readonly<Record<string, string>> = Object.fromEntries(
  Object.entries(CORPUS).flatMap(([p, text]) => {
    const m = /CANARY-[A-Z-]+/.exec(text);
    return m ? [[p, m[0]]] : [];
  }),
);

/** user → groups (besides the implicit `public`). Token of each user: `token-<user>`. */
export const USERS: Readonly<Record<string, readonly string[]>> = {
  dan: [],
  alice: ["eng"],
  bob: ["security"],
  carol: ["finance"],
  erin: ["eng", "finance"],
  frank: ["security", "finance"],
  gina: ["leadership"],
  root: ["eng", "security", "finance", "leadership", "billing"],
};

export const tokenOf = (user: string) => `token-${user}`;
export const bearer = (user: string) => ({ authorization: `Bearer ${tokenOf(user)}` });

/** The scripted model repeats every source body it was given and cites each, so any leak would show. */
export function echoingLlm(): Llm {
  return scriptedLlm((req: ChatRequest) => {
    const user = req.messages.findLast((m) => m.role === "user")?.content ?? "";
    const pieces: string[] = [];
    for (const m of user.matchAll(/<source n="(\d+)"[^>]*>\n([\s\S]*?)\n<\/source>/g)) {
      pieces.push(`${(m[2] ?? "").replace(/\s+/g, " ").trim()} [${m[1]}] `);
    }
    return pieces.length > 0 ? pieces : ["I found nothing."];
  });
}

/** An LLM that streams `n` tokens, waiting `delayMs` before each and honouring the abort signal. */
export function slowLlm(n: number, delayMs: number): Llm & { aborted: number; finished: number } {
  const llm = {
    modelId: "slow",
    aborted: 0,
    finished: 0,
    async *stream(req: ChatRequest) {
      for (let i = 0; i < n; i++) {
        await new Promise((r) => setTimeout(r, delayMs));
        if (req.signal?.aborted) {
          llm.aborted++;
          req.signal.throwIfAborted();
        }
        yield { type: "token" as const, text: `t${i} ` };
      }
      llm.finished++;
      yield { type: "done" as const, finishReason: "stop" };
    },
    async close() {},
  };
  return llm;
}

export interface TestCorpus {
  readonly dir: string;
  readonly storeDir: string;
  /** path → document state (docId, acl); with several sources, a path present in two keeps the last. */
  readonly docs: ReadonlyMap<string, DocumentState>;
  cleanup(): void;
}

const DIMENSIONS = 256;

export interface SourceFiles {
  readonly files: Readonly<Record<string, string>>;
  /** acl.yaml text; none → the default groups (`public`). */
  readonly acl?: string;
}

/** Write each source (default: `acme` = CORPUS + ACL_YAML) and index them with the real indexer. */
export async function indexCorpus(
  sources: Readonly<Record<string, SourceFiles>> = { acme: { files: CORPUS, acl: ACL_YAML } },
): Promise<TestCorpus> {
  const dir = mkdtempSync(path.join(tmpdir(), "isa-api-"));
  const specs = Object.entries(sources).map(([name, { files, acl }]) => {
    const root = path.join(dir, "src", name);
    for (const [rel, text] of Object.entries(files)) {
      mkdirSync(path.dirname(path.join(root, rel)), { recursive: true });
      writeFileSync(path.join(root, rel), text);
    }
    if (acl !== undefined) writeFileSync(path.join(root, "acl.yaml"), acl);
    return { name, root };
  });
  const storeDir = path.join(dir, "lancedb");
  const embedder = hashingEmbedder(DIMENSIONS);
  const store = await openLanceStore({ dir: storeDir, dimensions: DIMENSIONS, modelId: embedder.modelId });
  const it = update(specs, { store, embedder }, { maxFileBytes: 1 << 20, defaultGroups: ["public"] });
  for (let r = await it.next(); !r.done; r = await it.next()) {
    // progress events are not needed here
  }
  const docs = new Map((await store.listDocuments()).map((d) => [d.path, d]));
  await store.close();
  return { dir, storeDir, docs, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

export interface TestApp {
  readonly app: FastifyInstance;
  readonly runtime: Runtime;
  readonly config: Config;
  close(): Promise<void>;
}

export interface TestParts {
  readonly config: Config;
  readonly deps: AppDeps;
}

/** Config and app deps over the indexed corpus: static tokens for USERS, a silent logger, a high rate limit. */
export async function testParts(
  corpus: TestCorpus,
  opts: { env?: Record<string, string>; llm?: Llm } = {},
): Promise<TestParts> {
  const config = loadConfig({
    ISA_DATA_DIR: corpus.dir,
    ISA_ABSTAIN_MIN_SCORE: "0.05",
    // The scripted LLM is the point of most API tests (the embedded default is extractive).
    ISA_ANSWER_MODE: "generate",
    ISA_RATE_LIMIT_PER_MIN: "100000",
    ...opts.env,
  });
  const embedder = hashingEmbedder(DIMENSIONS);
  const store = await openLanceStore({
    dir: corpus.storeDir,
    dimensions: DIMENSIONS,
    modelId: embedder.modelId,
  });
  const runtime = createRuntimeFrom({ config, store, embedder, llm: opts.llm ?? echoingLlm() });
  const tokens = parseTokensFile(
    Object.entries(USERS)
      .map(
        ([user, groups]) =>
          `- {token_sha256: ${hashToken(tokenOf(user))}, user: ${user}, groups: [${groups.join(", ")}]}`,
      )
      .join("\n"),
  );
  return {
    config,
    deps: {
      runtime,
      // With ISA_OIDC_* in `env`, JWTs are verified too, as `isa serve` does; the static test tokens stay valid.
      authenticator: createAuthenticator({ tokens, ...(config.auth.oidc ? { oidc: config.auth.oidc } : {}) }),
      logger: pino({ level: "silent" }),
    },
  };
}

export async function openTestApp(
  corpus: TestCorpus,
  opts: { env?: Record<string, string>; llm?: Llm } = {},
): Promise<TestApp> {
  const { config, deps } = await testParts(corpus, opts);
  const app = buildApp(config, deps);
  await app.ready();
  return {
    app,
    runtime: deps.runtime,
    config,
    async close() {
      await app.close();
      await deps.runtime.close();
    },
  };
}

/** May someone in `groups` (plus public) read a document with this ACL? */
export function mayRead(groups: readonly string[], acl: readonly string[]): boolean {
  return acl.some((g) => g === "public" || groups.includes(g));
}
