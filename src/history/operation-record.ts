import type { StatementOutcome } from "../warehouse/index.js";

/** What this tool does to a view, as the operation history records it. */
export type ViewOperation = "create" | "refresh" | "drop";

export const VIEW_OPERATIONS: readonly ViewOperation[] = ["create", "refresh", "drop"];

/**
 * How it ended: the Data API's FINISHED, FAILED or ABORTED, or SUBMITTED when the run that sent it
 * never saw the end (interrupted, or the connection failed while waiting).
 */
export type RecordedStatus = "FINISHED" | "FAILED" | "ABORTED" | "SUBMITTED";

export const RECORDED_STATUSES: readonly RecordedStatus[] = ["FINISHED", "FAILED", "ABORTED", "SUBMITTED"];

/** One operation on one view: a row of the history table. */
export interface OperationRecord {
  readonly schema: string;
  readonly view: string;
  readonly operation: ViewOperation;
  readonly status: RecordedStatus;
  /** When the warehouse accepted the statement (or, when it never reached it, when it was refused). */
  readonly startedAt: Date;
  /** How long it ran on the warehouse; for SUBMITTED, how long the run waited for it. */
  readonly durationMs: number;
  /** The Data API statement id (`aws redshift-data describe-statement --id …`), when one was sent. */
  readonly statementId?: string;
  /** The warehouse's message, for a failure. */
  readonly error?: string;
  /** `user@host` of the run. */
  readonly by: string;
  /** For a CREATE: the hash of the DDL it was to install (the template's), so a failure is tied to it. */
  readonly hash?: string;
}

/** The latest recorded operation of each kind on one view. */
export interface ViewHistory {
  readonly schema: string;
  readonly view: string;
  readonly create?: OperationRecord;
  readonly refresh?: OperationRecord;
  readonly drop?: OperationRecord;
}

export function isFailed(record: OperationRecord | undefined): boolean {
  return record?.status === "FAILED" || record?.status === "ABORTED";
}

/**
 * The view's last REFRESH failed and nothing has recomputed it since: no refresh succeeded (the
 * record would have been replaced) and no CREATE finished after it.
 */
export function refreshFailed(entry: ViewHistory | undefined): boolean {
  const refresh = entry?.refresh;
  if (refresh === undefined || !isFailed(refresh)) return false;
  const create = entry?.create;
  return !(create?.status === "FINISHED" && create.startedAt.getTime() > refresh.startedAt.getTime());
}

/** What a finished, failed or aborted statement tells the history: its id, when and how long it ran. */
export function statementTiming(
  outcome: StatementOutcome,
): Pick<OperationRecord, "statementId" | "startedAt" | "durationMs"> {
  return {
    statementId: outcome.id,
    startedAt: outcome.submittedAt,
    durationMs: outcome.kind === "aborted" ? 0 : (outcome.durationMs ?? 0),
  };
}
