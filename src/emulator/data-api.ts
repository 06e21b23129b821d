import { createHash } from "node:crypto";
import { ApiError } from "./api-error.js";
import {
  type Body,
  credentialsOf,
  epochSeconds,
  integerMember,
  type Operation,
  type RequestContext,
  requiredString,
  stringMember,
  withoutUndefined,
} from "./api-members.js";
import type { Engine } from "./engine.js";
import { metadataOperations } from "./metadata-operations.js";
import { decodeToken, encodeToken } from "./pagination.js";
import { requestIdentity } from "./request-identity.js";
import { sessionOperations } from "./session-operations.js";
import type { Connection, DataApiSession, SessionRegistry } from "./sessions.js";
import { findStatement, resultOperations } from "./statement-results.js";
import {
  type Caller,
  isActive,
  type SqlParameter,
  type StatementPart,
  type StatementRecord,
  type StatementStatus,
  type StatementStore,
} from "./statement-store.js";
import { waitForEnd } from "./statement-wait.js";
import { validateRequest } from "./validation.js";

export { ApiError } from "./api-error.js";

const MAX_STATEMENT_BYTES = 100 * 1024;
export const DEFAULT_MAX_ACTIVE_STATEMENTS = 200;
const DEFAULT_LIST_STATEMENTS = 100;

export interface DataApiOptions {
  readonly engine: Engine;
  readonly store: StatementStore;
  readonly sessions: SessionRegistry;
  readonly database: string;
  readonly maxActiveStatements: number;
  /** Starts running a created statement (after any `onStatement` gate). */
  readonly schedule: (record: StatementRecord) => void;
  /** Shows at once the outcome of a statement whose execution ended but whose latency is not up. */
  readonly revealEnded?: ((record: StatementRecord) => void) | undefined;
  readonly onStatementsSubmitted: (count: number) => void;
  readonly isStopping: () => boolean;
  readonly now: () => number;
}

/**
 * The Data API operations, as functions from request body to response body. Every request is first
 * checked against the service model (see validation.ts).
 */
export function dataApiOperations(options: DataApiOptions): Readonly<Record<string, Operation>> {
  const operations: Record<string, Operation> = {
    ...statementOperations(options),
    ...resultOperations(options.store),
    ...metadataOperations({ engine: options.engine, database: options.database }),
    ...sessionOperations(options.sessions),
  };
  return Object.fromEntries(
    Object.entries(operations).map(([name, run]): [string, Operation] => [
      name,
      (body, request) => {
        validateRequest(name, body);
        return run(body, request);
      },
    ]),
  );
}

/**
 * A `SessionId` stands for the warehouse: `ClusterIdentifier` and `WorkgroupName` cannot come with it.
 * The Data API reference does not say so; Apache Airflow's Data API hook refuses the combination
 * ("Exactly one of cluster_identifier, workgroup_name, or session_id must be provided",
 * https://github.com/apache/airflow/blob/main/providers/amazon/src/airflow/providers/amazon/aws/hooks/redshift_data.py)
 * and the emulator follows it. `Database`, `DbUser` and `SecretArn`, which that hook passes along, are
 * accepted when they are the session's and refused when they are not (not documented either way: the
 * emulator refuses what it would have to choose between).
 */
const WAREHOUSE_MEMBERS = ["ClusterIdentifier", "WorkgroupName"];
const SESSION_MEMBERS = [
  ["Database", (session: DataApiSession) => session.database],
  ["DbUser", (session: DataApiSession) => session.dbUser],
  ["SecretArn", (session: DataApiSession) => session.secretArn],
] as const;

