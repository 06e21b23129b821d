import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCli } from "../../src/cli/main.js";
import { startEmulator } from "../../src/emulator/index.js";
import type { StatusRow } from "../../src/health/status-rows.js";
import { exampleSchema, fakeIo, makeProject, removeDir } from "../helpers/index.js";
import { checkJson, type JsonSchema, readSchema } from "../provision/json-schema-check.js";

// provision → refresh → status as separate CLI runs, each opening the project's emulator at
// .redshift-views/development like separate processes would.

let dir: string;
let statusSchema: JsonSchema;

beforeAll(async () => {
  dir = await makeProject("status-cli", { "prisma/schema.prisma": await exampleSchema() });
  statusSchema = await readSchema("status.schema.json");
});

afterAll(async () => {
  await removeDir(dir);
});

async function run(...args: string[]) {
  const io = fakeIo(dir);
  const code = await runCli([...args.slice(0, 1), "development", ...args.slice(1)], io);
  return { code, io, out: io.out.join("\n"), err: io.err.join("\n") };
}

async function statusJson(): Promise<{ code: number; views: StatusRow[] }> {
  const { code, out } = await run("status", "--format", "json");
  const json = JSON.parse(out) as { version: number; environment: string; views: StatusRow[] };
  expect(checkJson(statusSchema, json)).toEqual([]);
  expect(json).toMatchObject({ version: 1, environment: "development" });
  return { code, views: json.views };
}

describe("refresh and status (CLI)", () => {
  it("refreshed views stay fresh across later commands, and status exits 1 when a view goes missing", async () => {
    expect((await run("provision", "--yes")).code).toBe(0);
    const refreshed = await run("refresh", "--all", "--json");
    expect(refreshed.code).toBe(0);
    expect(refreshed.err).toContain("✔ 19 refreshed, 0 failed, 0 already fresh, 0 missing.");
    const result = JSON.parse(refreshed.out) as { refreshed: { kind: string }[] };
    expect(result.refreshed.filter((outcome) => outcome.kind === "refreshed")).toHaveLength(19);

    // Each command re-seeds the emulator's source tables; that must not make the views stale again.
    const { code, views } = await statusJson();
    expect(code).toBe(0);
    expect(views).toHaveLength(19);
    expect(views.filter((row) => row.stale !== false).map((row) => `${row.schema}.${row.view}`)).toEqual([]);
    for (const row of views)
      expect(row, row.view).toMatchObject({
        exists: true,
        stale: false,
        conditions: [],
        lastOperation: { operation: "refresh", status: "FINISHED" },
      });
    const again = await run("refresh");
    expect(again.code).toBe(0);
    expect(again.err).toContain("✔ 0 refreshed, 0 failed, 19 already fresh, 0 missing.");

    // Dropped behind the tool's back: status says so and exits 1, so it can gate a pipeline.
    const emulator = await startEmulator({ dataDir: path.join(dir, ".redshift-views", "development") });
    try {
      await emulator.query(`DROP MATERIALIZED VIEW "learning_platform_development"."units"`);
    } finally {
      await emulator.stop();
    }
    const csv = await run("status", "--format", "csv");
    expect(csv.code).toBe(1);
    const lines = csv.out.split("\r\n");
    expect(lines[0]).toBe(
      "schema,view,tier,model,exists,stale,state,state_text,last_operation,last_status,last_at,last_duration_s,conditions,last_statement_id,last_error,last_by,create_status,create_error,refresh_status,refresh_error,foreign_project",
    );
    expect(lines).toHaveLength(21); // header, 19 rows, and the empty string after the final CRLF
    expect(lines[1]).toMatch(
      /^learning_platform_development,courses,non_pii,Course,true,false,1,incremental refresh,refresh,FINISHED,/,
    );
    expect(lines.find((line) => line.includes(",units,"))).toMatch(
      /^learning_platform_development,units,non_pii,Unit,false,,,does not exist,refresh,FINISHED,[^,]+,[\d.]+,missing,[\w:-]+,,[^,]+@[^,]+,FINISHED,,FINISHED,,$/,
    );
  });
});
