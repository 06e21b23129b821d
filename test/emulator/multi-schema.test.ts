import path from "node:path";
import {
  ExecuteStatementCommand,
  GetStatementResultCommand,
  type RedshiftDataClient,
} from "@aws-sdk/client-redshift-data";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sourceLocation } from "../../src/connect/session.js";
import { type RunningEmulator, type SeedResult, startEmulator } from "../../src/emulator/index.js";
import { type PreparedViews, prepareViews } from "../../src/generate/generate.js";
import { renderTemplate, stripHeader } from "../../src/templates/render-template.js";
import { REPO_ROOT } from "../helpers/index.js";
import { clientFor, waitFor } from "./helpers.js";

const FIXTURE = path.join(REPO_ROOT, "test/fixtures/multi-schema/schema.prisma");
const SAMPLE_ROWS = 4;

/**
 * A PostgreSQL source with tables in three schemas: the emulator replicates each into its own schema
 * of the destination database, and the generated templates create views over them through the real
 * SDK client.
 */
describe("a source with several schemas on the emulator", () => {
  let emulator: RunningEmulator;
  let client: RedshiftDataClient;
  let prepared: PreparedViews;
  let seeded: SeedResult;

  async function run(sql: string) {
    const submitted = await client.send(
      new ExecuteStatementCommand({
        Sql: sql,
        Database: "dev",
        ClusterIdentifier: "local",
        DbUser: "awsuser",
      }),
    );
    return waitFor(client, submitted.Id);
  }

  beforeAll(async () => {
    emulator = await startEmulator();
    client = clientFor(emulator.endpoint);
    prepared = await prepareViews({ cwd: REPO_ROOT, schemaPath: FIXTURE });
    const source = sourceLocation(prepared, "development");
    expect(source).toEqual({ database: "development_app" });
    seeded = await emulator.seedSourceTables({
      schema: prepared.schema,
      source,
      sampleRows: SAMPLE_ROWS,
    });
    await run('CREATE SCHEMA "analytics_development"; CREATE SCHEMA "analytics_development_pii";');
  });

  afterAll(async () => {
    client?.destroy();
    await emulator?.stop();
  });

  it("creates every replicated table in the schema its model's @@schema names", async () => {
    expect(seeded.schemas.map((schema) => schema.schema)).toEqual(["auth", "billing", "public"]);
    expect(seeded.tables).toEqual(["users", "users", "sessions", "invoices"]);
    const tables = await emulator.query(
      `SELECT DISTINCT table_catalog, table_schema, table_name FROM svv_columns
       WHERE table_catalog = 'development_app' ORDER BY table_schema, table_name`,
    );
    expect(tables).toEqual([
      { table_catalog: "development_app", table_schema: "auth", table_name: "sessions" },
      { table_catalog: "development_app", table_schema: "auth", table_name: "users" },
      { table_catalog: "development_app", table_schema: "billing", table_name: "invoices" },
      { table_catalog: "development_app", table_schema: "public", table_name: "users" },
    ]);
    // The two tables named users are two tables, each with its own columns.
    const columns = await emulator.query(
      `SELECT table_schema, column_name FROM svv_columns
       WHERE table_catalog = 'development_app' AND table_name = 'users' ORDER BY table_schema, ordinal_position`,
    );
    expect(columns.map((row) => `${row.table_schema}.${row.column_name}`)).toEqual([
      "auth.id",
      "auth.password_hash",
      "auth.provider",
      "auth.last_sign_in_at",
      "public.id",
      "public.email",
      "public.country",
      "public.created_at",
    ]);
  });

  it("with a two-part sourceSchema, still puts a model of another @@schema in its own schema", async () => {
    const twoPart = await emulator.seedSourceTables({
      schema: prepared.schema,
      source: { database: "other_app", schema: "public" },
    });
    expect(twoPart.schemas).toEqual([
      { schema: "auth", postgresSchema: "other_app.auth" },
      { schema: "billing", postgresSchema: "other_app.billing" },
      { schema: "public", postgresSchema: "other_app.public" },
    ]);
  });

  it("runs every generated template: each view reads its own schema's table", async () => {
    expect(prepared.templates.map((template) => template.fileName)).toEqual([
      "auth_users.sql.ejs",
      "auth_users_pii.sql.ejs",
      "billing_invoices.sql.ejs",
      "billing_invoices_pii.sql.ejs",
      "users.sql.ejs",
      "users_pii.sql.ejs",
    ]);
    for (const spec of prepared.specs) {
      const template = prepared.templates.find((candidate) => candidate.fileName === spec.fileName);
      const created = await run(stripHeader(renderTemplate(template?.content ?? "", "development")));
      expect({ file: spec.fileName, status: created.Status, error: created.Error }).toEqual({
        file: spec.fileName,
        status: "FINISHED",
        error: undefined,
      });
      const view = `"${renderTemplate(spec.viewSchema, "development")}"."${spec.view}"`;
      expect((await run(`REFRESH MATERIALIZED VIEW ${view}`)).Status).toBe("FINISHED");
      const counted = await run(`SELECT COUNT(*) AS n FROM ${view}`);
      const result = await client.send(new GetStatementResultCommand({ Id: counted.Id }));
      expect({ file: spec.fileName, rows: result.Records?.[0]?.[0]?.longValue }).toEqual({
        file: spec.fileName,
        rows: SAMPLE_ROWS,
      });
    }
    // auth.users's view shows auth's columns, public.users's view public's.
    const columns = await emulator.query(
      `SELECT table_name, column_name FROM svv_columns
       WHERE table_schema = 'analytics_development' AND table_name IN ('users', 'auth_users')
       ORDER BY table_name, ordinal_position`,
    );
    expect(columns.map((row) => `${row.table_name}.${row.column_name}`)).toEqual([
      "auth_users.id",
      "auth_users.provider",
      "users.id",
      "users.country",
      "users.created_at",
    ]);
  });
});
