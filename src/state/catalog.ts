import { type Marker, parseMarker } from "../bookkeeping/marker.js";
import { literals, sql } from "../sql/template.js";
import type { ResultRow } from "../warehouse/index.js";
import { catalogText, unexpectedRow } from "./rows.js";

/** A relation found in one of the managed schemas. */
export interface CatalogView {
  readonly schema: string;
  readonly name: string;
  /** Its owner: only they (or a superuser) may DROP, REFRESH or COMMENT ON it. */
  readonly owner: string | undefined;
  /** What this tool stored on it (by this project or another), or `undefined` when no marker is there. */
  readonly marker: Marker | undefined;
}

/** Who the statements run as, as the warehouse sees it. */
interface SessionUser {
  readonly name: string;
  readonly superuser: boolean;
}

export interface Catalog {
  readonly session: SessionUser;
  readonly views: readonly CatalogView[];
}

/**
 * One query for every relation of the managed schemas: its owner and the comment of its first column
 * (the marker), and who the session runs as. It reads the PG catalog tables, which every user sees
 * whole, not `SVV_COLUMNS`, where "regular users can see only their own data": a view created by
 * another user would otherwise look missing.
 * https://docs.aws.amazon.com/redshift/latest/dg/r_SVV_COLUMNS.html
 * https://docs.aws.amazon.com/redshift/latest/dg/c_visibility-of-data.html
 * `col_description` is how the COMMENT page reads a column's comment back.
 * https://docs.aws.amazon.com/redshift/latest/dg/r_COMMENT.html
 */
export function catalogQuery(schemas: readonly string[]): string {
  return sql`SELECT s.session_user_name, s.session_superuser, r.schema_name, r.relation_name, r.owner_name, r.remarks
FROM (SELECT usename::varchar AS session_user_name, usesuper AS session_superuser FROM pg_user WHERE usename = current_user) s
LEFT JOIN (
  SELECT n.nspname::varchar AS schema_name, c.relname::varchar AS relation_name, u.usename::varchar AS owner_name,
    col_description(c.oid, 1)::varchar AS remarks
  FROM pg_class c
  JOIN pg_namespace n ON n.oid = c.relnamespace
  LEFT JOIN pg_user u ON u.usesysid = c.relowner
  WHERE n.nspname IN (${literals(schemas)})
    AND c.relkind IN ('r', 'v', 'm')
    AND c.relname NOT LIKE 'mv_tbl%'
) r ON 1 = 1
ORDER BY r.schema_name, r.relation_name;`;
}

export function parseCatalog(rows: readonly ResultRow[]): Catalog {
  const [first] = rows;
  const name = catalogText(first?.session_user_name);
  const superuser = first?.session_superuser;
  if (first === undefined || name === undefined || !isFlag(superuser))
    throw unexpectedRow("pg_user (the session's user)", first ?? {});
  const views = rows.flatMap((row): CatalogView[] => {
    const schema = catalogText(row.schema_name);
    const relation = catalogText(row.relation_name);
    // The session row alone: no relation in the managed schemas.
    if (schema === undefined && relation === undefined && row.remarks === null) return [];
    if (schema === undefined || relation === undefined) throw unexpectedRow("pg_class", row);
    const remarks = row.remarks;
    if (remarks !== null && typeof remarks !== "string") throw unexpectedRow("pg_class", row);
    return [{ schema, name: relation, owner: catalogText(row.owner_name), marker: parseMarker(remarks) }];
  });
  return { session: { name, superuser: parseFlag(superuser) }, views };
}

function isFlag(value: unknown): value is boolean | string {
  return (
    typeof value === "boolean" || value === "t" || value === "f" || value === "true" || value === "false"
  );
}

function parseFlag(value: boolean | string): boolean {
  return value === true || value === "t" || value === "true";
}
