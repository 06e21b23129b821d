import type { RedshiftDataClient } from "@aws-sdk/client-redshift-data";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RunningEmulator } from "../../src/emulator/index.js";
import { readDependents } from "../../src/state/read-state.js";
import { createWarehouse } from "../../src/warehouse/index.js";
import { FAST_POLL } from "../helpers/warehouse.js";
import { AS_SUPERUSER, startModelsEmulator, statementFailure, statementRows } from "./helpers.js";

// The catalog as Redshift presents it to a tool that reads pg_class and pg_depend: a materialized
// view is a view (relkind 'v'), and what is built on a materialized view is recorded in
// SVV_MV_DEPENDENCY, not through its rewrite rule. A Postgres-only reading finds less here, as it
// would on Redshift.

const SOURCE = '"dev_app_zeroetl"."app"';
let emulator: RunningEmulator;
let client: RedshiftDataClient;

beforeAll(async () => {
  ({ emulator, client } = await startModelsEmulator());
  // A managed-looking view, a materialized view built on it by an admin, a plain view on that one,
  // and a late-binding view on the first.
  await emulator.query(`CREATE SCHEMA managed;
    CREATE MATERIALIZED VIEW managed.users AUTO REFRESH NO AS SELECT "id", "country" FROM ${SOURCE}."users";
    CREATE SCHEMA reports;
    CREATE MATERIALIZED VIEW reports.by_country AS SELECT country, count(*) AS n FROM managed.users GROUP BY country;
    CREATE VIEW reports.top_countries AS SELECT country FROM reports.by_country WHERE n > 0;
    CREATE VIEW reports.late_users AS SELECT id FROM managed.users WITH NO SCHEMA BINDING;`);
});

afterAll(async () => {
  client?.destroy();
  await emulator?.stop();
});

describe("pg_class", () => {
  it("shows a materialized view as a view (relkind 'v'), however it is named", async () => {
    const kinds = `SELECT c.relname, c.relkind FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
                   WHERE n.nspname IN ('managed', 'reports') ORDER BY 1`;
    const expected = [
      ["by_country", "v"],
      ["late_users", "v"],
      ["top_countries", "v"],
      ["users", "v"],
    ];
    expect(await statementRows(client, AS_SUPERUSER, kinds)).toEqual(expected);
    expect(
      await statementRows(client, AS_SUPERUSER, kinds.replace("FROM pg_class", "FROM pg_catalog.pg_class")),
    ).toEqual(expected);
    // Tables are tables.
    expect(
      await statementRows(
        client,
        AS_SUPERUSER,
        "SELECT relkind FROM pg_class WHERE relname = 'users' AND relkind <> 'v'",
      ),
    ).toEqual([["r"]]);
  });

  it("has no pg_matviews (Redshift's catalog is PostgreSQL 8's)", async () => {
    for (const relation of ["pg_matviews", "pg_catalog.pg_matviews"]) {
      const { error, state } = await statementFailure(client, AS_SUPERUSER, `SELECT * FROM ${relation}`);
      expect(state).toBe("42P01");
      expect(error).toContain(`relation "${relation}" does not exist`);
    }
  });
});

describe("dependencies of materialized views", () => {
  it("are not in pg_depend: a Postgres-only reading finds only the plain view", async () => {
    const bound = await statementRows(
      client,
      AS_SUPERUSER,
      `SELECT DISTINCT dc.relname AS dependent, sc.relname AS ref
       FROM pg_depend d
       JOIN pg_rewrite r ON r.oid = d.objid
       JOIN pg_class dc ON dc.oid = r.ev_class
       JOIN pg_class sc ON sc.oid = d.refobjid
       JOIN pg_namespace sn ON sn.oid = sc.relnamespace
       WHERE d.classid = 'pg_rewrite'::regclass AND dc.oid <> sc.oid AND sn.nspname IN ('managed', 'reports')
       ORDER BY 1`,
    );
    expect(bound).toEqual([["top_countries", "by_country"]]);
  });

  it("are in SVV_MV_DEPENDENCY", async () => {
    expect(
      await statementRows(
        client,
        AS_SUPERUSER,
        `SELECT trim(schema_name), trim(name), trim(dependent_schema_name), trim(dependent_name)
         FROM svv_mv_dependency WHERE trim(schema_name) IN ('managed', 'reports')`,
      ),
    ).toEqual([["reports", "by_country", "managed", "users"]]);
  });

  it("still block a DROP without CASCADE (2BP01)", async () => {
    const { state } = await statementFailure(client, AS_SUPERUSER, "DROP MATERIALIZED VIEW managed.users");
    expect(state).toBe("2BP01");
  });

  it("are found by the tool's dependents read, transitively", async () => {
    const warehouse = createWarehouse({
      client,
      connection: AS_SUPERUSER,
      poll: FAST_POLL,
    });
    const found = await readDependents(warehouse, "dev", [{ schema: "managed", name: "users" }]);
    expect(found.get("managed.users")).toEqual([
      { schema: "reports", name: "by_country", kind: "materialized_view" },
      { schema: "reports", name: "late_users", kind: "late_binding_view" },
      {
        schema: "reports",
        name: "top_countries",
        kind: "view",
        through: { schema: "reports", name: "by_country" },
      },
    ]);
  });
});

describe("CREATE MATERIALIZED VIEW", () => {
  it("refuses to read a plain, late-binding or system view, as Redshift does", async () => {
    for (const [source, named] of [
      ["reports.top_countries", "the view reports.top_countries"],
      ["reports.late_users", "the view reports.late_users"],
      ["svv_tables", "the system view svv_tables"],
    ] as const) {
      const { error, state } = await statementFailure(
        client,
        AS_SUPERUSER,
        `CREATE MATERIALIZED VIEW reports.not_allowed AS SELECT * FROM ${source}`,
      );
      expect(state).toBe("0A000");
      expect(error).toContain(`cannot reference ${named}`);
    }
    expect(
      await statementRows(
        client,
        AS_SUPERUSER,
        "SELECT count(*) FROM pg_class WHERE relname = 'not_allowed'",
      ),
    ).toEqual([[0]]);
  });
});
