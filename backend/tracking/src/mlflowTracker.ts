// core's Tracker over MLflow's REST API: an eval run is an MLflow run (params, metrics, text artifacts through the
// server's artifact proxy). Unlike answer traces these calls are awaited: `isa eval --track` wants to know that
// its run landed, and fails with TRACKING_UNAVAILABLE when it did not.
import type { Tracker, TrackerRun } from "@isa/core";
import type { MlflowClient } from "./mlflowClient.js";
import { createMlflowClient } from "./mlflowClient.js";

export interface MlflowTrackerOptions {
  readonly uri: string;
  readonly timeoutMs?: number;
  /** Tags set on every run (e.g. `mlflow.source.git.commit`). */
  readonly tags?: Record<string, string>;
}

export function createMlflowTracker(opts: MlflowTrackerOptions): Tracker & { readonly client: MlflowClient } {
  const client = createMlflowClient({
    uri: opts.uri,
    ...(opts.timeoutMs ? { timeoutMs: opts.timeoutMs } : {}),
  });
  return {
    client,
    async startRun(experiment, runName): Promise<TrackerRun> {
      const experimentId = await client.experimentId(experiment);
      const info = await client.createRun({
        experimentId,
        runName,
        tags: { "mlflow.source.type": "LOCAL", "mlflow.source.name": "isa eval", ...opts.tags },
      });
      return {
        runId: info.run_id,
        async logParams(params) {
          await client.logBatch(info.run_id, {
            params: Object.fromEntries(Object.entries(params).map(([k, v]) => [k, String(v)])),
          });
        },
        async logMetrics(metrics) {
          await client.logBatch(info.run_id, { metrics });
        },
        async logText(name, text) {
          const type = name.endsWith(".json")
            ? "application/json"
            : name.endsWith(".jsonl")
              ? "application/x-ndjson"
              : "text/plain";
          await client.uploadArtifact(info, name, text, type);
        },
        async end(status) {
          await client.updateRun(info.run_id, status);
        },
      };
    },
  };
}
