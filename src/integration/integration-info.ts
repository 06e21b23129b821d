import type { Integration } from "@aws-sdk/client-rds";

/** What this tool needs to know about a zero-ETL integration. */
export interface IntegrationInfo {
  readonly arn: string;
  readonly name: string | null;
  /** `creating`, `active`, `modifying`, `failed`, `deleting`, `syncing` or `needs_attention`. */
  readonly status: string | null;
  /** The current filter; `""` when none (every table replicates). */
  readonly dataFilter: string;
  readonly sourceArn: string | null;
  readonly targetArn: string | null;
}

export function integrationInfo(integration: Integration, requested: string): IntegrationInfo {
  return {
    arn: integration.IntegrationArn ?? requested,
    name: integration.IntegrationName ?? null,
    status: integration.Status ?? null,
    dataFilter: integration.DataFilter ?? "",
    sourceArn: integration.SourceArn ?? null,
    targetArn: integration.TargetArn ?? null,
  };
}
