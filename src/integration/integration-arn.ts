import { RedshiftViewsError } from "../errors.js";

/** The parts of a zero-ETL integration's ARN this tool needs. */
export interface IntegrationArn {
  readonly arn: string;
  readonly region: string;
  readonly account: string;
}

/**
 * The documented pattern of `IntegrationArn`,
 * `arn:aws[a-z\-]*:rds(-[a-z]*)?:[a-z0-9\-]*:[0-9]*:integration:<uuid>`
 * (https://docs.aws.amazon.com/AmazonRDS/latest/APIReference/API_Integration.html), with the region and
 * account required: the integration is looked up in the ARN's own region, because RDS finds an
 * integration only in the region it lives in, so a client in another region (AWS_REGION) would answer
 * "not found" for an integration that exists.
 */
const INTEGRATION_ARN =
  /^arn:aws[a-z-]*:rds(?:-[a-z]*)?:([a-z0-9-]+):([0-9]+):integration:[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** The ARN's parts, or `undefined` when `text` is not an integration ARN. */
export function integrationArn(text: string): IntegrationArn | undefined {
  const arn = text.trim();
  const match = INTEGRATION_ARN.exec(arn);
  return match === null ? undefined : { arn, region: match[1] ?? "", account: match[2] ?? "" };
}

/** `--integration`, refused with what to do when it is not an integration ARN. */
export function parseIntegrationArn(text: string): IntegrationArn {
  const parsed = integrationArn(text);
  if (parsed === undefined) {
    throw new RedshiftViewsError(
      "E_INTEGRATION_ARN",
      `--integration ${JSON.stringify(text)} is not the ARN of a zero-ETL integration (arn:aws:rds:<region>:<account>:integration:<id>).`,
      {
        hint: "Copy the ARN from the RDS console (Zero-ETL integrations → the integration → ARN), or list them with: aws rds describe-integrations --query 'Integrations[].IntegrationArn'",
      },
    );
  }
  return parsed;
}
