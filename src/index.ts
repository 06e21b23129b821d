/**
 * prisma-redshift-views: the library behind the `redshift-views` CLI and the Prisma generator.
 *
 * `generate`, `check`, `plan`, `provision`, `refresh`, `status` and `dataFilter` do what the commands
 * of the same name do and return their documented JSON shapes (`docs/schemas/`). Each loads what it needs when it
 * is called, so importing this module (e.g. for `defineConfig` in `redshift-views.config.ts`) loads
 * neither Prisma's schema engine, the AWS SDK, nor the local emulator (`prisma-redshift-views/emulator`).
 */

import type { GenerateOptions, GenerateReport } from "./generate/generate.js";
import type { DataFilterOptions, DataFilterReport } from "./integration/data-filter.js";
import type { ProvisionPlanJson } from "./plan/plan-json.js";
import type { ProvisionOptions, ProvisionReport } from "./provision/provision.js";
import type { RefreshOptions, RefreshReport } from "./refresh/refresh.js";
import type { StatusOptions, StatusReport } from "./status/status.js";

export type { Level, Tier } from "./classification/levels.js";
export { LEVELS } from "./classification/levels.js";
export { defineConfig } from "./config/define-config.js";
export type {
  EnvironmentConfig,
  Grants,
  RedshiftViewsConfig,
} from "./config/index.js";
export type { SessionEvent, WarehouseOptions, Warning, WarningCode } from "./connect/options.js";
export type { ErrorLocation } from "./errors.js";
export { RedshiftViewsError, RedshiftViewsErrors } from "./errors.js";
export type { FileAction } from "./files/sync-templates.js";
export type { GenerateOptions, GenerateReport } from "./generate/generate.js";
export type { ProjectOptions } from "./generate/project-options.js";
export type { ErrorCondition, LastOperation, StatusRow } from "./health/status-rows.js";
export type { RecordedStatus, ViewOperation } from "./history/operation-record.js";
export type { HistoryWrite } from "./history/record-operations.js";
export type { DataFilterOptions, DataFilterReport } from "./integration/data-filter.js";
export type { IntegrationInfo } from "./integration/integration-info.js";
export type { DataFilterPlan, DataFilterWarning } from "./integration/plan-data-filter.js";
export type { PlanKind } from "./plan/plan.js";
export type { DependentJson, PlanViewJson, ProvisionPlanJson } from "./plan/plan-json.js";
export type { ApplyResult } from "./provision/apply.js";
export type { ViewAction, ViewOutcome } from "./provision/outcome.js";
export type { ProvisionEvent, ProvisionOptions, ProvisionReport } from "./provision/provision.js";
export type { RefreshEvent, RefreshOptions, RefreshReport } from "./refresh/refresh.js";
export type { RefreshOutcome } from "./refresh/run-refresh.js";
export type { RefreshSelection } from "./refresh/select.js";
export type { ColumnReportRow } from "./report/column-report.js";
export type { StatusOptions, StatusReport } from "./status/status.js";
export type { ExportedTable, SourceLocation, ViewSpec } from "./views/view-spec.js";

/** Writes the view templates from the schema and prunes stale ones (`redshift-views generate`). */
export async function generate(options: GenerateOptions = {}): Promise<GenerateReport> {
  return (await import("./generate/generate.js")).generate(options);
}

/** What `generate` would change, writing nothing (`redshift-views check`). */
export async function check(options: GenerateOptions = {}): Promise<GenerateReport> {
  return (await import("./generate/generate.js")).check(options);
}

/** The provisioning plan of an environment; submits nothing but the catalog reads. */
export async function plan(
  options: Omit<ProvisionOptions, "dryRun" | "confirm" | "force" | "graceMs">,
): Promise<ProvisionPlanJson> {
  return (await import("./provision/provision.js")).plan(options);
}

/** Plans and applies: DROP + CREATE only the views whose DDL changed (`redshift-views provision`). */
export async function provision(options: ProvisionOptions): Promise<ProvisionReport> {
  return (await import("./provision/provision.js")).provision(options);
}

/** Refreshes the stale managed views (`redshift-views refresh`). */
export async function refresh(options: RefreshOptions): Promise<RefreshReport> {
  return (await import("./refresh/refresh.js")).refresh(options);
}

/** One row per view: state, last operation, problems (`redshift-views status`). */
export async function status(options: StatusOptions): Promise<StatusReport> {
  return (await import("./status/status.js")).status(options);
}

/**
 * The zero-ETL data filter of the exported tables; with `integration`, the integration's filter
 * updated (rules this tool did not write are kept) once `confirm` agrees (`redshift-views data-filter`).
 */
export async function dataFilter(options: DataFilterOptions): Promise<DataFilterReport> {
  return (await import("./integration/data-filter.js")).dataFilter(options);
}
