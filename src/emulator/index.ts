export type { DatabaseSchema } from "./database-schemas.js";
export { postgresSchemaFor } from "./database-schemas.js";
export type { ShimContext, ShimEffect, ShimmedStatement } from "./dialect-shim.js";
export { translateSql } from "./dialect-shim.js";
export type { AcceptedStatement, FaultOptions } from "./faults.js";
export { faultsFromEnv } from "./faults.js";
export { DEFAULT_SUPERUSER } from "./principals.js";
export { secretUser } from "./request-identity.js";
export { formatStatementError, sqlStateOf } from "./sql-error.js";
export type {
  EmulatorOptions,
  EmulatorStats,
  QueryOptions,
  RunningEmulator,
  SeedDeployUserInput,
  SeedResult,
  SeedSourceTablesInput,
} from "./start-emulator.js";
export { startEmulator } from "./start-emulator.js";
