import path from "node:path";
import { describeTarget, grantsKey } from "../config/index.js";
import type { SessionEvent, WarehouseOptions } from "../connect/options.js";
import { openSession, type WarehouseSession } from "../connect/session.js";
import { type DesiredView, desiredViews } from "../desired/desired-views.js";
import { syncTemplates } from "../generate/generate.js";
import { historyHint } from "../history/history-table.js";
import { acquireProvisionLock, type ProvisionLock } from "../lock/provision-lock.js";
import {
  changedViews,
  changesView,
  droppedViews,
  hasChanges,
  planProvision,
  withAccess,
  withDependents,
} from "../plan/plan.js";
import { type ProvisionPlanJson, planToJson } from "../plan/plan-json.js";
import { notOwned, notOwnedError } from "../state/ownership.js";
import { readCatalog, readDependents, readPrivileges } from "../state/read-state.js";
import { explainNotSynced } from "../state/source-states.js";
import { type ApplyResult, applyPlan } from "./apply.js";
import type { ViewOutcome } from "./outcome.js";

export interface ProvisionOptions extends WarehouseOptions {
  /** Plan only: nothing is submitted but the catalog reads, and no lock is taken. */
  readonly dryRun?: boolean;
  /** Drop what depends on a rebuilt or dropped view with it, instead of refusing that view. */
  readonly cascade?: boolean;
  /** Provision even if another run holds the environment's lock or has statements in flight. */
  readonly force?: boolean;
  /**
   * Asked before a plan with changes is applied; `false` applies nothing. Without it, the plan is
   * applied (as `--yes` does). It may throw to refuse (the lock is released, nothing is applied).
   */
  readonly confirm?: (plan: ProvisionPlanJson) => boolean | Promise<boolean>;
  readonly onEvent?: (event: ProvisionEvent) => void;
  /** How long statements in flight are still waited for once `signal` is aborted. Default 5 s. */
  readonly graceMs?: number;
}

export type ProvisionEvent =
  | SessionEvent
  /** The plan, before anything is applied (also for dry runs and plans without changes). */
  | { readonly kind: "planned"; readonly plan: ProvisionPlanJson }
  /** Applying starts: `total` views will be reported. */
  | { readonly kind: "applying"; readonly total: number }
  /** One view is done (applied, failed, not submitted or unknown). */
  | {
      readonly kind: "outcome";
      readonly outcome: ViewOutcome;
      readonly done: number;
      readonly total: number;
    };

/** What `provision` did: the plan (its documented JSON form) and, when it applied, the result. */
export interface ProvisionReport extends ProvisionPlanJson {
  readonly dryRun: boolean;
  /** The confirmation was asked and declined: nothing was applied. */
  readonly declined?: boolean;
  /** Present when the plan was applied. */
  readonly result?: ApplyResult;
}

/**
 * Provisions one environment: takes its lock, regenerates the templates if they drifted from the
 * schema, plans against the warehouse (one catalog read and one dependents read), asks `confirm`,
 * applies, records the history and releases the lock. Failures of single views are results
 * (`result.outcomes`); what makes the whole run impossible throws `RedshiftViewsError`.
 */
