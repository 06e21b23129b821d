import { literals, sql } from "../sql/template.js";
import type { ResultRow } from "../warehouse/index.js";
import { catalogText, unexpectedRow } from "./rows.js";

/** A materialized view's health as `SVV_MV_INFO` reports it. */
export interface MvInfo {
  readonly schema: string;
  readonly name: string;
  /** `undefined` when Redshift does not say (`u`): treated as stale. */
  readonly isStale: boolean | undefined;
  readonly state: number | undefined;
}

/** One query for every view's staleness, whatever the number of views. */
export function mvInfoQuery(schemas: readonly string[]): string {
  return sql`SELECT schema_name, name, is_stale, state
FROM svv_mv_info
WHERE schema_name IN (${literals(schemas)})
ORDER BY schema_name, name;`;
}

export function parseMvInfo(rows: readonly ResultRow[]): MvInfo[] {
  return rows.map((row) => {
    const schema = catalogText(row.schema_name);
    const name = catalogText(row.name);
    if (schema === undefined || name === undefined) throw unexpectedRow("SVV_MV_INFO", row);
    return { schema, name, isStale: parseFlag(row.is_stale), state: parseState(row.state) };
  });
}

/** `t`, `f`, or `u` (unknown): https://docs.aws.amazon.com/redshift/latest/dg/r_SVV_MV_INFO.html */
function parseFlag(value: unknown): boolean | undefined {
  if (typeof value === "boolean") return value;
  const flag = catalogText(value)?.toLowerCase();
  if (flag === "t" || flag === "true") return true;
  if (flag === "f" || flag === "false") return false;
  return undefined;
}

function parseState(value: unknown): number | undefined {
  const state =
    typeof value === "number" ? value : typeof value === "string" ? Number.parseInt(value, 10) : Number.NaN;
  return Number.isFinite(state) ? state : undefined;
}
