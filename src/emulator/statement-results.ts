import { ApiError } from "./api-error.js";
import {
  type Body,
  integerMember,
  type Operation,
  requiredString,
  stringMember,
  withoutUndefined,
} from "./api-members.js";
import { csvLine, csvRecords } from "./csv-records.js";
import { pageOf } from "./pagination.js";
import { rowCount, type StoredResult } from "./result-format.js";
import type { StatementPart, StatementRecord, StatementStore } from "./statement-store.js";
import { waitForEnd } from "./statement-wait.js";

/** Rows a result page holds. The Data API pages by size, not documented in rows; the emulator's choice. */
const RESULT_PAGE_ROWS = 1000;

/** A statement or a batch part (`<id>:<n>`) by its id, or the service's `ResourceNotFoundException`. */
export function findStatement(
  store: StatementStore,
  id: string,
): { record: StatementRecord; part: StatementPart } {
  const found = store.find(id);
  if (found === undefined) throw new ApiError("ResourceNotFoundException", `Query ${id} does not exist.`);
  return found;
}

/**
 * `GetStatementResult` serves the results of statements run with `ResultFormat` JSON (the default),
 * `GetStatementResultV2` those run with CSV: "The ExecuteStatement or BatchExecuteStatement operation
 * that ran the SQL statement must have specified ResultFormat as JSON, or let the format default to
 * JSON" (https://docs.aws.amazon.com/redshift-data/latest/APIReference/API_GetStatementResult.html), "…
 * must have specified ResultFormat as CSV"
 * (https://docs.aws.amazon.com/redshift-data/latest/APIReference/API_GetStatementResultV2.html). The
 * refusal of the other format is a `ValidationException` whose wording is not documented.
 */
export function resultOperations(store: StatementStore): Readonly<Record<string, Operation>> {
  const finishedResult = async (body: Body, operation: string, format: "JSON" | "CSV") => {
    const { record, part } = findStatement(store, requiredString(body, "Id"));
    if (record.isBatch && part === record) {
      throw new ApiError(
        "ValidationException",
        "This is a batch statement; get the results of a sub-statement (<id>:<n>) instead.",
      );
    }
    const recordFormat = record.resultFormat ?? "JSON";
    if (recordFormat !== format) {
      throw new ApiError(
        "ValidationException",
        `The statement ${part.id} was run with ResultFormat ${recordFormat}: get its result with ${recordFormat === "CSV" ? "GetStatementResultV2" : "GetStatementResult"}, not ${operation}.`,
      );
    }
    await waitForEnd(store, record, integerMember(body, "WaitTimeSeconds"));
    if (part.status !== "FINISHED" || part.result === undefined) {
      throw new ApiError(
        "ResourceNotFoundException",
        "Query does not have result. Please check query status with DescribeStatement.",
      );
    }
    return { part, result: part.result };
  };

  const page = <T>(body: Body, operation: string, part: StatementPart, rows: readonly T[]) =>
    pageOf(rows, {
      scope: `${operation}:${part.id}`,
      maxResults: RESULT_PAGE_ROWS,
      defaultSize: RESULT_PAGE_ROWS,
      nextToken: stringMember(body, "NextToken"),
    });

  return {
    GetStatementResult: async (body) => {
      const { part, result } = await finishedResult(body, "GetStatementResult", "JSON");
      const { page: records, nextToken } = page(
        body,
        "GetStatementResult",
        part,
        result.format === "CSV" ? [] : result.records,
      );
      return withoutUndefined({
        Records: records,
        ColumnMetadata: result.columns,
        TotalNumRows: rowCount(result),
        NextToken: nextToken,
      });
    },

    GetStatementResultV2: async (body) => {
      const { part, result } = await finishedResult(body, "GetStatementResultV2", "CSV");
      const lines = result.format === "CSV" ? result.lines : [];
      const first = stringMember(body, "NextToken") === undefined;
      const { page: linesPage, nextToken } = page(body, "GetStatementResultV2", part, lines);
      return withoutUndefined({
        Records: [{ CSVRecords: csvRecords(linesPage, first ? headerOf(result) : undefined) }],
        ColumnMetadata: result.columns,
        TotalNumRows: rowCount(result),
        ResultFormat: "CSV",
        NextToken: nextToken,
      });
    },
  };
}

function headerOf(result: StoredResult): string {
  return csvLine(result.columns.map((column) => column.label ?? column.name));
}
