import {
  BatchExecuteStatementCommand,
  DescribeStatementCommand,
  ExecuteStatementCommand,
  GetStatementResultCommand,
  GetStatementResultV2Command,
  ListStatementsCommand,
  type RedshiftDataClient,
  ValidationException,
} from "@aws-sdk/client-redshift-data";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type RunningEmulator, startEmulator } from "../../src/emulator/index.js";
import { AS_SUPERUSER, clientFor, waitFor } from "./helpers.js";

/**
 * What a statement request may ask besides its SQL, through the real SDK client: CSV results read with
 * GetStatementResultV2, WaitTimeSeconds, ClientToken, and the service model's validation of every member.
 */

let emulator: RunningEmulator;
let client: RedshiftDataClient;
const connection = AS_SUPERUSER;

beforeAll(async () => {
  emulator = await startEmulator();
  client = clientFor(emulator.endpoint);
});

afterAll(async () => {
  client?.destroy();
  await emulator?.stop();
});

async function csvStatement(sql: string): Promise<string | undefined> {
  const { Id } = await client.send(
    new ExecuteStatementCommand({ ...connection, Sql: sql, ResultFormat: "CSV" }),
  );
  expect((await waitFor(client, Id)).Status).toBe("FINISHED");
  return Id;
}

describe("ResultFormat CSV", () => {
  it("serves the rows as CSV through GetStatementResultV2, with the column metadata", async () => {
    const id = await csvStatement(
      "SELECT 1 AS n, 'plain' AS s, 'a,b \"q\"' AS quoted, NULL::text AS nothing, true AS b, 2.50::numeric(5,2) AS d, '2024-01-02 03:04:05'::timestamp AS ts",
    );
    const described = await client.send(new DescribeStatementCommand({ Id: id }));
    expect(described.ResultFormat).toBe("CSV");
    const result = await client.send(new GetStatementResultV2Command({ Id: id }));
    expect(result.ResultFormat).toBe("CSV");
    expect(result.TotalNumRows).toBe(1);
    expect(result.Records).toEqual([
      { CSVRecords: 'n,s,quoted,nothing,b,d,ts\n1,plain,"a,b ""q""",,t,2.50,2024-01-02 03:04:05\n' },
    ]);
    expect(result.ColumnMetadata?.map((column) => [column.name, column.typeName])).toEqual([
      ["n", "int4"],
      ["s", "text"],
      ["quoted", "text"],
      ["nothing", "text"],
      ["b", "bool"],
      ["d", "numeric"],
      ["ts", "timestamp"],
    ]);
    expect(result.ColumnMetadata?.[6]).toMatchObject({ precision: 29, scale: 6 });
  });

  it("pages a large result, the header on the first page only", async () => {
    const id = await csvStatement("SELECT g AS n FROM generate_series(1, 2500) g");
    const pages: string[] = [];
    let token: string | undefined;
    do {
      const page = await client.send(
        new GetStatementResultV2Command({ Id: id, ...(token === undefined ? {} : { NextToken: token }) }),
      );
      expect(page.TotalNumRows).toBe(2500);
      pages.push(page.Records?.map((record) => record.CSVRecords ?? "").join("") ?? "");
      token = page.NextToken;
    } while (token !== undefined);
    expect(pages).toHaveLength(3);
    const lines = pages.join("").trimEnd().split("\n");
    expect(lines[0]).toBe("n");
    expect(lines.slice(1)).toEqual(Array.from({ length: 2500 }, (_, i) => String(i + 1)));
  });

  it("keeps each format to its own operation", async () => {
    const csv = await csvStatement("SELECT 1 AS n");
    await expect(client.send(new GetStatementResultCommand({ Id: csv }))).rejects.toMatchObject({
      name: "ValidationException",
      message: expect.stringContaining("GetStatementResultV2"),
    });
    const { Id: json } = await client.send(
      new ExecuteStatementCommand({ ...connection, Sql: "SELECT 1 AS n" }),
    );
    await waitFor(client, json);
    await expect(client.send(new GetStatementResultV2Command({ Id: json }))).rejects.toBeInstanceOf(
      ValidationException,
    );
    expect((await client.send(new DescribeStatementCommand({ Id: json }))).ResultFormat).toBe("JSON");
  });

  it("serves a CSV batch's sub-statements", async () => {
    const { Id } = await client.send(
      new BatchExecuteStatementCommand({
        ...connection,
        ResultFormat: "CSV",
        Sqls: ["SELECT 1 AS a", "SELECT 2 AS b"],
      }),
    );
    await waitFor(client, Id);
    const second = await client.send(new GetStatementResultV2Command({ Id: `${Id}:2` }));
    expect(second.Records).toEqual([{ CSVRecords: "b\n2\n" }]);
    const listed = await client.send(new ListStatementsCommand({ MaxResults: 1 }));
    expect(listed.Statements?.[0]).toMatchObject({ Id, ResultFormat: "CSV" });
  });
});

