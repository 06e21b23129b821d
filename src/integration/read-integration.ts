import {
  DescribeIntegrationsCommand,
  type DescribeIntegrationsCommandOutput,
  type RDSClient,
} from "@aws-sdk/client-rds";
import { integrationError, notFound } from "./integration-errors.js";
import { type IntegrationInfo, integrationInfo } from "./integration-info.js";

/** I/O: the integration's current state and data filter (`rds:DescribeIntegrations`). */
export async function readIntegration(client: RDSClient, identifier: string): Promise<IntegrationInfo> {
  let output: DescribeIntegrationsCommandOutput;
  try {
    output = await client.send(new DescribeIntegrationsCommand({ IntegrationIdentifier: identifier }));
  } catch (error) {
    throw integrationError(error, { action: "DescribeIntegrations", identifier });
  }
  const integration = output.Integrations?.[0];
  if (integration === undefined) throw notFound(identifier);
  return integrationInfo(integration, identifier);
}
