import { type AwsFailure, describeAwsFailure } from "../aws/aws-failure.js";
import { RedshiftViewsError } from "../errors.js";
import type { DataApiOperation } from "./types.js";

/** A failed Data API call, classified by the one table of `aws/aws-failure.ts`. */
export type ClassifiedFailure = AwsFailure;
export const classifyFailure = describeAwsFailure;
export { isRetryable } from "../aws/aws-failure.js";

/**
 * What to tell the user for each kind of failure, written by the layer that knows where the
 * statements go (the warehouse client only knows the connection fields).
 */
export interface WarehouseHints {
  /** Credentials refused: which permissions and credentials to check. */
  readonly auth: string;
  /** The cluster, workgroup or database was not found, or the request was refused as invalid. */
  readonly where: string;
  /** The Data API could not be reached. */
  readonly network: string;
}

/** Hints for a warehouse the caller says nothing about (library use with a client of its own). */
export const GENERIC_HINTS: WarehouseHints = {
  auth: "Check the AWS credentials in use and that the identity may call the Redshift Data API.",
  where: "Check the cluster or workgroup, the database and the region.",
  network:
    "Could not reach the Redshift Data API. Check the network/proxy and the region; re-running is safe.",
};

/** The error to throw for a Data API call that failed for good (not retryable, or out of attempts). */
export function warehouseError(
  failure: ClassifiedFailure,
  context: {
    operation: DataApiOperation;
    /** Names the warehouse in the message, e.g. `environment "production"`. */
    label: string;
    hints: WarehouseHints;
    attempts: number;
    cause: unknown;
  },
): RedshiftViewsError {
  const { operation, label, hints, attempts, cause } = context;
  const after = attempts > 1 ? ` (after ${attempts} attempts)` : "";
  const said = `Data API ${operation} for ${label} failed${after}: ${failure.name}: ${failure.message}`;
  switch (failure.kind) {
    case "credentials":
    case "access-denied":
      return new RedshiftViewsError("E_WAREHOUSE_AUTH", said, { hint: hints.auth, cause });
    case "not-found":
      return new RedshiftViewsError("E_WAREHOUSE_NOT_FOUND", said, { hint: hints.where, cause });
    case "validation":
      return new RedshiftViewsError("E_WAREHOUSE_VALIDATION", said, {
        hint: `The Data API rejected the request. ${hints.where}`,
        cause,
      });
    case "throttled":
      return new RedshiftViewsError("E_WAREHOUSE_THROTTLED", said, {
        hint: "The Data API kept throttling or hit its active-statement limit (about 200). Lower `concurrency` in redshift-views.config, wait for other workloads, and re-run (provisioning converges).",
        cause,
      });
    case "transient":
    case "network":
      return new RedshiftViewsError("E_WAREHOUSE_NETWORK", said, {
        hint: hints.network,
        cause,
      });
    case "environment":
      return new RedshiftViewsError("E_WAREHOUSE_UNAVAILABLE", said, {
        hint: `The warehouse could not run the statement: it is not available (paused, resizing), or the database user or its credentials were refused. ${hints.where} ${hints.auth}`,
        cause,
      });
    case "other":
      return new RedshiftViewsError("E_WAREHOUSE", said, {
        hint: `Unexpected Data API error. ${hints.where}`,
        cause,
      });
  }
}
