import type { ColumnMetadata, Field } from "@aws-sdk/client-redshift-data";
import type { ResultRow, ResultValue } from "./types.js";

/** One typed Data API field as a plain value. */
function fieldValue(field: Field): ResultValue {
  if (field.isNull === true) return null;
  if (field.booleanValue !== undefined) return field.booleanValue;
  if (field.longValue !== undefined) return field.longValue;
  if (field.doubleValue !== undefined) return field.doubleValue;
  if (field.stringValue !== undefined) return field.stringValue;
  if (field.blobValue !== undefined) return Buffer.from(field.blobValue).toString("hex");
  return null;
}

/** Records of one GetStatementResult page → rows keyed by column name (label when unnamed). */
export function toRows(
  columns: readonly ColumnMetadata[],
  records: readonly (readonly Field[])[],
): ResultRow[] {
  const names = columns.map((column, index) => column.name ?? column.label ?? `column${index + 1}`);
  return records.map((record) => {
    const row: ResultRow = {};
    names.forEach((name, index) => {
      const field = record[index];
      row[name] = field === undefined ? null : fieldValue(field);
    });
    return row;
  });
}