export async function provision(options: ProvisionOptions): Promise<ProvisionReport> {
  const emit = options.onEvent ?? (() => {});
  const dryRun = options.dryRun === true;
  const cascade = options.cascade === true;
  const session = await openSession(options);
  try {
    // Taken before planning, so the plan shown is the one applied; a dry run only reads.
    const locking = dryRun
      ? undefined
      : acquireProvisionLock(session.warehouse, {
          environment: session.environment,
          force: options.force === true,
          ...(options.runBy === undefined ? {} : { holder: options.runBy }),
        });
    // Local work, done while the lock's statement runs on the warehouse (once its request is on its
    // way: a turn of the event loop later); whatever happens to it, the lock is taken and released as
    // usual.
    const [locked, computed] = await Promise.allSettled([
      locking,
      new Promise((resolve) => setImmediate(resolve)).then(() =>
        desiredViews(
          session.prepared.specs,
          session.environment,
          session.target.grants,
          session.prepared.options.project,
        ),
      ),
    ]);
    if (locked.status === "rejected") throw locked.reason;
    const lock = locked.value;
    try {
      if (computed.status === "rejected") throw computed.reason;
      const desired = computed.value;
      await regenerateIfDrifted(session, emit);
      const plan = await readPlan(session, desired, cascade);
      emit({ kind: "planned", plan: plan.json });
      if (dryRun || !hasChanges(plan.plan)) return { ...plan.json, dryRun };
      // Known before anything is submitted: a view owned by someone else cannot be dropped or commented.
      const blocked = notOwned(plan.catalog, changedViews(plan.plan));
      if (blocked.length > 0) throw notOwnedError(plan.catalog, blocked, `provision ${session.environment}`);
      if (options.confirm !== undefined && !(await options.confirm(plan.json)))
        return { ...plan.json, dryRun, declined: true };
      const total = plan.plan.items.filter((item) => changesView(item) || item.kind === "conflict").length;
      emit({ kind: "applying", total });
      const result = await applyPlan(session.warehouse, plan.plan, {
        cascade,
        signal: options.signal,
        graceMs: options.graceMs,
        concurrency: session.config.concurrency,
        recordedBy: options.runBy,
        grantsKey: (schema) =>
          grantsKey(session.config, session.environment, schema === session.schemas[1] ? "pii" : "nonPii"),
        onOutcome: (outcome, done, all) => emit({ kind: "outcome", outcome, done, total: all }),
        explainFailures: (failed) =>
          explainNotSynced(session.warehouse, session.environment, failed, plan.desired),
      });
      if (result.history.kind === "failed")
        emit({
          kind: "warning",
          code: "history_not_recorded",
          message: `Could not record ${result.history.operations - result.history.recorded} of ${result.history.operations} operations in the operation history: ${result.history.error}`,
          hint: `The views are as reported; \`redshift-views status ${session.environment}\` will show their previous operation.${result.history.problem === undefined ? "" : ` ${historyHint(result.history.problem, false)}`}`,
        });
      return { ...plan.json, dryRun, result };
    } finally {
      if (lock !== undefined) await releaseLock(lock, session.environment, emit);
    }
  } finally {
    await session.close();
  }
}

/** The plan of `provision`, without taking the lock or submitting anything but the catalog reads. */
export async function plan(
  options: Omit<ProvisionOptions, "dryRun" | "confirm" | "force" | "graceMs">,
): Promise<ProvisionPlanJson> {
  const { dryRun: _, ...report } = await provision({ ...options, dryRun: true });
  return report;
}

async function readPlan(session: WarehouseSession, desired: readonly DesiredView[], cascade: boolean) {
  const { environment, prepared, target, warehouse, schemas } = session;
  const { project } = prepared.options;
  const [catalog, privileges] = await Promise.all([
    readCatalog(warehouse, environment, schemas),
    readPrivileges(warehouse, environment, schemas),
  ]);
  const planned = planProvision(environment, project, desired, catalog.views, schemas);
  const dependents = await readDependents(warehouse, environment, droppedViews(planned));
  const [nonPii, pii] = schemas;
  const full = withAccess(withDependents(planned, dependents), {
    tiers: [
      { schema: nonPii, tier: "non_pii", grantees: target.grants.nonPii },
      { schema: pii, tier: "pii", grantees: target.grants.pii },
    ],
    privileges,
    sessionUser: catalog.session.name,
  });
  return { plan: full, catalog, desired, json: planToJson(full, describeTarget(session.target), cascade) };
}

/**
 * Provisioning works from the schema as it is now; if the committed templates say otherwise, the
 * reviewed diff is not what is being deployed, so say so (and regenerate, as the original did).
 */
async function regenerateIfDrifted(session: WarehouseSession, emit: (event: SessionEvent) => void) {
  const { options, templates, projectRoot } = session.prepared;
  const { actions } = await syncTemplates(options.outputDir, templates, true);
  const changed = actions.filter((action) => action.kind !== "unchanged").map((action) => action.fileName);
  if (changed.length > 0)
    emit({
      kind: "warning",
      code: "templates_regenerated",
      message: `${path.relative(projectRoot, options.outputDir) || "."} was out of date with the schema; regenerated ${changed.join(", ")}.`,
      hint: "The plan is for the schema as it is now: review and commit the regenerated templates.",
    });
}

async function releaseLock(lock: ProvisionLock, environment: string, emit: (event: SessionEvent) => void) {
  try {
    if (!(await lock.release()))
      emit({
        kind: "warning",
        code: "lock_taken_over",
        message: `The provisioning lock of ${environment} had been taken over (--force) by another run.`,
      });
  } catch (error) {
    emit({
      kind: "warning",
      code: "lock_not_released",
      message: `Could not release the provisioning lock of ${environment}: ${error instanceof Error ? error.message : String(error)}`,
      hint: "The next run will need --force.",
    });
  }
}
