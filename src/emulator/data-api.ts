import { createHash } from "node:crypto";
import { ApiError } from "./api-error.js";
import type { Engine } from "./engine.js";
import { requestIdentity } from "./request-identity.js";
import {
  type Caller,
  isActive,
  type SqlParameter,
  type StatementPart,
  type StatementRecord,
  type StatementStatus,
  type StatementStore,
} from "./statement-store.js";

export { ApiError } from "./api-error.js";

export const MAX_BATCH_STATEMENTS = 40;
export const MAX_STATEMENT_BYTES = 100 * 1024;
export const DEFAULT_MAX_ACTIVE_STATEMENTS = 200;
const RESULT_PAGE_ROWS = 1000;
const STATUSES: readonly StatementStatus[] = [
  "SUBMITTED",
  "PICKED",
  "STARTED",
  "FINISHED",
  "FAILED",
  "ABORTED",
];

export interface DataApiOptions {
  readonly engine: Engine;
  readonly store: StatementStore;
  readonly database: string;
  readonly maxActiveStatements: number;
  /** Starts running a created statement (after any injected latency). */
  readonly schedule: (record: StatementRecord) => void;
  readonly onStatementsSubmitted: (count: number) => void;
  readonly isStopping: () => boolean;
  readonly now: () => number;
}

type Body = Readonly<Record<string, unknown>>;

/** What the emulator knows of a request besides its body. */
export interface RequestContext {
  /** The access key id of the request's SigV4 signature. */
  readonly accessKeyId: string | undefined;
  /** The `X-Amz-Security-Token` of temporary credentials. */
  readonly sessionToken: string | undefined;
}

