export { type CreateWarehouseOptions, createWarehouse, DEFAULT_POLL } from "./create-warehouse.js";
export { createLimiter } from "./limiter.js";
export { DEFAULT_CONCURRENCY, MAX_BATCH_STATEMENTS, MAX_CONCURRENCY, MAX_STATEMENT_BYTES } from "./limits.js";

export { isSerializationConflict } from "./statement-error.js";
export {
  parseStatementName,
  STATEMENT_NAME_MAX_LENGTH,
  statementName,
  statementNamePrefix,
} from "./statement-name.js";
export type {
  ConnectionFields,
  PollOptions,
  ResultRow,
  RetryOptions,
  StatementOptions,
  StatementOutcome,
  StatementSummary,
  Warehouse,
  WarehouseEvent,
} from "./types.js";
export type { WarehouseHints } from "./warehouse-errors.js";
