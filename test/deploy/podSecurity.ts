// The chart's security controls as checks over rendered manifests. Each check returns the violations it finds
// ("<kind>/<name>: <what>"), so a test can show them all at once and can prove a check fires on a planted fault.

export interface SecurityContext {
  runAsNonRoot?: boolean;
  runAsUser?: number;
  allowPrivilegeEscalation?: boolean;
  readOnlyRootFilesystem?: boolean;
  privileged?: boolean;
  capabilities?: { drop?: string[]; add?: string[] };
  seccompProfile?: { type?: string };
}

export interface Probe {
  httpGet?: { path?: string; port?: string | number };
  exec?: { command?: string[] };
  tcpSocket?: unknown;
}

export interface EnvVar {
  name: string;
  value?: string;
  valueFrom?: { secretKeyRef?: { name: string; key: string }; configMapKeyRef?: unknown };
}

export interface Container {
  name: string;
  image?: string;
  command?: string[];
  args?: string[];
  env?: EnvVar[];
  securityContext?: SecurityContext;
  livenessProbe?: Probe;
  readinessProbe?: Probe;
  resources?: { limits?: Record<string, unknown>; requests?: Record<string, unknown> };
}

export interface PodSpec {
  automountServiceAccountToken?: boolean;
  hostNetwork?: boolean;
  hostPID?: boolean;
  hostIPC?: boolean;
  securityContext?: SecurityContext;
  containers: Container[];
  initContainers?: Container[];
  volumes?: Array<{ name: string; hostPath?: unknown; emptyDir?: unknown }>;
  nodeSelector?: Record<string, string>;
  tolerations?: Array<{ key?: string }>;
}

export interface K8sObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string; labels?: Record<string, string> };
  spec?: Record<string, unknown>;
  automountServiceAccountToken?: boolean;
}

export interface Pod {
  /** `Kind/name` of the object that owns the pod template. */
  readonly owner: string;
  readonly kind: string;
  readonly labels: Record<string, string>;
  readonly spec: PodSpec;
}

/** Every pod template in the manifests: Deployments, StatefulSets, DaemonSets, Jobs and CronJobs. */
export function podsOf(objects: readonly K8sObject[]): Pod[] {
  const pods: Pod[] = [];
  for (const o of objects) {
    const spec = o.spec as
      | {
          template?: { metadata?: { labels?: Record<string, string> }; spec: PodSpec };
          jobTemplate?: {
            spec: { template: { metadata?: { labels?: Record<string, string> }; spec: PodSpec } };
          };
        }
      | undefined;
    const template =
      o.kind === "CronJob"
        ? spec?.jobTemplate?.spec.template
        : ["Deployment", "StatefulSet", "DaemonSet", "Job"].includes(o.kind)
          ? spec?.template
          : undefined;
    if (template)
      pods.push({
        owner: `${o.kind}/${o.metadata.name}`,
        kind: o.kind,
        labels: template.metadata?.labels ?? {},
        spec: template.spec,
      });
  }
  return pods;
}

const SECRETISH = /(TOKEN|SECRET|PASSWORD|PASSWD|API_KEY|PRIVATE_KEY|CREDENTIALS?)$/;

/**
 * Pod-level and container-level controls: non-root, read-only root filesystem, all capabilities dropped, no
 * privilege escalation, seccomp RuntimeDefault, no service-account token, no host namespaces or hostPath, a memory
 * limit, and secrets only by reference.
 */
export function podViolations(pod: Pod): string[] {
  const v: string[] = [];
  const at = (what: string) => v.push(`${pod.owner}: ${what}`);
  const s = pod.spec;
  if (s.automountServiceAccountToken !== false) at("automountServiceAccountToken is not false");
  if (s.hostNetwork || s.hostPID || s.hostIPC) at("uses a host namespace");
  for (const vol of s.volumes ?? []) if (vol.hostPath !== undefined) at(`volume ${vol.name} is a hostPath`);
  const podSc = s.securityContext ?? {};
  if (podSc.runAsUser === 0) at("pod runs as uid 0");
  for (const c of [...s.containers, ...(s.initContainers ?? [])]) {
    const where = (what: string) => at(`container ${c.name}: ${what}`);
    const sc = c.securityContext ?? {};
    if ((sc.runAsNonRoot ?? podSc.runAsNonRoot) !== true) where("runAsNonRoot is not true");
    if ((sc.runAsUser ?? podSc.runAsUser) === 0) where("runs as uid 0");
    if (sc.readOnlyRootFilesystem !== true) where("readOnlyRootFilesystem is not true");
    if (sc.allowPrivilegeEscalation !== false) where("allowPrivilegeEscalation is not false");
    if (sc.privileged === true) where("is privileged");
    if (!sc.capabilities?.drop?.includes("ALL")) where("capabilities do not drop ALL");
    if ((sc.capabilities?.add ?? []).length > 0)
      where(`adds capabilities ${sc.capabilities?.add?.join(",")}`);
    if ((sc.seccompProfile?.type ?? podSc.seccompProfile?.type) !== "RuntimeDefault")
      where("seccompProfile is not RuntimeDefault");
    if (c.resources?.limits?.memory === undefined) where("no memory limit");
    for (const e of c.env ?? []) {
      // A literal value is allowed only when it merely references other variables (e.g. a URL built from $(PASSWORD)).
      if (SECRETISH.test(e.name) && e.value !== undefined && !/^\$\([A-Z_]+\)$/.test(e.value))
        where(`secret-like ${e.name} has a literal value`);
      if (e.name === "ISA_DATABASE_URL" && e.value !== undefined && /:\/\/[^:/]+:[^$@][^@]*@/.test(e.value))
        where("ISA_DATABASE_URL embeds a literal password");
    }
  }
  return v;
}

