import type { RedshiftDataClient } from "@aws-sdk/client-redshift-data";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { faultsFromEnv, type RunningEmulator } from "../../src/emulator/index.js";
import {
  AS_SUPERUSER,
  asUser,
  MODELS_SOURCE,
  startModelsEmulator,
  statementFailure,
  statementRows,
} from "./helpers.js";

// Zero-ETL table states: SVV_INTEGRATION_TABLE_STATE (superusers only), and the refusal to read a
// replicated table that is not Synced, whether the statement names it, reads it through a view, or
// builds or refreshes a materialized view over it.

const SOURCE = '"dev_app_zeroetl"."app"';
const deployer = asUser("deployer");
let emulator: RunningEmulator;
let client: RedshiftDataClient;

beforeAll(async () => {
  ({ emulator, client } = await startModelsEmulator());
  await emulator.seedDeployUser({
    user: "deployer",
    sources: [MODELS_SOURCE],
  });
  for (const sql of [
    "CREATE SCHEMA analytics",
    `CREATE MATERIALIZED VIEW analytics.users AUTO REFRESH NO AS SELECT "id", "country" FROM ${SOURCE}."users"`,
    `CREATE VIEW analytics.users_now AS SELECT "id" FROM ${SOURCE}."users"`,
    `CREATE VIEW analytics.users_late AS SELECT "id" FROM ${SOURCE}."users" WITH NO SCHEMA BINDING`,
  ]) {
    await statementRows(client, deployer, sql);
  }
});

afterAll(async () => {
  client?.destroy();
  await emulator?.stop();
});

beforeEach(() => {
  emulator.setFaults({});
});

const STATES = `SELECT trim(target_database), trim(schema_name), trim(table_name), trim(table_state)
  FROM svv_integration_table_state ORDER BY 3`;

describe("SVV_INTEGRATION_TABLE_STATE", () => {
  it("has the documented columns and lists every replicated table, Synced", async () => {
    expect(
      await statementRows(
        client,
        AS_SUPERUSER,
        `SELECT column_name FROM information_schema.columns
         WHERE table_name = 'svv_integration_table_state' ORDER BY ordinal_position`,
      ),
    ).toEqual(
      [
        "integration_id",
        "target_database",
        "schema_name",
        "table_name",
        "table_state",
        "table_last_replicated_checkpoint",
        "reason",
        "last_updated_timestamp",
        "table_rows",
        "table_size",
        "is_history_mode",
      ].map((name) => [name]),
    );
    expect(await statementRows(client, AS_SUPERUSER, STATES)).toEqual([
      ["dev_app_zeroetl", "app", "posts", "Synced"],
      ["dev_app_zeroetl", "app", "users", "Synced"],
    ]);
  });

  it("is visible to superusers, and to users granted SELECT on it (the seeded deploy user is)", async () => {
    await emulator.query("CREATE USER analyst PASSWORD DISABLE");
    const { error, state } = await statementFailure(
      client,
      asUser("analyst"),
      "SELECT * FROM svv_integration_table_state",
    );
    expect(state).toBe("42501");
    expect(error).toContain("permission denied for relation svv_integration_table_state");
    expect(await statementRows(client, deployer, STATES)).toEqual(
      await statementRows(client, AS_SUPERUSER, STATES),
    );
    await emulator.query("GRANT SELECT ON svv_integration_table_state TO analyst");
    expect(await statementRows(client, asUser("analyst"), STATES)).toHaveLength(2);
  });

  it("shows the tables named by the resyncing fault as ResyncInitiated, by any form of their name", async () => {
    emulator.setFaults({ resyncing: ["app.users"] });
    expect(await statementRows(client, AS_SUPERUSER, STATES)).toEqual([
      ["dev_app_zeroetl", "app", "posts", "Synced"],
      ["dev_app_zeroetl", "app", "users", "ResyncInitiated"],
    ]);
    emulator.setFaults({ resyncing: ["dev_app_zeroetl.app.posts", "users"] });
    expect((await statementRows(client, AS_SUPERUSER, STATES)).map((row) => row[3])).toEqual([
      "ResyncInitiated",
      "ResyncInitiated",
    ]);
  });
});

describe("a table that is not Synced", () => {
  const refused = async (sql: string) => {
    const { error, state } = await statementFailure(client, deployer, sql);
    expect(state).toBe("55000");
    expect(error).toContain(
      'table "dev_app_zeroetl.app.users" of a zero-ETL integration cannot be queried while it is ResyncInitiated',
    );
  };

  it("cannot be read, directly or through a view, nor can a materialized view over it be created or refreshed", async () => {
    emulator.setFaults({ resyncing: ["users"] });
    await refused(`SELECT count(*) FROM ${SOURCE}."users"`);
    await refused("SELECT count(*) FROM analytics.users_now");
    await refused("SELECT count(*) FROM analytics.users_late");
    await refused(`CREATE MATERIALIZED VIEW analytics.users_again AS SELECT "id" FROM ${SOURCE}."users"`);
    await refused("REFRESH MATERIALIZED VIEW analytics.users");
    // A materialized view holds its own rows; the other tables are Synced.
    expect(await statementRows(client, deployer, "SELECT count(*) FROM analytics.users")).toEqual([[2]]);
    expect(await statementRows(client, deployer, `SELECT count(*) FROM ${SOURCE}."posts"`)).toEqual([[2]]);
    // Replication itself goes on.
    await emulator.replicate(
      `INSERT INTO ${SOURCE}."users" (id, email, country, created_at) VALUES (99, 'x@example.com', 'FR', '2024-01-01')`,
    );
  });

  it("can be read again once the fault is cleared", async () => {
    emulator.setFaults({ resyncing: ["users"] });
    await refused("REFRESH MATERIALIZED VIEW analytics.users");
    emulator.setFaults({});
    expect(await statementRows(client, deployer, "REFRESH MATERIALIZED VIEW analytics.users")).toEqual([]);
    expect(await statementRows(client, deployer, "SELECT count(*) FROM analytics.users_late")).toEqual(
      await statementRows(client, deployer, `SELECT count(*) FROM ${SOURCE}."users"`),
    );
  });
});

describe("REDSHIFT_VIEWS_EMULATOR_RESYNCING", () => {
  it("lists the tables, comma-separated, and refuses names that match nothing", () => {
    expect(faultsFromEnv({ REDSHIFT_VIEWS_EMULATOR_RESYNCING: " users, app.orders ,db.app.t" })).toEqual({
      resyncing: ["users", "app.orders", "db.app.t"],
    });
    expect(faultsFromEnv({ REDSHIFT_VIEWS_EMULATOR_RESYNCING: "" })).toEqual({});
    for (const bad of ["users,,orders", '"users"', "a.b.c.d", "app."]) {
      expect(() => faultsFromEnv({ REDSHIFT_VIEWS_EMULATOR_RESYNCING: bad })).toThrow(
        expect.objectContaining({ code: "E_EMULATOR_FAULTS" }),
      );
    }
  });
});
