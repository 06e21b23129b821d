export { type CreateWarehouseOptions, createWarehouse, DEFAULT_POLL } from "./create-warehouse.js";
export { createLimiter, type Limiter } from "./limiter.js";
export { DEFAULT_CONCURRENCY, MAX_BATCH_STATEMENTS, MAX_CONCURRENCY, MAX_STATEMENT_BYTES } from "./limits.js";
export { DEFAULT_RETRY } from "./retry.js";
export { isSerializationConflict, redshiftErrorNumber } from "./statement-error.js";
export {
  type ParsedStatementName,
  parseStatementName,
  STATEMENT_NAME_MAX_LENGTH,
  STATEMENT_NAME_PREFIX,
  type StatementOperation,
  statementName,
  statementNamePrefix,
} from "./statement-name.js";
export type {
  ConnectionFields,
  DataApiOperation,
  ListStatementsOptions,
  PollOptions,
  ResultRow,
  ResultValue,
  RetryOptions,
  StatementOptions,
  StatementOutcome,
  StatementStatus,
  StatementSummary,
  Warehouse,
  WarehouseEvent,
} from "./types.js";
export {
  type ClassifiedFailure,
  classifyFailure,
  GENERIC_HINTS,
  type WarehouseHints,
} from "./warehouse-errors.js";
