import {
  type DataApiColumnMetadata,
  isFloatType,
  isIntegerType,
  resultColumnMetadata,
} from "./column-metadata.js";
import { csvLine } from "./csv-records.js";

/** The Data API's wire shapes for results (`GetStatementResult`), as JSON. */
type DataApiField =
  | { readonly isNull: true }
  | { readonly stringValue: string }
  | { readonly longValue: number }
  | { readonly doubleValue: number }
  | { readonly booleanValue: boolean };

/** How a statement's result is kept: `ResultFormat` of the request (JSON by default). */
export type ResultFormat = "JSON" | "CSV";

/**
 * A kept result: typed fields for JSON (absent `format`: results kept before CSV existed), one CSV line
 * per row for CSV. The API serves each only in its own format, so only that one is kept.
 */
export type StoredResult =
  | {
      readonly format?: "JSON";
      readonly columns: readonly DataApiColumnMetadata[];
      readonly records: readonly (readonly DataApiField[])[];
    }
  | {
      readonly format: "CSV";
      readonly columns: readonly DataApiColumnMetadata[];
      readonly lines: readonly string[];
    };

/** A query result as PGlite returns it with every value left as Postgres text. */
export interface RawResult {
  readonly fields: readonly { readonly name: string; readonly dataTypeID: number }[];
  readonly rows: readonly (readonly unknown[])[];
}

/**
 * Converts Postgres text values into the Data API's typed fields, the way Redshift reports them:
 * integers as `longValue`, floating point as `doubleValue`, booleans as `booleanValue`, everything
 * else (numeric, dates, timestamps, SUPER) as `stringValue`; or, for CSV, into CSV lines of the text.
 */
export function toDataApiResult(
  raw: RawResult,
  typeNameOf: (oid: number) => string,
  format: ResultFormat = "JSON",
): StoredResult {
  const types = raw.fields.map((field) => typeNameOf(field.dataTypeID));
  const columns = raw.fields.map((field, index) =>
    resultColumnMetadata({ name: field.name, typeName: types[index] ?? "unknown" }),
  );
  if (format === "CSV") {
    return { format, columns, lines: raw.rows.map((row) => csvLine(row.map(textOf))) };
  }
  const records = raw.rows.map((row) => row.map((value, index) => toField(value, types[index] ?? "unknown")));
  return { columns, records };
}

function textOf(value: unknown): string | null {
  if (value === null || value === undefined) return null;
  return typeof value === "string" ? value : JSON.stringify(value);
}

function toField(value: unknown, typeName: string): DataApiField {
  const text = textOf(value);
  if (text === null) return { isNull: true };
  if (isIntegerType(typeName)) return { longValue: Number(text) };
  if (isFloatType(typeName)) {
    const number = Number(text);
    return Number.isFinite(number) ? { doubleValue: number } : { stringValue: text };
  }
  if (typeName === "bool") return { booleanValue: text === "t" || text === "true" };
  return { stringValue: text };
}

/** Postgres type names shown as Redshift shows them. */
export function redshiftTypeName(postgresTypeName: string): string {
  return postgresTypeName === "jsonb" ? "super" : postgresTypeName;
}

/** Rows of a kept result, whichever its format. */
export function rowCount(result: StoredResult): number {
  return result.format === "CSV" ? result.lines.length : result.records.length;
}

export function resultSize(result: StoredResult): number {
  const body = result.format === "CSV" ? result.lines.join("\n") : JSON.stringify(result.records);
  return Buffer.byteLength(body, "utf8");
}
