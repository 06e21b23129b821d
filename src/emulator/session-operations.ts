import { ApiError } from "./api-error.js";
import {
  epochSeconds,
  integerMember,
  type Operation,
  stringMember,
  withoutUndefined,
} from "./api-members.js";
import { pageOf } from "./pagination.js";
import type { DataApiSession, SessionRegistry } from "./sessions.js";

/** "If no status is specified, sessions with a status of AVAILABLE or BUSY are returned." */
const DEFAULT_STATUSES = ["AVAILABLE", "BUSY"];
const DEFAULT_PAGE_SIZE = 100;

/**
 * `ListSessions` (https://docs.aws.amazon.com/redshift-data/latest/APIReference/API_ListSessions.html):
 * "Returns only the sessions that the caller created" — in the emulator, the sessions opened with the
 * same SigV4 access key id (it sees no other part of the caller's identity, so `RoleLevel` changes
 * nothing). "When you provide SessionId, you can't specify Status, ClusterIdentifier, WorkgroupName, or
 * Database"; "When providing ClusterIdentifier, then WorkgroupName can't be specified" (the refusals'
 * wording is the emulator's). A session id that never existed, or is another caller's, is a
 * `ResourceNotFoundException` (https://github.com/awslabs/mcp/issues/4587).
 */
export function sessionOperations(sessions: SessionRegistry): Readonly<Record<string, Operation>> {
  return {
    ListSessions: (body, request) => {
      const sessionId = stringMember(body, "SessionId");
      const status = stringMember(body, "Status");
      const clusterIdentifier = stringMember(body, "ClusterIdentifier");
      const workgroupName = stringMember(body, "WorkgroupName");
      const database = stringMember(body, "Database");
      if (
        sessionId !== undefined &&
        [status, clusterIdentifier, workgroupName, database].some((v) => v !== undefined)
      ) {
        throw new ApiError(
          "ValidationException",
          "When you provide SessionId, you can't specify Status, ClusterIdentifier, WorkgroupName, or Database.",
        );
      }
      if (clusterIdentifier !== undefined && workgroupName !== undefined) {
        throw new ApiError(
          "ValidationException",
          "Specify either ClusterIdentifier or WorkgroupName, not both.",
        );
      }
      const callers = sessions.list().filter((session) => session.owner === request.accessKeyId);
      let listed: DataApiSession[];
      if (sessionId !== undefined) {
        const session = callers.find((candidate) => candidate.id === sessionId);
        if (session === undefined) {
          throw new ApiError("ResourceNotFoundException", `Session with Id: ${sessionId} does not exist.`);
        }
        listed = [session];
      } else {
        listed = callers.filter(
          (session) =>
            (status === undefined ? DEFAULT_STATUSES : [status]).includes(sessions.status(session)) &&
            (clusterIdentifier === undefined || session.clusterIdentifier === clusterIdentifier) &&
            (workgroupName === undefined || session.workgroupName === workgroupName) &&
            (database === undefined || session.database === database),
        );
      }
      const { page, nextToken } = pageOf(listed, {
        scope: "ListSessions",
        maxResults: integerMember(body, "MaxResults"),
        defaultSize: DEFAULT_PAGE_SIZE,
        nextToken: stringMember(body, "NextToken"),
      });
      return withoutUndefined({
        Sessions: page.map((session) => {
          const sessionStatus = sessions.status(session);
          return withoutUndefined({
            SessionId: session.id,
            Status: sessionStatus,
            CreatedAt: epochSeconds(session.createdAt),
            UpdatedAt: epochSeconds(session.updatedAt),
            Database: session.database,
            DbUser: session.identity.user,
            ClusterIdentifier: session.clusterIdentifier,
            WorkgroupName: session.workgroupName,
            SessionAliveSeconds: session.keepAliveSeconds,
            SessionTtl: epochSeconds(sessions.expiresAt(session)),
            CurrentStatementId: sessionStatus === "BUSY" ? session.statementId : undefined,
          });
        }),
        NextToken: nextToken,
      });
    },
  };
}
