import type { Grantee } from "../sql/statement.js";
import { literals, sql } from "../sql/template.js";
import type { ResultRow } from "../warehouse/index.js";
import { catalogText, unexpectedRow } from "./rows.js";

/** Who holds `USAGE` on the managed schemas and `SELECT` on their relations. */
export interface Privileges {
  /**
   * Whether the session sees every grant: "SVV_RELATION_PRIVILEGES is visible to … superusers [and]
   * users with the SYSLOG ACCESS UNRESTRICTED permission. Other users can only see identities they
   * have access to or own." Without it the lists below are partial and nothing is concluded from them.
   * https://docs.aws.amazon.com/redshift/latest/dg/r_SVV_RELATION_PRIVILEGES.html
   * https://docs.aws.amazon.com/redshift/latest/dg/r_SVV_SCHEMA_PRIVILEGES.html
   */
  readonly complete: boolean;
  /** `schema` → who has USAGE on it. */
  readonly usage: ReadonlyMap<string, readonly Grantee[]>;
  /** `schema.relation` → who has SELECT on it. */
  readonly select: ReadonlyMap<string, readonly Grantee[]>;
}

/**
 * One query: the session's own SYSLOG ACCESS (its row of SVV_USER_INFO, which regular users see),
 * then USAGE on the schemas and SELECT on their relations.
 * https://docs.aws.amazon.com/redshift/latest/dg/r_SVV_USER_INFO.html
 */
export function privilegesQuery(schemas: readonly string[]): string {
  return sql`SELECT 'session'::varchar AS kind, NULL::varchar AS schema_name, NULL::varchar AS relation_name,
  NULL::varchar AS identity_name, NULL::varchar AS identity_type, superuser, syslog_access::varchar AS syslog_access
FROM svv_user_info WHERE user_name = current_user
UNION ALL
SELECT 'usage', namespace_name::varchar, NULL, identity_name::varchar, identity_type::varchar, NULL, NULL
FROM svv_schema_privileges WHERE namespace_name IN (${literals(schemas)}) AND privilege_type = 'USAGE'
UNION ALL
SELECT 'select', namespace_name::varchar, relation_name::varchar, identity_name::varchar, identity_type::varchar, NULL, NULL
FROM svv_relation_privileges WHERE namespace_name IN (${literals(schemas)}) AND privilege_type = 'SELECT'
ORDER BY 1, 2, 3, 4;`;
}

export function parsePrivileges(rows: readonly ResultRow[]): Privileges {
  let complete = false;
  const usage = new Map<string, Grantee[]>();
  const select = new Map<string, Grantee[]>();
  const add = (map: Map<string, Grantee[]>, key: string, grantee: Grantee) =>
    map.set(key, [...(map.get(key) ?? []), grantee]);
  for (const row of rows) {
    const kind = catalogText(row.kind);
    if (kind === "session") {
      const superuser = row.superuser === true || row.superuser === "t" || row.superuser === "true";
      complete = superuser || catalogText(row.syslog_access)?.toUpperCase() === "UNRESTRICTED";
      continue;
    }
    const schema = catalogText(row.schema_name);
    const grantee = granteeOf(row.identity_type, row.identity_name);
    if (schema === undefined || grantee === undefined) throw unexpectedRow("SVV_*_PRIVILEGES", row);
    if (kind === "usage") add(usage, schema, grantee);
    else if (kind === "select") {
      const relation = catalogText(row.relation_name);
      if (relation === undefined) throw unexpectedRow("SVV_RELATION_PRIVILEGES", row);
      add(select, `${schema}.${relation}`, grantee);
    } else throw unexpectedRow("SVV_*_PRIVILEGES", row);
  }
  return { complete, usage, select };
}

function granteeOf(type: unknown, name: unknown): Grantee | undefined {
  const kind = catalogText(type)?.toLowerCase();
  const identity = catalogText(name);
  if (kind === "public") return { kind: "public" };
  if ((kind === "user" || kind === "group" || kind === "role") && identity !== undefined)
    return { kind, name: identity };
  return undefined;
}

export function sameGrantee(a: Grantee, b: Grantee): boolean {
  return a.kind === b.kind && (a.kind === "public" || (b.kind !== "public" && a.name === b.name));
}
