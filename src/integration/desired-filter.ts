import { checkedDataFilter } from "./filter-limits.js";
import type { FilterRule } from "./filter-rule.js";
import { includeRule, sortedReferences, type TableReference, unwritableTable } from "./table-reference.js";

/**
 * Pure: the data filter that replicates exactly the exported tables, for an integration that has
 * none yet: one `include` per table (`includeRule`, the rule `planDataFilter` adds), sorted, within
 * the service's limits. A table whose name cannot be written is refused here, as the plan refuses it
 * when no rule of someone else's replicates it.
 */
export function desiredDataFilter(exported: readonly TableReference[]): string {
  const rules: FilterRule[] = sortedReferences(exported).map((table) => {
    const rule = includeRule(table);
    if (rule === undefined) throw unwritableTable(table);
    return rule;
  });
  return checkedDataFilter(rules);
}
