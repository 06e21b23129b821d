import { createHash } from "node:crypto";
import { assertEnvironmentName } from "../environment/environment-name.js";

const STATEMENT_NAME_PREFIX = "redshift-views";
/** The Data API's limit on StatementName. */
export const STATEMENT_NAME_MAX_LENGTH = 500;

export type StatementOperation =
  | "create"
  | "comment"
  | "drop"
  | "refresh"
  | "catalog"
  | "schema"
  | "lock"
  | "status"
  | "history";

const OPERATIONS: readonly StatementOperation[] = [
  "create",
  "comment",
  "drop",
  "refresh",
  "catalog",
  "schema",
  "lock",
  "status",
  "history",
];

/** `redshift-views:<env>:` — the ListStatements prefix of every statement this tool sent to an environment. */
export function statementNamePrefix(environment: string, operation?: StatementOperation): string {
  assertEnvironmentName(environment);
  return `${STATEMENT_NAME_PREFIX}:${environment}:${operation === undefined ? "" : `${operation}:`}`;
}

/**
 * `redshift-views:<env>:<op>:<view>`. A view part that would exceed the 500-character limit is
 * shortened and suffixed with `~<hash>` so names stay distinct.
 */
export function statementName(environment: string, operation: StatementOperation, view?: string): string {
  const head = statementNamePrefix(environment, operation);
  const name = `${head}${view ?? ""}`;
  if (name.length <= STATEMENT_NAME_MAX_LENGTH) return name;
  const hash = createHash("sha256")
    .update(view ?? "")
    .digest("hex")
    .slice(0, 12);
  return `${name.slice(0, STATEMENT_NAME_MAX_LENGTH - hash.length - 1)}~${hash}`;
}

export interface ParsedStatementName {
  readonly environment: string;
  readonly operation: StatementOperation;
  /** As written in the name (shortened names keep their `~hash` suffix). */
  readonly view?: string;
}

/** The inverse of `statementName`, or undefined for names this tool did not make. */
export function parseStatementName(name: string): ParsedStatementName | undefined {
  const [tool, environment, operation, ...rest] = name.split(":");
  if (tool !== STATEMENT_NAME_PREFIX || environment === undefined || operation === undefined)
    return undefined;
  const known = OPERATIONS.find((candidate) => candidate === operation);
  if (known === undefined) return undefined;
  const view = rest.join(":");
  return { environment, operation: known, ...(view === "" ? {} : { view }) };
}
