import { RedshiftViewsError } from "../errors.js";
import type { ResultRow } from "../warehouse/index.js";

/**
 * A catalog text value: Redshift pads `CHAR` columns (`SVV_MV_INFO`), so values are trimmed; an empty
 * or missing value is `undefined`.
 */
export function catalogText(value: unknown): string | undefined {
  if (typeof value !== "string") return undefined;
  const trimmed = value.trim();
  return trimmed === "" ? undefined : trimmed;
}

/** A row that does not have the shape the tool reads: never dropped silently. */
export function unexpectedRow(relation: string, row: ResultRow): RedshiftViewsError {
  return new RedshiftViewsError(
    "E_CATALOG_UNEXPECTED",
    `${relation} returned a row the tool cannot read: ${JSON.stringify(row).slice(0, 300)}`,
    { hint: `Check that the database user can read ${relation}; if it can, report this with the row shown.` },
  );
}
