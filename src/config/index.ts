export { assertEnvironmentName } from "../environment/environment-name.js";
export type {
  EnvironmentConfig,
  RedshiftViewsConfig,
} from "./config-schema.js";

export { describeTarget } from "./describe-target.js";
export { grantsKey } from "./grants.js";
export { loadConfig } from "./load-config.js";
export { parseConfig } from "./parse-config.js";
export {
  LOCAL_STATE_DIR,
  resolveTarget,
} from "./resolve-target.js";
export type {
  Grants,
  LoadedConfig,
  ResolvedTarget,
} from "./types.js";
