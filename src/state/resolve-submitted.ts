import { type OperationRecord, VIEW_OPERATIONS, type ViewHistory } from "../history/operation-record.js";
import { statementNamePrefix, type Warehouse } from "../warehouse/index.js";

/** The Data API keeps statements (and what became of them) for 24 hours. */
const DATA_API_RETENTION_MS = 24 * 60 * 60 * 1000;

/**
 * Operations recorded as SUBMITTED (left running by `refresh --no-wait`, or whose end a run did not
 * see) are looked up in the Data API while it still knows them: one ListStatements walk over this
 * environment's statements since the oldest of them, and one DescribeStatement for each that failed
 * (its error is not in the listing). What is still running, or forgotten, stays SUBMITTED.
 */
export async function resolveSubmitted(
  warehouse: Warehouse,
  environment: string,
  views: readonly ViewHistory[],
  now: Date,
): Promise<{ views: ViewHistory[]; resolved: OperationRecord[] }> {
  const pending = views.flatMap((view) =>
    VIEW_OPERATIONS.flatMap((operation) => {
      const record = view[operation];
      return record?.status === "SUBMITTED" &&
        record.statementId !== undefined &&
        now.getTime() - record.startedAt.getTime() < DATA_API_RETENTION_MS
        ? [record]
        : [];
    }),
  );
  if (pending.length === 0) return { views: [...views], resolved: [] };
  const since = new Date(Math.min(...pending.map((record) => record.startedAt.getTime())) - 60_000);
  const listed = new Map(
    (await warehouse.listStatements({ namePrefix: statementNamePrefix(environment), since })).map(
      (statement) => [statement.id, statement],
    ),
  );
  const resolved: OperationRecord[] = [];
  for (const record of pending) {
    const statement = listed.get(record.statementId ?? "");
    if (statement === undefined) continue;
    if (statement.status === "FINISHED") {
      const ended = statement.updatedAt ?? statement.createdAt;
      resolved.push({
        ...record,
        status: "FINISHED",
        durationMs: Math.max(0, (ended?.getTime() ?? 0) - (statement.createdAt?.getTime() ?? 0)),
      });
    } else if (statement.status === "FAILED" || statement.status === "ABORTED") {
      const outcome = await warehouse.describe(statement.id);
      const error =
        outcome.kind === "failed"
          ? outcome.error
          : outcome.kind === "aborted"
            ? "The statement was aborted."
            : undefined;
      const { error: _, ...rest } = record;
      resolved.push({
        ...rest,
        status: statement.status,
        durationMs: outcome.kind === "failed" ? (outcome.durationMs ?? 0) : 0,
        ...(error === undefined ? {} : { error }),
      });
    }
  }
  const byKey = new Map(
    resolved.map((record) => [`${record.schema}.${record.view}.${record.operation}`, record]),
  );
  return {
    views: views.map((view) => {
      const updated: ViewHistory = { ...view };
      for (const operation of VIEW_OPERATIONS) {
        const record = byKey.get(`${view.schema}.${view.view}.${operation}`);
        if (record !== undefined) Object.assign(updated, { [operation]: record });
      }
      return updated;
    }),
    resolved,
  };
}
