import type { FilterPart, FilterRule } from "./filter-rule.js";

/**
 * Where the exported tables live in the source database, as zero-ETL patterns name them: MySQL
 * `database.table` (the MySQL database is the schema zero-ETL replicates into), PostgreSQL
 * `database.schema.table`.
 */
export type FilterSource =
  | { readonly kind: "mysql"; readonly database: string }
  | { readonly kind: "postgresql"; readonly database: string; readonly schema: string };

/** The pattern parts naming one table of the source. */
export function tableReference(source: FilterSource, table: string): readonly string[] {
  switch (source.kind) {
    case "mysql":
      return [source.database, table];
    case "postgresql":
      return [source.database, source.schema, table];
  }
}

/**
 * Names this tool writes into a filter as they are. Anything else would need quoting or a regular
 * expression, and neither is safe: Maxwell compiles quoted names as regular expressions (`.` then
 * matches any character), and anchoring a regular expression needs `^`, which the RDS API's
 * documented `DataFilter` pattern, `[a-zA-Z0-9_ "\\\-$,*.:?+\/]*`, does not include (nor `(`, `|`, `)`).
 * https://docs.aws.amazon.com/AmazonRDS/latest/APIReference/API_Integration.html
 */
const PLAIN_NAME = /^[A-Za-z0-9_]+$/;

function isPlainName(name: string): boolean {
  return PLAIN_NAME.test(name);
}

/** The include rule this tool writes for one table, or `undefined` when a name is not plain. */
export function includeRule(source: FilterSource, table: string): FilterRule | undefined {
  const names = tableReference(source, table);
  if (!names.every(isPlainName)) return undefined;
  const parts: FilterPart[] = names.map((name) => ({ kind: "name", name }));
  return { kind: "include", parts, pattern: names.join(".") };
}
