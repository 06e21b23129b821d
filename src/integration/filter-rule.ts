/**
 * One part of a zero-ETL data filter pattern (`database.table` for MySQL sources,
 * `database.schema.table` for PostgreSQL): a name, `*`, or a `/regular expression/`.
 * https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/zero-etl.filtering.html
 */
export type FilterPart =
  | { readonly kind: "any" }
  | { readonly kind: "name"; readonly name: string }
  | { readonly kind: "regex"; readonly source: string };

export type FilterRuleKind = "include" | "exclude";

/** One typed pattern of a data filter, e.g. `include: shop.users`. */
export interface FilterRule {
  readonly kind: FilterRuleKind;
  readonly parts: readonly FilterPart[];
  /**
   * The pattern as written (for rules read from an integration: verbatim, quotes and escapes
   * included), so a rule this tool keeps is sent back exactly as its author wrote it.
   */
  readonly pattern: string;
}

/** `include: db.table`: every pattern carries its own type, as the RDS API requires. */
export function renderRule(rule: FilterRule): string {
  return `${rule.kind}: ${rule.pattern}`;
}

/**
 * The `DataFilter` value for the rules, in order. The AWS CLI and API (unlike the console) need the
 * type on every pattern: "You must assign a filter type (Include or Exclude) to each pattern
 * individually, so you can't group multiple patterns under one filter type."
 * https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/zero-etl.filtering.html
 */
export function renderDataFilter(rules: readonly FilterRule[]): string {
  return rules.map(renderRule).join(", ");
}
