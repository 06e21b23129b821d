import { evaluateFilter } from "./evaluate-filter.js";
import { checkedDataFilter } from "./filter-limits.js";
import { type FilterRule, renderRule } from "./filter-rule.js";
import { parseDataFilter } from "./parse-data-filter.js";
import {
  includeRule,
  referenceKey,
  referenceText,
  sortedReferences,
  type TableReference,
  unwritableTable,
} from "./table-reference.js";

export interface DataFilterPlanInput {
  /** The integration's current `DataFilter` (`undefined` or empty: none, so every table replicates). */
  readonly current: string | undefined;
  /** The tables of the exported models, wherever they are: the filter must replicate them. */
  readonly exported: readonly TableReference[];
  /**
   * Every table the Prisma schema declares, exported or not. Only rules about these tables can be
   * this tool's (see `planDataFilter`); exported tables count as declared even when missing here.
   */
  readonly declared: readonly TableReference[];
}

/** Something the user must know before applying, though it does not stop the plan. */
export type DataFilterWarning =
  /** The integration had no filter, so it replicated every table of every database; now it will not. */
  | { readonly kind: "filter-was-empty" }
  /** A rule this tool did not write keeps an exported table out of the replica: its views will fail. */
  | { readonly kind: "exported-table-excluded"; readonly table: string; readonly rule: string }
  /**
   * A rule this tool did not write (or the absence of any filter) replicates a table the schema
   * declares but does not export: its data leaves the application database though no view needs it.
   */
  | { readonly kind: "unexported-table-replicated"; readonly table: string; readonly rule: string | null };

export interface DataFilterPlan {
  /** `unchanged`: the current filter already holds exactly this tool's rules ("No changes needed."). */
  readonly kind: "unchanged" | "update";
  readonly current: string;
  /** The filter to send (for `unchanged`, the current one as it was). */
  readonly next: string;
  /** This tool's rules to add, placed first in `next`. */
  readonly add: readonly FilterRule[];
  /** This tool's rules for tables no longer exported. */
  readonly remove: readonly FilterRule[];
  /** Rules this tool did not write: kept as written, in their order. */
  readonly keep: readonly FilterRule[];
  /** This tool's rules that are still wanted: kept where they are. */
  readonly retain: readonly FilterRule[];
  readonly warnings: readonly DataFilterWarning[];
}

/**
 * Pure: the data filter that replicates the exported tables, merged into the integration's current
 * filter without disturbing rules others wrote.
 *
 * Which rules are this tool's: an `include` of exactly one table by its literal names (what
 * `includeRule` writes) whose table the Prisma schema declares, in whichever database and schema.
 * That is the only kind of rule this tool writes, and the schema is the authority on its own tables:
 * a declared table that is not exported must not be replicated, so its include is removed. Every
 * other rule is someone else's and is kept as written: excludes, wildcards, regular expressions, and
 * tables the Prisma schema does not declare (another application's tables in the same database, or
 * the table of a model since deleted).
 *
 * Where rules go: zero-ETL applies rules in order and a later one overrides an earlier one, so the
 * tool's new includes go first and can never override a rule someone else wrote (an exclusion put
 * there on purpose stays in force; the plan warns that it hides an exported table). Rules already
 * there keep their place, so applying the plan changes nothing for them.
 *
 * Removing a rule makes zero-ETL drop that table from the target and adding one resynchronizes it
 * ("Aurora treats it as if it always existed"), which is why the plan lists both for review.
 */
export function planDataFilter(input: DataFilterPlanInput): DataFilterPlan {
  const current = input.current ?? "";
  const rules = parseDataFilter(current);
  const exported = sortedReferences(input.exported);
  const exportedKeys = new Set(exported.map(referenceKey));
  const declared = sortedReferences([...input.declared, ...exported]);
  const declaredKeys = new Set(declared.map(referenceKey));

  const remove: FilterRule[] = [];
  const keep: FilterRule[] = [];
  const retain: FilterRule[] = [];
  const covered = new Set<string>();
  for (const rule of rules) {
    const table = ownTable(rule, declaredKeys);
    if (table === undefined) keep.push(rule);
    else if (exportedKeys.has(table)) {
      retain.push(rule);
      covered.add(table);
    } else remove.push(rule);
  }
  const remaining = rules.filter((rule) => !remove.includes(rule));

  const add: FilterRule[] = [];
  for (const table of exported) {
    if (covered.has(referenceKey(table))) continue;
    const rule = includeRule(table);
    if (rule !== undefined) {
      add.push(rule);
      continue;
    }
    // A name this tool cannot write safely: fine if a rule someone wrote by hand replicates it.
    if (remaining.length > 0 && evaluateFilter(remaining, table).replicated) continue;
    throw unwritableTable(table);
  }

  const kind = add.length === 0 && remove.length === 0 ? "unchanged" : "update";
  const nextRules = [...add, ...remaining];
  const next = kind === "unchanged" ? current : checkedDataFilter(nextRules);
  return {
    kind,
    current,
    next,
    add,
    remove,
    keep,
    retain,
    warnings: warnings({ rules, nextRules, kind, exported, declared, exportedKeys }),
  };
}

/** The key of the table an include rule of this tool names, or `undefined` when the rule is someone else's. */
function ownTable(rule: FilterRule, declared: ReadonlySet<string>): string | undefined {
  if (rule.kind !== "include") return undefined;
  const names = rule.parts.flatMap((part) => (part.kind === "name" ? [part.name] : []));
  if (names.length !== rule.parts.length) return undefined;
  const key = referenceKey(names);
  return declared.has(key) ? key : undefined;
}

function warnings(input: {
  rules: readonly FilterRule[];
  nextRules: readonly FilterRule[];
  kind: DataFilterPlan["kind"];
  exported: readonly TableReference[];
  declared: readonly TableReference[];
  exportedKeys: ReadonlySet<string>;
}): DataFilterWarning[] {
  const found: DataFilterWarning[] = [];
  if (input.rules.length === 0 && input.kind === "update") found.push({ kind: "filter-was-empty" });
  for (const table of input.exported) {
    const verdict = evaluateFilter(input.nextRules, table);
    if (!verdict.replicated && verdict.decidedBy !== undefined) {
      found.push({
        kind: "exported-table-excluded",
        table: referenceText(table),
        rule: renderRule(verdict.decidedBy),
      });
    }
  }
  for (const table of input.declared) {
    if (input.exportedKeys.has(referenceKey(table))) continue;
    const verdict = evaluateFilter(input.nextRules, table);
    if (verdict.replicated) {
      found.push({
        kind: "unexported-table-replicated",
        table: referenceText(table),
        rule: verdict.decidedBy === undefined ? null : renderRule(verdict.decidedBy),
      });
    }
  }
  return found;
}
