import { type Marker, parseMarker } from "../bookkeeping/marker.js";
import { literals, sql } from "../sql/template.js";
import type { ResultRow } from "../warehouse/index.js";
import { catalogText, unexpectedRow } from "./rows.js";

/** A relation found in one of the managed schemas. */
export interface CatalogView {
  readonly schema: string;
  readonly name: string;
  /** What this tool stored on it (by this project or another), or `undefined` when no marker is there. */
  readonly marker: Marker | undefined;
}

/** One query for every view's stored hash, whatever the number of views. */
export function catalogQuery(schemas: readonly string[]): string {
  return sql`SELECT table_schema, table_name, remarks
FROM svv_columns
WHERE ordinal_position = 1
  AND table_schema IN (${literals(schemas)})
  AND table_name NOT LIKE 'mv_tbl%'
ORDER BY table_schema, table_name;`;
}

export function parseCatalog(rows: readonly ResultRow[]): CatalogView[] {
  return rows.map((row) => {
    const schema = catalogText(row.table_schema);
    const name = catalogText(row.table_name);
    if (schema === undefined || name === undefined) throw unexpectedRow("SVV_COLUMNS", row);
    const remarks = row.remarks;
    if (remarks !== null && typeof remarks !== "string") throw unexpectedRow("SVV_COLUMNS", row);
    return { schema, name, marker: parseMarker(remarks) };
  });
}
