import {
  ModifyIntegrationCommand,
  type ModifyIntegrationCommandOutput,
  type RDSClient,
} from "@aws-sdk/client-rds";
import { checkedDataFilter } from "./filter-limits.js";
import { integrationError } from "./integration-errors.js";
import { type IntegrationInfo, integrationInfo } from "./integration-info.js";
import { parseDataFilter } from "./parse-data-filter.js";

/**
 * I/O: sets the integration's data filter (`rds:ModifyIntegration`) and returns the integration as
 * RDS answered (its status becomes `modifying` while zero-ETL drops and resynchronizes tables).
 *
 * The filter is checked against the service's limits before anything is sent, so a filter built by
 * hand gets the same clear refusal as a planned one.
 */
export async function applyDataFilter(
  client: RDSClient,
  identifier: string,
  filter: string,
): Promise<IntegrationInfo> {
  const dataFilter = checkedDataFilter(parseDataFilter(filter));
  let output: ModifyIntegrationCommandOutput;
  try {
    output = await client.send(
      new ModifyIntegrationCommand({ IntegrationIdentifier: identifier, DataFilter: dataFilter }),
    );
  } catch (error) {
    throw integrationError(error, { action: "ModifyIntegration", identifier });
  }
  return integrationInfo(output, identifier);
}