/** The Data API operations, as plain functions from request body to response body. */
export function dataApiOperations(
  options: DataApiOptions,
): Readonly<Record<string, (body: Body, request: RequestContext) => unknown>> {
  const { store } = options;

  const submit = (
    body: Body,
    request: RequestContext,
    sqls: readonly string[],
    isBatch: boolean,
    operation: string,
  ): Body => {
    const clusterIdentifier = optionalString(body, "ClusterIdentifier");
    const workgroupName = optionalString(body, "WorkgroupName");
    const secretArn = optionalString(body, "SecretArn");
    const dbUser = optionalString(body, "DbUser");
    const identity = requestIdentity({
      clusterIdentifier,
      workgroupName,
      dbUser,
      secretArn,
      accessKeyId: request.accessKeyId,
    });
    const statementName = optionalString(body, "StatementName");
    if (statementName !== undefined && statementName.length > 500) {
      throw validation(statementName, "statementName", "Member must have length less than or equal to 500");
    }
    sqls.forEach((sql, index) => {
      if (sql.trim() === "") throw new ApiError("ValidationException", "The SQL statement is empty.");
      if (Buffer.byteLength(sql, "utf8") > MAX_STATEMENT_BYTES) {
        throw new ApiError(
          "ValidationException",
          `The SQL statement${isBatch ? ` at index ${index}` : ""} is ${Buffer.byteLength(sql, "utf8")} bytes; the maximum size of a query string is 100 KB.`,
        );
      }
    });
    const executionMode = optionalString(body, "ExecutionMode") ?? "TRANSACTION";
    if (executionMode !== "TRANSACTION" && executionMode !== "AUTO_COMMIT") {
      throw validation(
        executionMode,
        "executionMode",
        "Member must satisfy enum value set: [TRANSACTION, AUTO_COMMIT]",
      );
    }
    if (options.isStopping()) {
      throw new ApiError(
        `${operation}Exception`,
        "The emulator is shutting down and accepts no statements.",
        500,
      );
    }
    if (store.activeCount() >= options.maxActiveStatements) {
      throw new ApiError(
        "ActiveStatementsExceededException",
        `Active statements exceeded the allowed quota (${options.maxActiveStatements}).`,
      );
    }
    const record = store.create({
      sqls,
      isBatch,
      statementName,
      parameters: parameters(body),
      database: optionalString(body, "Database") ?? options.database,
      clusterIdentifier,
      workgroupName,
      secretArn,
      dbUser,
      user: identity.user,
      loginName: identity.loginName,
      autoCreateUser: identity.autoCreate,
      executionMode,
      caller: callerOf(request),
    });
    options.onStatementsSubmitted(sqls.length);
    options.schedule(record);
    return withoutUndefined({
      Id: record.id,
      CreatedAt: seconds(record.createdAt),
      Database: record.database,
      ClusterIdentifier: record.clusterIdentifier,
      WorkgroupName: record.workgroupName,
      DbUser: record.dbUser,
      SecretArn: record.secretArn,
    });
  };

  const find = (body: Body): { record: StatementRecord; part: StatementPart } => {
    const id = requiredString(body, "Id");
    const found = store.find(id);
    if (found === undefined) throw new ApiError("ResourceNotFoundException", `Query ${id} does not exist.`);
    return found;
  };

  return {
    ExecuteStatement: (body, request) =>
      submit(body, request, [requiredString(body, "Sql")], false, "ExecuteStatement"),

    BatchExecuteStatement: (body, request) => {
      const sqls = body.Sqls;
      if (!Array.isArray(sqls) || sqls.some((sql) => typeof sql !== "string")) {
        throw validation(String(sqls), "sqls", "Member must not be null");
      }
      if (sqls.length === 0)
        throw validation("[]", "sqls", "Member must have length greater than or equal to 1");
      if (sqls.length > MAX_BATCH_STATEMENTS) {
        throw validation(
          `[${sqls.length} statements]`,
          "sqls",
          `Member must have length less than or equal to ${MAX_BATCH_STATEMENTS}`,
        );
      }
      return submit(body, request, sqls as string[], true, "BatchExecuteStatement");
    },

    DescribeStatement: (body) => {
      const { record, part } = find(body);
      const common = describePart(part);
      if (part !== record) return common;
      return withoutUndefined({
        ...common,
        QueryString: record.isBatch ? undefined : record.queryString,
        Database: record.database,
        ClusterIdentifier: record.clusterIdentifier,
        WorkgroupName: record.workgroupName,
        SecretArn: record.secretArn,
        DbUser: record.dbUser,
        RedshiftPid: record.redshiftPid,
        QueryParameters: record.parameters,
        SubStatements: record.isBatch ? record.parts.map(describePart) : undefined,
        ResultFormat: "JSON",
      });
    },

    GetStatementResult: (body) => {
      const { record, part } = find(body);
      if (record.isBatch && part === record) {
        throw new ApiError(
          "ValidationException",
          "This is a batch statement; get the results of a sub-statement (<id>:<n>) instead.",
        );
      }
      if (part.status !== "FINISHED" || part.result === undefined) {
        throw new ApiError(
          "ResourceNotFoundException",
          "Query does not have result. Please check query status with DescribeStatement.",
        );
      }
      const offset = decodeToken(optionalString(body, "NextToken"));
      const records = part.result.records.slice(offset, offset + RESULT_PAGE_ROWS);
      const next = offset + RESULT_PAGE_ROWS;
      return withoutUndefined({
        Records: records,
        ColumnMetadata: part.result.columns,
        TotalNumRows: part.result.records.length,
        NextToken: next < part.result.records.length ? encodeToken(next) : undefined,
      });
    },

    /**
     * "RoleLevel … If true, all statements run by the caller's IAM role are returned. If false, only
     * statements run by the caller's IAM role in the current IAM session are returned. The default is
     * true." (https://docs.aws.amazon.com/redshift-data/latest/APIReference/API_ListStatements.html).
     * The emulator sees the SigV4 access key id, not the role behind it: a caller is its access key,
     * and a session its session token. Two sessions of one role (temporary credentials each with a
     * key of their own) see each other's statements on AWS, not here.
     */
    ListStatements: (body, request) => {
      const maxResults = body.MaxResults;
      const limit = typeof maxResults === "number" && maxResults > 0 ? Math.min(maxResults, 100) : 100;
      const status = optionalString(body, "Status");
      if (status !== undefined && status !== "ALL" && !STATUSES.includes(status as StatementStatus)) {
        throw validation(
          status,
          "status",
          `Member must satisfy enum value set: [ALL, ${STATUSES.join(", ")}]`,
        );
      }
      const token = optionalString(body, "NextToken");
      const { statements, more } = store.list({
        statementNamePrefix: optionalString(body, "StatementName"),
        status: status === undefined || status === "ALL" ? undefined : (status as StatementStatus),
        beforeSeq: token === undefined ? undefined : decodeToken(token),
        database: optionalString(body, "Database"),
        clusterIdentifier: optionalString(body, "ClusterIdentifier"),
        workgroupName: optionalString(body, "WorkgroupName"),
        caller: callerOf(request),
        sameSession: optionalBoolean(body, "RoleLevel") === false,
        limit,
      });
      const last = statements[statements.length - 1];
      return withoutUndefined({
        Statements: statements.map((record) =>
          withoutUndefined({
            Id: record.id,
            StatementName: record.statementName,
            Status: record.status,
            CreatedAt: seconds(record.createdAt),
            UpdatedAt: seconds(record.updatedAt),
            IsBatchStatement: record.isBatch,
            QueryString: record.isBatch ? undefined : record.queryString,
            QueryStrings: record.isBatch ? record.parts.map((part) => part.queryString) : undefined,
            QueryParameters: record.parameters,
            SecretArn: record.secretArn,
            ResultFormat: "JSON",
          }),
        ),
        NextToken: more && last !== undefined ? encodeToken(last.seq) : undefined,
      });
    },

    CancelStatement: (body) => {
      const { record, part } = find(body);
      if (part !== record)
        throw new ApiError("ValidationException", "Cancel the batch statement, not a sub-statement.");
      if (!isActive(record.status)) {
        throw new ApiError(
          "ValidationException",
          `Could not cancel a query that is already in ${record.status} state with ID: ${record.id}`,
        );
      }
      record.cancelRequested = true;
      if (record.status === "SUBMITTED" || record.status === "PICKED") {
        const now = options.now();
        for (const candidate of [record, ...record.parts]) {
          candidate.status = "ABORTED";
          candidate.error = "ERROR: Query cancelled on user's request";
          candidate.updatedAt = now;
        }
        store.changed();
      }
      return { Status: true };
    },
  };
}

