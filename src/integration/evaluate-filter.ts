import type { FilterPart, FilterRule } from "./filter-rule.js";

export interface FilterVerdict {
  readonly replicated: boolean;
  /** The rule that decided, or `undefined` when the default did (no rule applies). */
  readonly decidedBy: FilterRule | undefined;
}

/**
 * Pure: whether the filter replicates the table named by `reference` (`[database, table]` or
 * `[database, schema, table]`).
 *
 * Zero-ETL's documented logic: no filter replicates everything ("a default filter of include:*.*");
 * with at least one rule the default becomes `exclude:*.*`, and rules apply in order, a later one
 * overriding an earlier one.
 * https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/zero-etl.filtering.html
 *
 * Names compare exactly (zero-ETL identifiers are case sensitive). A regular expression matches when
 * it is found anywhere in the name, as Maxwell's `Pattern.matcher(name).find()` does; AWS's examples
 * read as if it were anchored, so this is the broader reading, which makes the warnings built on it
 * err towards warning. A regular expression JavaScript cannot compile (Java-only syntax) is taken to
 * match, for the same reason.
 */
export function evaluateFilter(rules: readonly FilterRule[], reference: readonly string[]): FilterVerdict {
  if (rules.length === 0) return { replicated: true, decidedBy: undefined };
  let verdict: FilterVerdict = { replicated: false, decidedBy: undefined };
  for (const rule of rules) {
    if (applies(rule, reference)) verdict = { replicated: rule.kind === "include", decidedBy: rule };
  }
  return verdict;
}

function applies(rule: FilterRule, reference: readonly string[]): boolean {
  return (
    rule.parts.length === reference.length &&
    rule.parts.every((part, index) => partMatches(part, reference[index] ?? ""))
  );
}

function partMatches(part: FilterPart, name: string): boolean {
  switch (part.kind) {
    case "any":
      return true;
    case "name":
      return part.name === name;
    case "regex":
      try {
        return new RegExp(part.source).test(name);
      } catch {
        return true;
      }
  }
}
