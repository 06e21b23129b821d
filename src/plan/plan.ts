import type { Tier } from "../classification/levels.js";
import type { DesiredView } from "../desired/desired-views.js";
import type { CatalogView } from "../state/catalog.js";
import { type Dependent, viewKey } from "../state/dependents.js";
import { compareText } from "../text/compare.js";

/**
 * What provisioning will do to one view. `dependents` (update, drop) are the objects reading the view
 * that its DROP affects: bound ones block it unless `--cascade`; late-binding ones are unaffected.
 * Absent until `withDependents` has been given the dependents query's answer.
 */
export type PlanItem =
  | { readonly kind: "add"; readonly view: DesiredView }
  | {
      readonly kind: "update";
      readonly view: DesiredView;
      readonly storedHash: string;
      readonly dependents?: readonly Dependent[];
    }
  | { readonly kind: "unchanged"; readonly view: DesiredView }
  /** Something this tool did not create already has the view's name: never dropped, reported instead. */
  | { readonly kind: "conflict"; readonly view: DesiredView }
  | {
      readonly kind: "drop";
      readonly schema: string;
      readonly name: string;
      readonly storedHash: string;
      readonly dependents?: readonly Dependent[];
    }
  | { readonly kind: "unmanaged"; readonly schema: string; readonly name: string };

export type PlanKind = PlanItem["kind"];
export const PLAN_KINDS: readonly PlanKind[] = [
  "add",
  "update",
  "drop",
  "conflict",
  "unchanged",
  "unmanaged",
];

export interface ProvisionPlan {
  readonly environment: string;
  /** Schemas the views live in; created if missing when anything is added or updated. */
  readonly schemas: readonly string[];
  readonly items: readonly PlanItem[];
}

export function itemSchema(item: PlanItem): string {
  return item.kind === "drop" || item.kind === "unmanaged" ? item.schema : item.view.schema;
}

export function itemName(item: PlanItem): string {
  return item.kind === "drop" || item.kind === "unmanaged" ? item.name : item.view.name;
}

export function itemTier(item: PlanItem): Tier | undefined {
  return item.kind === "drop" || item.kind === "unmanaged" ? undefined : item.view.tier;
}

const key = (schema: string, name: string) => `${schema}\u0000${name}`;

/**
 * Compares the templates with the hashes stored in the warehouse. Missing → add, different → update,
 * equal → unchanged, ours without a template → drop; anything without our marker is left alone.
 */
export function planProvision(
  environment: string,
  desired: readonly DesiredView[],
  catalog: readonly CatalogView[],
  managedSchemas: readonly string[],
): ProvisionPlan {
  const stored = new Map(catalog.map((view) => [key(view.schema, view.name), view]));
  const wanted = new Set(desired.map((view) => key(view.schema, view.name)));
  const items: PlanItem[] = desired.map((view) => {
    const existing = stored.get(key(view.schema, view.name));
    if (existing === undefined) return { kind: "add", view };
    if (existing.hash === undefined) return { kind: "conflict", view };
    return existing.hash === view.hash
      ? { kind: "unchanged", view }
      : { kind: "update", view, storedHash: existing.hash };
  });
  for (const view of catalog) {
    if (wanted.has(key(view.schema, view.name))) continue;
    items.push(
      view.hash === undefined
        ? { kind: "unmanaged", schema: view.schema, name: view.name }
        : { kind: "drop", schema: view.schema, name: view.name, storedHash: view.hash },
    );
  }
  items.sort((a, b) => compareText(itemSchema(a), itemSchema(b)) || compareText(itemName(a), itemName(b)));
  return { environment, schemas: [...new Set(managedSchemas)].sort(), items };
}

export function countPlan(plan: ProvisionPlan): Record<PlanKind, number> {
  const counts: Record<PlanKind, number> = {
    add: 0,
    update: 0,
    drop: 0,
    conflict: 0,
    unchanged: 0,
    unmanaged: 0,
  };
  for (const item of plan.items) counts[item.kind]++;
  return counts;
}

/** Whether applying the plan would submit anything. */
export function hasChanges(plan: ProvisionPlan): boolean {
  return plan.items.some((item) => item.kind === "add" || item.kind === "update" || item.kind === "drop");
}

/** The views whose DROP the plan includes (updates rebuild with DROP + CREATE): what has dependents. */
export function droppedViews(plan: ProvisionPlan): { schema: string; name: string }[] {
  return plan.items
    .filter((item) => item.kind === "update" || item.kind === "drop")
    .map((item) => ({ schema: itemSchema(item), name: itemName(item) }));
}

/** The plan with each update/drop annotated with what depends on it (pure). */
export function withDependents(
  plan: ProvisionPlan,
  found: ReadonlyMap<string, readonly Dependent[]>,
): ProvisionPlan {
  return { ...plan, items: plan.items.map((item) => annotate(item, found)) };
}

function annotate(item: PlanItem, found: ReadonlyMap<string, readonly Dependent[]>): PlanItem {
  switch (item.kind) {
    case "update":
    case "drop":
      return { ...item, dependents: found.get(viewKey(itemSchema(item), itemName(item))) ?? [] };
    case "add":
    case "unchanged":
    case "conflict":
    case "unmanaged":
      return item;
  }
}

export function itemDependents(item: PlanItem): readonly Dependent[] {
  return item.kind === "update" || item.kind === "drop" ? (item.dependents ?? []) : [];
}
