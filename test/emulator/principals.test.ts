import { readFile } from "node:fs/promises";
import path from "node:path";
import {
  BatchExecuteStatementCommand,
  type DescribeStatementResponse,
  ExecuteStatementCommand,
  GetStatementResultCommand,
  RedshiftDataClient,
  ValidationException,
} from "@aws-sdk/client-redshift-data";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type RunningEmulator, sqlStateOf, startEmulator } from "../../src/emulator/index.js";
import { parseSchemaFiles } from "../../src/schema/load-schema.js";
import { AS_SUPERUSER, asUser, clientFor, waitFor } from "./helpers.js";

/**
 * Principals and privileges as a new user meets them through the Data API: who a request runs as,
 * GRANTs that need their grantees, schema USAGE, view ownership, the catalog views that show grants,
 * and the read-only replicated database. One emulator for the file; each test builds on its own names.
 */

const SCHEMA_FILE = path.resolve("test/fixtures/emulator/schema.prisma");
const SOURCE = '"development_learningplatform_mysql_zeroetl"."dashboard_development"';
/** Where the replicated tables are, as the seeding API takes it. */
const SOURCE_LOCATION = {
  database: "development_learningplatform_mysql_zeroetl",
  schema: "dashboard_development",
} as const;
type Connection = Partial<Record<"ClusterIdentifier" | "WorkgroupName" | "DbUser" | "SecretArn", string>> & {
  Database: string;
};

let emulator: RunningEmulator;
let client: RedshiftDataClient;

beforeAll(async () => {
  const [started, schema] = await Promise.all([
    startEmulator(),
    readFile(SCHEMA_FILE, "utf8").then((text) => parseSchemaFiles(SCHEMA_FILE, [[SCHEMA_FILE, text]])),
  ]);
  emulator = started;
  client = clientFor(emulator.endpoint);
  await emulator.seedSourceTables({ schema, source: SOURCE_LOCATION, sampleRows: 2 });
  await emulator.seedDeployUser({ user: "deployer", sources: [SOURCE_LOCATION] });
  await emulator.query(
    "CREATE USER alice PASSWORD DISABLE; CREATE USER bob PASSWORD 'Secret123'; CREATE GROUP analysts WITH USER alice",
  );
  const created = await batch(asUser("deployer"), [
    "CREATE SCHEMA analytics",
    `CREATE MATERIALIZED VIEW analytics.users AUTO REFRESH NO AS SELECT "id", "country" FROM ${SOURCE}."users"`,
  ]);
  expect(created.Error).toBeUndefined();
});

afterAll(async () => {
  client?.destroy();
  await emulator?.stop();
});

async function run(connection: Connection, sql: string): Promise<DescribeStatementResponse> {
  const { Id } = await client.send(new ExecuteStatementCommand({ ...connection, Sql: sql }));
  return waitFor(client, Id);
}

async function batch(connection: Connection, sqls: string[]): Promise<DescribeStatementResponse> {
  const { Id } = await client.send(new BatchExecuteStatementCommand({ ...connection, Sqls: sqls }));
  return waitFor(client, Id);
}

/** Rows of a statement that must succeed, as plain values. */
async function rows(connection: Connection, sql: string): Promise<unknown[][]> {
  const described = await run(connection, sql);
  expect(described.Error).toBeUndefined();
  const result = await client.send(new GetStatementResultCommand({ Id: described.Id }));
  return (result.Records ?? []).map((record) =>
    record.map((field) =>
      field.isNull === true
        ? null
        : (field.stringValue ?? field.longValue ?? field.doubleValue ?? field.booleanValue),
    ),
  );
}

/** The error of a statement that must fail, and its SQLSTATE. */
async function failure(
  connection: Connection,
  sql: string,
): Promise<{ error: string; state: string | undefined }> {
  const described = await run(connection, sql);
  expect(described.Status).toBe("FAILED");
  return { error: described.Error ?? "", state: sqlStateOf(described.Error ?? "") };
}

const alice = asUser("alice");
const bob = asUser("bob");
const deployer = asUser("deployer");

