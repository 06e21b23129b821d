import type { Tier } from "../classification/levels.js";
import type { DesiredView } from "../desired/desired-views.js";
import { renderPrincipal, renderStatement } from "../sql/render.js";
import type { Dependent } from "../state/dependents.js";
import { countPlan, itemDependents, type PlanItem, type PlanKind, type ProvisionPlan } from "./plan.js";

/** The `--json` form of a plan. Stable: fields are only ever added. */
export interface ProvisionPlanJson {
  readonly version: 1;
  readonly environment: string;
  /** Where the statements go, in words (no secrets). */
  readonly target: string;
  readonly summary: Record<PlanKind, number>;
  /** Whether bound dependents are dropped with the views (`--cascade`) rather than blocking them. */
  readonly cascade: boolean;
  readonly schemas: readonly string[];
  readonly views: readonly PlanViewJson[];
  /** USAGE on each view schema: who gets it, who is known to lack it, who loses it. */
  readonly access?: readonly SchemaAccessJson[];
  /**
   * Whether the session saw every grant (superuser or SYSLOG ACCESS UNRESTRICTED). When false, nobody's
   * USAGE is revoked and hand-made grants on rebuilt views are not listed.
   */
  readonly privilegesComplete?: boolean;
}

interface SchemaAccessJson {
  readonly schema: string;
  readonly tier: Tier;
  /** As written after `TO`: granted USAGE whenever anything in the schema changes. */
  readonly grantees: readonly string[];
  /** Configured grantees known to lack USAGE. */
  readonly missing: readonly string[];
  /** Holders of USAGE that are not configured: revoked. */
  readonly revoke: readonly string[];
}

export interface PlanViewJson {
  readonly action: PlanKind;
  readonly schema: string;
  readonly view: string;
  /** `non_pii` or `pii`; absent for views without a template (drop, unmanaged). */
  readonly tier?: Tier;
  readonly model?: string;
  readonly template?: string;
  /** Hash of the template's DDL and grants (absent for drop/unmanaged). */
  readonly hash?: string;
  /** Hash stored on the view in the warehouse (update, drop). */
  readonly storedHash?: string;
  /** The GRANT statements run in the view's transaction (add, update, unchanged, conflict). */
  readonly grants?: readonly string[];
  /** Who those grants are to, as written after `TO` (e.g. `GROUP "analysts"`). */
  readonly grantees?: readonly string[];
  /** Objects reading the view (update, drop) and what its DROP does to them. */
  readonly dependents?: readonly DependentJson[];
  /** update: SELECT grants made by hand (no config) that the rebuild removes, as written after `TO`. */
  readonly removesGrants?: readonly string[];
  /** comment: why only the comments are applied (`comments` changed, or `adopt` an earlier version's view). */
  readonly reason?: "comments" | "adopt";
  /**
   * conflict: the project whose view has the name (absent when no prisma-redshift-views marker is
   * there); foreign: the project the view belongs to.
   */
  readonly project?: string;
  /** unmanaged: it carries an earlier version's marker without a project, so it may be another project's. */
  readonly legacy?: true;
}

type DependentEffect = "blocks" | "dropped_with_it" | "unaffected";

export interface DependentJson {
  readonly schema: string;
  readonly view: string;
  readonly kind: Dependent["kind"];
  readonly effect: DependentEffect;
  /** For a dependent of a dependent: the object it reads, itself reading the view. */
  readonly through?: { readonly schema: string; readonly view: string };
}

/** What a DROP of the view does to one dependent. */
function dependentEffect(dependent: Dependent, cascade: boolean): DependentEffect {
  if (dependent.kind === "late_binding_view") return "unaffected";
  return cascade ? "dropped_with_it" : "blocks";
}

export function planToJson(plan: ProvisionPlan, target: string, cascade = false): ProvisionPlanJson {
  return {
    version: 1,
    environment: plan.environment,
    target,
    summary: countPlan(plan),
    cascade,
    schemas: plan.schemas,
    views: plan.items.map((item) => itemToJson(item, cascade)),
    ...(plan.access === undefined
      ? {}
      : {
          access: plan.access.map((access) => ({
            schema: access.schema,
            tier: access.tier,
            grantees: access.grantees.map(renderPrincipal),
            missing: access.missing.map(renderPrincipal),
            revoke: access.revoke.map(renderPrincipal),
          })),
        }),
    ...(plan.privilegesComplete === undefined ? {} : { privilegesComplete: plan.privilegesComplete }),
  };
}

function itemToJson(item: PlanItem, cascade: boolean): PlanViewJson {
  const dependents = itemDependents(item).map(
    (dependent): DependentJson => ({
      schema: dependent.schema,
      view: dependent.name,
      kind: dependent.kind,
      effect: dependentEffect(dependent, cascade),
      ...(dependent.through === undefined
        ? {}
        : { through: { schema: dependent.through.schema, view: dependent.through.name } }),
    }),
  );
  const withDependents = dependents.length > 0 ? { dependents } : {};
  switch (item.kind) {
    case "add":
    case "unchanged":
      return { action: item.kind, ...viewFields(item.view) };
    case "conflict":
      return {
        action: item.kind,
        ...viewFields(item.view),
        ...(item.project === undefined ? {} : { project: item.project }),
      };
    case "comment":
      return { action: item.kind, ...viewFields(item.view), reason: item.reason };
    case "update":
      return {
        action: item.kind,
        ...viewFields(item.view),
        storedHash: item.storedHash,
        ...withDependents,
        ...(item.removesGrants === undefined
          ? {}
          : { removesGrants: item.removesGrants.map(renderPrincipal) }),
      };
    case "drop":
      return {
        action: item.kind,
        schema: item.schema,
        view: item.name,
        storedHash: item.storedHash,
        ...withDependents,
      };
    case "unmanaged":
      return {
        action: item.kind,
        schema: item.schema,
        view: item.name,
        ...(item.legacy === undefined ? {} : { legacy: item.legacy }),
      };
    case "foreign":
      return { action: item.kind, schema: item.schema, view: item.name, project: item.project };
  }
}

function viewFields(view: DesiredView) {
  const relation = { schema: view.schema, name: view.name };
  return {
    schema: view.schema,
    view: view.name,
    tier: view.tier,
    model: view.model,
    template: view.fileName,
    hash: view.hash,
    grants: view.grantees.map((to) => renderStatement({ kind: "grant_select", relation, to })),
    grantees: view.grantees.map(renderPrincipal),
  };
}