function describePart(part: StatementPart): Body {
  return withoutUndefined({
    Id: part.id,
    Status: part.status,
    QueryString: part.queryString,
    CreatedAt: seconds(part.createdAt),
    UpdatedAt: seconds(part.updatedAt),
    Duration: part.durationNs,
    Error: part.error,
    HasResultSet: part.hasResultSet,
    ResultRows: part.resultRows,
    ResultSize: part.resultSize,
    RedshiftQueryId: part.redshiftQueryId,
  });
}

function seconds(ms: number): number {
  return ms / 1000;
}

function encodeToken(value: number): string {
  return Buffer.from(JSON.stringify({ v: value })).toString("base64url");
}

function decodeToken(token: string | undefined): number {
  if (token === undefined) return 0;
  try {
    const parsed = JSON.parse(Buffer.from(token, "base64url").toString("utf8")) as { v?: unknown };
    if (typeof parsed.v === "number") return parsed.v;
  } catch {
    // fall through
  }
  throw new ApiError("ValidationException", "The NextToken is invalid.");
}

function validation(value: string, member: string, constraint: string): ApiError {
  return new ApiError(
    "ValidationException",
    `1 validation error detected: Value '${value}' at '${member}' failed to satisfy constraint: ${constraint}`,
  );
}

function requiredString(body: Body, key: string): string {
  const value = body[key];
  if (typeof value !== "string") {
    throw validation(String(value), key.charAt(0).toLowerCase() + key.slice(1), "Member must not be null");
  }
  return value;
}

function optionalString(body: Body, key: string): string | undefined {
  const value = body[key];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== "string") throw new ApiError("SerializationException", `${key} must be a string.`);
  return value;
}

function optionalBoolean(body: Body, key: string): boolean | undefined {
  const value = body[key];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== "boolean") throw new ApiError("SerializationException", `${key} must be a boolean.`);
  return value;
}

function callerOf(request: RequestContext): Caller {
  return {
    ...(request.accessKeyId === undefined ? {} : { accessKeyId: request.accessKeyId }),
    ...(request.sessionToken === undefined
      ? {}
      : { session: createHash("sha256").update(request.sessionToken).digest("hex").slice(0, 16) }),
  };
}

function parameters(body: Body): SqlParameter[] | undefined {
  const value = body.Parameters;
  if (value === undefined || value === null) return undefined;
  if (!Array.isArray(value)) throw new ApiError("SerializationException", "Parameters must be a list.");
  return value.map((item: unknown) => {
    const parameter = item as { name?: unknown; value?: unknown };
    if (typeof parameter.name !== "string" || typeof parameter.value !== "string") {
      throw new ApiError("ValidationException", "Every parameter needs a string name and value.");
    }
    return { name: parameter.name, value: parameter.value };
  });
}

function withoutUndefined(value: Record<string, unknown>): Body {
  return Object.fromEntries(Object.entries(value).filter(([, entry]) => entry !== undefined));
}
