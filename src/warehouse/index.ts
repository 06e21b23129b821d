export { type ConnectionFields, connectionFields, LOCAL_WORKGROUP } from "./connection-fields.js";
export {
  type CreateWarehouseOptions,
  createWarehouse,
  DEFAULT_POLL,
  MAX_BATCH_STATEMENTS,
  MAX_STATEMENT_BYTES,
} from "./create-warehouse.js";
export { executeBatchWithSetup, isMissingRelation, isSerializationConflict } from "./execute-with-setup.js";
export { createLimiter, type Limiter } from "./limiter.js";
export { type OpenedWarehouse, type OpenWarehouseOptions, openWarehouse } from "./open-warehouse.js";
export { DEFAULT_RETRY } from "./retry.js";
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
export { type ClassifiedFailure, classifyFailure, type FailureKind } from "./warehouse-errors.js";
