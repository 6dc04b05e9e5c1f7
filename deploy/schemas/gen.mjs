// Writes the CRD JSON schemas kubeconform uses for the custom resources the chart renders. Written for this project
// from the operators' API references (Strimzi 0.49+ kafka.strimzi.io/v1, KEDA 2.x keda.sh/v1alpha1, External Secrets
// Operator external-secrets.io/v1); each covers the fields the chart can render, closed (additionalProperties:
// false) so kubeconform -strict rejects a misspelt or misplaced key.
// Run: node deploy/schemas/gen.mjs && npx biome format --write deploy/schemas
import { mkdirSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const str = { type: "string" };
const int = (minimum) => ({ type: "integer", ...(minimum === undefined ? {} : { minimum }) });
const bool = { type: "boolean" };
const anyObject = { type: "object" }; // Kubernetes core types (securityContext, affinity, …) validated by the API server
const closed = (properties, required = []) => ({
  type: "object",
  properties,
  ...(required.length ? { required } : {}),
  additionalProperties: false,
});
const mapOf = (v) => ({ type: "object", additionalProperties: v });
const metadata = closed({
  name: { type: "string", pattern: "^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$", maxLength: 253 },
  namespace: str,
  labels: mapOf(str),
  annotations: mapOf(str),
});
const resource = (apiVersion, kind, spec, specRequired = true) =>
  closed(
    {
      apiVersion: { type: "string", enum: [apiVersion] },
      kind: { type: "string", enum: [kind] },
      metadata,
      spec,
    },
    ["apiVersion", "kind", "metadata", ...(specRequired ? ["spec"] : [])],
  );
const resources = closed({ requests: mapOf({}), limits: mapOf({}), claims: { type: "array" } });
const podTemplate = closed({
  metadata: closed({ labels: mapOf(str), annotations: mapOf(str) }),
  securityContext: anyObject,
  affinity: anyObject,
  tolerations: { type: "array" },
  topologySpreadConstraints: { type: "array" },
  priorityClassName: str,
  imagePullSecrets: { type: "array" },
  terminationGracePeriodSeconds: int(0),
  enableServiceLinks: bool,
  tmpDirSizeLimit: str,
  volumes: { type: "array" },
});
const containerTemplate = closed({
  securityContext: anyObject,
  env: { type: "array" },
  volumeMounts: { type: "array" },
});
const brokerConfig = mapOf({ type: ["string", "integer", "boolean", "number"] });

// Strimzi: Kafka (KRaft; brokers and controllers come from KafkaNodePools).
const listener = closed(
  {
    name: { type: "string", pattern: "^[a-z0-9]{1,11}$" },
    port: int(9092),
    type: {
      type: "string",
      enum: ["internal", "route", "loadbalancer", "nodeport", "ingress", "cluster-ip"],
    },
    tls: bool,
    authentication: closed({ type: { type: "string", enum: ["tls", "scram-sha-512", "oauth", "custom"] } }, [
      "type",
    ]),
    configuration: anyObject,
    networkPolicyPeers: { type: "array", items: anyObject },
  },
  ["name", "port", "type", "tls"],
);
const kafka = resource(
  "kafka.strimzi.io/v1",
  "Kafka",
  closed(
    {
      kafka: closed(
        {
          version: str,
          metadataVersion: str,
          listeners: { type: "array", minItems: 1, items: listener },
          config: brokerConfig,
          authorization: anyObject,
          rack: anyObject,
          metricsConfig: anyObject,
          logging: anyObject,
          template: anyObject,
        },
        ["listeners"],
      ),
      entityOperator: closed({
        topicOperator: closed({ resources, watchedNamespace: str, reconciliationIntervalMs: int(0) }),
        userOperator: closed({ resources, watchedNamespace: str, reconciliationIntervalMs: int(0) }),
        template: closed({
          pod: podTemplate,
          topicOperatorContainer: containerTemplate,
          userOperatorContainer: containerTemplate,
        }),
      }),
      clusterCa: anyObject,
      clientsCa: anyObject,
      cruiseControl: anyObject,
      kafkaExporter: anyObject,
      maintenanceTimeWindows: { type: "array", items: str },
    },
    ["kafka"],
  ),
);
const volume = closed(
  {
    id: int(0),
    type: { type: "string", enum: ["ephemeral", "persistent-claim"] },
    size: str,
    class: str,
    deleteClaim: bool,
    kraftMetadata: { type: "string", enum: ["shared"] },
    sizeLimit: str,
  },
  ["type"],
);
const nodePool = resource(
  "kafka.strimzi.io/v1",
  "KafkaNodePool",
  closed(
    {
      replicas: int(0),
      roles: { type: "array", minItems: 1, items: { type: "string", enum: ["controller", "broker"] } },
      storage: closed(
        {
          type: { type: "string", enum: ["ephemeral", "persistent-claim", "jbod"] },
          volumes: { type: "array", items: volume },
          size: str,
          class: str,
          deleteClaim: bool,
        },
        ["type"],
      ),
      resources,
      jvmOptions: anyObject,
      template: closed({
        pod: podTemplate,
        kafkaContainer: containerTemplate,
        initContainer: containerTemplate,
        persistentVolumeClaim: anyObject,
        podSet: anyObject,
      }),
    },
    ["replicas", "roles", "storage"],
  ),
);
const topic = resource(
  "kafka.strimzi.io/v1",
  "KafkaTopic",
  closed({
    topicName: str,
    partitions: int(1),
    replicas: { type: "integer", minimum: 1, maximum: 32767 },
    config: brokerConfig,
  }),
);

// KEDA ScaledObject with the Kafka scaler (trigger metadata values are strings).
const scaledObject = resource(
  "keda.sh/v1alpha1",
  "ScaledObject",
  closed(
    {
      scaleTargetRef: closed({ name: str, kind: str, apiVersion: str, envSourceContainerName: str }, [
        "name",
      ]),
      pollingInterval: int(1),
      cooldownPeriod: int(0),
      initialCooldownPeriod: int(0),
      idleReplicaCount: int(0),
      minReplicaCount: int(0),
      maxReplicaCount: int(1),
      fallback: closed({ failureThreshold: int(1), replicas: int(0) }, ["failureThreshold", "replicas"]),
      advanced: anyObject,
      triggers: {
        type: "array",
        minItems: 1,
        items: closed(
          {
            type: str,
            name: str,
            metadata: mapOf(str),
            metricType: { type: "string", enum: ["AverageValue", "Value", "Utilization"] },
            useCachedMetrics: bool,
            authenticationRef: closed(
              {
                name: str,
                kind: { type: "string", enum: ["TriggerAuthentication", "ClusterTriggerAuthentication"] },
              },
              ["name"],
            ),
          },
          ["type", "metadata"],
        ),
      },
    },
    ["scaleTargetRef", "triggers"],
  ),
);

// External Secrets Operator ExternalSecret (v1 API, ESO ≥ 0.17).
const remoteRef = closed(
  {
    key: str,
    property: str,
    version: str,
    decodingStrategy: { type: "string", enum: ["Auto", "Base64", "Base64URL", "None"] },
    conversionStrategy: { type: "string", enum: ["Default", "Unicode"] },
    metadataPolicy: { type: "string", enum: ["None", "Fetch"] },
  },
  ["key"],
);
const externalSecret = resource(
  "external-secrets.io/v1",
  "ExternalSecret",
  closed(
    {
      refreshInterval: str,
      refreshPolicy: { type: "string", enum: ["CreatedOnce", "Periodic", "OnChange"] },
      secretStoreRef: closed(
        {
          name: { type: "string", minLength: 1, maxLength: 253 },
          kind: { type: "string", enum: ["SecretStore", "ClusterSecretStore"] },
        },
        [],
      ),
      target: closed({
        name: str,
        creationPolicy: { type: "string", enum: ["Owner", "Orphan", "Merge", "None"] },
        deletionPolicy: { type: "string", enum: ["Delete", "Merge", "Retain"] },
        immutable: bool,
        template: anyObject,
      }),
      data: {
        type: "array",
        items: closed({ secretKey: str, remoteRef, sourceRef: anyObject }, ["secretKey", "remoteRef"]),
      },
      dataFrom: {
        type: "array",
        items: closed({
          extract: remoteRef,
          find: anyObject,
          rewrite: { type: "array" },
          sourceRef: anyObject,
        }),
      },
    },
    [],
  ),
);

const files = {
  "kafka.strimzi.io/kafka_v1.json": kafka,
  "kafka.strimzi.io/kafkanodepool_v1.json": nodePool,
  "kafka.strimzi.io/kafkatopic_v1.json": topic,
  "keda.sh/scaledobject_v1alpha1.json": scaledObject,
  "external-secrets.io/externalsecret_v1.json": externalSecret,
};
for (const [path, schema] of Object.entries(files)) {
  const file = join(here, path);
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(
    file,
    `${JSON.stringify({ $schema: "http://json-schema.org/draft-07/schema#", ...schema }, null, 2)}\n`,
  );
}
