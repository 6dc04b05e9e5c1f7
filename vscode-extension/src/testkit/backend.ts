// Tests only: a real API server (@isa/server/testkit) listening on 127.0.0.1 over a small indexed corpus, with
// the scripted LLM that quotes and cites its sources, so answers stream with real citations. The extension itself
// never imports backend code; its tests start one the way a developer runs `isa serve` (with ISA_OIDC_* in `env`, JWTs
// from a test OpenID provider are verified as in production).
import { readdirSync, readFileSync, statSync } from "node:fs";
import type { AddressInfo } from "node:net";
import path from "node:path";
import { fileURLToPath } from "node:url";
import {
  ACL_YAML,
  CORPUS,
  indexCorpus,
  openTestApp,
  type SourceFiles,
  type TestApp,
  type TestCorpus,
  tokenOf,
} from "@isa/server/testkit";

export { tokenOf };

export interface RunningBackend {
  readonly url: string;
  readonly corpus: TestCorpus;
  readonly app: TestApp;
  close(): Promise<void>;
}

/** Default corpus: the harness's `acme` source (handbook, eng, security… with an acl.yaml). */
export async function startBackend(
  sources: Readonly<Record<string, SourceFiles>> = { acme: { files: CORPUS, acl: ACL_YAML } },
  opts: { env?: Record<string, string> } = {},
): Promise<RunningBackend> {
  const corpus = await indexCorpus(sources);
  const app = await openTestApp(corpus, opts.env ? { env: opts.env } : {});
  await app.app.listen({ port: 0, host: "127.0.0.1" });
  const { port } = app.app.server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    corpus,
    app,
    async close() {
      await app.close();
      corpus.cleanup();
    },
  };
}

/** The repository's example source (examples/acme) as harness files: its acl.yaml applies, like `isa ingest`. */
export function exampleSource(): { dir: string; source: SourceFiles } {
  const dir = fileURLToPath(new URL("../../../examples/acme/", import.meta.url));
  const files: Record<string, string> = {};
  for (const rel of readdirSync(dir, { recursive: true, encoding: "utf8" })) {
    const full = path.join(dir, rel);
    if (rel !== "acl.yaml" && statSync(full).isFile())
      files[rel.split(path.sep).join("/")] = readFileSync(full, "utf8");
  }
  return {
    dir: dir.replace(/\/$/, ""),
    source: { files, acl: readFileSync(path.join(dir, "acl.yaml"), "utf8") },
  };
}

/** A fetch that records each request's method and path (and passes it on unchanged). */
export function recordingFetch(): {
  fetch: typeof fetch;
  calls: { method: string; path: string; body?: string }[];
} {
  const calls: { method: string; path: string; body?: string }[] = [];
  const wrapped: typeof fetch = (input, init) => {
    const url = new URL(typeof input === "string" ? input : input instanceof URL ? input.href : input.url);
    calls.push({
      method: init?.method ?? "GET",
      path: url.pathname + url.search,
      ...(typeof init?.body === "string" ? { body: init.body } : {}),
    });
    return fetch(input, init);
  };
  return { fetch: wrapped, calls };
}
