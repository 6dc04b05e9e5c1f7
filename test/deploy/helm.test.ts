// The Helm chart and the image, checked without a cluster or a container engine: `helm lint`, `helm template` for
// the default values and for the full GPU + Kafka + Qdrant + MLflow values, every rendered manifest through
// `kubeconform -strict` (Kubernetes schemas plus deploy/schemas for the Strimzi, KEDA and External Secrets CRs), the
// security controls on every pod of both renders, and hadolint on the Dockerfile.
// Tools come from scripts/install-k8s-tools.sh; under CI=true a missing one fails the tests, elsewhere they skip.
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { beforeAll, describe, expect, it } from "vitest";
import { parseAllDocuments } from "yaml";
import type { K8sTools } from "./k8sTools.js";
import { findK8sTools, run } from "./k8sTools.js";
import type { K8sObject, Pod, PodSpec } from "./podSecurity.js";
import { allowedSources, podsOf, podViolations, probeViolations, selects } from "./podSecurity.js";

const repo = (p: string) => fileURLToPath(new URL(`../../${p}`, import.meta.url));
const CHART = repo("deploy/helm/innersource-assistant");
const FULL_VALUES = repo("deploy/helm/innersource-assistant/ci/full-values.yaml");
const CRD_SCHEMAS = repo("deploy/schemas");
const DOCKERFILE = repo("deploy/docker/Dockerfile");
const RELEASE = "isa";
const NAMESPACE = "assistant";

const lookup = findK8sTools();
if (!lookup.ok) {
  if (process.env.CI === "true") {
    describe("deploy: helm chart and image", () => {
      it("has its tools", () => {
        throw new Error(`deploy tests cannot run: ${lookup.missing}`);
      });
    });
  } else process.stdout.write(`[skip] test/deploy: ${lookup.missing}\n`);
}
const tools = lookup.ok ? lookup.tools : undefined;

interface Render {
  readonly name: string;
  readonly yaml: string;
  readonly objects: K8sObject[];
  readonly pods: Pod[];
}

function helm(t: K8sTools, args: readonly string[]) {
  return run(t.helm, args);
}

function render(t: K8sTools, name: string, extra: readonly string[]): Render {
  const r = helm(t, ["template", RELEASE, CHART, "--namespace", NAMESPACE, ...extra]);
  if (r.status !== 0) throw new Error(`helm template (${name}) failed: ${r.stderr}`);
  const objects = parseAllDocuments(r.stdout)
    .map((d) => d.toJS() as K8sObject | null)
    .filter((o): o is K8sObject => o !== null);
  return { name, yaml: r.stdout, objects, pods: podsOf(objects) };
}

interface KubeconformReport {
  resources: Array<{
    filename: string;
    kind: string;
    name: string;
    version: string;
    status: string;
    msg: string;
  }>;
  summary: { valid: number; invalid: number; errors: number; skipped: number };
}

function kubeconform(t: K8sTools, manifests: string): KubeconformReport {
  const r = run(
    t.kubeconform,
    [
      "-strict",
      "-summary",
      "-output",
      "json",
      "-schema-location",
      `${t.k8sSchemas}/{{.ResourceKind}}{{.KindSuffix}}.json`,
      "-schema-location",
      `${CRD_SCHEMAS}/{{.Group}}/{{.ResourceKind}}_{{.ResourceAPIVersion}}.json`,
      "-",
    ],
    manifests,
  );
  if (r.stdout.trim() === "") throw new Error(`kubeconform printed nothing (exit ${r.status}): ${r.stderr}`);
  return JSON.parse(r.stdout) as KubeconformReport;
}

const kindCounts = (objects: readonly K8sObject[]) =>
  Object.fromEntries(
    [...new Set(objects.map((o) => o.kind))]
      .sort()
      .map((k) => [k, objects.filter((o) => o.kind === k).length]),
  );

describe("deploy: chart README", () => {
  it("lists every key of values.yaml with its default (the table is generated and current)", () => {
    const r = run(process.execPath, [repo("scripts/helm-values-table.mjs")]);
    expect(r.status, r.stderr).toBe(0);
    const readme = readFileSync(`${CHART}/README.md`, "utf8");
    const block = readme.slice(
      readme.indexOf("<!-- values:begin -->\n") + "<!-- values:begin -->\n".length,
      readme.indexOf("<!-- values:end -->"),
    );
    // Compared cell by cell: the Markdown formatter (biome) pads the columns.
    const cells = (md: string) =>
      md
        .trim()
        .split("\n")
        .map((line) =>
          line
            .split(/(?<!\\)\|/)
            .map((c) => c.trim().replace(/^-+$/, "---"))
            .join("|"),
        );
    expect(cells(block), "regenerate with: node scripts/helm-values-table.mjs").toEqual(cells(r.stdout));
    expect(r.stdout).toContain("| `vllm.toolCallParser` |");
  });
});

