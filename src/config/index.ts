export {
  assertEnvironmentName,
  ENVIRONMENT_NAME_PATTERN,
  isValidEnvironmentName,
} from "../environment/environment-name.js";
export { defineConfig } from "./define-config.js";
export { describeTarget, secretLabel } from "./describe-target.js";
export { GRANTEE_NAME_PATTERN, parseGrantee } from "./grants.js";
export { CONFIG_NAME, type LoadConfigOptions, loadConfig } from "./load-config.js";
export { DEFAULT_CONCURRENCY, MAX_CONCURRENCY, type ParsedConfig, parseConfig } from "./parse-config.js";
export {
  DEFAULT_LOCAL_ENVIRONMENT,
  ENV_OVERRIDES,
  LOCAL_STATE_DIR,
  resolveTarget,
} from "./resolve-target.js";
export type {
  ClusterEnvironmentConfig,
  EnvironmentConfig,
  Grantee,
  GrantOverrides,
  Grants,
  GrantsConfig,
  LoadedConfig,
  LocalEnvironmentConfig,
  ParsedEnvironment,
  RedshiftViewsConfig,
  ResolvedTarget,
  ServerlessEnvironmentConfig,
} from "./types.js";
