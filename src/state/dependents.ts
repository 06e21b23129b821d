import { compareRelations } from "../text/compare.js";
import { escapeRegExp } from "../text/escape-regexp.js";
import type { ResultRow } from "../warehouse/index.js";
import { catalogText, unexpectedRow } from "./rows.js";

/** An object that reads one of the views the plan will drop or rebuild, directly or through others. */
export interface Dependent {
  readonly schema: string;
  readonly name: string;
  /** `late_binding_view`s (`WITH NO SCHEMA BINDING`) never block a DROP: they are reported as unaffected. */
  readonly kind: "view" | "materialized_view" | "late_binding_view";
  /** For a dependent of a dependent: the object it reads (`CASCADE` drops the whole chain). */
  readonly through?: { readonly schema: string; readonly name: string };
}

export function viewKey(schema: string, name: string): string {
  return `${schema}.${name}`;
}

/**
 * Everything bound to a relation through a view's rewrite rule (`pg_depend`, which every user reads
 * whole), and every late-binding view with its definition: late-binding views are not in `pg_depend`
 * (that is the point of them) and are matched by name afterwards. Leader-node catalog tables only.
 *
 * On Redshift a materialized view has `relkind = 'v'` like a plain view, and its rewrite rule reads
 * its internal table, not its sources: what is found here is plain views. Materialized views built
 * on a view are in SVV_MV_DEPENDENCY (below).
 */
export function boundDependentsQuery(): string {
  return [
    "SELECT sn.nspname::varchar AS ref_schema, sc.relname::varchar AS ref_name,",
    "  dn.nspname::varchar AS dependent_schema, dc.relname::varchar AS dependent_name,",
    "  dc.relkind::varchar AS dependent_kind, NULL::varchar AS definition",
    "FROM pg_depend d",
    "JOIN pg_rewrite r ON r.oid = d.objid",
    "JOIN pg_class dc ON dc.oid = r.ev_class",
    "JOIN pg_namespace dn ON dn.oid = dc.relnamespace",
    "JOIN pg_class sc ON sc.oid = d.refobjid",
    "JOIN pg_namespace sn ON sn.oid = sc.relnamespace",
    "WHERE d.classid = 'pg_rewrite'::regclass AND d.refclassid = 'pg_class'::regclass",
    "  AND dc.oid <> sc.oid AND sn.nspname NOT IN ('pg_catalog', 'information_schema')",
    "UNION ALL",
    "SELECT NULL, NULL, n.nspname::varchar, c.relname::varchar, 'l', pg_get_viewdef(c.oid)::varchar",
    "FROM pg_class c",
    "JOIN pg_namespace n ON n.oid = c.relnamespace",
    "WHERE c.relkind = 'v' AND n.nspname NOT IN ('pg_catalog', 'information_schema')",
    "  AND pg_get_viewdef(c.oid) ILIKE '%with no schema binding%';",
  ].join("\n");
}

/**
 * Materialized views built on materialized views: Redshift records them here, not in `pg_depend`
 * (a materialized view is a view over an internal table), and a materialized view cannot be built on
 * a plain view. A row says that `schema_name.name` depends on
 * `dependent_schema_name.dependent_name`. It works on Serverless, where STV_MV_DEPS does not.
 * "Regular users can see only their own data": a materialized view another user built on a managed
 * view is seen by superusers only; for anyone else its DROP fails on the warehouse (2BP01), and the
 * view is reported failed, unchanged.
 * https://docs.aws.amazon.com/redshift/latest/dg/r_SVV_MV_DEPENDENCY.html
 */
export function materializedDependentsQuery(): string {
  return [
    "SELECT dependent_schema_name AS ref_schema, dependent_name AS ref_name,",
    "  schema_name AS dependent_schema, name AS dependent_name",
    "FROM svv_mv_dependency;",
  ].join("\n");
}

/** Whether a late-binding view's definition names `schema.name` (quoted or not, any case). */
function definitionReads(definition: string, schema: string, name: string): boolean {
  const part = (identifier: string) => `(?:"${escapeRegExp(identifier)}"|\\b${escapeRegExp(identifier)}\\b)`;
  return new RegExp(`${part(schema)}\\s*\\.\\s*${part(name)}`, "i").test(definition);
}

interface Edge {
  readonly ref: string;
  readonly dependent: { readonly schema: string; readonly name: string };
  readonly kind: Dependent["kind"];
}

/**
 * The dependents of each view, direct and transitive (pure): a DROP without `CASCADE` fails if
 * anything is bound to the view, and with it drops the whole closure. Late-binding views are listed
 * as unaffected and not followed (nothing is bound to them through the DROP).
 */
export function groupDependents(
  views: readonly { schema: string; name: string }[],
  bound: readonly ResultRow[],
  materialized: readonly ResultRow[],
): Map<string, Dependent[]> {
  const edges: Edge[] = [];
  const lateBinding: { schema: string; name: string; definition: string }[] = [];
  // Materialized views first: should a warehouse also record one in pg_depend, where it looks like a
  // plain view, it is named for what it is.
  for (const row of materialized) {
    const text = (value: unknown): string => {
      const found = catalogText(value);
      if (found === undefined) throw unexpectedRow("SVV_MV_DEPENDENCY", row);
      return found;
    };
    edges.push({
      ref: viewKey(text(row.ref_schema), text(row.ref_name)),
      dependent: { schema: text(row.dependent_schema), name: text(row.dependent_name) },
      kind: "materialized_view",
    });
  }
  for (const row of bound) {
    const text = (value: unknown): string => {
      const found = catalogText(value);
      if (found === undefined) throw unexpectedRow("the dependents query (pg_depend, pg_class)", row);
      return found;
    };
    const dependent = { schema: text(row.dependent_schema), name: text(row.dependent_name) };
    const kind = text(row.dependent_kind);
    if (kind === "l") lateBinding.push({ ...dependent, definition: text(row.definition) });
    else edges.push({ ref: viewKey(text(row.ref_schema), text(row.ref_name)), dependent, kind: "view" });
  }
  const byRef = new Map<string, Edge[]>();
  for (const edge of edges) byRef.set(edge.ref, [...(byRef.get(edge.ref) ?? []), edge]);

  const found = new Map<string, Dependent[]>();
  for (const view of views) {
    const key = viewKey(view.schema, view.name);
    const list: Dependent[] = [];
    const seen = new Set<string>([key]);
    const queue: { key: string; from: { schema: string; name: string } | undefined }[] = [
      { key, from: undefined },
    ];
    for (let next = queue.shift(); next !== undefined; next = queue.shift()) {
      for (const edge of byRef.get(next.key) ?? []) {
        const dependentKey = viewKey(edge.dependent.schema, edge.dependent.name);
        if (seen.has(dependentKey) || edge.dependent.name.startsWith("mv_tbl__")) continue;
        seen.add(dependentKey);
        const through = next.key === key ? undefined : next.from;
        list.push({ ...edge.dependent, kind: edge.kind, ...(through === undefined ? {} : { through }) });
        queue.push({ key: dependentKey, from: edge.dependent });
      }
    }
    for (const late of lateBinding)
      if (definitionReads(late.definition, view.schema, view.name))
        list.push({ schema: late.schema, name: late.name, kind: "late_binding_view" });
    if (list.length > 0) found.set(key, list.sort(compareRelations));
  }
  return found;
}

/** Those that would make a plain DROP fail: everything bound, directly or through another view. */
export function blockingDependents(dependents: readonly Dependent[]): Dependent[] {
  return dependents.filter((dependent) => dependent.kind !== "late_binding_view");
}
