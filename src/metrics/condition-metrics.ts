import type { ErrorCondition } from "../health/status-rows.js";

/**
 * One Count metric per problem condition. `satisfies Record<ErrorCondition, …>` makes this map
 * exhaustive at compile time: a condition added to `ErrorCondition` without a metric here does not
 * type-check, so no condition can go unmonitored.
 */
export const CONDITION_METRICS = {
  missing: "ViewsMissing",
  out_of_date: "ViewsOutOfDate",
  orphan: "ViewsOrphaned",
  conflict: "ViewsInConflict",
  failed_provisioning: "ViewsFailedProvisioning",
  unrefreshable: "ViewsUnrefreshable",
  needs_rebuild: "ViewsNeedingRebuild",
  unexpected_access: "ViewsWithUnexpectedAccess",
  missing_access: "ViewsWithMissingAccess",
  source_not_synced: "ViewsWithSourceNotSynced",
} as const satisfies Record<ErrorCondition, string>;

/** Every condition, in the order the metrics are emitted (the order of the map above). */
export const ERROR_CONDITIONS = Object.keys(CONDITION_METRICS) as readonly ErrorCondition[];
