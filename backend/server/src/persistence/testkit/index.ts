// Conformance suites every store implementation runs (persistence/*.test.ts).
export type { ConversationStoreHarness } from "./conversationStoreConformance.js";
export { describeConversationStore, turn } from "./conversationStoreConformance.js";
export type { TaskStoreHarness } from "./taskStoreConformance.js";
export { ctx, describeTaskStore, task } from "./taskStoreConformance.js";
