import type { Tier } from "../classification/levels.js";
import type { DesiredView } from "../desired/desired-views.js";
import type { Grantee, Principal } from "../sql/statement.js";
import type { CatalogView } from "../state/catalog.js";
import { type Dependent, viewKey } from "../state/dependents.js";
import { type Privileges, sameGrantee } from "../state/privileges.js";
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
      /** SELECT grants on the view that no config made (by hand): the rebuild removes them. */
      readonly removesGrants?: readonly Grantee[];
    }
  /**
   * Same DDL and grants, but the column comments (the data dictionary) changed, or the view carries
   * the marker of an earlier version without a project (`adopt`): `COMMENT ON COLUMN` only, no rebuild.
   */
  | { readonly kind: "comment"; readonly view: DesiredView; readonly reason: "comments" | "adopt" }
  | { readonly kind: "unchanged"; readonly view: DesiredView }
  /**
   * Something else already has the view's name: a relation this tool did not create, or a view of
   * another project (`project`). Never dropped, reported instead.
   */
  | { readonly kind: "conflict"; readonly view: DesiredView; readonly project?: string }
  | {
      readonly kind: "drop";
      readonly schema: string;
      readonly name: string;
      readonly storedHash: string;
      readonly dependents?: readonly Dependent[];
    }
  /**
   * A relation in a managed schema that this project does not manage: made by hand, or (`legacy`)
   * carrying an earlier version's marker without a project and no template of this project's: it may
   * be another project's, so it is never dropped.
   */
  | { readonly kind: "unmanaged"; readonly schema: string; readonly name: string; readonly legacy?: true }
  /** A view of another project sharing the schema: left alone, never dropped or refreshed. */
  | { readonly kind: "foreign"; readonly schema: string; readonly name: string; readonly project: string };

export type PlanKind = PlanItem["kind"];
export const PLAN_KINDS: readonly PlanKind[] = [
  "add",
  "update",
  "comment",
  "drop",
  "conflict",
  "unchanged",
  "unmanaged",
  "foreign",
];

export interface ProvisionPlan {
  readonly environment: string;
  /** Schemas the views live in; created if missing when anything is added or updated. */
  readonly schemas: readonly string[];
  readonly items: readonly PlanItem[];
  /** Who gets, and who loses, USAGE on each view schema (absent until `withAccess`). */
  readonly access?: readonly SchemaAccess[];
  /**
   * Whether the session sees every grant (superuser, or SYSLOG ACCESS UNRESTRICTED). Without it,
   * USAGE is granted to the configured grantees with every change but nobody's is revoked, and grants
   * made by hand on rebuilt views are not listed.
   */
  readonly privilegesComplete?: boolean;
}

/**
 * USAGE on one view schema: a reader needs it besides SELECT on the view. The tier's configured
 * grantees get it; anyone else holding it loses it (a managed schema is read by its tier's grantees
 * and nobody else), unless the schema holds another project's views, whose grantees this project
 * does not know.
 */
interface SchemaAccess {
  readonly schema: string;
  readonly tier: Tier;
  /** Configured grantees of the tier: granted USAGE whenever anything in the schema changes. */
  readonly grantees: readonly Principal[];
  /** Configured grantees known to lack USAGE: granting them is a change by itself. */
  readonly missing: readonly Principal[];
  /** Holders of USAGE that are not configured: revoked. */
  readonly revoke: readonly Grantee[];
}

type ViewlessItem = Extract<PlanItem, { kind: "drop" | "unmanaged" | "foreign" }>;

function isViewless(item: PlanItem): item is ViewlessItem {
  return item.kind === "drop" || item.kind === "unmanaged" || item.kind === "foreign";
}

function itemSchema(item: PlanItem): string {
  return isViewless(item) ? item.schema : item.view.schema;
}

function itemName(item: PlanItem): string {
  return isViewless(item) ? item.name : item.view.name;
}

const key = (schema: string, name: string) => `${schema}\u0000${name}`;

/**
 * Compares the templates with the markers stored in the warehouse. Missing → add; this project's (or
 * an earlier version's) marker with another hash → update; same hash but other comments, or an
 * earlier version's marker → comment; equal → unchanged; this project's view without a template →
 * drop. Anything without a marker, another project's views, and views with an earlier version's
 * marker but no template are never touched.
 */
