// Test utilities of @isa/kafka (import from `@isa/kafka/testkit`, only in tests): a real KRaft broker.
export type { KafkaBroker } from "./broker.js";
export { kafkaPrerequisiteMissing, startKafkaBroker } from "./broker.js";
