/**
 * prisma-redshift-views: the library behind the `redshift-views` CLI and the Prisma generator.
 * Everything a `redshift-views.config.ts` or a script needs; the JSON outputs' types are here too.
 */

export type { Level, Tier } from "./classification/levels.js";
export { LEVELS } from "./classification/levels.js";
export type {
  EnvironmentConfig,
  Grants,
  RedshiftViewsConfig,
  ResolvedTarget,
} from "./config/index.js";
export { defineConfig, loadConfig, resolveTarget } from "./config/index.js";
export type { FaultOptions, RunningEmulator } from "./emulator/index.js";
export { startEmulator } from "./emulator/index.js";
export type { ErrorLocation } from "./errors.js";
export { RedshiftViewsError, RedshiftViewsErrors } from "./errors.js";
export type { GenerateOptions, PreparedViews, SyncResult } from "./generate/generate.js";
export { generate, prepareViews } from "./generate/generate.js";
export type { RecordedStatus, ViewOperation } from "./history/operation-record.js";
export type { HistoryWrite } from "./history/record-operations.js";
export type { ApplyResult, ViewOutcome } from "./provision/apply.js";
export type { DesiredView } from "./provision/desired-views.js";
export type { PlanViewJson, ProvisionPlanJson } from "./provision/format-plan.js";
export type { PlanItem, ProvisionPlan } from "./provision/plan.js";
export type { RefreshOutcome } from "./refresh/refresh.js";
export type { ColumnReportRow } from "./report/column-report.js";
export type { ErrorCondition, LastOperation, StatusRow } from "./status/status.js";
export { hashDdl, renderTemplate } from "./templates/render-template.js";
export type { ExportedTable, SourceLocation, ViewSpec } from "./views/view-spec.js";
