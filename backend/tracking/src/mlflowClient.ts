// The few MLflow REST calls the product makes (experiments, runs, artifacts, assessments, trace reads), over fetch
// with a timeout. MLflow answers errors as `{error_code, message}`; they surface as TRACKING_UNAVAILABLE with the
// status and code, so a caller can tell "not there" (404 / RESOURCE_DOES_NOT_EXIST) from "server down".
import { AppError } from "@isa/core";

export interface MlflowClientOptions {
  /** The tracking server, e.g. `http://127.0.0.1:5000` (no trailing slash needed). */
  readonly uri: string;
  /** Per request (default 10 s). */
  readonly timeoutMs?: number;
}

export interface MlflowRunInfo {
  readonly run_id: string;
  readonly experiment_id: string;
  readonly run_name?: string;
  readonly status?: string;
  readonly start_time?: number | string;
  readonly end_time?: number | string;
  readonly artifact_uri?: string;
}

export interface MlflowRun {
  readonly info: MlflowRunInfo;
  readonly data: {
    readonly params?: readonly { key: string; value: string }[];
    readonly metrics?: readonly { key: string; value: number; step?: number | string }[];
    readonly tags?: readonly { key: string; value: string }[];
  };
}

export class MlflowRequestError extends AppError {
  constructor(
    readonly status: number,
    readonly mlflowCode: string | undefined,
    message: string,
  ) {
    super("TRACKING_UNAVAILABLE", message, { details: { status, mlflowCode } });
  }
  get notFound(): boolean {
    return this.status === 404 || this.mlflowCode === "RESOURCE_DOES_NOT_EXIST";
  }
}

export interface MlflowClient {
  readonly uri: string;
  /** The experiment's id, creating it when missing. */
  experimentId(name: string): Promise<string>;
  createRun(opts: {
    experimentId: string;
    runName: string;
    tags?: Record<string, string>;
  }): Promise<MlflowRunInfo>;
  logBatch(
    runId: string,
    batch: {
      params?: Record<string, string>;
      metrics?: Record<string, number>;
      tags?: Record<string, string>;
    },
  ): Promise<void>;
  updateRun(runId: string, status: "FINISHED" | "FAILED" | "KILLED"): Promise<void>;
  getRun(runId: string): Promise<MlflowRun>;
  /** Uploads through the server's artifact proxy (`--serve-artifacts`, the default). */
  uploadArtifact(run: MlflowRunInfo, path: string, body: string, contentType?: string): Promise<void>;
  downloadArtifact(run: MlflowRunInfo, path: string): Promise<string>;
  createAssessment(traceId: string, assessment: Record<string, unknown>): Promise<Record<string, unknown>>;
  /** A trace with its spans (`tr-…` id), as MLflow stored it. */
  getTrace(traceId: string): Promise<Record<string, unknown>>;
  /** Raw JSON request against `/api/…` (tests and rarely used calls). */
  request<T>(method: string, path: string, body?: unknown): Promise<T>;
}

