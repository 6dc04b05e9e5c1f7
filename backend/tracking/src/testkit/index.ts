// Test helpers of @isa/tracking: a real MLflow server started from the cached venv.
export type { TestMlflow } from "./mlflowServer.js";
export {
  MLFLOW_VERSION,
  mlflowExecutable,
  mlflowPrerequisiteMissing,
  startTestMlflow,
} from "./mlflowServer.js";