describe("who a request runs as", () => {
  it("runs as DbUser on a cluster, and as awsuser, a superuser", async () => {
    expect(await rows(alice, "SELECT current_user, session_user")).toEqual([["alice", "alice"]]);
    expect(
      await rows(AS_SUPERUSER, "SELECT current_user, usesuper FROM pg_user WHERE usename = current_user"),
    ).toEqual([["awsuser", true]]);
  });

  it("fails the statement, not the request, when the DbUser does not exist", async () => {
    const { Id } = await client.send(new ExecuteStatementCommand({ ...asUser("ghost"), Sql: "SELECT 1" }));
    const described = await waitFor(client, Id);
    expect(described.Status).toBe("FAILED");
    expect(described.Error).toBe('FATAL: user "IAM:ghost" does not exist [SQLSTATE 28000]');
  });

  it("runs as the secret's user, named by the secret", async () => {
    await emulator.query("CREATE USER deploy_user PASSWORD DISABLE");
    const secret = {
      ClusterIdentifier: "local",
      Database: "dev",
      SecretArn: "arn:aws:secretsmanager:us-east-1:123456789012:secret:redshift/deploy_user-AbCdEf",
    };
    expect(await rows(secret, "SELECT current_user")).toEqual([["deploy_user"]]);
    expect(
      (await failure({ ...secret, SecretArn: `${secret.SecretArn.slice(0, -18)}nobody-Xy12Zw` }, "SELECT 1"))
        .error,
    ).toBe('FATAL: user "nobody" does not exist [SQLSTATE 28000]');
  });

  it("runs a workgroup request as the caller's IAM identity, created on first use with PUBLIC permissions only", async () => {
    const workgroup = { WorkgroupName: "local", Database: "dev" };
    const roleClient = new RedshiftDataClient({
      endpoint: emulator.endpoint,
      region: "us-east-1",
      credentials: { accessKeyId: "ASIAROLESESSION", secretAccessKey: "x", sessionToken: "t" },
      maxAttempts: 1,
    });
    try {
      expect(await rows(workgroup, "SELECT current_user")).toEqual([["IAM:local"]]);
      const { Id } = await roleClient.send(
        new ExecuteStatementCommand({ ...workgroup, Sql: "SELECT current_user" }),
      );
      await waitFor(roleClient, Id);
      const result = await roleClient.send(new GetStatementResultCommand({ Id }));
      expect(result.Records).toEqual([[{ stringValue: "IAMR:ASIAROLESESSION" }]]);
    } finally {
      roleClient.destroy();
    }
    expect((await failure(workgroup, "SELECT * FROM analytics.users")).error).toContain(
      "permission denied for schema analytics",
    );
    expect((await failure(workgroup, "CREATE SCHEMA mine")).error).toBe(
      "ERROR: permission denied for database dev [SQLSTATE 42501]",
    );
  });

  it("refuses credentials that name no user or two", async () => {
    for (const input of [
      { Database: "dev" },
      { WorkgroupName: "local", DbUser: "alice", Database: "dev" },
      { ...alice, SecretArn: "arn:aws:secretsmanager:us-east-1:1:secret:x-AbCdEf" },
    ]) {
      await expect(
        client.send(new ExecuteStatementCommand({ ...input, Sql: "SELECT 1" })),
      ).rejects.toBeInstanceOf(ValidationException);
    }
  });

  it("never lets an identity leak into the next request, after errors and in batches", async () => {
    expect((await failure(alice, "SELECT 1/0")).state).toBe("22012");
    expect(await rows(bob, "SELECT current_user, session_user")).toEqual([["bob", "bob"]]);
    const failed = await batch(alice, ["SELECT 1", "SELECT * FROM analytics.nope", "SELECT 2"]);
    expect(failed.Status).toBe("FAILED");
    const autoCommit = await client.send(
      new BatchExecuteStatementCommand({
        ...alice,
        ExecutionMode: "AUTO_COMMIT",
        Sqls: ["SELECT 1", "SELECT 1/0"],
      }),
    );
    expect((await waitFor(client, autoCommit.Id)).Status).toBe("FAILED");
    expect(await rows(bob, "SELECT current_user")).toEqual([["bob"]]);
    expect(await emulator.query("SELECT current_user AS u")).toEqual([{ u: "awsuser" }]);
    expect(await emulator.query("SELECT current_user AS u", { user: "alice" })).toEqual([{ u: "alice" }]);
  });

  it("refuses SQL that would change its identity or end its transaction", async () => {
    for (const sql of [
      "SET SESSION AUTHORIZATION awsuser",
      "SET ROLE awsuser",
      "RESET SESSION AUTHORIZATION",
      "SELECT set_config('role', 'awsuser', false)",
      "COMMIT",
      "BEGIN",
    ]) {
      expect({ sql, state: (await failure(alice, sql)).state }).toEqual({ sql, state: "0A000" });
    }
    expect(await rows(alice, "SELECT current_user")).toEqual([["alice"]]);
  });
});

