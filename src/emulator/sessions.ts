import { randomUUID } from "node:crypto";
import { ApiError } from "./api-error.js";
import type { RequestIdentity } from "./request-identity.js";
import { isActive, type StatementStore } from "./statement-store.js";

/**
 * Data API sessions (`SessionKeepAliveSeconds`, `SessionId`, `ListSessions`): who a session runs as,
 * where, and whether it is available, busy or closed. What a session holds in the database (its
 * temporary tables, its settings) is kept by `SessionIsolation`.
 *
 * - `SessionKeepAliveSeconds` on `ExecuteStatement`/`BatchExecuteStatement` opens a session and the
 *   response carries its `SessionId`; statements sent with that id run in it, as its user, in its
 *   database. "The number of seconds to keep the session alive after the query finishes. The maximum
 *   time a session can keep alive is 24 hours. After 24 hours, the session is forced closed"
 *   (https://docs.aws.amazon.com/redshift-data/latest/APIReference/API_ExecuteStatement.html). A
 *   keep-alive sent with a `SessionId` replaces the session's (not documented either way).
 * - Statuses, as `ListSessions` reports them: AVAILABLE (open, idle), BUSY (running a statement), CLOSED
 *   (https://docs.aws.amazon.com/redshift-data/latest/APIReference/API_SessionData.html).
 * - A session that is closed or expired answers `ValidationException: Session is not available`, one that
 *   never existed `Session with Id: <id> is invalid`; in `ListSessions` the first is CLOSED and the second
 *   a `ResourceNotFoundException` (verified against a provisioned cluster, as reported in
 *   https://github.com/awslabs/mcp/issues/4587).
 * - A busy session takes no second statement: the Data API does not queue statements of a session.
 *   The refusal's wording is not documented; the emulator answers `ValidationException` naming the
 *   running statement.
 * - Sessions live in the emulator's memory: they end when it stops, as a warehouse's sessions end when it
 *   restarts.
 */
export type SessionStatus = "AVAILABLE" | "BUSY" | "CLOSED";

/** Where and as whom statements run: a request's own connection, or its session's. */
export interface Connection {
  readonly identity: RequestIdentity;
  readonly database: string;
  readonly clusterIdentifier: string | undefined;
  readonly workgroupName: string | undefined;
  readonly dbUser: string | undefined;
  readonly secretArn: string | undefined;
}

export interface NewSession extends Connection {
  /** The SigV4 access key id that opened it: `ListSessions` lists the caller's sessions only. */
  readonly owner: string | undefined;
  readonly keepAliveSeconds: number;
}

export interface DataApiSession extends NewSession {
  readonly id: string;
  readonly createdAt: number;
  updatedAt: number;
  keepAliveSeconds: number;
  /** The statement it runs or ran last. */
  statementId: string | undefined;
  /** The statement that opened it: a session whose login failed never was one. */
  openedBy: string | undefined;
}

/** "The maximum time a session can keep alive is 24 hours." */
const MAX_SESSION_MS = 24 * 60 * 60 * 1000;
/**
 * Active sessions per warehouse before `ActiveSessionsExceededException` ("the maximum number of active
 * sessions exceeded", https://docs.aws.amazon.com/redshift-data/latest/APIReference/API_ExecuteStatement.html#API_ExecuteStatement_Errors).
 * The number is not in the API reference; 500 per cluster or workgroup is the limit given with the
 * launch of sessions (as summarised in https://datadomain.blog/?p=675 from the AWS Big Data blog post
 * cited in session-isolation.ts).
 */
const DEFAULT_MAX_ACTIVE_SESSIONS = 500;

export class SessionRegistry {
  private readonly sessions = new Map<string, DataApiSession>();

  constructor(
    private readonly store: StatementStore,
    private readonly now: () => number,
    private readonly maxActiveSessions = DEFAULT_MAX_ACTIVE_SESSIONS,
  ) {}

