import { readFile } from "node:fs/promises";
import path from "node:path";
import {
  BatchExecuteStatementCommand,
  DescribeTableCommand,
  ListDatabasesCommand,
  ListSchemasCommand,
  ListTablesCommand,
  type ListTablesCommandInput,
  type RedshiftDataClient,
  type TableMember,
} from "@aws-sdk/client-redshift-data";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type RunningEmulator, startEmulator } from "../../src/emulator/index.js";
import { parseSchemaFiles } from "../../src/schema/load-schema.js";
import { asUser, clientFor, waitFor } from "./helpers.js";

/**
 * ListDatabases, ListSchemas, ListTables and DescribeTable through the real SDK client: what each
 * database user may see of a warehouse with a replicated (zero-ETL) database, a deploy user's schema
 * holding a table, a view and a materialized view, and a reader granted one of them.
 */

const FIXTURE = path.resolve("test/fixtures/emulator/schema.prisma");
const REPLICA = { database: "dev_app_zeroetl", schema: "app_dev" };

let emulator: RunningEmulator;
let client: RedshiftDataClient;

beforeAll(async () => {
  emulator = await startEmulator();
  client = clientFor(emulator.endpoint);
  const schema = await parseSchemaFiles(FIXTURE, [[FIXTURE, await readFile(FIXTURE, "utf8")]]);
  await emulator.seedSourceTables({ schema, source: REPLICA, sampleRows: 1 });
  await emulator.seedDeployUser({ user: "deployer", sources: [REPLICA] });
  await emulator.query("CREATE USER alice PASSWORD DISABLE");
  const { Id } = await client.send(
    new BatchExecuteStatementCommand({
      ...asUser("deployer"),
      Sqls: [
        "CREATE SCHEMA analytics",
        "CREATE TABLE analytics.notes (id int NOT NULL, body varchar(200) DEFAULT 'x', amount numeric(12,2), at timestamp)",
        "CREATE VIEW analytics.recent AS SELECT id FROM analytics.notes",
        `CREATE MATERIALIZED VIEW analytics.users AUTO REFRESH NO AS SELECT "id", "country" FROM "${REPLICA.database}"."${REPLICA.schema}"."users"`,
        "GRANT USAGE ON SCHEMA analytics TO alice",
        "GRANT SELECT ON analytics.users TO alice",
        "CREATE SCHEMA drafts",
        "CREATE TABLE drafts.ideas (a int)",
      ],
    }),
  );
  expect((await waitFor(client, Id)).Error).toBeUndefined();
});

afterAll(async () => {
  client?.destroy();
  await emulator?.stop();
});

async function tables(input: Omit<ListTablesCommandInput, "Database"> & { Database?: string }) {
  const output = await client.send(new ListTablesCommand({ Database: "dev", ...input }));
  return output.Tables ?? [];
}

describe("ListDatabases", () => {
  it("lists every database of the warehouse to every user, the replicated one included", async () => {
    const output = await client.send(new ListDatabasesCommand(asUser("alice")));
    expect(output.Databases).toEqual(["dev", REPLICA.database]);
    expect(output.NextToken).toBeUndefined();
  });
});

describe("ListSchemas", () => {
  it("lists the schemas the user owns or may use, never the emulator's own", async () => {
    const deployer = await client.send(new ListSchemasCommand(asUser("deployer")));
    expect(deployer.Schemas).toEqual(["analytics", "drafts", "information_schema", "pg_catalog", "public"]);
    const alice = await client.send(new ListSchemasCommand(asUser("alice")));
    expect(alice.Schemas).toEqual(["analytics", "information_schema", "pg_catalog", "public"]);
  });

  it("filters by a case-sensitive LIKE pattern", async () => {
    const byPrefix = await client.send(
      new ListSchemasCommand({ ...asUser("deployer"), SchemaPattern: "d%" }),
    );
    expect(byPrefix.Schemas).toEqual(["drafts"]);
    const oneCharacter = await client.send(
      new ListSchemasCommand({ ...asUser("deployer"), SchemaPattern: "p_blic" }),
    );
    expect(oneCharacter.Schemas).toEqual(["public"]);
    const otherCase = await client.send(
      new ListSchemasCommand({ ...asUser("deployer"), SchemaPattern: "D%" }),
    );
    expect(otherCase.Schemas).toEqual([]);
  });

  it("lists a replicated database's schemas when connected to the served one", async () => {
    const output = await client.send(
      new ListSchemasCommand({ ...asUser("deployer"), Database: REPLICA.database, ConnectedDatabase: "dev" }),
    );
    expect(output.Schemas).toEqual([REPLICA.schema]);
  });
});

