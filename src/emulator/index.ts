export type { DatabaseSchema } from "./database-schemas.js";
export { postgresSchemaFor } from "./database-schemas.js";
export type { ShimContext, ShimEffect, ShimmedStatement } from "./dialect-shim.js";
export { translateSql } from "./dialect-shim.js";
export type { AcceptedStatement, FaultOptions } from "./faults.js";
export { faultsFromEnv } from "./faults.js";
export { formatStatementError, sqlStateOf } from "./sql-error.js";
export type {
  EmulatorOptions,
  EmulatorStats,
  RunningEmulator,
  SeedResult,
  SeedSourceTablesInput,
} from "./start-emulator.js";
export { startEmulator } from "./start-emulator.js";
