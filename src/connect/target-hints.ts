import type { ResolvedTarget } from "../config/index.js";
import type { WarehouseHints } from "../warehouse/index.js";

/** What to tell the user when the Data API refuses or cannot be reached, for one target. */
export function targetHints(target: ResolvedTarget): WarehouseHints {
  return {
    auth: authHint(target),
    where: whereHint(target),
    network: `Could not reach the Redshift Data API. Check the network/proxy and the region (${
      target.kind === "local" ? "local" : target.region
    }); re-running is safe.`,
  };
}

function authHint(target: ResolvedTarget): string {
  const common =
    "Check the AWS credentials in use (AWS_PROFILE, AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY; run `aws sso login` if a session expired) and that the identity may call redshift-data:ExecuteStatement, BatchExecuteStatement, DescribeStatement, GetStatementResult and ListStatements";
  switch (target.kind) {
    case "local":
      return "The local emulator accepts any credentials; check that nothing else is listening on its port.";
    case "cluster":
      return target.secretArn !== undefined
        ? `${common}, plus secretsmanager:GetSecretValue on the configured secret.`
        : `${common}, plus redshift:GetClusterCredentials for database user "${target.dbUser ?? ""}" on cluster "${target.clusterIdentifier}".`;
    case "serverless":
      return target.secretArn !== undefined
        ? `${common}, plus secretsmanager:GetSecretValue on the configured secret.`
        : `${common}, plus redshift-serverless:GetCredentials on workgroup "${target.workgroupName}".`;
  }
}

function whereHint(target: ResolvedTarget): string {
  switch (target.kind) {
    case "local":
      return `The local emulator (state in ${target.dataDir}) could not serve the request; re-run the command (it starts the emulator itself), or move that folder away to start afresh.`;
    case "cluster":
      return `Check that cluster "${target.clusterIdentifier}" and database "${target.database}" exist in ${target.region} (environments.${target.environment}.clusterIdentifier/database/region, or REDSHIFT_CLUSTER_IDENTIFIER / REDSHIFT_DATABASE / REDSHIFT_REGION).`;
    case "serverless":
      return `Check that workgroup "${target.workgroupName}" and database "${target.database}" exist in ${target.region} (environments.${target.environment}.workgroupName/database/region, or REDSHIFT_WORKGROUP_NAME / REDSHIFT_DATABASE / REDSHIFT_REGION).`;
  }
}
