import { type ErrorLocation, RedshiftViewsError } from "../errors.js";
import type { ViewNaming } from "../schema/generator-options.js";
import type { ExportedTable } from "./view-spec.js";

/** What naming needs to know of an exported table. */
export type NamedTable = Pick<ExportedTable, "model" | "table" | "view"> & { readonly schema: string };

/**
 * The name of a table's views (both tiers): its table name, or with `schema_prefixed`,
 * `<schema>_<table>` for tables outside the default schema, so that same-named tables of several
 * schemas get views of their own while the default schema's views keep their names.
 */
export function viewName(table: string, schema: string, naming: ViewNaming, defaultSchema: string): string {
  return naming === "schema_prefixed" && schema !== defaultSchema ? `${schema}_${table}` : table;
}

/**
 * View names must be unique per tier, and so must template names on case-insensitive file systems;
 * and a view `<v>_pii` must not meet `<v>`'s PII template. Each collision names both models and
 * what to do.
 */
export function viewNameCollisions(
  tables: readonly NamedTable[],
  naming: ViewNaming,
  defaultSchema: string,
  where: (model: string) => ErrorLocation,
): RedshiftViewsError[] {
  const errors: RedshiftViewsError[] = [];
  const byLowerName = new Map<string, NamedTable>();
  for (const table of tables) {
    const other = byLowerName.get(table.view.toLowerCase());
    if (other === undefined) {
      byLowerName.set(table.view.toLowerCase(), table);
      continue;
    }
    const qualify = other.schema !== table.schema;
    const both = `${describe(other, qualify)} (model ${other.model}) and ${describe(table, qualify)} (model ${table.model})`;
    const message =
      other.view === table.view
        ? `Tables ${both} would both have views named "${table.view}".`
        : other.view === other.table && table.view === table.table
          ? `Tables ${both} differ only by case.`
          : `Tables ${both} would have views "${other.view}" and "${table.view}", which differ only by case.`;
    errors.push(
      new RedshiftViewsError("E_TABLE_NAME_COLLISION", message, {
        location: where(table.model),
        hint:
          qualify && naming === "table"
            ? `Set viewNaming = "schema_prefixed" in the generator block to name the views of tables outside "${defaultSchema}" <schema>_<table> (existing views of those tables are renamed: provision drops them and adds the new ones), or give one table a different @@map, or stop exporting one.`
            : other.view === table.view
              ? "Give one table a different @@map, or stop exporting one of them."
              : "Their templates would overwrite each other on macOS and Windows: give one a different @@map.",
      }),
    );
  }
  for (const table of tables) {
    const lower = table.view.toLowerCase();
    const base = lower.endsWith("_pii") ? byLowerName.get(lower.slice(0, -4)) : undefined;
    if (base === undefined) continue;
    errors.push(
      new RedshiftViewsError(
        "E_TABLE_NAME_COLLISION",
        `${subject(table)} (model ${table.model}) collides with the PII template of "${base.view}" (model ${base.model}).`,
        {
          location: where(table.model),
          hint: `Both would be written to ${base.view}_pii.sql.ejs: rename one with @@map, or stop exporting one of them.`,
        },
      ),
    );
  }
  return errors;
}

function subject(table: NamedTable): string {
  return table.view === table.table
    ? `Table "${table.table}"`
    : `View "${table.view}" of table ${describe(table, true)}`;
}

function describe(table: NamedTable, qualify: boolean): string {
  return qualify ? `"${table.schema}"."${table.table}"` : `"${table.table}"`;
}
