import {
  RedshiftDataClient as Client,
  ExecuteStatementCommand,
  ListStatementsCommand,
  type RedshiftDataClient,
} from "@aws-sdk/client-redshift-data";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type RunningEmulator, startEmulator } from "../../src/emulator/index.js";
import { AS_SUPERUSER, clientFor } from "./helpers.js";

// ListStatements lists the statements of the caller's IAM role (RoleLevel true, the default), or of
// its current session (RoleLevel false). The emulator tells callers apart by the access key id of
// their signature, and sessions by their session token. (On AWS each session of a role has keys of
// its own, which the emulator cannot tie to the role: two sessions sharing one key id stand for one
// role here.)

let emulator: RunningEmulator;
const clients: RedshiftDataClient[] = [];

function session(accessKeyId: string, sessionToken?: string): RedshiftDataClient {
  const client = new Client({
    endpoint: emulator.endpoint,
    region: "us-east-1",
    credentials: {
      accessKeyId,
      secretAccessKey: "x",
      ...(sessionToken === undefined ? {} : { sessionToken }),
    },
    maxAttempts: 1,
  });
  clients.push(client);
  return client;
}

async function listed(client: RedshiftDataClient, roleLevel?: boolean): Promise<string[]> {
  const page = await client.send(
    new ListStatementsCommand({
      StatementName: "role-level-",
      Status: "ALL",
      ...(roleLevel === undefined ? {} : { RoleLevel: roleLevel }),
    }),
  );
  return (page.Statements ?? []).map((statement) => statement.StatementName ?? "").sort();
}

beforeAll(async () => {
  emulator = await startEmulator();
});

afterAll(async () => {
  for (const client of clients) client.destroy();
  await emulator?.stop();
});

describe("ListStatements", () => {
  it("lists only the caller's statements, and with RoleLevel false only its session's", async () => {
    const alice = clientFor(emulator.endpoint, 1, "AKIAALICE");
    clients.push(alice);
    const bob = session("AKIABOB");
    const morning = session("ASIAROLE", "morning-token");
    const evening = session("ASIAROLE", "evening-token");
    for (const [client, name] of [
      [alice, "role-level-alice"],
      [bob, "role-level-bob"],
      [morning, "role-level-morning"],
      [evening, "role-level-evening"],
    ] as const) {
      const { Id } = await client.send(
        new ExecuteStatementCommand({ ...AS_SUPERUSER, StatementName: name, Sql: "SELECT 1" }),
      );
      expect(Id).toBeDefined();
    }
    expect(await listed(alice)).toEqual(["role-level-alice"]);
    expect(await listed(bob)).toEqual(["role-level-bob"]);
    expect(await listed(morning)).toEqual(["role-level-evening", "role-level-morning"]);
    expect(await listed(morning, false)).toEqual(["role-level-morning"]);
    expect(await listed(evening, false)).toEqual(["role-level-evening"]);
    expect(await listed(alice, false)).toEqual(["role-level-alice"]);
  });
});
