import {
  DescribeStatementCommand,
  type DescribeStatementResponse,
  ExecuteStatementCommand,
  GetStatementResultCommand,
  RedshiftDataClient,
} from "@aws-sdk/client-redshift-data";
import { type RunningEmulator, sqlStateOf, startEmulator } from "../../src/emulator/index.js";
import { MODELS, parseText, schema } from "../helpers/index.js";

export function clientFor(endpoint: string, maxAttempts = 1, accessKeyId = "local"): RedshiftDataClient {
  return new RedshiftDataClient({
    endpoint,
    region: "us-east-1",
    credentials: { accessKeyId, secretAccessKey: "local" },
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

/** Connection fields of a Data API request. */
export type Connection = Partial<
  Record<"ClusterIdentifier" | "WorkgroupName" | "DbUser" | "SecretArn", string>
> & {
  Database: string;
};

/** Runs one statement through the Data API and waits for its end. */
async function runStatement(
  client: RedshiftDataClient,
  connection: Connection,
  sql: string,
): Promise<DescribeStatementResponse> {
  const { Id } = await client.send(new ExecuteStatementCommand({ ...connection, Sql: sql }));
  return waitFor(client, Id);
}

/** The rows of a statement that must succeed, as plain values. */
export async function statementRows(
  client: RedshiftDataClient,
  connection: Connection,
  sql: string,
): Promise<unknown[][]> {
  const described = await runStatement(client, connection, sql);
  if (described.Status !== "FINISHED")
    throw new Error(`${sql} ended ${described.Status}: ${described.Error}`);
  if (described.HasResultSet !== true) return [];
  const result = await client.send(new GetStatementResultCommand({ Id: described.Id }));
  return (result.Records ?? []).map((record) =>
    record.map((field) =>
      field.isNull === true
        ? null
        : (field.stringValue ?? field.longValue ?? field.doubleValue ?? field.booleanValue),
    ),
  );
}

/** The error text and SQLSTATE of a statement that must fail. */
export async function statementFailure(
  client: RedshiftDataClient,
  connection: Connection,
  sql: string,
): Promise<{ error: string; state: string | undefined }> {
  const described = await runStatement(client, connection, sql);
  if (described.Status !== "FAILED")
    throw new Error(`${sql} was expected to fail; it ended ${described.Status}`);
  const error = described.Error ?? "";
  return { error, state: sqlStateOf(error) };
}

/** Where `startModelsEmulator` replicates the tables of `MODELS` (users, posts), two rows each. */
export const MODELS_SOURCE = { database: "dev_app_zeroetl", schema: "app" } as const;

/** An in-memory emulator with the replicated tables of test/helpers' `MODELS`, and a client for it. */
export async function startModelsEmulator(): Promise<{
  emulator: RunningEmulator;
  client: RedshiftDataClient;
}> {
  const emulator = await startEmulator();
  await emulator.seedSourceTables({
    schema: await parseText(schema(MODELS)),
    source: MODELS_SOURCE,
    sampleRows: 2,
  });
  return { emulator, client: clientFor(emulator.endpoint) };
}
