import {
  DescribeStatementCommand,
  type DescribeStatementResponse,
  RedshiftDataClient,
} from "@aws-sdk/client-redshift-data";

export function clientFor(endpoint: string, maxAttempts = 1): RedshiftDataClient {
  return new RedshiftDataClient({
    endpoint,
    region: "us-east-1",
    credentials: { accessKeyId: "local", secretAccessKey: "local" },
    maxAttempts,
  });
}

/**
 * Connection fields of a request as the superuser `awsuser` (a provisioned cluster with temporary
 * credentials for an existing database user).
 */
export const AS_SUPERUSER = { ClusterIdentifier: "local", DbUser: "awsuser", Database: "dev" } as const;

/** Connection fields of a request as database user `user`. */
export function asUser(user: string): { ClusterIdentifier: string; DbUser: string; Database: string } {
  return { ClusterIdentifier: "local", DbUser: user, Database: "dev" };
}

const DONE = new Set(["FINISHED", "FAILED", "ABORTED"]);

/** Polls DescribeStatement until the statement ends, as a Data API client does. */
export async function waitFor(
  client: RedshiftDataClient,
  id: string | undefined,
): Promise<DescribeStatementResponse> {
  for (let attempt = 0; attempt < 2000; attempt++) {
    const described = await client.send(new DescribeStatementCommand({ Id: id }));
    if (DONE.has(described.Status ?? "")) return described;
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  throw new Error(`statement ${id} did not finish`);
}