  /** Opens a session for a statement about to be created (see `attach`). */
  open(input: NewSession): DataApiSession {
    this.prune();
    const active = [...this.sessions.values()].filter((session) => this.status(session) !== "CLOSED");
    if (active.length >= this.maxActiveSessions) {
      throw new ApiError(
        "ActiveSessionsExceededException",
        `Active sessions exceeded the allowed quota (${this.maxActiveSessions}): reuse an open session (SessionId) or let idle ones expire.`,
      );
    }
    const now = this.now();
    const session: DataApiSession = {
      id: randomUUID(),
      ...input,
      createdAt: now,
      updatedAt: now,
      statementId: undefined,
      openedBy: undefined,
    };
    this.sessions.set(session.id, session);
    return session;
  }

  /** The session a statement names, if it may run one now. */
  take(id: string): DataApiSession {
    const session = this.sessions.get(id);
    if (session === undefined) throw new ApiError("ValidationException", `Session with Id: ${id} is invalid`);
    switch (this.status(session)) {
      case "CLOSED":
        throw new ApiError("ValidationException", "Session is not available");
      case "BUSY":
        throw new ApiError(
          "ValidationException",
          `Session ${id} is busy running statement ${session.statementId}: a session runs one statement at a time; wait for it to end (DescribeStatement), or use another session.`,
        );
      case "AVAILABLE":
        return session;
    }
  }

  /** Marks the session busy with a statement just created. */
  attach(session: DataApiSession, statementId: string, keepAliveSeconds: number | undefined): void {
    session.statementId = statementId;
    session.openedBy ??= statementId;
    if (keepAliveSeconds !== undefined) session.keepAliveSeconds = keepAliveSeconds;
    session.updatedAt = this.now();
  }

  find(id: string): DataApiSession | undefined {
    return this.sessions.get(id);
  }

  isOpen(id: string): boolean {
    const session = this.sessions.get(id);
    return session !== undefined && this.status(session) !== "CLOSED";
  }

  status(session: DataApiSession): SessionStatus {
    if (this.now() >= this.expiresAt(session) || this.neverConnected(session)) return "CLOSED";
    return this.runningStatement(session) === undefined ? "AVAILABLE" : "BUSY";
  }

  /** The running statement's id, when the session is busy. */
  runningStatement(session: DataApiSession): string | undefined {
    const id = session.statementId;
    const found = id === undefined ? undefined : this.store.find(id);
    return found !== undefined && isActive(found.record.status) ? id : undefined;
  }

  /**
   * When the session closes: its keep-alive after its last statement ended ("after the query
   * finishes"), and at the latest 24 hours after it opened.
   */
  expiresAt(session: DataApiSession): number {
    const cap = session.createdAt + MAX_SESSION_MS;
    if (this.runningStatement(session) !== undefined) return cap;
    const last = session.statementId === undefined ? undefined : this.store.find(session.statementId)?.record;
    const idleSince = last === undefined ? session.updatedAt : last.updatedAt;
    return Math.min(cap, idleSince + session.keepAliveSeconds * 1000);
  }

  /**
   * The statement that opened the session could not log in (`FATAL: user "…" does not exist`): there is
   * no database session to keep, so the Data API one is closed from the start.
   */
  private neverConnected(session: DataApiSession): boolean {
    const opening = session.openedBy === undefined ? undefined : this.store.find(session.openedBy)?.record;
    return opening?.error?.startsWith("FATAL:") === true;
  }

  /** Sessions opened in the last 24 hours, newest first. */
  list(): DataApiSession[] {
    this.prune();
    return [...this.sessions.values()].sort((a, b) => b.createdAt - a.createdAt);
  }

  /** `ListSessions` covers "the sessions that the caller created in the last 24 hours". */
  private prune(): void {
    const cutoff = this.now() - MAX_SESSION_MS;
    for (const [id, session] of this.sessions) {
      if (session.createdAt < cutoff && this.status(session) === "CLOSED") this.sessions.delete(id);
    }
  }
}
