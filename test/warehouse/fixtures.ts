import { RedshiftDataClient } from "@aws-sdk/client-redshift-data";
import { mockClient } from "aws-sdk-client-mock";
import type { ResolvedTarget } from "../../src/config/types.js";
import { type CreateWarehouseOptions, createWarehouse } from "../../src/warehouse/index.js";

export const GRANTS = { nonPii: [], pii: [] };
export const SECRET = "arn:aws:secretsmanager:eu-west-1:123456789012:secret:prod/redshift-AbCdEf";

export const CLUSTER: ResolvedTarget = {
  kind: "cluster",
  environment: "production",
  clusterIdentifier: "analytics-prod",
  dbUser: "deployer",
  database: "analytics",
  region: "eu-west-1",
  grants: GRANTS,
  overriddenBy: [],
};

export const SERVERLESS: ResolvedTarget = {
  kind: "serverless",
  environment: "staging",
  workgroupName: "analytics-staging",
  secretArn: SECRET,
  database: "analytics",
  region: "eu-west-1",
  grants: GRANTS,
  overriddenBy: [],
};

/** An AWS-SDK-shaped service error. */
export function awsError(name: string, message: string, httpStatusCode = 400): Error {
  return Object.assign(new Error(message), { name, $fault: "client", $metadata: { httpStatusCode } });
}

/** The mocked warehouse's clock: what outcomes report as `submittedAt` when the server gives no CreatedAt. */
export const CLIENT_NOW = new Date("2026-12-01T12:00:00.000Z");

/** A warehouse over a mocked client, with instant sleeps recorded, deterministic jitter and a fixed clock. */
export function setup(overrides: Partial<CreateWarehouseOptions> = {}) {
  const client = new RedshiftDataClient({ region: "eu-west-1" });
  const mock = mockClient(client);
  const sleeps: number[] = [];
  const events: unknown[] = [];
  let tokens = 0;
  const warehouse = createWarehouse({
    client,
    target: CLUSTER,
    sleep: async (ms) => {
      sleeps.push(ms);
    },
    random: () => 0.5,
    now: () => CLIENT_NOW.getTime(),
    clientToken: () => `token-${++tokens}`,
    onProgress: (event) => events.push(event),
    ...overrides,
  });
  return { client, mock, warehouse, sleeps, events };
}
