{{/*
One isa process as a Deployment. Arguments (dict):
  root       the chart context
  component  name suffix and app.kubernetes.io/component
  c          the component's values (replicas, env, resources, optional nodeSelector/tolerations/affinity)
  shared     values shared by a group of components (nodeSelector/tolerations/affinity fallbacks), may be empty
  command    the container command (list)
  port       port of the HTTP listener (probes, Service); every isa process serves /healthz and /readyz on it
  host       Host header for the probes (servers with DNS-rebinding protection)
  qdrant, llm, db  "true" → that service's credentials (QDRANT_API_KEY, LLM_API_KEY, ISA_DATABASE_URL)
  tokens     "true" → ISA_TOKENS_FILE mounted
  sources    "true" → the sources volume mounted read-only
  gpu        "true" → CUDA image, nvidia.com/gpu limit, EMBED_DEVICE=cuda
  autoscaled "true" → replicas left to an HPA or KEDA
  env        extra env entries (YAML list string)
  extraVolumes / extraMounts  extra volumes and mounts (YAML list strings)
*/}}
{{- define "isa.deployment" -}}
{{- $root := .root -}}
{{- $c := .c -}}
{{- $shared := .shared | default dict -}}
{{- $ctx := dict "root" $root "component" .component -}}
apiVersion: apps/v1
kind: Deployment
metadata:
  name: {{ include "isa.componentName" $ctx }}
  labels:
    {{- include "isa.labels" $ctx | nindent 4 }}
spec:
  {{- if not .autoscaled }}
  replicas: {{ $c.replicas }}
  {{- end }}
  revisionHistoryLimit: 3
  selector:
    matchLabels:
      {{- include "isa.selectorLabels" $ctx | nindent 6 }}
  template:
    metadata:
      labels:
        {{- include "isa.selectorLabels" $ctx | nindent 8 }}
      annotations:
        checksum/config: {{ include (print $root.Template.BasePath "/configmap.yaml") $root | sha256sum }}
    spec:
      serviceAccountName: {{ include "isa.serviceAccountName" $root }}
      automountServiceAccountToken: false
      enableServiceLinks: false
      securityContext:
        {{- include "isa.podSecurityContext" $root | nindent 8 }}
      {{- with $root.Values.imagePullSecrets }}
      imagePullSecrets:
        {{- range . }}
        - name: {{ . }}
        {{- end }}
      {{- end }}
      {{- if and .gpu $c.runtimeClassName }}
      runtimeClassName: {{ $c.runtimeClassName }}
      {{- end }}
      {{- with ($c.nodeSelector | default $shared.nodeSelector) }}
      nodeSelector:
        {{- toYaml . | nindent 8 }}
      {{- end }}
      {{- with ($c.tolerations | default $shared.tolerations) }}
      tolerations:
        {{- toYaml . | nindent 8 }}
      {{- end }}
      {{- with ($c.affinity | default $shared.affinity) }}
      affinity:
        {{- toYaml . | nindent 8 }}
      {{- end }}
      topologySpreadConstraints:
        - maxSkew: 1
          topologyKey: kubernetes.io/hostname
          whenUnsatisfiable: ScheduleAnyway
          labelSelector:
            matchLabels:
              {{- include "isa.selectorLabels" $ctx | nindent 14 }}
      terminationGracePeriodSeconds: 30
      containers:
        - name: {{ .component }}
          image: {{ if .gpu }}{{ include "isa.gpuImage" $root }}{{ else }}{{ include "isa.image" $root }}{{ end }}
          imagePullPolicy: {{ $root.Values.image.pullPolicy }}
          command: {{ toJson .command }}
          envFrom:
            - configMapRef:
                name: {{ include "isa.componentName" (dict "root" $root "component" "config") }}
          env:
            - name: ISA_PORT
              value: {{ .port | quote }}
            {{- if .gpu }}
            - name: EMBED_DEVICE
              value: cuda
            {{- end }}
            {{- if .tokens }}
            - name: ISA_TOKENS_FILE
              value: /etc/isa/tokens/tokens.yaml
            {{- end }}
            {{- include "isa.credentialsEnv" (dict "root" $root "qdrant" .qdrant "llm" .llm "db" .db) | nindent 12 }}
            {{- with .env }}
            {{- . | nindent 12 }}
            {{- end }}
            {{- include "isa.extraEnv" $c.env | nindent 12 }}
          ports:
            - name: http
              containerPort: {{ .port }}
              protocol: TCP
          {{- include "isa.httpProbes" (dict "root" $root "port" "http" "host" .host) | nindent 10 }}
          resources:
            {{- $res := deepCopy ($c.resources | default dict) -}}
            {{- if .gpu }}
            {{- $limits := merge (dict "nvidia.com/gpu" ($c.gpusPerPod | default 1)) ($res.limits | default dict) -}}
            {{- $_ := set $res "limits" $limits -}}
            {{- end }}
            {{- toYaml $res | nindent 12 }}
          securityContext:
            {{- include "isa.containerSecurityContext" $root | nindent 12 }}
          volumeMounts:
            {{- include "isa.baseVolumeMounts" $root | nindent 12 }}
            {{- if .tokens }}
            {{- include "isa.tokensVolumeMount" $root | nindent 12 }}
            {{- end }}
            {{- if .sources }}
            - name: sources
              mountPath: {{ $root.Values.sources.mountPath }}
              readOnly: true
            {{- end }}
            {{- include "isa.kafkaCaVolumeMount" $root | nindent 12 }}
            {{- with .extraMounts }}
            {{- . | nindent 12 }}
            {{- end }}
      volumes:
        {{- include "isa.baseVolumes" $root | nindent 8 }}
        {{- if .tokens }}
        {{- include "isa.tokensVolume" $root | nindent 8 }}
        {{- end }}
        {{- if .sources }}
        - name: sources
          persistentVolumeClaim:
            claimName: {{ include "isa.sourcesClaim" $root }}
            readOnly: true
        {{- end }}
        {{- include "isa.kafkaCaVolume" $root | nindent 8 }}
        {{- with .extraVolumes }}
        {{- . | nindent 8 }}
        {{- end }}
{{- end -}}

