// The app's answer tracer: MLflow when MLFLOW_TRACKING_URI is set, else none (nothing is sent, nothing loaded).
// One per app (kept per ApiContext, like the principals in context.ts), created at registration so the first
// answer does not pay for loading the OpenTelemetry exporter, closed with the app (a last bounded flush). Its
// drop and export counts appear in /metrics.
import type { AnswerTracer } from "@isa/core";
import type { FastifyInstance } from "fastify";
import { Counter } from "prom-client";
import type { ApiContext } from "./context.js";

export interface AppTracing {
  /** The tracer, or undefined when tracking is off (or failed to load: logged once). */
  tracer(): Promise<AnswerTracer | undefined>;
}

const tracings = new WeakMap<ApiContext, AppTracing>();

export function appTracing(app: FastifyInstance, ctx: ApiContext): AppTracing {
  const known = tracings.get(ctx);
  if (known) return known;
  const { tracking } = ctx.config;
  let loaded: Promise<AnswerTracer | undefined> = Promise.resolve(undefined);
  if (tracking.uri) {
    const uri = tracking.uri;
    loaded = import("@isa/tracking")
      .then(({ createMlflowTracer }) => {
        const tracer = createMlflowTracer({
          uri,
          experimentName: tracking.experimentName,
          sampleRatio: tracking.sampleRatio,
          queueMax: tracking.queueMax,
          logger: app.log,
        });
        registerMetrics(ctx, tracer);
        app.log.info({ mlflow: uri, experiment: tracking.experimentName }, "answer traces go to MLflow");
        return tracer;
      })
      .catch((err: unknown) => {
        app.log.error({ err }, "MLflow tracking could not be loaded; answers are not traced");
        return undefined;
      });
    app.addHook("onClose", async () => {
      await (await loaded)?.close();
    });
  }
  const t: AppTracing = { tracer: () => loaded };
  tracings.set(ctx, t);
  return t;
}

function registerMetrics(ctx: ApiContext, tracer: AnswerTracer & { exported?: () => number }): void {
  const registry = ctx.metrics.registry;
  if (registry.getSingleMetric("isa_trace_spans_dropped_total")) return;
  new Counter({
    name: "isa_trace_spans_dropped_total",
    help: "Trace spans and feedback assessments not sent to MLflow (queue full, or MLflow down or refusing).",
    registers: [registry],
    collect() {
      this.reset();
      this.inc(tracer.dropped());
    },
  });
  if (tracer.exported) {
    const exported = tracer.exported;
    new Counter({
      name: "isa_trace_spans_exported_total",
      help: "Trace spans sent to MLflow.",
      registers: [registry],
      collect() {
        this.reset();
        this.inc(exported());
      },
    });
  }
}