/** Long-running containers have liveness and readiness probes; the isa image's probe /healthz and /readyz. */
export function probeViolations(pod: Pod, isIsaImage: (image: string) => boolean): string[] {
  if (pod.kind === "Job" || pod.kind === "CronJob") return [];
  const v: string[] = [];
  for (const c of pod.spec.containers) {
    const where = (what: string) => v.push(`${pod.owner}: container ${c.name}: ${what}`);
    if (!c.livenessProbe) where("no livenessProbe");
    if (!c.readinessProbe) where("no readinessProbe");
    if (c.image && isIsaImage(c.image)) {
      if (c.livenessProbe?.httpGet?.path !== "/healthz") where("livenessProbe is not GET /healthz");
      if (c.readinessProbe?.httpGet?.path !== "/readyz") where("readinessProbe is not GET /readyz");
    }
  }
  return v;
}

interface LabelSelector {
  matchLabels?: Record<string, string>;
  matchExpressions?: Array<{ key: string; operator: string; values?: string[] }>;
}

export function selects(selector: LabelSelector | undefined, labels: Record<string, string>): boolean {
  if (!selector) return false;
  for (const [k, val] of Object.entries(selector.matchLabels ?? {})) if (labels[k] !== val) return false;
  for (const e of selector.matchExpressions ?? []) {
    const has = e.key in labels;
    const value = labels[e.key];
    if (e.operator === "In" && !(has && e.values?.includes(value ?? ""))) return false;
    if (e.operator === "NotIn" && has && e.values?.includes(value ?? "")) return false;
    if (e.operator === "Exists" && !has) return false;
    if (e.operator === "DoesNotExist" && has) return false;
  }
  return true;
}

interface NetworkPolicySpec {
  podSelector: LabelSelector;
  policyTypes?: string[];
  ingress?: Array<{
    from?: Array<{ podSelector?: LabelSelector; namespaceSelector?: LabelSelector; ipBlock?: unknown }>;
    ports?: Array<{ port?: number | string }>;
  }>;
}

/**
 * Which pods of the release may open a connection to `target`, according to the NetworkPolicies (ingress only):
 * the components whose pod labels some allowing policy's peer selects, plus "external" when a namespace or IP peer
 * is allowed, plus "*" when a rule allows everyone. Undefined when no policy selects the target (all allowed).
 */
export function allowedSources(
  objects: readonly K8sObject[],
  target: Pod,
  pods: readonly Pod[],
): Set<string> | undefined {
  const policies = objects
    .filter((o) => o.kind === "NetworkPolicy")
    .map((o) => o.spec as unknown as NetworkPolicySpec)
    .filter(
      (p) => (p.policyTypes ?? ["Ingress"]).includes("Ingress") && selects(p.podSelector, target.labels),
    );
  if (policies.length === 0) return undefined;
  const out = new Set<string>();
  for (const p of policies)
    for (const rule of p.ingress ?? []) {
      if (!rule.from || rule.from.length === 0) out.add("*");
      for (const peer of rule.from ?? []) {
        if (peer.namespaceSelector || peer.ipBlock) {
          out.add("external");
          continue;
        }
        if (!peer.podSelector) continue;
        const sel = peer.podSelector;
        if (Object.keys(sel.matchLabels ?? {}).length === 0 && (sel.matchExpressions ?? []).length === 0)
          out.add("*");
        for (const src of pods)
          if (selects(sel, src.labels)) out.add(src.labels["app.kubernetes.io/component"] ?? src.owner);
      }
    }
  return out;
}
