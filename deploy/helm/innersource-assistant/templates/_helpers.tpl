{{/* Names, labels and the pieces every isa workload shares. */}}

{{- define "isa.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{- define "isa.fullname" -}}
{{- if .Values.fullnameOverride -}}
{{- .Values.fullnameOverride | trunc 40 | trimSuffix "-" -}}
{{- else -}}
{{- $name := default .Chart.Name .Values.nameOverride -}}
{{- if contains $name .Release.Name -}}
{{- .Release.Name | trunc 40 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name $name | trunc 40 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}
{{- end -}}

{{/* Name of one component's objects: <fullname>-<component>. */}}
{{- define "isa.componentName" -}}
{{- printf "%s-%s" (include "isa.fullname" .root) .component | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{- define "isa.selectorLabels" -}}
app.kubernetes.io/name: {{ include "isa.name" .root }}
app.kubernetes.io/instance: {{ .root.Release.Name }}
app.kubernetes.io/component: {{ .component }}
{{- end -}}

{{- define "isa.labels" -}}
{{ include "isa.selectorLabels" . }}
app.kubernetes.io/version: {{ .root.Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .root.Release.Service }}
app.kubernetes.io/part-of: innersource-assistant
helm.sh/chart: {{ printf "%s-%s" .root.Chart.Name .root.Chart.Version | replace "+" "_" }}
{{- end -}}

{{/* Labels for release-wide objects (no component). */}}
{{- define "isa.commonLabels" -}}
app.kubernetes.io/name: {{ include "isa.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
app.kubernetes.io/part-of: innersource-assistant
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" }}
{{- end -}}

{{- define "isa.serviceAccountName" -}}
{{- if .Values.serviceAccount.create -}}
{{- default (include "isa.fullname" .) .Values.serviceAccount.name -}}
{{- else -}}
{{- default "default" .Values.serviceAccount.name -}}
{{- end -}}
{{- end -}}

{{- define "isa.secretName" -}}
{{- default (printf "%s-secrets" (include "isa.fullname" .)) .Values.secrets.name -}}
{{- end -}}

{{/* repository[:tag|@digest]; . = {repository, tag, digest}, $.default = fallback tag, $.suffix appended to the tag. */}}
{{- define "isa.imageRef" -}}
{{- if .image.digest -}}
{{- printf "%s@%s" .image.repository .image.digest -}}
{{- else -}}
{{- printf "%s:%s%s" .image.repository (default .default .image.tag) (default "" .suffix) -}}
{{- end -}}
{{- end -}}

{{- define "isa.image" -}}
{{- include "isa.imageRef" (dict "image" .Values.image "default" .Chart.AppVersion) -}}
{{- end -}}

{{/* The CUDA build: same repository, tag + gpuTagSuffix (a digest pins the CPU image only, so it is not reused). */}}
{{- define "isa.gpuImage" -}}
{{- $img := dict "repository" .Values.image.repository "tag" .Values.image.tag "digest" "" -}}
{{- include "isa.imageRef" (dict "image" $img "default" .Chart.AppVersion "suffix" .Values.image.gpuTagSuffix) -}}
{{- end -}}

{{- define "isa.podSecurityContext" -}}
{{ toYaml .Values.podSecurityContext }}
{{- end -}}

{{- define "isa.containerSecurityContext" -}}
{{ toYaml .Values.containerSecurityContext }}
{{- end -}}

{{/* Is Kafka on (Strimzi CRs or an external cluster)? Returns "true" or "". */}}
{{- define "isa.kafkaOn" -}}
{{- if or .Values.kafka.enabled .Values.kafka.external.brokers -}}true{{- end -}}
{{- end -}}

{{- define "isa.kafkaClusterName" -}}
{{- default (printf "%s-kafka" (include "isa.fullname" .)) .Values.kafka.clusterName -}}
{{- end -}}

{{- define "isa.kafkaBrokers" -}}
{{- if .Values.kafka.external.brokers -}}
{{- .Values.kafka.external.brokers -}}
{{- else if .Values.kafka.enabled -}}
{{- printf "%s-kafka-bootstrap.%s.svc:%s" (include "isa.kafkaClusterName" .) .Release.Namespace (ternary "9093" "9092" .Values.kafka.tls.enabled) -}}
{{- end -}}
{{- end -}}

{{- define "isa.qdrantUrl" -}}
{{- if .Values.qdrant.external.url -}}
{{- .Values.qdrant.external.url -}}
{{- else if .Values.qdrant.enabled -}}
{{- printf "http://%s:6333" (include "isa.componentName" (dict "root" . "component" "qdrant")) -}}
{{- end -}}
{{- end -}}

{{- define "isa.llmBaseUrl" -}}
{{- if .Values.vllm.enabled -}}
{{- printf "http://%s:%v/v1" (include "isa.componentName" (dict "root" . "component" "vllm")) .Values.vllm.port -}}
{{- else -}}
{{- .Values.llm.baseUrl -}}
{{- end -}}
{{- end -}}

{{- define "isa.mlflowUrl" -}}
{{- if .Values.mlflow.external.url -}}
{{- .Values.mlflow.external.url -}}
{{- else if .Values.mlflow.enabled -}}
{{- printf "http://%s:%v" (include "isa.componentName" (dict "root" . "component" "mlflow")) .Values.mlflow.port -}}
{{- end -}}
{{- end -}}

{{- define "isa.mcpUrl" -}}
{{- printf "http://%s:8080/mcp" (include "isa.componentName" (dict "root" .root "component" .component)) -}}
{{- end -}}

{{/* Secret-backed environment: `list` of {name, key, optional}. */}}
{{- define "isa.secretEnv" -}}
{{- $secret := include "isa.secretName" .root -}}
{{- range .items }}
- name: {{ .name }}
  valueFrom:
    secretKeyRef:
      name: {{ $secret }}
      key: {{ .key }}
      optional: {{ .optional | default false }}
{{- end }}
{{- end -}}

{{/*
Credentials an isa process gets, each only where needed (dict): root; qdrant, llm, db ("true" or "").
Metrics token and Kafka SASL password go to every isa process (all serve /metrics; Kafka clients need the password).
ISA_DATABASE_URL is assembled from the password (bundled PostgreSQL) or taken whole from the Secret (external).
*/}}
{{- define "isa.credentialsEnv" -}}
{{- $root := .root -}}
{{- $k := $root.Values.secrets.keys -}}
{{- $items := list (dict "name" "ISA_METRICS_TOKEN" "key" $k.metricsToken "optional" true) -}}
{{- if .qdrant }}{{ $items = append $items (dict "name" "QDRANT_API_KEY" "key" $k.qdrantApiKey "optional" true) }}{{ end -}}
{{- if .llm }}{{ $items = append $items (dict "name" "LLM_API_KEY" "key" $k.llmApiKey "optional" true) }}{{ end -}}
{{- if and (include "isa.kafkaOn" $root) $root.Values.kafka.sasl.mechanism }}{{ $items = append $items (dict "name" "KAFKA_SASL_PASSWORD" "key" $k.kafkaSaslPassword) }}{{ end -}}
{{- include "isa.secretEnv" (dict "root" $root "items" $items) }}
{{- if .db }}
{{- if $root.Values.postgresql.enabled }}
{{- include "isa.secretEnv" (dict "root" $root "items" (list (dict "name" "ISA_POSTGRES_PASSWORD" "key" $k.postgresPassword))) }}
- name: ISA_DATABASE_URL
  value: {{ printf "postgresql://%s:$(ISA_POSTGRES_PASSWORD)@%s:5432/%s" $root.Values.postgresql.username (include "isa.componentName" (dict "root" $root "component" "postgresql")) $root.Values.postgresql.database | quote }}
{{- else }}
{{- include "isa.secretEnv" (dict "root" $root "items" (list (dict "name" "ISA_DATABASE_URL" "key" $k.databaseUrl "optional" true))) }}
{{- end }}
{{- end }}
{{- end -}}

{{- define "isa.extraEnv" -}}
{{- range $name, $value := . }}
- name: {{ $name }}
  value: {{ $value | toString | quote }}
{{- end }}
{{- end -}}

{{/* Scratch volumes every isa container mounts (the root filesystem is read-only). */}}
{{- define "isa.baseVolumes" -}}
- name: tmp
  emptyDir:
    sizeLimit: {{ .Values.tmpSizeLimit }}
- name: data
  emptyDir:
    sizeLimit: {{ .Values.data.sizeLimit }}
{{- end -}}

{{- define "isa.baseVolumeMounts" -}}
- name: tmp
  mountPath: /tmp
- name: data
  mountPath: {{ .Values.data.mountPath }}
{{- end -}}

{{- define "isa.tokensVolume" -}}
- name: tokens
  secret:
    secretName: {{ include "isa.secretName" . }}
    optional: true
    defaultMode: 0440
    items:
      - key: {{ .Values.secrets.keys.tokensFile }}
        path: tokens.yaml
{{- end -}}

{{- define "isa.tokensVolumeMount" -}}
- name: tokens
  mountPath: /etc/isa/tokens
  readOnly: true
{{- end -}}

{{- define "isa.sourcesClaim" -}}
{{- default (include "isa.componentName" (dict "root" . "component" "sources")) .Values.sources.persistence.existingClaim -}}
{{- end -}}

{{/* CA of the brokers' TLS listener: the configured Secret, or the one Strimzi creates for the bundled cluster. */}}
{{- define "isa.kafkaCaSecret" -}}
{{- if .Values.kafka.tls.enabled -}}
{{- if .Values.kafka.tls.caSecret -}}
{{- .Values.kafka.tls.caSecret -}}
{{- else if .Values.kafka.enabled -}}
{{- printf "%s-cluster-ca-cert" (include "isa.kafkaClusterName" .) -}}
{{- end -}}
{{- end -}}
{{- end -}}

{{- define "isa.kafkaCaVolume" -}}
{{- with include "isa.kafkaCaSecret" . }}
- name: kafka-ca
  secret:
    secretName: {{ . }}
    items:
      - key: ca.crt
        path: ca.crt
{{- end }}
{{- end -}}

{{- define "isa.kafkaCaVolumeMount" -}}
{{- if include "isa.kafkaCaSecret" . }}
- name: kafka-ca
  mountPath: /etc/isa/kafka-ca
  readOnly: true
{{- end }}
{{- end -}}

{{/* HTTP probes on /healthz and /readyz; .host sets the Host header (servers with DNS-rebinding protection). */}}
{{- define "isa.httpProbes" -}}
{{- $p := .root.Values.probes -}}
{{- $headers := list -}}
{{- if .host }}{{- $headers = list (dict "name" "Host" "value" .host) -}}{{- end }}
startupProbe:
  httpGet: {path: /healthz, port: {{ .port }}{{ with $headers }}, httpHeaders: {{ toJson . }}{{ end }}}
  periodSeconds: {{ $p.startup.periodSeconds }}
  failureThreshold: {{ $p.startup.failureThreshold }}
  timeoutSeconds: {{ $p.startup.timeoutSeconds }}
livenessProbe:
  httpGet: {path: /healthz, port: {{ .port }}{{ with $headers }}, httpHeaders: {{ toJson . }}{{ end }}}
  periodSeconds: {{ $p.liveness.periodSeconds }}
  failureThreshold: {{ $p.liveness.failureThreshold }}
  timeoutSeconds: {{ $p.liveness.timeoutSeconds }}
readinessProbe:
  httpGet: {path: /readyz, port: {{ .port }}{{ with $headers }}, httpHeaders: {{ toJson . }}{{ end }}}
  periodSeconds: {{ $p.readiness.periodSeconds }}
  failureThreshold: {{ $p.readiness.failureThreshold }}
  timeoutSeconds: {{ $p.readiness.timeoutSeconds }}
{{- end -}}

{{/* PodDisruptionBudget for one component. */}}
{{- define "isa.pdb" -}}
apiVersion: policy/v1
kind: PodDisruptionBudget
metadata:
  name: {{ include "isa.componentName" . }}
  labels:
    {{- include "isa.labels" . | nindent 4 }}
spec:
  maxUnavailable: {{ .pdb.maxUnavailable | default 1 }}
  selector:
    matchLabels:
      {{- include "isa.selectorLabels" . | nindent 6 }}
{{- end -}}

{{/* The git MCP server needs at least one repository to serve. */}}
{{- define "isa.mcpGitOn" -}}
{{- if and .Values.mcp.git.enabled .Values.sources.repos -}}true{{- end -}}
{{- end -}}

{{/* Components allowed to reach the brokers (a JSON list). */}}
{{- define "isa.kafkaClients" -}}
{{- toJson (list "backend" "router" "agent-docs" "agent-dev" "mcp-gateway" "embed-cpu" "embed-gpu" "reindex") -}}
{{- end -}}

{{/* Settings the chart refuses, with the reason. Rendered from configmap.yaml. */}}
{{- define "isa.validate" -}}
{{- if not (include "isa.qdrantUrl" .) -}}
{{- fail "a vector store is required: set qdrant.enabled=true or qdrant.external.url (the embedded LanceDB index lives in one pod's emptyDir and is not shared by replicas or the re-index job)" -}}
{{- end -}}
{{- if and .Values.kafka.enabled .Values.kafka.external.brokers -}}
{{- fail "kafka.enabled (Strimzi) and kafka.external.brokers are exclusive" -}}
{{- end -}}
{{- if and .Values.kafka.enabled .Values.kafka.sasl.mechanism -}}
{{- fail "kafka.sasl applies to an external cluster; the bundled Strimzi cluster is reached over its internal listener, restricted by NetworkPolicy (and TLS with kafka.tls.enabled)" -}}
{{- end -}}
{{- if and .Values.keda.enabled (include "isa.kafkaOn" .) (or .Values.kafka.tls.enabled .Values.kafka.sasl.mechanism) (not .Values.keda.triggerAuthenticationRef) -}}
{{- fail "keda.triggerAuthenticationRef is required with Kafka TLS or SASL: KEDA's lag scaler needs the CA / credentials too" -}}
{{- end -}}
{{- if .Values.flink.enabled -}}
{{- fail "flink.enabled: the Flink router is not part of this chart yet (it is a later issue); keep it false" -}}
{{- end -}}
{{- if and .Values.embedWorkers.gpu.enabled (not (include "isa.kafkaOn" .)) -}}
{{- fail "embedWorkers.gpu needs Kafka (kafka.enabled or kafka.external.brokers): embed workers consume ingest.documents" -}}
{{- end -}}
{{- end -}}
