import { readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import { RedshiftDataClient } from "@aws-sdk/client-redshift-data";
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { runCli } from "../../src/cli/main.js";
import type * as EmulatorModule from "../../src/emulator/index.js";
import type { EmulatorStats, FaultOptions, RunningEmulator } from "../../src/emulator/index.js";
import type { ProvisionPlanJson } from "../../src/plan/plan-json.js";
import { createWarehouse, statementNamePrefix } from "../../src/warehouse/index.js";
import { exampleSchema, fakeIo, makeProject, removeDir } from "../helpers/index.js";
import { edit } from "../helpers/warehouse.js";
import { checkJson, type JsonSchema, readSchema } from "./json-schema-check.js";

// `redshift-views provision` in-process, as the binary runs it, on a local target: each run starts
// "the project's emulator" and stops it when done. The emulator module is wrapped so that every run
// gets the same in-memory emulator (starting PGlite from .redshift-views/development on every run
// costs seconds; persistence is lifecycle.test.ts's concern), with fresh counters and the faults the
// test sets, and its stop() leaves it running for the next run.
const emulators = vi.hoisted(() => ({
  shared: undefined as RunningEmulator | undefined,
  starts: 0,
  faults: undefined as FaultOptions | undefined,
}));

vi.mock("../../src/emulator/index.js", async (importOriginal) => {
  const actual = await importOriginal<typeof EmulatorModule>();
  return {
    ...actual,
    startEmulator: async (options: Parameters<typeof actual.startEmulator>[0] = {}) => {
      emulators.shared ??= await actual.startEmulator({});
      const shared = emulators.shared;
      shared.resetStats();
      shared.setFaults(emulators.faults ?? options.faults ?? {});
      emulators.starts++;
      const run: RunningEmulator = {
        endpoint: shared.endpoint,
        port: shared.port,
        database: shared.database,
        cluster: shared.cluster,
        setFaults: (faults) => shared.setFaults(faults),
        get stats() {
          return shared.stats;
        },
        resetStats: () => shared.resetStats(),
        query: (sql, options) => shared.query(sql, options),
        replicate: (sql) => shared.replicate(sql),
        seedSourceTables: (input) => shared.seedSourceTables(input),
        seedDeployUser: (input) => shared.seedDeployUser(input),
        stop: async () => {},
      };
      return run;
    },
  };
});

let dir: string;
let example: string;
let planSchema: JsonSchema;

beforeAll(async () => {
  example = await exampleSchema();
  dir = await makeProject("provision-cli", { "prisma/schema.prisma": example });
  planSchema = await readSchema("provision-plan.schema.json");
});

afterAll(async () => {
  await emulators.shared?.stop();
  await removeDir(dir);
});

beforeEach(() => {
  emulators.faults = undefined;
});

/** Runs the CLI once and returns its exit code, output and the counters of the emulator it used. */
async function provision(args: string[], env: NodeJS.ProcessEnv = {}, io = fakeIo(dir, env)) {
  const starts = emulators.starts;
  const code = await runCli(["provision", "development", ...args], io);
  expect(emulators.starts).toBe(starts + 1);
  const stats = emulators.shared?.stats as EmulatorStats;
  return { code, io, stats };
}

const batches = (stats: EmulatorStats) => stats.operations.BatchExecuteStatement ?? 0;

/** Names of the statements that changed views (schema, create, drop, refresh) in the emulator's history. */
async function changes(): Promise<string[]> {
  const emulator = emulators.shared;
  if (emulator === undefined) return [];
  const client = new RedshiftDataClient({
    endpoint: emulator.endpoint,
    region: "us-east-1",
    credentials: { accessKeyId: "local", secretAccessKey: "local" },
    maxAttempts: 1,
  });
  try {
    const warehouse = createWarehouse({ client, connection: { Database: emulator.database } });
    const statements = await warehouse.listStatements({ namePrefix: statementNamePrefix("development") });
    return statements
      .map((statement) => statement.name ?? "")
      .filter((name) => /:(schema|create|drop|refresh):/.test(name))
      .sort();
  } finally {
    client.destroy();
  }
}

describe("redshift-views provision (CLI)", () => {
  it("DRY_RUN=1 and --dry-run print the plan (table, --json, --format md) and submit only the catalog read", async () => {
    const table = await provision([], { DRY_RUN: "1" });
    expect(table.code).toBe(0);
    expect(table.io.out.join("\n")).toContain("Plan for development (");
    expect(table.io.out.join("\n")).toContain("19 to add, 0 to update, 0 to drop, 0 unchanged.");
    expect(table.io.err.join("\n")).toContain("Dry run: nothing was submitted to the warehouse.");

    const json = await provision(["--dry-run", "--json"]);
    expect(json.code).toBe(0);
    expect(json.io.out).toHaveLength(1);
    const plan = JSON.parse(json.io.out[0] ?? "") as ProvisionPlanJson;
    expect(checkJson(planSchema, plan)).toEqual([]);
    expect(plan).toMatchObject({ version: 1, environment: "development", summary: { add: 19 } });
    expect(plan.views).toHaveLength(19);
    expect(plan.views.every((view) => view.action === "add")).toBe(true);

    // The flag wins over DRY_RUN=0.
    const md = await provision(["--dry-run", "--format", "md"], { DRY_RUN: "0" });
    expect(md.code).toBe(0);
    expect(md.io.out.join("\n")).toMatch(/^### Redshift views: plan for `development`\n/);
    expect(md.io.out.join("\n")).toContain(
      "| add | `learning_platform_development.users` | non-PII | User |",
    );

    // The catalog and privileges reads; nothing else.
    for (const { stats } of [table, json, md]) {
      expect(stats.statementsSubmitted).toBe(2);
      expect(stats.operations.ExecuteStatement).toBe(2);
      expect(batches(stats)).toBe(0);
    }
  });

  it("refuses to apply without a terminal unless --yes, and applies nothing", async () => {
    const { code, io, stats } = await provision([]);
    expect(code).toBe(1);
    expect(io.err.join("\n")).toContain("Refusing to apply without confirmation: no terminal to ask on.");
    expect(io.err.join("\n")).toContain("redshift-views provision development --yes");
    // The provisioning lock, at most: on first use its insert, the creation of its table (which fails
    // without the schema), of schema and table, and the insert again.
    expect(batches(stats)).toBeLessThanOrEqual(4);

    // On a terminal, answering no applies nothing either.
    const asked: string[] = [];
    const declined = await provision(
      [],
      {},
      {
        ...fakeIo(dir),
        interactive: true,
        confirm: async (question) => {
          asked.push(question);
          return false;
        },
      },
    );
    expect(declined.code).toBe(1);
    expect(asked).toEqual(["Proceed?"]);
    expect(declined.io.err.join("\n")).toContain("Nothing was applied.");
    expect(await changes()).toEqual([]);
  });

  it("--yes applies the plan (exit 0) and a second run has nothing to do", async () => {
    const applied = await provision(["--yes"]);
    expect(applied.code).toBe(0);
    expect(applied.io.err.join("\n")).toContain("✔ 19 views applied.");

    const again = await provision(["--yes"]);
    expect(again.code).toBe(0);
    expect(again.io.err.join("\n")).toContain("Nothing to apply: every view matches its template.");
    // One batch per view schema (CREATE SCHEMA), then one transaction per view; nothing by the second run.
    const history = await changes();
    expect(history.filter((name) => name.includes(":create:"))).toHaveLength(19);
    expect(history.filter((name) => !name.includes(":create:"))).toEqual([
      "redshift-views:development:schema:learning_platform_development",
      "redshift-views:development:schema:learning_platform_development_pii",
    ]);
  });

  it("a failing CREATE: exit 1 with the error and its SQL, the others applied; the re-run converges", async () => {
    const schemaFile = path.join(dir, "prisma/schema.prisma");
    await writeFile(
      schemaFile,
      edit(
        edit(
          await readFile(schemaFile, "utf8"),
          "  /// @classification confidential\n  birthYear",
          "  /// @classification restricted\n  birthYear",
        ),
        "  /// @classification public\n  title       String",
        "  /// @classification restricted\n  title       String",
      ),
    );
    emulators.faults = {
      failPattern: 'CREATE MATERIALIZED VIEW "learning_platform_development"\\."users"',
    };
    const failed = await provision(["--yes", "--json"]);
    expect(failed.code).toBe(1);
    expect(failed.stats.injectedFailures).toBe(1);
    const err = failed.io.err.join("\n");
    // courses rebuilt; both PII views only had their column comments (the levels) updated.
    expect(err).toContain("3 views applied, 1 failed.");
    expect(err).toContain("✖ learning_platform_development.users (update): ERROR: injected failure");
    expect(err).toContain('      in: CREATE MATERIALIZED VIEW "learning_platform_development"."users" …');
    expect(err).toContain("Views that failed keep their previous definition.");
    // With --json, applying prints the plan with its result on stdout.
    const printed = JSON.parse(failed.io.out.at(-1) ?? "") as ProvisionPlanJson & { result?: unknown };
    expect(checkJson(planSchema, printed)).toEqual([]);
    expect(printed.result).toMatchObject({
      outcomes: [
        { kind: "applied", action: "update", name: "courses" },
        {
          kind: "failed",
          action: "update",
          name: "users",
          sql: expect.stringMatching(/^CREATE MATERIALIZED VIEW "learning_platform_development"\."users"/),
        },
        { kind: "applied", action: "comment", schema: "learning_platform_development_pii", name: "courses" },
        { kind: "applied", action: "comment", schema: "learning_platform_development_pii", name: "users" },
      ],
    });

    emulators.faults = undefined;
    const plan = await provision(["--dry-run", "--json"]);
    const rerun = JSON.parse(plan.io.out[0] ?? "") as ProvisionPlanJson;
    expect(rerun.views.filter((view) => view.action !== "unchanged")).toMatchObject([
      { action: "update", schema: "learning_platform_development", view: "users" },
    ]);
    const converged = await provision(["--yes"]);
    expect(converged.code).toBe(0);
    expect(converged.io.err.join("\n")).toContain("✔ 1 view applied.");
    const history = await changes();
    expect(history.filter((name) => name.endsWith(".courses"))).toHaveLength(3); // 2 creates + this one
    expect(history.filter((name) => name.endsWith("development.users"))).toHaveLength(3); // + failed + applied
  });
});
