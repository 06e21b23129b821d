import { literals, sql } from "../sql/template.js";
import { compareRelations } from "../text/compare.js";
import { escapeRegExp } from "../text/escape-regexp.js";
import type { ResultRow } from "../warehouse/index.js";
import { catalogText, unexpectedRow } from "./rows.js";

/** An object that reads one of the views the plan will drop or rebuild. */
export interface Dependent {
  readonly schema: string;
  readonly name: string;
  /** `late_binding_view`s (`WITH NO SCHEMA BINDING`) never block a DROP: they are reported as unaffected. */
  readonly kind: "view" | "materialized_view" | "late_binding_view";
}

/** Dependents found for one view, keyed by `schema.name` of the view they read. */
export type DependentsByView = ReadonlyMap<string, readonly Dependent[]>;

export function viewKey(schema: string, name: string): string {
  return `${schema}.${name}`;
}

/**
 * ONE query for everything that reads the given views. Bound views and materialized views are in
 * `pg_depend` through their rewrite rule; late-binding views are not (that is the point of them), so
 * they are found by their definition, which carries `WITH NO SCHEMA BINDING`, and matched by name
 * afterwards. The names are filtered here rather than in SQL, so the query stays small whatever the
 * number of views. Only leader-node catalog tables, so Redshift answers it as it is.
 */
export function dependentsQuery(views: readonly { schema: string; name: string }[]): string {
  const schemas = [...new Set(views.map((view) => view.schema))].sort();
  return [
    "SELECT DISTINCT sn.nspname::varchar AS view_schema, sc.relname::varchar AS view_name,",
    "  dn.nspname::varchar AS dependent_schema, dc.relname::varchar AS dependent_name,",
    "  dc.relkind::varchar AS dependent_kind, NULL::varchar AS definition",
    "FROM pg_depend d",
    "JOIN pg_rewrite r ON r.oid = d.objid",
    "JOIN pg_class dc ON dc.oid = r.ev_class",
    "JOIN pg_namespace dn ON dn.oid = dc.relnamespace",
    "JOIN pg_class sc ON sc.oid = d.refobjid",
    "JOIN pg_namespace sn ON sn.oid = sc.relnamespace",
    "WHERE d.classid = 'pg_rewrite'::regclass AND d.refclassid = 'pg_class'::regclass",
    "  AND dc.oid <> sc.oid",
    sql`  AND sn.nspname IN (${literals(schemas)})`,
    "UNION ALL",
    "SELECT NULL, NULL, n.nspname::varchar, c.relname::varchar, 'l', pg_get_viewdef(c.oid)::varchar",
    "FROM pg_class c",
    "JOIN pg_namespace n ON n.oid = c.relnamespace",
    "WHERE c.relkind = 'v' AND n.nspname NOT IN ('pg_catalog', 'information_schema')",
    "  AND pg_get_viewdef(c.oid) ILIKE '%with no schema binding%'",
    "ORDER BY 3, 4;",
  ].join("\n");
}

/** Whether a late-binding view's definition names `schema.name` (quoted or not, any case). */
export function definitionReads(definition: string, schema: string, name: string): boolean {
  const part = (identifier: string) => `(?:"${escapeRegExp(identifier)}"|\\b${escapeRegExp(identifier)}\\b)`;
  return new RegExp(`${part(schema)}\\s*\\.\\s*${part(name)}`, "i").test(definition);
}

/** Groups the query's rows by the view they read (pure, so it is tested without a warehouse). */
export function groupDependents(
  views: readonly { schema: string; name: string }[],
  rows: readonly ResultRow[],
): Map<string, Dependent[]> {
  const found = new Map<string, Dependent[]>();
  const add = (key: string, dependent: Dependent) => {
    const list = found.get(key) ?? [];
    if (!list.some((known) => known.schema === dependent.schema && known.name === dependent.name))
      list.push(dependent);
    found.set(key, list);
  };
  const wanted = new Set(views.map((view) => viewKey(view.schema, view.name)));
  for (const row of rows) {
    const text = (value: unknown): string => {
      const found = catalogText(value);
      if (found === undefined) throw unexpectedRow("the dependents query (pg_depend, pg_class)", row);
      return found;
    };
    const schema = text(row.dependent_schema);
    const name = text(row.dependent_name);
    const kind = text(row.dependent_kind);
    if (kind === "l") {
      const definition = text(row.definition);
      for (const view of views) {
        if (definitionReads(definition, view.schema, view.name))
          add(viewKey(view.schema, view.name), { schema, name, kind: "late_binding_view" });
      }
      continue;
    }
    const key = viewKey(text(row.view_schema), text(row.view_name));
    if (!wanted.has(key)) continue;
    add(key, { schema, name, kind: kind === "m" ? "materialized_view" : "view" });
  }
  for (const list of found.values()) list.sort(compareRelations);
  return found;
}

/** Those that would make a plain DROP fail (SQLSTATE 2BP01). */
export function blockingDependents(dependents: readonly Dependent[]): Dependent[] {
  return dependents.filter((dependent) => dependent.kind !== "late_binding_view");
}