function statementOperations(options: DataApiOptions): Readonly<Record<string, Operation>> {
  const { store, sessions } = options;

  const connectionOf = (body: Body, request: RequestContext, session: DataApiSession | undefined) => {
    if (session === undefined) {
      return {
        identity: requestIdentity(credentialsOf(body, request)),
        database: stringMember(body, "Database") ?? options.database,
        clusterIdentifier: stringMember(body, "ClusterIdentifier"),
        workgroupName: stringMember(body, "WorkgroupName"),
        dbUser: stringMember(body, "DbUser"),
        secretArn: stringMember(body, "SecretArn"),
      } satisfies Connection;
    }
    const named = WAREHOUSE_MEMBERS.filter((member) => body[member] !== undefined);
    if (named.length > 0) {
      throw new ApiError(
        "ValidationException",
        `${named.join(" and ")} cannot be specified with SessionId: the session's statements run in the warehouse the session was opened in.`,
      );
    }
    for (const [member, ofSession] of SESSION_MEMBERS) {
      const value = stringMember(body, member);
      if (value !== undefined && value !== ofSession(session)) {
        throw new ApiError(
          "ValidationException",
          `${member} ${value} is not the session's (${ofSession(session) ?? "none"}): a session's statements run as the session was opened; omit ${member}, or open another session.`,
        );
      }
    }
    return session satisfies Connection;
  };

  const submit = async (body: Body, request: RequestContext, sqls: readonly string[], isBatch: boolean) => {
    const clientToken = stringMember(body, "ClientToken");
    const repeated = clientToken === undefined ? undefined : store.findByClientToken(clientToken);
    if (repeated !== undefined) return submitted(repeated, body);
    const sessionId = stringMember(body, "SessionId");
    const keepAliveSeconds = integerMember(body, "SessionKeepAliveSeconds");
    const joined = sessionId === undefined ? undefined : sessions.take(sessionId);
    const connection = connectionOf(body, request, joined);
    sqls.forEach((sql, index) => {
      if (sql.trim() === "") throw new ApiError("ValidationException", "The SQL statement is empty.");
      const bytes = Buffer.byteLength(sql, "utf8");
      if (bytes > MAX_STATEMENT_BYTES) {
        throw new ApiError(
          "ValidationException",
          `The SQL statement${isBatch ? ` at index ${index}` : ""} is ${bytes} bytes; the maximum size of a query string is 100 KB.`,
        );
      }
    });
    if (options.isStopping()) {
      throw new ApiError(
        `${isBatch ? "BatchExecuteStatement" : "ExecuteStatement"}Exception`,
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
    const session =
      joined ??
      (keepAliveSeconds === undefined
        ? undefined
        : sessions.open({ ...connection, owner: request.accessKeyId, keepAliveSeconds }));
    const { identity } = connection;
    const record = store.create({
      sqls,
      isBatch,
      statementName: stringMember(body, "StatementName"),
      parameters: parameters(body),
      database: connection.database,
      clusterIdentifier: connection.clusterIdentifier,
      workgroupName: connection.workgroupName,
      secretArn: connection.secretArn,
      dbUser: connection.dbUser,
      user: identity.user,
      loginName: identity.loginName,
      autoCreateUser: identity.autoCreate,
      executionMode: stringMember(body, "ExecutionMode") === "AUTO_COMMIT" ? "AUTO_COMMIT" : "TRANSACTION",
      caller: callerOf(request),
      resultFormat: stringMember(body, "ResultFormat") === "CSV" ? "CSV" : undefined,
      sessionId: session?.id,
      clientToken,
    });
    if (session !== undefined) sessions.attach(session, record.id, keepAliveSeconds);
    options.onStatementsSubmitted(sqls.length);
    options.schedule(record);
    return submitted(record, body);
  };

  /** The response to a submission; with `WaitTimeSeconds`, once the statement ended or the time is up. */
  const submitted = async (record: StatementRecord, body: Body): Promise<Body> => {
    const wait = integerMember(body, "WaitTimeSeconds");
    await waitForEnd(store, record, wait);
    return withoutUndefined({
      Id: record.id,
      CreatedAt: epochSeconds(record.createdAt),
      Database: record.database,
      ClusterIdentifier: record.clusterIdentifier,
      WorkgroupName: record.workgroupName,
      DbUser: record.dbUser,
      SecretArn: record.secretArn,
      SessionId: record.sessionId,
      // What the statement became while the request waited (the members came with WaitTimeSeconds).
      ...(wait === undefined
        ? {}
        : { Status: record.status, HasResultSet: record.hasResultSet, RedshiftPid: record.redshiftPid }),
    });
  };

  return {
    ExecuteStatement: (body, request) => submit(body, request, [requiredString(body, "Sql")], false),

    BatchExecuteStatement: (body, request) => submit(body, request, body.Sqls as string[], true),

    DescribeStatement: async (body) => {
      const { record, part } = findStatement(store, requiredString(body, "Id"));
      await waitForEnd(store, record, integerMember(body, "WaitTimeSeconds"));
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
        ResultFormat: record.resultFormat ?? "JSON",
        SessionId: record.sessionId,
        ExecutionMode: record.isBatch ? record.executionMode : undefined,
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
      // "When providing ClusterIdentifier, then WorkgroupName can't be specified."
      // (https://docs.aws.amazon.com/redshift-data/latest/APIReference/API_ListStatements.html)
      if (body.ClusterIdentifier !== undefined && body.WorkgroupName !== undefined) {
        throw new ApiError(
          "ValidationException",
          "Specify either ClusterIdentifier or WorkgroupName, not both.",
        );
      }
      const maxResults = integerMember(body, "MaxResults");
      const status = stringMember(body, "Status");
      const token = stringMember(body, "NextToken");
      const { statements, more } = store.list({
        statementNamePrefix: stringMember(body, "StatementName"),
        // "By default, only finished statements are shown." (API_ListStatements, above); `ALL` lists
        // every status.
        status:
          status === undefined ? "FINISHED" : status === "ALL" ? undefined : (status as StatementStatus),
        beforeSeq: token === undefined ? undefined : decodeToken("ListStatements", token),
        database: stringMember(body, "Database"),
        clusterIdentifier: stringMember(body, "ClusterIdentifier"),
        workgroupName: stringMember(body, "WorkgroupName"),
        caller: callerOf(request),
        sameSession: body.RoleLevel === false,
        limit: maxResults === undefined || maxResults === 0 ? DEFAULT_LIST_STATEMENTS : maxResults,
      });
      const last = statements[statements.length - 1];
      return withoutUndefined({
        Statements: statements.map((record) =>
          withoutUndefined({
            Id: record.id,
            StatementName: record.statementName,
            Status: record.status,
            CreatedAt: epochSeconds(record.createdAt),
            UpdatedAt: epochSeconds(record.updatedAt),
            IsBatchStatement: record.isBatch,
            QueryString: record.isBatch ? undefined : record.queryString,
            QueryStrings: record.isBatch ? record.parts.map((part) => part.queryString) : undefined,
            QueryParameters: record.parameters,
            SecretArn: record.secretArn,
            ResultFormat: record.resultFormat ?? "JSON",
            SessionId: record.sessionId,
          }),
        ),
        NextToken: more && last !== undefined ? encodeToken("ListStatements", last.seq) : undefined,
      });
    },

    CancelStatement: (body) => {
      const { record, part } = findStatement(store, requiredString(body, "Id"));
      if (part !== record)
        throw new ApiError("ValidationException", "Cancel the batch statement, not a sub-statement.");
      // A statement whose execution ended is no longer running, whatever its latency still shows: it
      // is refused as one that ended (see held-outcomes.ts).
      options.revealEnded?.(record);
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
    CreatedAt: epochSeconds(part.createdAt),
    UpdatedAt: epochSeconds(part.updatedAt),
    Duration: part.durationNs,
    Error: part.error,
    HasResultSet: part.hasResultSet,
    ResultRows: part.resultRows,
    ResultSize: part.resultSize,
    RedshiftQueryId: part.redshiftQueryId,
  });
}

function parameters(body: Body): SqlParameter[] | undefined {
  const value = body.Parameters;
  if (!Array.isArray(value)) return undefined;
  return value.map((item: { name: string; value: string }) => ({ name: item.name, value: item.value }));
}

/** Who a request is, as far as the emulator can tell: its access key, and its session token if any. */
function callerOf(request: RequestContext): Caller {
  return {
    ...(request.accessKeyId === undefined ? {} : { accessKeyId: request.accessKeyId }),
    ...(request.sessionToken === undefined
      ? {}
      : { session: createHash("sha256").update(request.sessionToken).digest("hex").slice(0, 16) }),
  };
}
