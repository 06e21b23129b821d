import { RDSClient } from "@aws-sdk/client-rds";
import { assertEnvironmentName } from "../environment/environment-name.js";
import { prepareViews } from "../generate/generate.js";
import type { ProjectOptions } from "../generate/project-options.js";
import { applyDataFilter } from "./apply-data-filter.js";
import { desiredDataFilter } from "./desired-filter.js";
import { parseIntegrationArn } from "./integration-arn.js";
import type { IntegrationInfo } from "./integration-info.js";
import { type DataFilterPlan, planDataFilter } from "./plan-data-filter.js";
import { projectTables } from "./project-tables.js";
import { readIntegration } from "./read-integration.js";

export interface DataFilterOptions extends ProjectOptions {
  /** Fills `<%= environment %>` in the source schema (MySQL: the replicated database's name). */
  readonly environment: string;
  /** PostgreSQL sources: the name of the source database the integration replicates. */
  readonly sourceDatabase?: string | undefined;
  /**
   * The integration's ARN: read its filter, plan the change and apply it. Without it, only the
   * filter an integration without one should get is computed.
   */
  readonly integration?: string | undefined;
  /** Plan only: read the integration, modify nothing. */
  readonly dryRun?: boolean;
  /** Asked before modifying the integration (not for a dry run, nor when nothing changes). */
  readonly confirm?: (plan: DataFilterPlan, integration: IntegrationInfo) => Promise<boolean>;
  /** Called with the plan before anything is asked or modified. */
  readonly onPlanned?: (plan: DataFilterPlan, integration: IntegrationInfo) => void;
  /** The RDS client to use (tests, custom endpoints). Default: one in the ARN's region. */
  readonly client?: RDSClient;
}

/** What `data-filter` did. */
export type DataFilterReport =
  /** No integration named: the filter that replicates exactly the exported tables. */
  | { readonly kind: "filter"; readonly environment: string; readonly filter: string }
  | {
      readonly kind: "plan";
      readonly environment: string;
      /** The integration as read before any change. */
      readonly integration: IntegrationInfo;
      readonly plan: DataFilterPlan;
      /**
       * `unchanged`: nothing to do; `dry-run`: planned only; `declined`: not confirmed; `applied`:
       * `ModifyIntegration` accepted the new filter (zero-ETL applies it while the integration is `modifying`).
       */
      readonly outcome: "unchanged" | "dry-run" | "declined" | "applied";
      /** The integration as RDS answered the modification. */
      readonly modified?: IntegrationInfo;
    };

/**
 * The zero-ETL data filter of a project: computed from the exported models, and, given an
 * integration, merged into its current filter (rules this tool did not write are kept) and applied
 * with `ModifyIntegration` once confirmed.
 */
export async function dataFilter(options: DataFilterOptions): Promise<DataFilterReport> {
  const { environment } = options;
  assertEnvironmentName(environment);
  const prepared = await prepareViews({
    cwd: options.cwd ?? process.cwd(),
    schemaPath: options.schema,
    generatorName: options.generator,
  });
  const tables = projectTables({ prepared, environment, sourceDatabase: options.sourceDatabase });
  if (options.integration === undefined)
    return { kind: "filter", environment, filter: desiredDataFilter(tables.exported) };

  const arn = parseIntegrationArn(options.integration);
  const client = options.client ?? new RDSClient({ region: arn.region });
  try {
    const integration = await readIntegration(client, arn.arn);
    const plan = planDataFilter({
      current: integration.dataFilter,
      exported: tables.exported,
      declared: tables.declared,
    });
    options.onPlanned?.(plan, integration);
    const report = { kind: "plan", environment, integration, plan } as const;
    if (plan.kind === "unchanged") return { ...report, outcome: "unchanged" };
    if (options.dryRun === true) return { ...report, outcome: "dry-run" };
    if (options.confirm !== undefined && !(await options.confirm(plan, integration)))
      return { ...report, outcome: "declined" };
    const modified = await applyDataFilter(client, arn.arn, plan.next);
    return { ...report, outcome: "applied", modified };
  } finally {
    if (options.client === undefined) client.destroy();
  }
}