{{/* ClusterIP Service on port 8080 (or .servicePort) → the container's http port. */}}
{{- define "isa.service" -}}
{{- $ctx := dict "root" .root "component" .component -}}
apiVersion: v1
kind: Service
metadata:
  name: {{ include "isa.componentName" $ctx }}
  labels:
    {{- include "isa.labels" $ctx | nindent 4 }}
spec:
  type: ClusterIP
  selector:
    {{- include "isa.selectorLabels" $ctx | nindent 4 }}
  ports:
    - name: http
      port: {{ .servicePort | default 8080 }}
      targetPort: http
      protocol: TCP
{{- end -}}

{{/* KEDA ScaledObject on the consumer lag of one group over one topic. */}}
{{- define "isa.scaledObject" -}}
{{- $root := .root -}}
{{- $ctx := dict "root" $root "component" .component -}}
{{- $k := $root.Values.keda -}}
apiVersion: keda.sh/v1alpha1
kind: ScaledObject
metadata:
  name: {{ include "isa.componentName" $ctx }}
  labels:
    {{- include "isa.labels" $ctx | nindent 4 }}
spec:
  scaleTargetRef:
    name: {{ include "isa.componentName" $ctx }}
  pollingInterval: {{ $k.pollingInterval }}
  cooldownPeriod: {{ $k.cooldownPeriod }}
  minReplicaCount: {{ $k.minReplicas }}
  maxReplicaCount: {{ .maxReplicas | default $k.maxReplicas }}
  triggers:
    - type: kafka
      metadata:
        bootstrapServers: {{ include "isa.kafkaBrokers" $root | quote }}
        consumerGroup: {{ .group | quote }}
        topic: {{ .topic | quote }}
        lagThreshold: {{ $k.lagThreshold | quote }}
        offsetResetPolicy: earliest
        {{- if $root.Values.kafka.tls.enabled }}
        tls: enable
        {{- end }}
        {{- with $root.Values.kafka.sasl.mechanism }}
        sasl: {{ . | quote }}
        {{- end }}
      {{- with $k.triggerAuthenticationRef }}
      authenticationRef:
        name: {{ . }}
      {{- end }}
{{- end -}}