describe("privileges on views", () => {
  it("lets a group member read a view only with USAGE on its schema and SELECT on the view", async () => {
    const refused = await failure(alice, "SELECT count(*) FROM analytics.users");
    expect(refused.error).toBe("ERROR: permission denied for schema analytics [SQLSTATE 42501]");
    expect((await batch(deployer, ["GRANT SELECT ON analytics.users TO GROUP analysts"])).Status).toBe(
      "FINISHED",
    );
    expect((await failure(alice, "SELECT count(*) FROM analytics.users")).error).toContain(
      "permission denied for schema analytics",
    );
    expect((await batch(deployer, ["GRANT USAGE ON SCHEMA analytics TO GROUP analysts"])).Status).toBe(
      "FINISHED",
    );
    expect(await rows(alice, "SELECT count(*) FROM analytics.users")).toEqual([[2]]);
    // bob is in no group: USAGE alone does not reach the view either.
    await batch(deployer, ["GRANT USAGE ON SCHEMA analytics TO bob"]);
    expect((await failure(bob, "SELECT count(*) FROM analytics.users")).error).toBe(
      "ERROR: permission denied for relation users [SQLSTATE 42501]",
    );
  });

  it("fails a batch whose GRANT names a missing principal and leaves the previous grants", async () => {
    const failed = await batch(deployer, [
      "REVOKE SELECT ON analytics.users FROM GROUP analysts",
      "GRANT SELECT ON analytics.users TO GROUP missing_group",
    ]);
    expect(failed.Status).toBe("FAILED");
    expect(failed.SubStatements?.map((sub) => sub.Status)).toEqual(["FINISHED", "FAILED"]);
    expect(failed.Error).toBe('ERROR: group "missing_group" does not exist [SQLSTATE 42704]');
    expect(await rows(alice, "SELECT count(*) FROM analytics.users")).toEqual([[2]]);
    expect((await failure(deployer, "GRANT SELECT ON analytics.users TO nobody")).error).toContain(
      'user "nobody" does not exist',
    );
    expect((await failure(deployer, "GRANT SELECT ON analytics.users TO ROLE nobody")).error).toContain(
      'role "nobody" does not exist',
    );
    // A user and a group are different principals, even with one name.
    expect((await failure(deployer, "GRANT SELECT ON analytics.users TO analysts")).error).toContain(
      'user "analysts" does not exist',
    );
  });

  it("lets only the owner (or a superuser) refresh, drop, comment on or alter a view", async () => {
    for (const sql of [
      "REFRESH MATERIALIZED VIEW analytics.users",
      "DROP MATERIALIZED VIEW analytics.users",
      "COMMENT ON VIEW analytics.users IS 'x'",
      "COMMENT ON COLUMN analytics.users.id IS 'x'",
      "ALTER MATERIALIZED VIEW analytics.users AUTO REFRESH YES",
      "ALTER TABLE analytics.users OWNER TO alice",
    ]) {
      expect({ sql, error: (await failure(alice, sql)).error }).toEqual({
        sql,
        error: "ERROR: must be owner of relation users [SQLSTATE 42501]",
      });
    }
    expect((await run(deployer, "REFRESH MATERIALIZED VIEW analytics.users")).Status).toBe("FINISHED");
    expect((await run(deployer, "COMMENT ON COLUMN analytics.users.id IS 'owned'")).Status).toBe("FINISHED");
    expect((await run(AS_SUPERUSER, "REFRESH MATERIALIZED VIEW analytics.users")).Status).toBe("FINISHED");
    expect((await failure(AS_SUPERUSER, "ALTER TABLE analytics.users OWNER TO nobody")).error).toContain(
      'user "nobody" does not exist',
    );
  });

  it("shows a regular user only its own views in SVV_MV_INFO, a superuser all", async () => {
    await run(
      AS_SUPERUSER,
      "CREATE SCHEMA admin_views; CREATE MATERIALIZED VIEW admin_views.one AS SELECT 1 AS n",
    );
    const info = "SELECT trim(schema_name), trim(name), trim(user_name) FROM svv_mv_info ORDER BY 1, 2";
    expect(await rows(deployer, info)).toEqual([["analytics", "users", "deployer"]]);
    expect(await rows(alice, info)).toEqual([]);
    expect(await rows(AS_SUPERUSER, info)).toEqual([
      ["admin_views", "one", "awsuser"],
      ["analytics", "users", "deployer"],
    ]);
  });
});

