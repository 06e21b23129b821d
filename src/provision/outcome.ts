import type { OperationRecord, RecordedStatus } from "../history/operation-record.js";
import { checkIdentifier, isLiteralSafe } from "../sql/quote.js";
import type { Dependent } from "../state/dependents.js";
import type { StatementOutcome } from "../warehouse/index.js";

export type ViewAction = "add" | "update" | "comment" | "drop";

/** What happened to one view. Failures are results: one bad view never stops the others. */
export type ViewOutcome =
  | {
      readonly kind: "applied";
      readonly action: ViewAction;
      readonly schema: string;
      readonly name: string;
      readonly durationMs: number;
      /** The Data API statement (for drops, the batch it was part of). */
      readonly statementId: string;
      /** Dropped with it by `--cascade`. */
      readonly cascaded?: readonly Dependent[];
      /**
       * A view too wide for one batch was rebuilt, but a later batch of its column comments failed:
       * its data and grants are as planned, its dictionary is not (the next provision applies it).
       */
      readonly commentsError?: string;
    }
  | {
      readonly kind: "failed";
      readonly action: ViewAction | "conflict";
      readonly schema: string;
      readonly name: string;
      readonly error: string;
      readonly sql?: string;
      /** Absent when nothing was submitted for it. */
      readonly statementId?: string;
      /** Set when the view was refused because bound objects depend on it (see `--cascade`). */
      readonly dependents?: readonly Dependent[];
    }
  /** The run was interrupted before this view's statement was submitted: the view is as it was. */
  | {
      readonly kind: "not_submitted";
      readonly action: ViewAction;
      readonly schema: string;
      readonly name: string;
    }
  /**
   * Submitted, but the result was not seen (interrupted, or the connection failed while waiting). The
   * view is either as it was or as planned, never in between: its statements are one transaction.
   */
  | {
      readonly kind: "unknown";
      readonly action: ViewAction;
      readonly schema: string;
      readonly name: string;
      readonly reason: string;
      readonly statementId?: string;
    };

export type ViewOutcomeKind = ViewOutcome["kind"];

/** A view a task acts on: its DDL hash for a rebuild, and what `--cascade` drops with it. */
export interface TaskView {
  readonly schema: string;
  readonly name: string;
  readonly cascaded: readonly Dependent[];
  /** The DDL hash a rebuild installs. */
  readonly hash?: string;
}

/**
 * How a task's statement ended, as the runner saw it: the Data API's outcome, or an error thrown
 * before (`submitted: false`) or while (`submitted: true`) waiting for it.
 */
export type TaskEnd =
  | StatementOutcome
  | { readonly kind: "thrown"; readonly error: string; readonly submitted: boolean; readonly id?: string };

/**
 * The outcome of one view of a task from how each of its batches ended, in order (pure). The first
 * batch decides (a rebuild's DROP + CREATE, or a comment task's first comments); a later batch of
 * comments that failed leaves a rebuilt view applied, with `commentsError`.
 */
export function taskOutcome(action: ViewAction, view: TaskView, ends: readonly TaskEnd[]): ViewOutcome {
  const [first, ...later] = ends;
  if (first === undefined) return { kind: "not_submitted", action, schema: view.schema, name: view.name };
  const firstOutcome = viewOutcome(action, view, first);
  const laterFailure = later.find((end) => end.kind !== "finished");
  if (firstOutcome.kind !== "applied" || laterFailure === undefined) return firstOutcome;
  const failed = viewOutcome(action, view, laterFailure);
  if (action === "comment") return failed;
  const reason = failed.kind === "failed" ? failed.error : failed.kind === "unknown" ? failed.reason : "";
  return { ...firstOutcome, commentsError: reason };
}

/** The outcome of one view from how one statement ended (pure). */
export function viewOutcome(action: ViewAction, view: TaskView, end: TaskEnd): ViewOutcome {
  const { schema, name } = view;
  switch (end.kind) {
    case "finished":
      return {
        kind: "applied",
        action,
        schema,
        name,
        durationMs: end.durationMs,
        statementId: end.id,
        ...(view.cascaded.length > 0 ? { cascaded: view.cascaded } : {}),
      };
    case "aborted":
      return {
        kind: "failed",
        action,
        schema,
        name,
        error: "The statement was aborted.",
        statementId: end.id,
      };
    case "failed":
      return {
        kind: "failed",
        action,
        schema,
        name,
        error: end.error,
        ...(end.failedSql === undefined ? {} : { sql: end.failedSql }),
        statementId: end.id,
      };
    case "thrown":
      return end.submitted
        ? {
            kind: "unknown",
            action,
            schema,
            name,
            reason: end.error,
            ...(end.id === undefined ? {} : { statementId: end.id }),
          }
        : { kind: "failed", action, schema, name, error: end.error };
  }
}

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
 * history's included: docs/bad-input.md, case 33) or that cannot be written as a literal. A refusal
 * (bound dependents) is recorded as a failed CREATE or DROP: it is why the view is not as its
 * template says.
 */
export function outcomeRecord(
  outcome: ViewOutcome,
  timing: OutcomeTiming,
  context: { readonly by: string; readonly hash?: string | undefined },
): OperationRecord | undefined {
  // Comments change no data and are not operations `status` reports.
  if (outcome.action === "conflict" || outcome.action === "comment" || outcome.kind === "not_submitted")
    return undefined;
  // Sent but never accepted as far as the run knows: nothing to point at, and no reason to replace
  // what the history says (the catalog tells whether the view changed).
  if (outcome.kind === "unknown" && timing.statementId === undefined) return undefined;
  if (
    checkIdentifier(outcome.schema, "schema") !== undefined ||
    checkIdentifier(outcome.name, "view") !== undefined ||
    !isLiteralSafe(outcome.schema) ||
    !isLiteralSafe(outcome.name)
  )
    return undefined;
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

export function describeDependents(dependents: readonly Dependent[]): string {
  return dependents
    .map(
      (dependent) =>
        `${dependent.schema}.${dependent.name} (${dependent.kind.replace(/_/g, " ")}${dependent.through === undefined ? "" : `, through ${dependent.through.schema}.${dependent.through.name}`})`,
    )
    .join(", ");
}
