import { sqlLiteral } from "../safety/identifiers.js";
import type { Warehouse } from "../warehouse/index.js";

/** A materialized view's health as `SVV_MV_INFO` reports it. */
export interface MvInfo {
  readonly schema: string;
  readonly name: string;
  /** `undefined` when Redshift does not say: treated as stale. */
  readonly isStale: boolean | undefined;
  readonly state: number | undefined;
}

export function mvInfoQuery(schemas: readonly string[]): string {
  return [
    "SELECT schema_name, name, is_stale, state",
    "FROM svv_mv_info",
    `WHERE schema_name IN (${schemas.map(sqlLiteral).join(", ")})`,
    "ORDER BY schema_name, name;",
  ].join("\n");
}

/** One query for every view's staleness, whatever the number of views. */
export async function readMvInfo(
  warehouse: Warehouse,
  schemas: readonly string[],
  name: string,
): Promise<MvInfo[]> {
  const rows = await warehouse.query(mvInfoQuery(schemas), { name });
  return rows.flatMap((row) => {
    const schema = typeof row.schema_name === "string" ? row.schema_name.trim() : undefined;
    const viewName = typeof row.name === "string" ? row.name.trim() : undefined;
    if (schema === undefined || viewName === undefined) return [];
    return [{ schema, name: viewName, isStale: parseFlag(row.is_stale), state: parseState(row.state) }];
  });
}

function parseFlag(value: unknown): boolean | undefined {
  if (typeof value === "boolean") return value;
  if (typeof value === "string") {
    const flag = value.trim().toLowerCase();
    if (flag === "t" || flag === "true") return true;
    if (flag === "f" || flag === "false") return false;
  }
  return undefined;
}

function parseState(value: unknown): number | undefined {
  const state =
    typeof value === "number" ? value : typeof value === "string" ? Number.parseInt(value, 10) : Number.NaN;
  return Number.isFinite(state) ? state : undefined;
}
