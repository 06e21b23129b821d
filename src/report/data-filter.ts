import { RedshiftViewsError } from "../errors.js";
import { escapeRegExp } from "../text/escape-regexp.js";

/** Zero-ETL's limits on data filters. */
export const MAX_FILTER_PATTERNS = 99;
export const MAX_PATTERN_LENGTH = 256;

export interface DataFilterInput {
  /** `mysql` → `schema.table`; `postgresql` → `database.schema.table`. */
  readonly provider: string | undefined;
  /** PostgreSQL only: the source (Aurora PostgreSQL) database name. Ignored for MySQL. */
  readonly database?: string | undefined;
  /**
   * Each exported table with the source schema it is replicated from, placeholder filled: for MySQL
   * the source database (e.g. dashboard_production), for PostgreSQL the table's own schema.
   */
  readonly tables: readonly FilterTable[];
}

export interface FilterTable {
  readonly schema: string;
  readonly table: string;
}

/**
 * The integration data filter (`include: …`, Maxwell syntax) that replicates exactly the exported
 * tables, so nothing else leaves the application database. Past 99 tables, names are folded into
 * regular-expression patterns of at most 256 characters.
 */
export function dataFilter(input: DataFilterInput): string {
  // Tables grouped by their prefix (`schema.` or `database.schema.`), prefixes and names sorted.
  const prefixOf = sourcePrefix(input);
  const byPrefix = new Map<string, Set<string>>();
  for (const { schema, table } of input.tables) {
    const prefix = prefixOf(schema);
    byPrefix.set(prefix, (byPrefix.get(prefix) ?? new Set()).add(table));
  }
  const groups = [...byPrefix]
    .map(([prefix, tables]) => ({ prefix, tables: [...tables].sort() }))
    .sort((a, b) => (a.prefix < b.prefix ? -1 : a.prefix > b.prefix ? 1 : 0));
  let patterns = groups.flatMap(({ prefix, tables }) =>
    tables.map((table) => `${prefix}${literalName(table)}`),
  );
  if (
    patterns.length > MAX_FILTER_PATTERNS ||
    patterns.some((pattern) => pattern.length > MAX_PATTERN_LENGTH)
  ) {
    patterns = groups.flatMap(({ prefix, tables }) => regexPatterns(prefix, tables));
  }
  if (patterns.length > MAX_FILTER_PATTERNS) {
    throw new RedshiftViewsError(
      "E_DATA_FILTER_TOO_LARGE",
      `The exported tables need ${patterns.length} filter patterns; zero-ETL allows ${MAX_FILTER_PATTERNS}.`,
      {
        hint: "Replicate the whole database instead, or shorten table names.",
      },
    );
  }
  return `include: ${patterns.join(", ")}`;
}

/** How a table's name starts in the filter, by its schema; checked before any table is looked at. */
function sourcePrefix(input: DataFilterInput): (schema: string) => string {
  switch (input.provider) {
    case "mysql":
      return (schema) => `${schema}.`;
    case "postgresql":
    case "postgres":
      if (input.database === undefined || input.database === "") {
        throw new RedshiftViewsError(
          "E_DATA_FILTER_SOURCE",
          "A PostgreSQL filter needs the source database name.",
          {
            hint: "Pass --source-database <name of the Aurora PostgreSQL database>.",
          },
        );
      }
      return (schema) => `${input.database}.${schema}.`;
    default:
      throw new RedshiftViewsError(
        "E_DATA_FILTER_PROVIDER",
        `Zero-ETL data filters are for MySQL and PostgreSQL sources, not "${input.provider ?? "none"}".`,
        {
          hint: "Set the datasource provider in schema.prisma to mysql or postgresql.",
        },
      );
  }
}

/** Names with characters Maxwell treats specially are written as an anchored regular expression. */
function literalName(table: string): string {
  return /^[A-Za-z0-9_$]+$/.test(table) ? table : `/^${escapeRegExp(table)}$/`;
}

function regexPatterns(prefix: string, tables: readonly string[]): string[] {
  const patterns: string[] = [];
  let group: string[] = [];
  const render = (names: readonly string[]) => `${prefix}/^(${names.map(escapeRegExp).join("|")})$/`;
  for (const table of tables) {
    if (group.length > 0 && render([...group, table]).length > MAX_PATTERN_LENGTH) {
      patterns.push(render(group));
      group = [];
    }
    group.push(table);
  }
  if (group.length > 0) patterns.push(render(group));
  return patterns;
}
