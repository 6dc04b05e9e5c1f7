// @isa/kafka: the Kafka adapter of core's Bus port, and the admin code that creates the binding's topics.
export type { BusLogger, KafkaClientOptions } from "./client.js";
export { createKafkaClient, DEFAULT_KAFKA_RETRY } from "./client.js";
export type { KafkaBusOptions } from "./kafkaBus.js";
export { createKafkaBus } from "./kafkaBus.js";
export type { EnsureTopicsOptions, EnsureTopicsReport } from "./topicAdmin.js";
export { ensureTopics } from "./topicAdmin.js";
