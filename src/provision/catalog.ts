import { RedshiftViewsError } from "../errors.js";
import { sqlLiteral } from "../safety/identifiers.js";
import type { Warehouse } from "../warehouse/index.js";
import { parseMarker } from "./marker.js";

/** A relation found in one of the managed schemas. */
export interface CatalogView {
  readonly schema: string;
  readonly name: string;
  /** The hash this tool stored on it, or `undefined` when it is not ours. */
  readonly hash: string | undefined;
}

/** One query for every view's stored hash, whatever the number of views. */
export function catalogQuery(schemas: readonly string[]): string {
  return [
    "SELECT table_schema, table_name, remarks",
    "FROM svv_columns",
    "WHERE ordinal_position = 1",
    `  AND table_schema IN (${schemas.map(sqlLiteral).join(", ")})`,
    "  AND table_name NOT LIKE 'mv_tbl%'",
    "ORDER BY table_schema, table_name;",
  ].join("\n");
}

export async function readCatalog(
  warehouse: Warehouse,
  schemas: readonly string[],
  statementName: string,
): Promise<CatalogView[]> {
  const rows = await warehouse.query(catalogQuery(schemas), { name: statementName });
  return rows.map((row) => {
    const schema = row.table_schema;
    const name = row.table_name;
    if (typeof schema !== "string" || typeof name !== "string") {
      throw new RedshiftViewsError(
        "E_CATALOG_UNEXPECTED",
        "SVV_COLUMNS returned a row without table_schema/table_name.",
        {
          hint: "Check that the database user can read SVV_COLUMNS.",
        },
      );
    }
    return { schema, name, hash: parseMarker(typeof row.remarks === "string" ? row.remarks : null) };
  });
}