describe("catalog views of principals and grants", () => {
  it("shows a grant to a group in SVV_RELATION_PRIVILEGES by the group's name, to those who may see it", async () => {
    await run(AS_SUPERUSER, "CREATE SCHEMA shared; CREATE TABLE shared.facts (id int)");
    await run(AS_SUPERUSER, "GRANT SELECT, INSERT ON shared.facts TO GROUP analysts");
    const query = `SELECT namespace_name, relation_name, privilege_type, identity_name, identity_type, admin_option
                   FROM svv_relation_privileges WHERE relation_name = 'facts' ORDER BY privilege_type`;
    const expected = [
      ["shared", "facts", "INSERT", "analysts", "group", false],
      ["shared", "facts", "SELECT", "analysts", "group", false],
    ];
    expect(await rows(AS_SUPERUSER, query)).toEqual(expected);
    expect(await rows(alice, query)).toEqual(expected);
    expect(await rows(bob, query)).toEqual([]);
    const described = await run(AS_SUPERUSER, "SELECT * FROM svv_relation_privileges LIMIT 1");
    const result = await client.send(new GetStatementResultCommand({ Id: described.Id }));
    expect(result.ColumnMetadata?.map((column) => [column.name, column.typeName])).toEqual([
      ["namespace_name", "text"],
      ["relation_name", "text"],
      ["privilege_type", "text"],
      ["identity_id", "int4"],
      ["identity_name", "text"],
      ["identity_type", "text"],
      ["admin_option", "bool"],
    ]);
  });

  it("shows a regular user only the tables and columns it has access to in SVV_TABLES and SVV_COLUMNS", async () => {
    const tables = `SELECT table_catalog, table_schema, table_name FROM svv_tables
                    WHERE table_schema IN ('analytics', 'dashboard_development') ORDER BY 1, 2, 3`;
    expect(await rows(deployer, tables)).toEqual([
      ["dev", "analytics", "users"],
      ["development_learningplatform_mysql_zeroetl", "dashboard_development", "enrollments"],
      ["development_learningplatform_mysql_zeroetl", "dashboard_development", "users"],
    ]);
    expect(await rows(alice, tables)).toEqual([["dev", "analytics", "users"]]);
    expect(await rows(bob, tables)).toEqual([]);
    expect(
      await rows(
        alice,
        "SELECT column_name FROM svv_columns WHERE table_schema = 'analytics' ORDER BY ordinal_position",
      ),
    ).toEqual([["id"], ["country"]]);
    expect(await rows(bob, "SELECT count(*) FROM svv_columns WHERE table_schema = 'analytics'")).toEqual([
      [0],
    ]);
    expect(await rows(alice, "SELECT count(*) FROM stv_mv_deps")).toEqual([[0]]);
    expect(await rows(deployer, "SELECT trim(name), trim(ref_name) FROM stv_mv_deps")).toEqual([
      ["users", "users"],
    ]);
  });

  it("shows schema grants in SVV_SCHEMA_PRIVILEGES, PUBLIC included", async () => {
    expect(
      await rows(
        AS_SUPERUSER,
        `SELECT namespace_name, privilege_type, identity_name, identity_type, admin_option, privilege_scope
         FROM svv_schema_privileges WHERE namespace_name IN ('analytics', 'public') ORDER BY 1, 2, 3`,
      ),
    ).toEqual([
      ["analytics", "USAGE", "analysts", "group", false, "SCHEMA"],
      ["analytics", "USAGE", "bob", "user", false, "SCHEMA"],
      ["public", "CREATE", "public", "public", false, "SCHEMA"],
      ["public", "USAGE", "public", "public", false, "SCHEMA"],
    ]);
  });

  it("manages roles and shows them in SVV_ROLES, SVV_USER_GRANTS and SVV_ROLE_GRANTS", async () => {
    const made = await batch(AS_SUPERUSER, [
      "CREATE ROLE readers",
      "CREATE ROLE auditors",
      "GRANT ROLE readers TO alice",
      "GRANT ROLE readers TO ROLE auditors",
    ]);
    expect(made.Error).toBeUndefined();
    expect(await rows(AS_SUPERUSER, "SELECT role_name, role_owner FROM svv_roles ORDER BY 1")).toEqual([
      ["auditors", "awsuser"],
      ["readers", "awsuser"],
    ]);
    expect(await rows(alice, "SELECT user_name, role_name, admin_option FROM svv_user_grants")).toEqual([
      ["alice", "readers", false],
    ]);
    expect(await rows(bob, "SELECT user_name FROM svv_user_grants")).toEqual([]);
    expect(await rows(AS_SUPERUSER, "SELECT role_name, granted_role_name FROM svv_role_grants")).toEqual([
      ["auditors", "readers"],
    ]);
    expect((await failure(AS_SUPERUSER, "DROP ROLE readers")).error).toContain(
      "cannot drop this role since it has been granted on a user",
    );
    expect((await failure(bob, "CREATE ROLE mine")).error).toContain("permission denied to create role");
    expect((await run(AS_SUPERUSER, "DROP ROLE readers FORCE")).Status).toBe("FINISHED");
    expect(await rows(AS_SUPERUSER, "SELECT count(*) FROM svv_user_grants")).toEqual([[0]]);
  });

  it("keeps users and groups apart and lists them in PG_USER, PG_GROUP and SVV_USER_INFO", async () => {
    await run(AS_SUPERUSER, "CREATE USER analysts PASSWORD DISABLE");
    expect(
      await rows(
        AS_SUPERUSER,
        "SELECT groname, array_length(grolist, 1) FROM pg_group WHERE groname = 'analysts'",
      ),
    ).toEqual([["analysts", 1]]);
    expect(
      await rows(bob, "SELECT count(*) FROM pg_user WHERE usename IN ('analysts', 'alice', 'awsuser')"),
    ).toEqual([[3]]);
    expect(await rows(bob, "SELECT user_name, superuser FROM svv_user_info")).toEqual([["bob", false]]);
    expect(
      await rows(
        AS_SUPERUSER,
        "SELECT user_name, superuser FROM svv_user_info WHERE user_name IN ('deployer', 'awsuser') ORDER BY 1",
      ),
    ).toEqual([
      ["awsuser", true],
      ["deployer", false],
    ]);
  });

  it("manages users and groups as Redshift does, in Redshift's words", async () => {
    expect((await failure(AS_SUPERUSER, "CREATE USER alice PASSWORD DISABLE")).error).toContain(
      'user "alice" already exists',
    );
    expect((await failure(bob, "CREATE USER carol PASSWORD DISABLE")).error).toContain(
      "permission denied to create user",
    );
    expect((await failure(AS_SUPERUSER, "CREATE USER carol PASSWORD 'short'")).state).toBe("22023");
    expect((await failure(AS_SUPERUSER, "DROP USER deployer")).error).toContain(
      'user "deployer" can\'t be dropped because the user owns some object',
    );
    expect((await failure(AS_SUPERUSER, "DROP USER bob")).error).toContain(
      'user "bob" can\'t be dropped because the user has a privilege on some object',
    );
    expect((await failure(AS_SUPERUSER, "DROP GROUP analysts")).error).toContain(
      'group "analysts" can\'t be dropped because the group has a privilege on some object',
    );
    const grouped = await batch(AS_SUPERUSER, [
      "CREATE USER carol PASSWORD DISABLE",
      "CREATE GROUP interns",
      "ALTER GROUP interns ADD USER carol",
    ]);
    expect(grouped.Error).toBeUndefined();
    expect(
      await rows(asUser("carol"), "SELECT pg_has_role(current_user, 'group/interns', 'MEMBER')"),
    ).toEqual([[true]]);
    expect(
      (
        await batch(AS_SUPERUSER, [
          "ALTER GROUP interns DROP USER carol",
          "DROP GROUP interns",
          "DROP USER carol",
        ])
      ).Error,
    ).toBeUndefined();
    expect((await failure(AS_SUPERUSER, "DROP USER carol")).error).toContain('user "carol" does not exist');
    expect((await run(AS_SUPERUSER, "DROP USER IF EXISTS carol")).Status).toBe("FINISHED");
  });
});

