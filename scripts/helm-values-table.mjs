// Prints the Markdown table of the chart's values (key, default, description) from values.yaml and its comments
// (a comment starting with `--` describes the key below it). The chart README's table is this output; the deploy
// test checks that every key of values.yaml appears there. Usage: node scripts/helm-values-table.mjs [values.yaml]
import { readFileSync } from "node:fs";
import { isMap, isScalar, isSeq, parseDocument } from "yaml";

const file = process.argv[2] ?? new URL("../deploy/helm/innersource-assistant/values.yaml", import.meta.url);
const doc = parseDocument(readFileSync(file, "utf8"));
// Maps shown whole (their keys are data, not settings).
const WHOLE = new Set([
  "resources",
  "config",
  "nodeSelector",
  "affinity",
  "annotations",
  "env",
  "channels",
  "users",
  "owners",
  "podSecurityContext",
  "containerSecurityContext",
  "startup",
  "liveness",
  "readiness",
  "topics",
  "dlq",
  "secretStoreRef",
]);

// Said once for keys that recur in every component (used when the key has no `# --` comment of its own).
const GENERIC = {
  enabled: "Render this component.",
  replicas: "Pod count (ignored when an HPA or KEDA scales the component).",
  resources: "Container resource requests and limits.",
  env: "Extra environment variables for this component only (name: value).",
  nodeSelector: "Node selector for this component's pods.",
  tolerations: "Tolerations for this component's pods.",
  affinity: "Affinity for this component's pods.",
  maxUnavailable: "PodDisruptionBudget: pods that may be down at once during voluntary disruptions.",
  pullPolicy: "Image pull policy.",
  repository: "Image repository.",
  tag: "Image tag.",
  digest: "Image digest (sha256:…); replaces the tag when set.",
  size: "Volume size.",
  storageClass: "StorageClass of the volume (empty: the cluster default).",
  existingClaim: "An existing PersistentVolumeClaim to use instead of creating one.",
  port: "Container port.",
  runtimeClassName: "RuntimeClass of the GPU pods.",
  minReplicas: "Lower bound of the autoscaler.",
  maxReplicas: "Upper bound of the autoscaler.",
  startup: "startupProbe timing (GET /healthz).",
  liveness: "livenessProbe timing (GET /healthz).",
  readiness: "readinessProbe timing (GET /readyz).",
  annotations: "Extra annotations.",
};

const describe = (comment) =>
  (comment ?? "")
    .split("\n")
    .map((l) => l.trim())
    .filter((l) => l.startsWith("--"))
    .map((l) => l.slice(2).trim())
    .join(" ");

const rows = [];
function walk(map, prefix) {
  map.items.forEach((pair, i) => {
    const key = String(pair.key.value);
    const path = prefix ? `${prefix}.${key}` : key;
    const comment = describe(pair.key.commentBefore ?? (i === 0 ? map.commentBefore : undefined));
    if (isMap(pair.value) && pair.value.items.length > 0 && !WHOLE.has(key)) {
      walk(pair.value, path);
      return;
    }
    let value;
    if (isScalar(pair.value) || pair.value === null) value = JSON.stringify(pair.value?.toJSON() ?? null);
    else if (isSeq(pair.value) || isMap(pair.value)) value = JSON.stringify(pair.value.toJSON());
    rows.push({ path, value, comment: comment || describe(pair.value?.commentBefore) || GENERIC[key] || "" });
  });
}
walk(doc.contents, "");
const esc = (s) => s.replaceAll("|", "\\|");
process.stdout.write("| Key | Default | Description |\n| --- | --- | --- |\n");
for (const r of rows) process.stdout.write(`| \`${r.path}\` | \`${esc(r.value)}\` | ${esc(r.comment)} |\n`);
