import { toolTableColumns } from "../bookkeeping/tool-tables.js";
import { RedshiftViewsError } from "../errors.js";
import {
  HISTORY_RELATION,
  HISTORY_TABLE,
  HISTORY_VALUE_COLUMNS,
  type HistoryProblem,
  historyProblem,
} from "../history/history-table.js";
import {
  type OperationRecord,
  RECORDED_STATUSES,
  VIEW_OPERATIONS,
  type ViewHistory,
  type ViewOperation,
} from "../history/operation-record.js";
import { quoteLiteral } from "../sql/quote.js";
import { type ResultRow, statementName, type Warehouse } from "../warehouse/index.js";

/**
 * One row per view, its latest create, refresh and drop side by side, so the result grows with the
 * number of views (like the catalog reads), not with how often they ran. The newest row of each
 * operation is picked first, so a duplicate (Redshift does not enforce keys) never mixes two rows.
 */
export function historyQuery(environment: string, schemas: readonly string[]): string {
  const pivot = VIEW_OPERATIONS.flatMap((operation) =>
    HISTORY_VALUE_COLUMNS.map(
      (field) =>
        `  MAX(CASE WHEN operation = ${quoteLiteral(operation)} THEN ${field} END) AS ${operation}_${field}`,
    ),
  );
  return [
    "SELECT schema_name, view_name,",
    pivot.join(",\n"),
    "FROM (",
    `  SELECT *, ROW_NUMBER() OVER (PARTITION BY schema_name, view_name, operation ORDER BY started_at DESC) AS newest`,
    `  FROM ${HISTORY_RELATION}`,
    `  WHERE environment = ${quoteLiteral(environment)}`,
    `    AND schema_name IN (${schemas.map(quoteLiteral).join(", ")})`,
    ") latest",
    "WHERE newest = 1",
    "GROUP BY schema_name, view_name",
    "ORDER BY schema_name, view_name;",
  ].join("\n");
}

export type HistoryRead =
  | {
      readonly kind: "recorded";
      readonly views: readonly ViewHistory[];
      /**
       * Rows or records that could not be read, each naming the view and what was wrong. The history
       * is advisory (the catalog tells what the views are), so these are warnings, never dropped
       * silently.
       */
      readonly problems: readonly string[];
    }
  /** Nothing was ever recorded in this warehouse (the table does not exist yet). */
  | { readonly kind: "empty" }
  /** The table is there but could not be read (e.g. no privilege on it): last operations are unknown. */
  | { readonly kind: "unreadable"; readonly error: string; readonly problem: HistoryProblem };

/** One query for the history of every view in `schemas`. */
export async function readHistory(
  warehouse: Warehouse,
  environment: string,
  schemas: readonly string[],
): Promise<HistoryRead> {
  let rows: Awaited<ReturnType<Warehouse["query"]>>;
  try {
    rows = await warehouse.query(historyQuery(environment, schemas), {
      name: statementName(environment, "history"),
    });
  } catch (error) {
    // The warehouse answered and refused the query: the tool can still report everything else.
    // Whether the table is missing, of another version, or not readable is asked of the catalog.
    if (error instanceof RedshiftViewsError && error.code === "E_STATEMENT_FAILED") {
      const columns = await toolTableColumns(warehouse, HISTORY_TABLE, statementName(environment, "history"));
      return columns === undefined
        ? { kind: "empty" }
        : {
            kind: "unreadable",
            error: error.message.split("\n")[0] ?? error.message,
            problem: historyProblem(columns),
          };
    }
    throw error;
  }
  return parseHistoryRows(rows);
}

/** The query's rows as view histories (pure), with every row or record that does not parse named. */
function parseHistoryRows(rows: readonly ResultRow[]): HistoryRead {
  const problems: string[] = [];
  const views = rows.flatMap((row) => {
    const schema = text(row.schema_name);
    const view = text(row.view_name);
    if (schema === undefined || view === undefined) {
      problems.push(
        `${HISTORY_RELATION} returned a row without a schema or view name: ${JSON.stringify(row).slice(0, 200)}`,
      );
      return [];
    }
    const entry: { schema: string; view: string } & Partial<Record<ViewOperation, OperationRecord>> = {
      schema,
      view,
    };
    for (const operation of VIEW_OPERATIONS) {
      const field = (name: (typeof HISTORY_VALUE_COLUMNS)[number]) => row[`${operation}_${name}`];
      if (field("status") === null && field("started_at") === null) continue;
      const record = parseRecord(schema, view, operation, field);
      if (record === undefined)
        problems.push(
          `The ${operation} record of ${schema}.${view} in ${HISTORY_RELATION} cannot be read (status ${JSON.stringify(field("status"))}, started_at ${JSON.stringify(field("started_at"))}).`,
        );
      else entry[operation] = record;
    }
    return [entry];
  });
  return { kind: "recorded", views, problems };
}

function parseRecord(
  schema: string,
  view: string,
  operation: ViewOperation,
  field: (name: (typeof HISTORY_VALUE_COLUMNS)[number]) => unknown,
): OperationRecord | undefined {
  const status = RECORDED_STATUSES.find((candidate) => candidate === text(field("status")));
  const startedAt = parseTimestamp(field("started_at"));
  if (status === undefined || startedAt === undefined) return undefined;
  const statementId = text(field("statement_id"));
  const error = text(field("error"));
  const hash = text(field("ddl_hash"));
  return {
    schema,
    view,
    operation,
    status,
    startedAt,
    durationMs: Math.max(0, Number(field("duration_ms")) || 0),
    ...(statementId === undefined ? {} : { statementId }),
    ...(error === undefined ? {} : { error }),
    by: text(field("run_by")) ?? "unknown",
    ...(hash === undefined ? {} : { hash }),
  };
}

function text(value: unknown): string | undefined {
  if (typeof value !== "string") return undefined;
  const trimmed = value.trim();
  return trimmed === "" ? undefined : trimmed;
}

/** `YYYY-MM-DD HH:MM:SS[.ffffff]`, as Redshift and Postgres print a TIMESTAMP written in UTC. */
export function parseTimestamp(value: unknown): Date | undefined {
  const match =
    typeof value === "string" ? /^(\d{4}-\d\d-\d\d)[ T](\d\d:\d\d:\d\d)(\.\d+)?/.exec(value.trim()) : null;
  if (match === null) return undefined;
  const fraction = (match[3] ?? "").slice(0, 4);
  const date = new Date(`${match[1]}T${match[2]}${fraction}Z`);
  return Number.isNaN(date.getTime()) ? undefined : date;
}
