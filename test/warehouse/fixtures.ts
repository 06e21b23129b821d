import { RedshiftDataClient } from "@aws-sdk/client-redshift-data";
import { mockClient } from "aws-sdk-client-mock";
import type { ResolvedTarget } from "../../src/config/index.js";
import { connectionFields } from "../../src/connect/connection-fields.js";
import { targetHints } from "../../src/connect/target-hints.js";
import { type CreateWarehouseOptions, createWarehouse } from "../../src/warehouse/index.js";

const GRANTS = { nonPii: [], pii: [] };
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

/** What `openWarehouse` passes for a target: its connection fields, its name and its hints. */
export function forTarget(target: ResolvedTarget) {
  return {
    connection: connectionFields(target),
    label: `environment "${target.environment}"`,
    hints: targetHints(target),
  };
}

/**
 * A warehouse over a mocked client, with instant sleeps recorded, deterministic jitter and a fixed
 * clock, connected as `target` would be (default: the production cluster).
 */
export function setup(
  overrides: Partial<CreateWarehouseOptions> & { readonly target?: ResolvedTarget } = {},
) {
  const { target = CLUSTER, ...options } = overrides;
  const client = new RedshiftDataClient({ region: "eu-west-1" });
  const mock = mockClient(client);
  const sleeps: number[] = [];
  const events: unknown[] = [];
  let tokens = 0;
  const warehouse = createWarehouse({
    client,
    ...forTarget(target),
    sleep: async (ms) => {
      sleeps.push(ms);
    },
    random: () => 0.5,
    now: () => CLIENT_NOW.getTime(),
    clientToken: () => `token-${++tokens}`,
    onProgress: (event) => events.push(event),
    ...options,
  });
  return { client, mock, warehouse, sleeps, events };
}
