import { literal, sql } from "../sql/template.js";
import type { StatementOutcome, Warehouse } from "../warehouse/index.js";
import { TOOL_SCHEMA } from "./tool-schema.js";

/**
 * The columns of one of the tool's own tables, or `undefined` when it does not exist. Read from the
 * PG catalog tables, which every user sees whole, so the answer does not depend on privileges on it.
 * https://docs.aws.amazon.com/redshift/latest/dg/c_visibility-of-data.html
 */
export async function toolTableColumns(
  warehouse: Warehouse,
  table: string,
  name: string,
): Promise<string[] | undefined> {
  const rows = await warehouse.query(
    sql`SELECT a.attname::varchar AS column_name
FROM pg_class c
JOIN pg_namespace n ON n.oid = c.relnamespace
LEFT JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
WHERE n.nspname = ${literal(TOOL_SCHEMA)} AND c.relname = ${literal(table)}
ORDER BY a.attnum;`,
    { name },
  );
  if (rows.length === 0) return undefined;
  return rows.flatMap((row) => (typeof row.column_name === "string" ? [row.column_name] : []));
}

/**
 * Runs `attempt`; when it fails and the tool's table does not exist yet (asked of the catalog, not
 * guessed from the error's text), creates it and tries once more. `setups` are tried in order until
 * one succeeds, least privilege first (the table alone, then schema and table): CREATE needs its
 * privilege even with IF NOT EXISTS, so a database user given its own schema never needs CREATE on
 * the database, and after the first run no CREATE is needed at all.
 */
export async function withToolTable(
  warehouse: Warehouse,
  options: {
    readonly table: string;
    readonly name: string;
    readonly setups: readonly (readonly string[])[];
    readonly signal?: AbortSignal;
    readonly attempt: () => Promise<StatementOutcome>;
  },
): Promise<StatementOutcome> {
  const outcome = await options.attempt();
  if (outcome.kind !== "failed") return outcome;
  if ((await toolTableColumns(warehouse, options.table, options.name)) !== undefined) return outcome;
  let setup: StatementOutcome = outcome;
  for (const sqls of options.setups) {
    setup = await warehouse.executeBatch(sqls, {
      name: options.name,
      ...(options.signal === undefined ? {} : { signal: options.signal }),
    });
    if (setup.kind === "finished") return options.attempt();
  }
  return setup;
}
