import type { OperationRecord, RecordedStatus } from "../history/operation-record.js";
import { checkIdentifier } from "../views/identifiers.js";
import type { ViewOutcome } from "./apply.js";

/** When a view's statement ran and for how long, as far as the run knows. */
export interface OutcomeTiming {
  readonly statementId?: string;
  readonly startedAt: Date;
  readonly durationMs: number;
  /** ABORTED rather than FAILED: the warehouse cancelled it. */
  readonly aborted?: boolean;
}

/**
 * The history row of an apply outcome (pure); none for a conflict, a view whose statement was never
 * sent or never acknowledged with an id, or a name refused as unsafe (it reaches no SQL, the
 * history's included). A refusal (bound dependents) is recorded as a failed CREATE or DROP: it is
 * why the view is not as its template says.
 */
export function outcomeRecord(
  outcome: ViewOutcome,
  timing: OutcomeTiming,
  context: { readonly by: string; readonly hash?: string | undefined },
): OperationRecord | undefined {
  if (outcome.action === "conflict" || outcome.kind === "not_submitted") return undefined;
  // Sent but never accepted as far as the run knows: nothing to point at, and no reason to replace
  // what the history says (the catalog tells whether the view changed).
  if (outcome.kind === "unknown" && timing.statementId === undefined) return undefined;
  if (checkIdentifier(outcome.schema, "schema") ?? checkIdentifier(outcome.name, "view")) return undefined;
  const status: RecordedStatus =
    outcome.kind === "applied"
      ? "FINISHED"
      : outcome.kind === "unknown"
        ? "SUBMITTED"
        : timing.aborted === true
          ? "ABORTED"
          : "FAILED";
  const error =
    outcome.kind === "failed" ? outcome.error : outcome.kind === "unknown" ? outcome.reason : undefined;
  const operation = outcome.action === "drop" ? "drop" : "create";
  return {
    schema: outcome.schema,
    view: outcome.name,
    operation,
    status,
    startedAt: timing.startedAt,
    durationMs: timing.durationMs,
    ...(timing.statementId === undefined ? {} : { statementId: timing.statementId }),
    ...(error === undefined ? {} : { error }),
    by: context.by,
    ...(operation === "create" && context.hash !== undefined ? { hash: context.hash } : {}),
  };
}
