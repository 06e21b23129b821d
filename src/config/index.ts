export {
  assertEnvironmentName,
  ENVIRONMENT_NAME_PATTERN,
  isValidEnvironmentName,
} from "../environment/environment-name.js";
export {
  CONNECTION_VALUE_PATTERNS,
  type ConnectionKey,
  checkConnectionValue,
  configSchema,
  type EnvironmentConfig,
  type GrantsConfig,
  type RedshiftViewsConfig,
} from "./config-schema.js";
export { defineConfig } from "./define-config.js";
export { describeTarget, secretLabel } from "./describe-target.js";
export { GRANTEE_NAME_PATTERN, grantsKey, parseGrantee } from "./grants.js";
export { CONFIG_NAME, type LoadConfigOptions, loadConfig } from "./load-config.js";
export { type ParsedConfig, parseConfig } from "./parse-config.js";
export {
  DEFAULT_LOCAL_ENVIRONMENT,
  ENV_OVERRIDES,
  LOCAL_STATE_DIR,
  resolveTarget,
} from "./resolve-target.js";
export type {
  Grantee,
  GrantOverrides,
  Grants,
  LoadedConfig,
  ParsedEnvironment,
  ResolvedTarget,
} from "./types.js";
