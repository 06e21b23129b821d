import type { Tier } from "../classification/levels.js";
import type { ErrorCondition, LastOperation, Operation, StatusRow } from "../health/status-rows.js";
import type { RecordedStatus } from "../history/operation-record.js";

/**
 * One structured log line: one view in one problem state. Every key is always present (`null` when
 * unknown), so a CloudWatch Logs Insights query or a metric filter can rely on the shape.
 */
export interface ProblemLogEntry {
  readonly environment: string;
  readonly condition: ErrorCondition;
  /** `schema.view`. */
  readonly view: string;
  /** The Prisma model; `null` for an orphan (no template). */
  readonly model: string | null;
  readonly tier: Tier | null;
  /** The operation the fields below describe: the one that explains the condition (see below). */
  readonly operation: Operation | null;
  readonly status: RecordedStatus | null;
  /** `SVV_MV_INFO.state`. */
  readonly state: number | null;
  readonly stateText: string;
  /** The Data API statement id (`aws redshift-data describe-statement --id …`, for 24 hours). */
  readonly statementId: string | null;
  /** The warehouse's message, for a failed operation. */
  readonly error: string | null;
  /**
   * What the condition is about, in words, when it is not an operation: who can read the view that
   * should not (`unexpected_access`) or cannot that should (`missing_access`), or the replicated table
   * that is not Synced (`source_not_synced`).
   */
  readonly detail: string | null;
}

/**
 * Pure: one entry per (view, condition), in the rows' order then the conditions' order.
 *
 * The operation reported is the one that explains the condition: the last CREATE for
 * `failed_provisioning`, the last REFRESH for `unrefreshable` (their errors are what to read), and
 * otherwise the view's latest operation of any kind, for context.
 */
export function problemLogEntries(
  rows: readonly StatusRow[],
  options: { readonly environment: string },
): ProblemLogEntry[] {
  return rows.flatMap((row) =>
    row.conditions.map((condition) => {
      const operation = explainingOperation(row, condition);
      return {
        environment: options.environment,
        condition,
        view: `${row.schema}.${row.view}`,
        model: row.model ?? null,
        tier: row.tier ?? null,
        operation: operation?.operation ?? null,
        status: operation?.status ?? null,
        state: row.state,
        stateText: row.stateText,
        statementId: operation?.statementId ?? null,
        error: operation?.error ?? null,
        detail: conditionDetail(row, condition) ?? null,
      };
    }),
  );
}

function explainingOperation(row: StatusRow, condition: ErrorCondition): LastOperation | undefined {
  switch (condition) {
    case "failed_provisioning":
      return row.operations.create;
    case "unrefreshable":
      return row.operations.refresh;
    case "missing":
    case "out_of_date":
    case "orphan":
    case "conflict":
    case "needs_rebuild":
    case "unexpected_access":
    case "missing_access":
    case "source_not_synced":
      return row.lastOperation ?? undefined;
  }
}

function conditionDetail(row: StatusRow, condition: ErrorCondition): string | undefined {
  switch (condition) {
    case "unexpected_access":
      return row.access === undefined ? undefined : `readable by ${row.access.unexpected.join(", ")}`;
    case "missing_access":
      return row.access === undefined ? undefined : `not readable by ${row.access.missing.join(", ")}`;
    case "source_not_synced":
      return row.source === undefined ? undefined : `${row.source.table} is ${row.source.state}`;
    default:
      return undefined;
  }
}

/** The entry as one JSON line (no newline). */
export function formatProblemLogLine(entry: ProblemLogEntry): string {
  return JSON.stringify(entry);
}