const component = (p: Pod) => p.labels["app.kubernetes.io/component"] ?? "";
const isIsaImage = (image: string) => /innersource-assistant/.test(image);

describe.runIf(tools)("deploy: helm chart and image", () => {
  const t = tools as K8sTools;
  let renders: { default: Render; full: Render };

  beforeAll(() => {
    renders = {
      default: render(t, "default values", []),
      full: render(t, "ci/full-values.yaml", ["-f", FULL_VALUES]),
    };
  });

  it("passes helm lint --strict with the default and the full values", () => {
    for (const extra of [[], ["-f", FULL_VALUES]]) {
      const r = helm(t, ["lint", "--strict", CHART, ...extra]);
      expect(r.status, r.stdout + r.stderr).toBe(0);
      expect(r.stdout).toContain("0 chart(s) failed");
    }
  });

  it.each(["default", "full"] as const)(
    "renders %s values to manifests that kubeconform -strict accepts",
    (which) => {
      const r = renders[which];
      const report = kubeconform(t, r.yaml);
      const bad = report.resources.filter((x) => x.status !== "statusValid");
      process.stdout.write(
        `kubeconform (${r.name}): ${JSON.stringify(report.summary)}\n  resources per kind: ${JSON.stringify(kindCounts(r.objects))}\n`,
      );
      expect(bad, JSON.stringify(bad, null, 2)).toEqual([]);
      expect(report.summary).toEqual({ valid: r.objects.length, invalid: 0, errors: 0, skipped: 0 });
    },
  );

  it("kubeconform rejects a misspelt field in a core resource and in a CR (the schemas are really applied)", () => {
    const planted = renders.full.yaml
      .replace(/(kind: KafkaTopic\nmetadata:[\s\S]*?spec:\n)(\s+)topicName:/, "$1$2topicNmae:")
      .replace(/(\n\s+)automountServiceAccountToken: false/, "$1automountServiceAccountTokn: false");
    expect(planted).not.toBe(renders.full.yaml);
    const report = kubeconform(t, planted);
    const invalid = report.resources.filter((x) => x.status === "statusInvalid").map((x) => x.kind);
    expect(invalid.sort()).toEqual(["Deployment", "KafkaTopic"]);
  });

  it("other combinations (Socket Mode, external Kafka with SASL/TLS, external Qdrant and MLflow, no vLLM) render valid and secure", () => {
    const variants = [
      "bot.socketMode=true,networkPolicy.enabled=false,postgresql.enabled=false,mlflow.external.url=http://mlflow.ml:5000",
      "kafka.external.brokers=kafka-0.kafka:9093\\,kafka-1.kafka:9093,kafka.tls.enabled=true,kafka.tls.caSecret=kafka-ca," +
        "kafka.sasl.mechanism=scram-sha-512,kafka.sasl.username=isa,keda.enabled=true,keda.triggerAuthenticationRef=kafka-auth," +
        "qdrant.enabled=false,qdrant.external.url=http://qdrant:6333",
      "kafka.enabled=true,vllm.enabled=false,llm.baseUrl=https://llm.example.com/v1,sources.persistence.existingClaim=shared," +
        "reindex.enabled=false,backend.autoscaling.enabled=false,image.digest=sha256:" +
        "0".repeat(64),
    ];
    for (const set of variants) {
      const r = render(t, set, ["--set", set]);
      const report = kubeconform(t, r.yaml);
      expect(report.summary, set).toEqual({ valid: r.objects.length, invalid: 0, errors: 0, skipped: 0 });
      expect(
        r.pods.flatMap((p) => [...podViolations(p), ...probeViolations(p, isIsaImage)]),
        set,
      ).toEqual([]);
    }
  });

  it("refuses settings it cannot honour", () => {
    for (const [set, why] of [
      ["flink.enabled=true", "Flink router"],
      ["qdrant.enabled=false", "vector store is required"],
      ["embedWorkers.gpu.enabled=true", "embedWorkers.gpu needs Kafka"],
    ] as const) {
      const r = helm(t, ["template", RELEASE, CHART, "--set", set]);
      expect(r.status, set).not.toBe(0);
      expect(r.stderr).toContain(why);
    }
  });

  it.each(["default", "full"] as const)("%s values: every pod meets the security controls", (which) => {
    const r = renders[which];
    expect(r.pods.length).toBeGreaterThan(0);
    const violations = r.pods.flatMap((p) => [...podViolations(p), ...probeViolations(p, isIsaImage)]);
    expect(violations).toEqual([]);
    // The chart creates no Secret (secrets come from an existing Secret or an ExternalSecret) and mounts no token.
    expect(r.objects.filter((o) => o.kind === "Secret")).toEqual([]);
    for (const sa of r.objects.filter((o) => o.kind === "ServiceAccount"))
      expect(sa.automountServiceAccountToken, sa.metadata.name).toBe(false);
    // Every Deployment and StatefulSet has a PodDisruptionBudget selecting its pods.
    const pdbs = r.objects.filter((o) => o.kind === "PodDisruptionBudget");
    for (const p of r.pods.filter((x) => x.kind === "Deployment" || x.kind === "StatefulSet"))
      expect(
        pdbs.some((b) => selects((b.spec as { selector: never }).selector, p.labels)),
        `${p.owner} has a PDB`,
      ).toBe(true);
    process.stdout.write(`security controls (${r.name}): ${r.pods.length} pod templates, 0 violations\n`);
  });

  it("the security checks fire on a planted fault (they can fail)", () => {
    const pod = renders.full.pods.find((p) => component(p) === "backend");
    expect(pod).toBeDefined();
    const spec = structuredClone(pod?.spec) as PodSpec;
    const c = spec.containers[0];
    if (!c) throw new Error("backend has no container");
    spec.automountServiceAccountToken = true;
    c.securityContext = {
      ...c.securityContext,
      readOnlyRootFilesystem: false,
      capabilities: { add: ["NET_ADMIN"] },
    };
    c.env = [...(c.env ?? []), { name: "SLACK_BOT_TOKEN", value: "xoxb-literal" }];
    delete c.readinessProbe;
    const planted: Pod = { ...(pod as Pod), spec };
    const found = [...podViolations(planted), ...probeViolations(planted, isIsaImage)].join("\n");
    for (const what of [
      "automountServiceAccountToken",
      "readOnlyRootFilesystem",
      "drop ALL",
      "adds capabilities NET_ADMIN",
      "SLACK_BOT_TOKEN has a literal value",
      "no readinessProbe",
    ])
      expect(found).toContain(what);
  });

  it.each(["default", "full"] as const)(
    "%s values: NetworkPolicies let only the ingress reach backend and bot, only backend and agents reach the LLM, store and MCP servers",
    (which) => {
      const r = renders[which];
      const pods = r.pods;
      const from = (target: string) => {
        const pod = pods.find((p) => component(p) === target);
        return pod ? allowedSources(r.objects, pod, pods) : null;
      };
      // Default deny: every pod of the release is selected by some ingress policy.
      for (const p of pods)
        expect(allowedSources(r.objects, p, pods), `${p.owner} is under a policy`).toBeDefined();
      const agents = new Set(["backend", "agent-docs", "agent-dev"]);
      const subset = (s: Set<string> | null | undefined, allowed: Set<string>) =>
        [...(s ?? [])].filter((x) => !allowed.has(x));
      expect(subset(from("backend"), new Set(["external", "bot"]))).toEqual([]);
      expect(from("backend")?.has("external")).toBe(true);
      const bot = from("bot");
      if (bot) expect([...bot]).toEqual(["external"]);
      for (const llm of ["vllm"]) if (from(llm) !== null) expect(subset(from(llm), agents)).toEqual([]);
      const writers = new Set([...agents, "embed-cpu", "embed-gpu", "reindex", "mcp-docs-search"]);
      if (from("qdrant") !== null) expect(subset(from("qdrant"), writers)).toEqual([]);
      for (const mcp of ["mcp-files", "mcp-git", "mcp-docs-search"])
        if (from(mcp) !== null) expect(subset(from(mcp), new Set([...agents, "mcp-gateway"]))).toEqual([]);
      for (const db of ["postgresql", "mlflow"])
        if (from(db) !== null) expect(subset(from(db), new Set([...agents, "external"]))).toEqual([]);
      // Workers take no inbound traffic but metrics scraping (an external peer, only when configured).
      for (const w of ["router", "agent-docs", "agent-dev", "mcp-gateway", "embed-cpu", "embed-gpu"])
        if (from(w) !== null) expect(subset(from(w), new Set(["external"]))).toEqual([]);
    },
  );

  it("full values: GPU pools, vLLM flags, Kafka topics and KEDA lag scaling as configured", () => {
    const r = renders.full;
    const pod = (name: string) => {
      const p = r.pods.find((x) => component(x) === name);
      if (!p) throw new Error(`no ${name} pod`);
      return p;
    };
    for (const name of ["embed-gpu", "vllm"]) {
      const p = pod(name);
      expect(p.spec.containers[0]?.resources?.limits?.["nvidia.com/gpu"], name).toBeGreaterThanOrEqual(1);
      expect(
        p.spec.tolerations?.some((x) => x.key === "nvidia.com/gpu"),
        name,
      ).toBe(true);
      expect(Object.keys(p.spec.nodeSelector ?? {}).length, name).toBeGreaterThan(0);
    }
    const gpuWorker = pod("embed-gpu").spec.containers[0];
    expect(gpuWorker?.env?.find((e) => e.name === "EMBED_DEVICE")?.value).toBe("cuda");
    expect(gpuWorker?.image).toMatch(/-cuda$/);
    expect(pod("embed-cpu").spec.containers[0]?.resources?.limits?.["nvidia.com/gpu"]).toBeUndefined();
    const vllmArgs = pod("vllm").spec.containers[0]?.args ?? [];
    expect(vllmArgs).toContain("--enable-auto-tool-choice");
    expect(vllmArgs).toContain("--tool-call-parser=hermes");
    expect(vllmArgs).toContain("--max-model-len=16384");

    const commands = Object.fromEntries(
      r.pods.map((p) => [component(p), p.spec.containers[0]?.command?.join(" ") ?? ""]),
    );
    expect(commands.backend).toContain("bin/isa.mjs serve");
    expect(commands.bot).toContain("bot/dist/main.js");
    expect(commands.router).toContain("bin/isa.mjs router");
    expect(commands["agent-docs"]).toContain("bin/isa.mjs agent docs");
    expect(commands["agent-dev"]).toContain("bin/isa.mjs agent dev");
    expect(commands["embed-cpu"]).toContain("bin/isa.mjs embed-worker");
    expect(commands["mcp-gateway"]).toContain("bin/isa.mjs mcp-gateway");
    expect(commands["mcp-files"]).toContain("bin/isa.mjs mcp files");
    expect(commands["mcp-git"]).toContain("bin/isa.mjs mcp git");
    expect(commands["mcp-docs-search"]).toContain("bin/isa.mjs mcp docs-search");
    expect(commands.reindex).toContain("bin/isa.mjs ingest --distributed");

    const topics = r.objects
      .filter((o) => o.kind === "KafkaTopic")
      .map((o) => (o.spec as { topicName: string }).topicName)
      .sort();
    const base = [
      "a2a.tasks",
      "tasks.docs",
      "tasks.dev",
      "a2a.events",
      "mcp.req",
      "mcp.resp",
      "ingest.documents",
      "audit",
    ];
    const dlq = ["a2a.tasks", "tasks.docs", "tasks.dev", "ingest.documents"].map((x) => `${x}.dlq`);
    expect(topics).toEqual([...base, ...dlq].sort());
    const scaled = r.objects
      .filter((o) => o.kind === "ScaledObject")
      .map(
        (o) => (o.spec as { triggers: Array<{ metadata: { topic: string } }> }).triggers[0]?.metadata.topic,
      );
    expect(scaled.sort()).toEqual([
      "a2a.tasks",
      "ingest.documents",
      "ingest.documents",
      "tasks.dev",
      "tasks.docs",
    ]);
    // Autoscaled workers leave replicas to KEDA.
    const router = r.objects.find((o) => o.kind === "Deployment" && o.metadata.name.endsWith("-router"));
    expect(router?.spec?.replicas).toBeUndefined();
  });

  it("the Dockerfile passes hadolint and pins its bases, runs as non-root and installs production dependencies only", () => {
    const r = run(t.hadolint, ["--failure-threshold", "info", DOCKERFILE]);
    expect(r.status, r.stdout + r.stderr).toBe(0);
    const text = readFileSync(DOCKERFILE, "utf8");
    for (const m of text.matchAll(/^ARG (\w+_IMAGE)=(\S+)$/gm))
      expect(m[2], m[1]).toMatch(/@sha256:[0-9a-f]{64}$/);
    expect(text).toMatch(/npm ci --omit=dev/);
    const users = [...text.matchAll(/^USER (\S+)$/gm)].map((m) => m[1]);
    expect(users.length).toBeGreaterThan(0);
    for (const u of users) expect(u).not.toMatch(/^(0|root)(:|$)/);
  });
});