describe("WaitTimeSeconds", () => {
  it("answers once the statement ended, with its status", async () => {
    const submitted = await client.send(
      new ExecuteStatementCommand({ ...connection, Sql: "SELECT 1", WaitTimeSeconds: 30 }),
    );
    expect(submitted).toMatchObject({ Status: "FINISHED", HasResultSet: true });
  });

  it("answers with the status of the moment when the statement is still running", async () => {
    let release: () => void = () => undefined;
    emulator.setFaults({ onStatement: () => new Promise<void>((resolve) => (release = resolve)) });
    try {
      const submitted = await client.send(
        new ExecuteStatementCommand({ ...connection, Sql: "SELECT 1", WaitTimeSeconds: 1 }),
      );
      expect(submitted.Status).toBe("SUBMITTED");
      release();
      const described = await client.send(
        new DescribeStatementCommand({ Id: submitted.Id, WaitTimeSeconds: 30 }),
      );
      expect(described.Status).toBe("FINISHED");
    } finally {
      release();
      emulator.setFaults({});
    }
  });
});

describe("ClientToken", () => {
  it("answers a repeated request with the statement the first one created", async () => {
    const input = { ...connection, Sql: "SELECT 1", ClientToken: "retry-me-1" };
    const first = await client.send(new ExecuteStatementCommand(input));
    const again = await client.send(new ExecuteStatementCommand(input));
    expect(again.Id).toBe(first.Id);
    const other = await client.send(new ExecuteStatementCommand({ ...input, ClientToken: "retry-me-2" }));
    expect(other.Id).not.toBe(first.Id);
  });
});

describe("validation against the service model", () => {
  it("lists every broken constraint in one ValidationException", async () => {
    const error = await client
      .send(
        new ExecuteStatementCommand({
          ClusterIdentifier: "Not_A_Cluster",
          Database: "dev",
          DbUser: "awsuser",
          Sql: "SELECT 1",
          ResultFormat: "XML" as never,
          SessionKeepAliveSeconds: 86401,
          Parameters: [{ name: "bad name", value: "" }],
        }),
      )
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ValidationException);
    expect((error as Error).message).toBe(
      "5 validation errors detected: " +
        "Value 'Not_A_Cluster' at 'clusterIdentifier' failed to satisfy constraint: Member must satisfy regular expression pattern: [a-z][a-z0-9]*(-[a-z0-9]+)*; " +
        "Value 'XML' at 'resultFormat' failed to satisfy constraint: Member must satisfy enum value set: [JSON, CSV]; " +
        "Value '86401' at 'sessionKeepAliveSeconds' failed to satisfy constraint: Member must have value less than or equal to 86400; " +
        "Value 'bad name' at 'parameters.1.member.name' failed to satisfy constraint: Member must satisfy regular expression pattern: [0-9a-zA-Z_]+; " +
        "Value '' at 'parameters.1.member.value' failed to satisfy constraint: Member must have length greater than or equal to 1",
    );
  });

  it("refuses members of the wrong JSON type as a SerializationException", async () => {
    const response = await fetch(emulator.endpoint, {
      method: "POST",
      headers: {
        "Content-Type": "application/x-amz-json-1.1",
        "X-Amz-Target": "RedshiftData.ListStatements",
      },
      body: JSON.stringify({ MaxResults: "ten" }),
    });
    expect(response.status).toBe(400);
    expect(await response.json()).toEqual({
      __type: "SerializationException",
      message: "'maxResults' must be an integer.",
    });
  });

  it("refuses ClusterIdentifier with WorkgroupName where the API says they exclude each other", async () => {
    await expect(
      client.send(new ListStatementsCommand({ ClusterIdentifier: "local", WorkgroupName: "local" })),
    ).rejects.toBeInstanceOf(ValidationException);
  });
});