describe("ListTables", () => {
  it("lists tables and views with their types; a materialized view is a VIEW", async () => {
    expect(await tables({ ...asUser("deployer"), SchemaPattern: "analytics" })).toEqual([
      { name: "notes", schema: "analytics", type: "TABLE" },
      { name: "recent", schema: "analytics", type: "VIEW" },
      { name: "users", schema: "analytics", type: "VIEW" },
    ]);
  });

  it("shows a reader only what it may select in a schema it may use", async () => {
    expect(await tables({ ...asUser("alice"), SchemaPattern: "analytics" })).toEqual([
      { name: "users", schema: "analytics", type: "VIEW" },
    ]);
    expect(await tables({ ...asUser("alice"), SchemaPattern: "drafts" })).toEqual([]);
  });

  it("filters by schema and table patterns", async () => {
    expect(await tables({ ...asUser("deployer"), SchemaPattern: "a%", TablePattern: "re%" })).toEqual([
      { name: "recent", schema: "analytics", type: "VIEW" },
    ]);
    expect(await tables({ ...asUser("deployer"), SchemaPattern: "%s", TablePattern: "%e%" })).toEqual([
      { name: "notes", schema: "analytics", type: "TABLE" },
      { name: "recent", schema: "analytics", type: "VIEW" },
      { name: "users", schema: "analytics", type: "VIEW" },
      { name: "ideas", schema: "drafts", type: "TABLE" },
    ]);
  });

  it("shows system tables and the catalog views in pg_catalog and information_schema", async () => {
    expect(
      await tables({ ...asUser("alice"), SchemaPattern: "pg_catalog", TablePattern: "svv_mv_info" }),
    ).toEqual([{ name: "svv_mv_info", schema: "pg_catalog", type: "SYSTEM VIEW" }]);
    expect(
      await tables({ ...asUser("alice"), SchemaPattern: "information_schema", TablePattern: "sql_features" }),
    ).toEqual([{ name: "sql_features", schema: "information_schema", type: "SYSTEM TABLE" }]);
  });

  it("lists a replicated database's tables to the users who may read them", async () => {
    const replica = { Database: REPLICA.database, ConnectedDatabase: "dev" };
    expect(await tables({ ...asUser("deployer"), ...replica })).toEqual([
      { name: "enrollments", schema: REPLICA.schema, type: "TABLE" },
      { name: "users", schema: REPLICA.schema, type: "TABLE" },
    ]);
    expect(await tables({ ...asUser("alice"), ...replica })).toEqual([]);
  });

  it("pages with MaxResults and NextToken, a token serving only its own operation", async () => {
    const collected: TableMember[] = [];
    let token: string | undefined;
    let pages = 0;
    do {
      const output = await client.send(
        new ListTablesCommand({
          ...asUser("deployer"),
          SchemaPattern: "analytics",
          MaxResults: 2,
          ...(token === undefined ? {} : { NextToken: token }),
        }),
      );
      collected.push(...(output.Tables ?? []));
      token = output.NextToken;
      pages++;
    } while (token !== undefined);
    expect(pages).toBe(2);
    expect(collected.map((table) => table.name)).toEqual(["notes", "recent", "users"]);
    const first = await client.send(
      new ListTablesCommand({ ...asUser("deployer"), SchemaPattern: "analytics", MaxResults: 1 }),
    );
    await expect(
      client.send(new ListSchemasCommand({ ...asUser("deployer"), NextToken: first.NextToken })),
    ).rejects.toMatchObject({ name: "ValidationException", message: expect.stringContaining("NextToken") });
  });
});

