// Public surface of the model registry and fetcher.
export type { EnsureModelOptions, ModelFileStatus, ModelStatus } from "./ensureModel.js";
export { ensureModel, getModelSpec, modelDir, modelStatus, resolveInstalledModel } from "./ensureModel.js";
export type { FetchProgress } from "./fetchSource.js";
export { describeSource } from "./fetchSource.js";
export type {
  HfSource,
  ModelFileSpec,
  ModelName,
  ModelSource,
  ModelSpec,
  PypiMember,
  PypiPartsSource,
  PypiSource,
} from "./modelSpecs.js";
export { isModelName, MODELS } from "./modelSpecs.js";
export type { FileState } from "./verifiedCache.js";
export { sha256File } from "./verifiedCache.js";