describe("the replicated source database", () => {
  it("is read-only to every user, superusers included", async () => {
    for (const [connection, sql] of [
      [
        deployer,
        `INSERT INTO ${SOURCE}."users" (id, email, country, role, score, ratio, active, created_at) VALUES (9, 'x', 'FR', 'STUDENT', 1, 1, true, '2024-01-01')`,
      ],
      [AS_SUPERUSER, `DELETE FROM ${SOURCE}."users"`],
      [AS_SUPERUSER, `UPDATE ${SOURCE}."users" SET country = 'FR'`],
      [AS_SUPERUSER, `TRUNCATE ${SOURCE}."users"`],
      [AS_SUPERUSER, `CREATE TABLE ${SOURCE}."extra" (id int)`],
      [AS_SUPERUSER, `DROP TABLE ${SOURCE}."users" CASCADE`],
      [AS_SUPERUSER, `ALTER TABLE ${SOURCE}."users" ADD COLUMN x int`],
      [AS_SUPERUSER, `CREATE MATERIALIZED VIEW ${SOURCE}."mv" AS SELECT 1 AS n`],
      [AS_SUPERUSER, `GRANT SELECT ON ${SOURCE}."users" TO alice`],
      // Past the shim's own check, the database's triggers refuse.
      [AS_SUPERUSER, `WITH gone AS (DELETE FROM ${SOURCE}."users" RETURNING 1) SELECT count(*) FROM gone`],
      [AS_SUPERUSER, `SELECT 1 AS n INTO ${SOURCE}."copied"`],
    ] as const) {
      const { error, state } = await failure(connection, sql);
      expect({ sql, state, error }).toEqual({
        sql,
        state: "25006",
        error: expect.stringContaining('database "development_learningplatform_mysql_zeroetl" is read-only'),
      });
    }
    expect(await rows(deployer, `SELECT count(*) FROM ${SOURCE}."users"`)).toEqual([[2]]);
  });

  it("is written by the emulator's replication path only", async () => {
    await emulator.replicate(
      `INSERT INTO ${SOURCE}."users" (id, email, country, role, score, ratio, active, created_at)
       VALUES (3, 'c@example.com', 'FR', 'STUDENT', 1, 1, true, '2024-02-01')`,
    );
    await expect(emulator.query(`DELETE FROM ${SOURCE}."users"`)).rejects.toMatchObject({
      code: "E_EMULATOR_QUERY",
    });
    expect(await rows(deployer, "SELECT is_stale FROM svv_mv_info WHERE trim(name) = 'users'")).toEqual([
      ["t"],
    ]);
  });

  it("seeds the deploy user idempotently with CREATE on the database and read access to the sources, nothing else", async () => {
    await emulator.seedDeployUser({ user: "deployer", sources: [SOURCE_LOCATION] });
    expect(
      await rows(
        AS_SUPERUSER,
        `SELECT superuser, has_database_privilege('deployer', current_database(), 'CREATE'),
                has_schema_privilege('deployer', 'shared', 'USAGE')
         FROM svv_user_info WHERE user_name = 'deployer'`,
      ),
    ).toEqual([[false, true, false]]);
    expect((await failure(deployer, "SELECT * FROM shared.facts")).error).toContain(
      "permission denied for schema shared",
    );
  });
});
