// Discovery's public surface inside @isa/ingest (the package root index re-exports what it needs).
export type { FileType, NameVerdict } from "./classify.js";
export { classifyName } from "./classify.js";
export { discover } from "./discover.js";
export type {
  DiscoverEvent,
  DiscoverIo,
  DiscoverOptions,
  DiscoverSpec,
  SkipReason,
  SourceFile,
} from "./types.js";