describe("DescribeTable", () => {
  it("describes a table's columns as GetStatementResult describes result columns, with defaults", async () => {
    const output = await client.send(
      new DescribeTableCommand({ ...asUser("deployer"), Schema: "analytics", Table: "notes" }),
    );
    expect(output.TableName).toBe("notes");
    const common = { isCurrency: false, schemaName: "analytics", tableName: "notes" };
    expect(output.ColumnList).toEqual([
      {
        ...common,
        name: "id",
        typeName: "int4",
        isCaseSensitive: false,
        isSigned: true,
        nullable: 0,
        precision: 10,
        scale: 0,
        length: 10,
      },
      {
        ...common,
        name: "body",
        typeName: "varchar",
        isCaseSensitive: true,
        isSigned: false,
        nullable: 1,
        precision: 200,
        scale: 0,
        length: 200,
        columnDefault: "'x'::character varying",
      },
      {
        ...common,
        name: "amount",
        typeName: "numeric",
        isCaseSensitive: false,
        isSigned: true,
        nullable: 1,
        precision: 12,
        scale: 2,
        length: 12,
      },
      {
        ...common,
        name: "at",
        typeName: "timestamp",
        isCaseSensitive: false,
        isSigned: false,
        nullable: 1,
        precision: 29,
        scale: 6,
        length: 29,
      },
    ]);
  });

  it("describes a materialized view to its reader, and nothing the user may not read", async () => {
    const view = await client.send(
      new DescribeTableCommand({ ...asUser("alice"), Schema: "analytics", Table: "users" }),
    );
    expect(view.ColumnList?.map((column) => column.name)).toEqual(["id", "country"]);
    const hidden = await client.send(
      new DescribeTableCommand({ ...asUser("alice"), Schema: "analytics", Table: "notes" }),
    );
    expect(hidden.ColumnList).toEqual([]);
  });

  it("pages through the columns", async () => {
    const input = { ...asUser("deployer"), Schema: "analytics", Table: "notes", MaxResults: 3 };
    const first = await client.send(new DescribeTableCommand(input));
    expect(first.ColumnList?.map((column) => column.name)).toEqual(["id", "body", "amount"]);
    const second = await client.send(new DescribeTableCommand({ ...input, NextToken: first.NextToken }));
    expect(second.ColumnList?.map((column) => column.name)).toEqual(["at"]);
    expect(second.NextToken).toBeUndefined();
  });
});

describe("connections", () => {
  it("fails like a login when the user does not exist or the database cannot be connected to", async () => {
    await expect(client.send(new ListSchemasCommand(asUser("nobody")))).rejects.toMatchObject({
      name: "DatabaseConnectionException",
      message: expect.stringContaining('user "IAM:nobody" does not exist'),
    });
    await expect(
      client.send(new ListSchemasCommand({ ...asUser("deployer"), Database: REPLICA.database })),
    ).rejects.toMatchObject({
      name: "DatabaseConnectionException",
      message: expect.stringContaining(`database "${REPLICA.database}" does not exist`),
    });
  });

  it("answers an IAM identity, created on first use, with what PUBLIC may see", async () => {
    const output = await client.send(new ListSchemasCommand({ ClusterIdentifier: "local", Database: "dev" }));
    expect(output.Schemas).toEqual(["information_schema", "pg_catalog", "public"]);
  });

  it("validates the request against the service model", async () => {
    await expect(
      client.send(new ListTablesCommand({ ClusterIdentifier: "local", DbUser: "deployer" } as never)),
    ).rejects.toMatchObject({
      name: "ValidationException",
      message:
        "1 validation error detected: Value null at 'database' failed to satisfy constraint: Member must not be null",
    });
    await expect(
      client.send(new ListTablesCommand({ ...asUser("deployer"), MaxResults: 1001 })),
    ).rejects.toMatchObject({
      name: "ValidationException",
      message:
        "1 validation error detected: Value '1001' at 'maxResults' failed to satisfy constraint: Member must have value less than or equal to 1000",
    });
  });
});
