import { quoteIdentifier, quoteLiteral } from "./quote.js";
import type { Grantee, Relation, Statement } from "./statement.js";

function renderRelation(relation: Relation): string {
  return `${quoteIdentifier(relation.schema)}.${quoteIdentifier(relation.name)}`;
}

/** The grantee as it appears after `TO` in a Redshift `GRANT` (or `FROM` in a `REVOKE`). */
export function renderPrincipal(principal: Grantee): string {
  if (principal.kind === "public") return "PUBLIC";
  const quoted = quoteIdentifier(principal.name);
  switch (principal.kind) {
    case "group":
      return `GROUP ${quoted}`;
    case "role":
      return `ROLE ${quoted}`;
    case "user":
      return quoted;
  }
}

/**
 * The SQL text of a statement. Its output for grants and DDL is part of every view's hash, so it must
 * not change for the same statement (a change would rebuild every view on the next provision).
 */
export function renderStatement(statement: Statement): string {
  switch (statement.kind) {
    case "create_schema":
      return `CREATE SCHEMA IF NOT EXISTS ${quoteIdentifier(statement.schema)};`;
    case "create_materialized_view":
      return statement.ddl;
    case "drop_materialized_view":
      return `DROP MATERIALIZED VIEW IF EXISTS ${renderRelation(statement.view)}${statement.cascade ? " CASCADE" : ""};`;
    case "comment_on_column":
      return `COMMENT ON COLUMN ${renderRelation(statement.relation)}.${quoteIdentifier(statement.column)} IS ${quoteLiteral(statement.text)};`;
    case "grant_select":
      return `GRANT SELECT ON ${renderRelation(statement.relation)} TO ${renderPrincipal(statement.to)};`;
    // A reader needs USAGE on the schema as well as SELECT on the view.
    // https://docs.aws.amazon.com/redshift/latest/dg/r_GRANT.html
    case "grant_usage":
      return `GRANT USAGE ON SCHEMA ${quoteIdentifier(statement.schema)} TO ${renderPrincipal(statement.to)};`;
    case "revoke_usage":
      return `REVOKE USAGE ON SCHEMA ${quoteIdentifier(statement.schema)} FROM ${renderPrincipal(statement.from)};`;
    case "refresh_materialized_view":
      return `REFRESH MATERIALIZED VIEW ${renderRelation(statement.view)};`;
  }
}