export function planProvision(
  environment: string,
  project: string,
  desired: readonly DesiredView[],
  catalog: readonly CatalogView[],
  managedSchemas: readonly string[],
): ProvisionPlan {
  const stored = new Map(catalog.map((view) => [key(view.schema, view.name), view]));
  const wanted = new Set(desired.map((view) => key(view.schema, view.name)));
  const items: PlanItem[] = desired.map((view): PlanItem => {
    const marker = stored.get(key(view.schema, view.name))?.marker;
    if (!stored.has(key(view.schema, view.name))) return { kind: "add", view };
    if (marker === undefined) return { kind: "conflict", view };
    if (marker.project !== undefined && marker.project !== project)
      return { kind: "conflict", view, project: marker.project };
    if (marker.hash !== view.hash) return { kind: "update", view, storedHash: marker.hash };
    if (marker.project === undefined) return { kind: "comment", view, reason: "adopt" };
    if (marker.comments !== view.commentsHash) return { kind: "comment", view, reason: "comments" };
    return { kind: "unchanged", view };
  });
  for (const view of catalog) {
    if (wanted.has(key(view.schema, view.name))) continue;
    const { schema, name, marker } = view;
    if (marker === undefined) items.push({ kind: "unmanaged", schema, name });
    else if (marker.project === undefined) items.push({ kind: "unmanaged", schema, name, legacy: true });
    else if (marker.project !== project)
      items.push({ kind: "foreign", schema, name, project: marker.project });
    else items.push({ kind: "drop", schema, name, storedHash: marker.hash });
  }
  items.sort((a, b) => compareText(itemSchema(a), itemSchema(b)) || compareText(itemName(a), itemName(b)));
  return { environment, schemas: [...new Set(managedSchemas)].sort(compareText), items };
}

export function countPlan(plan: ProvisionPlan): Record<PlanKind, number> {
  const counts = Object.fromEntries(PLAN_KINDS.map((kind) => [kind, 0])) as Record<PlanKind, number>;
  for (const item of plan.items) counts[item.kind]++;
  return counts;
}

/** Whether the item changes its view (what makes its schema's USAGE grants part of the run too). */
export function changesView(item: PlanItem): boolean {
  return item.kind === "add" || item.kind === "update" || item.kind === "drop" || item.kind === "comment";
}

/** Whether applying the plan would submit anything. */
export function hasChanges(plan: ProvisionPlan): boolean {
  return (
    plan.items.some(changesView) ||
    (plan.access ?? []).some((access) => access.missing.length > 0 || access.revoke.length > 0)
  );
}

/**
 * The plan with the view schemas' USAGE grants and, for each rebuilt view, the grants made by hand
 * that its rebuild removes (pure).
 */
export function withAccess(
  plan: ProvisionPlan,
  input: {
    readonly tiers: readonly {
      readonly schema: string;
      readonly tier: Tier;
      readonly grantees: readonly Principal[];
    }[];
    readonly privileges: Privileges;
    /** The session's user: it keeps USAGE it was given explicitly. */
    readonly sessionUser: string;
  },
): ProvisionPlan {
  const { privileges } = input;
  const shared = new Set(plan.items.filter((item) => item.kind === "foreign").map(itemSchema));
  const access = input.tiers.map((tier): SchemaAccess => {
    const holders = privileges.usage.get(tier.schema) ?? [];
    const configured = (grantee: Grantee) => tier.grantees.some((wanted) => sameGrantee(wanted, grantee));
    return {
      schema: tier.schema,
      tier: tier.tier,
      grantees: tier.grantees,
      missing: privileges.complete
        ? tier.grantees.filter((wanted) => !holders.some((holder) => sameGrantee(wanted, holder)))
        : [],
      revoke:
        privileges.complete && !shared.has(tier.schema)
          ? holders.filter(
              (holder) =>
                !configured(holder) && !(holder.kind === "user" && holder.name === input.sessionUser),
            )
          : [],
    };
  });
  const items = plan.items.map((item): PlanItem => {
    if (item.kind !== "update" || !privileges.complete) return item;
    const granted = privileges.select.get(`${item.view.schema}.${item.view.name}`) ?? [];
    const byHand = granted.filter(
      (grantee) => !item.view.grantees.some((wanted) => sameGrantee(wanted, grantee)),
    );
    return byHand.length === 0 ? item : { ...item, removesGrants: byHand };
  });
  return { ...plan, items, access, privilegesComplete: privileges.complete };
}

/** The existing views the plan changes (DROP, rebuild, COMMENT): those the session must own. */
export function changedViews(plan: ProvisionPlan): { schema: string; name: string }[] {
  return plan.items
    .filter((item) => item.kind === "update" || item.kind === "drop" || item.kind === "comment")
    .map((item) => ({ schema: itemSchema(item), name: itemName(item) }));
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
    case "comment":
    case "unchanged":
    case "conflict":
    case "unmanaged":
    case "foreign":
      return item;
  }
}

export function itemDependents(item: PlanItem): readonly Dependent[] {
  return item.kind === "update" || item.kind === "drop" ? (item.dependents ?? []) : [];
}
