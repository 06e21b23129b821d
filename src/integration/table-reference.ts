import { RedshiftViewsError } from "../errors.js";
import type { FilterPart, FilterRule } from "./filter-rule.js";

/**
 * A table of the source as a zero-ETL filter pattern names it: `[database, table]` for MySQL sources,
 * `[database, schema, table]` for PostgreSQL ones.
 * https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/zero-etl.filtering.html
 */
export type TableReference = readonly string[];

/** `database.table` or `database.schema.table`, for people. */
export function referenceText(reference: TableReference): string {
  return reference.join(".");
}

/** A key that tells references apart even when a name holds a dot. */
export function referenceKey(reference: TableReference): string {
  return JSON.stringify(reference);
}

/**
 * Names this tool writes into a filter as they are. Anything else would need quoting or a regular
 * expression, and neither is safe: Maxwell compiles quoted names as regular expressions (`.` then
 * matches any character), and anchoring a regular expression needs `^`, which the RDS API's
 * documented `DataFilter` pattern, `[a-zA-Z0-9_ "\\\-$,*.:?+\/]*`, does not include (nor `(`, `|`, `)`).
 * https://docs.aws.amazon.com/AmazonRDS/latest/APIReference/API_Integration.html
 */
const PLAIN_NAME = /^[A-Za-z0-9_]+$/;

/**
 * The one kind of rule this tool writes, whether it prints a filter or applies one: an `include` of
 * exactly one table by its literal names, e.g. `include: app.users`. `undefined` when a name is not
 * plain (see `unwritableTable`).
 */
export function includeRule(reference: TableReference): FilterRule | undefined {
  if (!reference.every((name) => PLAIN_NAME.test(name))) return undefined;
  const parts: FilterPart[] = reference.map((name) => ({ kind: "name", name }));
  return { kind: "include", parts, pattern: referenceText(reference) };
}

/** The refusal for a table `includeRule` cannot write. */
export function unwritableTable(reference: TableReference): RedshiftViewsError {
  return new RedshiftViewsError(
    "E_DATA_FILTER_NAME",
    `Cannot write a data filter pattern for table "${referenceText(reference)}": only names of letters, digits and underscores can be matched exactly within the characters the RDS API accepts.`,
    {
      hint: "Rename the table with @@map, or add a rule for it yourself in the RDS console (this tool keeps rules it did not write).",
    },
  );
}

/** Sorted by their text, duplicates removed. */
export function sortedReferences(references: readonly TableReference[]): TableReference[] {
  const byKey = new Map(references.map((reference) => [referenceKey(reference), reference]));
  return [...byKey.values()].sort((a, b) => {
    const [left, right] = [referenceText(a), referenceText(b)];
    return left < right ? -1 : left > right ? 1 : 0;
  });
}
