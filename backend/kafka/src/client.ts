// One place that turns core's KafkaConfig into a kafkajs client: brokers, client id, SASL, TLS, retry policy, and
// kafkajs' logs routed to the caller's logger (silent without one).
import { readFileSync } from "node:fs";
import type { KafkaConfig } from "@isa/core";
import { AppError } from "@isa/core";
import type { LogEntry, RetryOptions, SASLOptions } from "kafkajs";
import kafkajs from "kafkajs";

const { Kafka, logLevel } = kafkajs;
export type KafkaClient = InstanceType<typeof Kafka>;

/** The part of a pino logger the adapter uses. */
export interface BusLogger {
  debug(obj: object, msg?: string): void;
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}

export interface KafkaClientOptions {
  /** kafkajs logs (connection errors, rebalances) go here; unset: not logged. */
  readonly logger?: BusLogger;
  /**
   * Retries of requests to the brokers (connect, produce, commit). The default rides out a broker restart of about
   * half a minute: 10 retries, 200 ms doubling to 5 s.
   */
  readonly retry?: RetryOptions;
}

export const DEFAULT_KAFKA_RETRY: RetryOptions = { retries: 10, initialRetryTime: 200, maxRetryTime: 5_000 };

function sasl(config: KafkaConfig): SASLOptions | undefined {
  const s = config.sasl;
  if (!s) return undefined;
  switch (s.mechanism) {
    case "plain":
      return { mechanism: "plain", username: s.username, password: s.password };
    case "scram-sha-256":
      return { mechanism: "scram-sha-256", username: s.username, password: s.password };
    case "scram-sha-512":
      return { mechanism: "scram-sha-512", username: s.username, password: s.password };
    default: {
      const never: never = s.mechanism;
      throw new AppError("CONFIG_INVALID", `unsupported SASL mechanism ${String(never)}`);
    }
  }
}

function ssl(config: KafkaConfig): boolean | { ca: string[] } {
  if (!config.ssl) return false;
  if (!config.ssl.caFile) return true;
  try {
    return { ca: [readFileSync(config.ssl.caFile, "utf8")] };
  } catch (err) {
    throw new AppError("CONFIG_INVALID", `KAFKA_SSL_CA_FILE cannot be read: ${config.ssl.caFile}`, {
      cause: err,
      details: { variables: ["KAFKA_SSL_CA_FILE"] },
    });
  }
}

export function createKafkaClient(config: KafkaConfig, options: KafkaClientOptions = {}): KafkaClient {
  const logger = options.logger;
  const saslOptions = sasl(config);
  return new Kafka({
    clientId: config.clientId,
    brokers: [...config.brokers],
    ssl: ssl(config),
    ...(saslOptions ? { sasl: saslOptions } : {}),
    retry: options.retry ?? DEFAULT_KAFKA_RETRY,
    logLevel: logger ? logLevel.INFO : logLevel.NOTHING,
    logCreator:
      () =>
      ({ level, log }: LogEntry) => {
        if (!logger) return;
        const { message, ...rest } = log;
        const entry = { component: "kafkajs", ...rest };
        // kafkajs logs retried, self-healing conditions (coordinator loading, rebalances) as errors: warn is truer.
        if (level === logLevel.ERROR || level === logLevel.WARN) logger.warn(entry, message);
        else if (level === logLevel.INFO) logger.debug(entry, message);
      },
  });
}

/** Any kafkajs failure, as the catalog's error. */
export function busUnavailable(err: unknown, what: string): AppError {
  if (err instanceof AppError) return err;
  const reason = err instanceof Error ? err.message : String(err);
  return new AppError("BUS_UNAVAILABLE", `Kafka: ${what} failed: ${reason}`, { cause: err });
}
