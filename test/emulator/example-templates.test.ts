import { readdir, readFile } from "node:fs/promises";
import path from "node:path";
import {
  ExecuteStatementCommand,
  GetStatementResultCommand,
  type RedshiftDataClient,
} from "@aws-sdk/client-redshift-data";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type RunningEmulator, startEmulator } from "../../src/emulator/index.js";
import { loadSchema } from "../../src/schema/load-schema.js";
import { renderTemplate, stripHeader } from "../../src/templates/render-template.js";
import { REPO_ROOT } from "../helpers/index.js";
import { AS_SUPERUSER, clientFor, waitFor } from "./helpers.js";

const TEMPLATES = path.join(REPO_ROOT, "generated-views");
/** Where the replicated tables are, as the seeding API takes it. */
const SOURCE_LOCATION = {
  database: "development_learningplatform_mysql_zeroetl",
  schema: "dashboard_development",
} as const;
const SAMPLE_ROWS = 5;

/**
 * The committed templates of the example app, rendered for `development`, are real DDL: each one
 * creates a materialized view in the emulator over the replicated tables, through the real SDK client.
 */
describe("the example app's templates on the emulator", () => {
  let emulator: RunningEmulator;
  let client: RedshiftDataClient;
  let files: string[];

  async function run(sql: string) {
    const submitted = await client.send(new ExecuteStatementCommand({ ...AS_SUPERUSER, Sql: sql }));
    return waitFor(client, submitted.Id);
  }

  beforeAll(async () => {
    emulator = await startEmulator();
    client = clientFor(emulator.endpoint);
    const schema = await loadSchema({ cwd: REPO_ROOT });
    await emulator.seedSourceTables({ schema, source: SOURCE_LOCATION, sampleRows: SAMPLE_ROWS });
    await run(
      'CREATE SCHEMA "learning_platform_development"; CREATE SCHEMA "learning_platform_development_pii";',
    );
    files = (await readdir(TEMPLATES)).filter((file) => file.endsWith(".sql.ejs")).sort();
  });

  afterAll(async () => {
    client?.destroy();
    await emulator?.stop();
  });

  it("creates, refreshes and queries every view", async () => {
    expect(files.length).toBeGreaterThanOrEqual(19);
    for (const file of files) {
      const ddl = stripHeader(
        renderTemplate(await readFile(path.join(TEMPLATES, file), "utf8"), "development"),
      );
      const created = await run(ddl);
      expect({ file, status: created.Status, error: created.Error }).toEqual({
        file,
        status: "FINISHED",
        error: undefined,
      });

      const view = `"learning_platform_development${file.endsWith("_pii.sql.ejs") ? "_pii" : ""}"."${file.replace(/(_pii)?\.sql\.ejs$/, "")}"`;
      expect((await run(`REFRESH MATERIALIZED VIEW ${view}`)).Status).toBe("FINISHED");
      const counted = await run(`SELECT COUNT(*) AS n FROM ${view}`);
      const result = await client.send(new GetStatementResultCommand({ Id: counted.Id }));
      expect({ file, rows: result.Records?.[0]?.[0]?.longValue }).toEqual({ file, rows: SAMPLE_ROWS });
    }
  });
});