export function createMlflowClient(opts: MlflowClientOptions): MlflowClient {
  const uri = opts.uri.replace(/\/+$/, "");
  const timeoutMs = opts.timeoutMs ?? 10_000;

  async function send(method: string, path: string, init: { body?: string; contentType?: string } = {}) {
    let res: Response;
    try {
      res = await fetch(`${uri}${path}`, {
        method,
        headers: init.contentType ? { "content-type": init.contentType } : {},
        ...(init.body === undefined ? {} : { body: init.body }),
        signal: AbortSignal.timeout(timeoutMs),
      });
    } catch (err) {
      throw new MlflowRequestError(
        0,
        undefined,
        `MLflow at ${uri} is unreachable (${(err as Error).message}).`,
      );
    }
    if (!res.ok) {
      const text = await res.text().catch(() => "");
      let code: string | undefined;
      let message = text.slice(0, 300);
      try {
        const j = JSON.parse(text) as { error_code?: string; message?: string; detail?: string };
        code = j.error_code;
        message = j.message ?? j.detail ?? message;
      } catch {
        // not JSON: keep the text
      }
      throw new MlflowRequestError(res.status, code, `MLflow ${method} ${path}: ${res.status} ${message}`);
    }
    return res;
  }

  async function request<T>(method: string, path: string, body?: unknown): Promise<T> {
    const res = await send(method, path, {
      ...(body === undefined ? {} : { body: JSON.stringify(body), contentType: "application/json" }),
    });
    const text = await res.text();
    return (text === "" ? {} : JSON.parse(text)) as T;
  }

  const artifactPath = (run: MlflowRunInfo, path: string) => {
    // artifact_uri is `mlflow-artifacts:/<experiment>/<run>/artifacts` when the server proxies artifacts.
    const base = (run.artifact_uri ?? "").replace(/^mlflow-artifacts:\/*/, "");
    if (base === "" || base === run.artifact_uri) {
      throw new AppError(
        "TRACKING_UNAVAILABLE",
        `The MLflow server does not proxy artifacts (artifact_uri ${run.artifact_uri ?? "missing"}); start it with --serve-artifacts.`,
      );
    }
    const rel = path.split("/").map(encodeURIComponent).join("/");
    return `/api/2.0/mlflow-artifacts/artifacts/${base}/${rel}`;
  };

  return {
    uri,
    request,
    async experimentId(name) {
      try {
        const r = await request<{ experiment: { experiment_id: string } }>(
          "GET",
          `/api/2.0/mlflow/experiments/get-by-name?experiment_name=${encodeURIComponent(name)}`,
        );
        return r.experiment.experiment_id;
      } catch (err) {
        if (!(err instanceof MlflowRequestError && err.notFound)) throw err;
      }
      try {
        const r = await request<{ experiment_id: string }>("POST", "/api/2.0/mlflow/experiments/create", {
          name,
        });
        return r.experiment_id;
      } catch (err) {
        // Created meanwhile by another process: read it again.
        if (err instanceof MlflowRequestError && err.mlflowCode === "RESOURCE_ALREADY_EXISTS") {
          const r = await request<{ experiment: { experiment_id: string } }>(
            "GET",
            `/api/2.0/mlflow/experiments/get-by-name?experiment_name=${encodeURIComponent(name)}`,
          );
          return r.experiment.experiment_id;
        }
        throw err;
      }
    },
    async createRun({ experimentId, runName, tags }) {
      const r = await request<{ run: { info: MlflowRunInfo } }>("POST", "/api/2.0/mlflow/runs/create", {
        experiment_id: experimentId,
        run_name: runName,
        start_time: Date.now(),
        tags: Object.entries({ "mlflow.runName": runName, ...tags }).map(([key, value]) => ({ key, value })),
      });
      return r.run.info;
    },
    async logBatch(runId, batch) {
      const now = Date.now();
      // MLflow caps a batch at 100 params and 1000 metrics; eval logs fewer, but split anyway.
      const params = Object.entries(batch.params ?? {}).map(([key, value]) => ({
        key,
        value: String(value).slice(0, 6000),
      }));
      const metrics = Object.entries(batch.metrics ?? {})
        .filter(([, v]) => Number.isFinite(v))
        .map(([key, value]) => ({ key, value, timestamp: now, step: 0 }));
      const tags = Object.entries(batch.tags ?? {}).map(([key, value]) => ({ key, value }));
      for (let i = 0; i < Math.max(params.length, metrics.length, tags.length, 1); i += 100) {
        const p = params.slice(i, i + 100);
        const m = metrics.slice(i, i + 100);
        const t = tags.slice(i, i + 100);
        if (p.length + m.length + t.length === 0) break;
        await request("POST", "/api/2.0/mlflow/runs/log-batch", {
          run_id: runId,
          params: p,
          metrics: m,
          tags: t,
        });
      }
    },
    async updateRun(runId, status) {
      await request("POST", "/api/2.0/mlflow/runs/update", { run_id: runId, status, end_time: Date.now() });
    },
    async getRun(runId) {
      const r = await request<{ run: MlflowRun }>(
        "GET",
        `/api/2.0/mlflow/runs/get?run_id=${encodeURIComponent(runId)}`,
      );
      return r.run;
    },
    async uploadArtifact(run, path, body, contentType = "application/octet-stream") {
      await send("PUT", artifactPath(run, path), { body, contentType });
    },
    async downloadArtifact(run, path) {
      return (await send("GET", artifactPath(run, path))).text();
    },
    async createAssessment(traceId, assessment) {
      const r = await request<{ assessment: Record<string, unknown> }>(
        "POST",
        `/api/3.0/mlflow/traces/${encodeURIComponent(traceId)}/assessments`,
        { assessment: { trace_id: traceId, ...assessment } },
      );
      return r.assessment;
    },
    async getTrace(traceId) {
      const r = await request<{ trace: Record<string, unknown> }>(
        "GET",
        `/api/3.0/mlflow/traces/get?trace_id=${encodeURIComponent(traceId)}`,
      );
      return r.trace;
    },
  };
}

/** MLflow's id for the trace of an OpenTelemetry trace id (32 hex digits). */
export function mlflowTraceId(otelTraceId: string): string {
  return `tr-${otelTraceId}`;
}
