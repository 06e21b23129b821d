import { renderRule } from "./filter-rule.js";
import type { DataFilterPlan, DataFilterWarning } from "./plan-data-filter.js";

/**
 * Pure: the plan for people, one line each: `Remove:` and `Add:` rules (as the original tool printed
 * them), the rules kept because this tool did not write them (`Kept:`), then the warnings. For `unchanged`,
 * "No changes needed." The caller adds "[DRY RUN] No changes applied." or the outcome.
 */
export function formatDataFilterPlan(plan: DataFilterPlan): string[] {
  const lines: string[] = [];
  if (plan.kind === "unchanged") lines.push("No changes needed.");
  for (const rule of plan.remove) lines.push(`Remove: ${renderRule(rule)}`);
  for (const rule of plan.add) lines.push(`Add: ${renderRule(rule)}`);
  for (const rule of plan.keep) lines.push(`Kept (not written by this tool): ${renderRule(rule)}`);
  for (const warning of plan.warnings) lines.push(`Warning: ${describeWarning(warning)}`);
  return lines;
}

function describeWarning(warning: DataFilterWarning): string {
  switch (warning.kind) {
    case "filter-was-empty":
      return "the integration has no data filter, so it replicates every table of every database; with this filter zero-ETL stops replicating, and removes from Redshift, every table the filter does not include.";
    case "exported-table-excluded":
      return `exported table ${warning.table} is kept out of the replica by "${warning.rule}", a rule this tool did not write; its views will fail until that rule changes.`;
    case "unexported-table-replicated":
      return warning.rule === null
        ? `table ${warning.table} is not exported but is replicated (no filter replicates every table).`
        : `table ${warning.table} is not exported but is replicated by "${warning.rule}", a rule this tool did not write.`;
  }
}
