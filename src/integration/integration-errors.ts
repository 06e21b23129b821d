import { describeAwsFailure, formatAwsFailure, genericAwsHint } from "../aws/aws-failure.js";
import { RedshiftViewsError } from "../errors.js";
import { integrationArn } from "./integration-arn.js";

export type IntegrationAction = "DescribeIntegrations" | "ModifyIntegration";

/**
 * The error for a failed RDS call about an integration, by the SDK's error name and HTTP status:
 * - `IntegrationNotFoundFault` (404) → E_INTEGRATION_NOT_FOUND;
 * - `InvalidIntegrationStateFault` / `IntegrationConflictOperationFault` → E_INTEGRATION_BUSY (the
 *   integration is not `active`, or another change is in progress);
 * - anything else → E_INTEGRATION_READ or E_INTEGRATION_MODIFY, whose hint names the IAM action
 *   when AWS answered AccessDenied.
 */
export function integrationError(
  error: unknown,
  context: { readonly action: IntegrationAction; readonly identifier: string },
): RedshiftViewsError {
  const failure = describeAwsFailure(error);
  const said = `RDS ${context.action} for integration ${context.identifier} failed: ${formatAwsFailure(failure)}`;
  if (failure.name === "IntegrationNotFoundFault" || failure.httpStatus === 404) {
    return notFound(context.identifier, error);
  }
  if (
    failure.name === "InvalidIntegrationStateFault" ||
    failure.name === "IntegrationConflictOperationFault"
  ) {
    return new RedshiftViewsError("E_INTEGRATION_BUSY", said, {
      hint: "The integration can only be modified while it is active and no other change is in progress: wait until its status is active (aws rds describe-integrations), then run again.",
      cause: error,
    });
  }
  const permission = `rds:${context.action}`;
  const hint =
    failure.kind === "access-denied"
      ? `Allow the action ${permission} on the integration (${context.identifier}) to the AWS identity in use.`
      : genericAwsHint(failure, `RDS ${context.action}`);
  return new RedshiftViewsError(
    context.action === "DescribeIntegrations" ? "E_INTEGRATION_READ" : "E_INTEGRATION_MODIFY",
    said,
    { hint, cause: error },
  );
}

export function notFound(identifier: string, cause?: unknown): RedshiftViewsError {
  const arn = integrationArn(identifier);
  const where =
    arn === undefined ? "this account and region" : `account ${arn.account}, region ${arn.region}`;
  return new RedshiftViewsError(
    "E_INTEGRATION_NOT_FOUND",
    `No zero-ETL integration ${identifier} in ${where}.`,
    {
      hint:
        arn === undefined
          ? "Check --integration (the ARN from the RDS console, Zero-ETL integrations) and the region (AWS_REGION)."
          : `Check --integration (the ARN from the RDS console, Zero-ETL integrations): it is looked up in the region the ARN names, with the AWS credentials in use, which must be for account ${arn.account}.`,
      ...(cause === undefined ? {} : { cause }),
    },
  );
}
