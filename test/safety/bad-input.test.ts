import fs from "node:fs/promises";
import { createServer } from "node:net";
import path from "node:path";
import {
  BatchExecuteStatementCommand,
  DescribeStatementCommand,
  ExecuteStatementCommand,
  RedshiftDataClient,
} from "@aws-sdk/client-redshift-data";
import { mockClient } from "aws-sdk-client-mock";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { runCli } from "../../src/cli/main.js";
import type { ProvisionPlan } from "../../src/plan/plan.js";
import { applyPlan } from "../../src/provision/apply.js";
import { createWarehouse, MAX_STATEMENT_BYTES, statementName } from "../../src/warehouse/index.js";
import {
  caughtErrors,
  contents,
  fakeIo,
  MODELS,
  makeProject,
  removeDir,
  schema,
  snapshotFolder,
} from "../helpers/index.js";
import { awsError, CLUSTER, forTarget, setup } from "../warehouse/fixtures.js";

/**
 * The bad-input catalogue (docs/bad-input.md): each case gets a located, actionable error (code and
 * hint), a non-zero exit, and loses nothing. Annotation cases beyond these are in test/cli/cli.test.ts;
 * dependents (--cascade) and concurrent runs (--force) in provision-safety.test.ts.
 */

const GOOD = schema(MODELS);
const projects: string[] = [];
afterAll(async () => {
  await Promise.all(projects.map(removeDir));
});

async function project(files: Record<string, string> = {}): Promise<string> {
  const dir = await makeProject("bad-input", { "prisma/schema.prisma": GOOD, ...files });
  projects.push(dir);
  return dir;
}

/** Runs the CLI; returns the exit code, stderr, and the `[CODE]` and hint lines it printed. */
async function cli(dir: string, argv: string[], env: NodeJS.ProcessEnv = {}, signal?: AbortSignal) {
  const io = { ...fakeIo(dir, env), ...(signal === undefined ? {} : { signal }) };
  const code = await runCli(argv, io);
  const stderr = io.err.join("\n");
  return {
    code,
    stderr,
    stdout: io.out.join("\n"),
    codes: [...stderr.matchAll(/\[(E_[A-Z_]+)\]/g)].map((m) => m[1]),
  };
}

describe("schema and annotations (generate): exit 1, located, generated-views/ unchanged", () => {
  let dir: string;
  let before: Record<string, string>;
  beforeAll(async () => {
    dir = await project();
    expect(await runCli(["generate"], fakeIo(dir))).toBe(0);
    before = contents(await snapshotFolder(path.join(dir, "generated-views")));
  });
  afterEach(async () => {
    await fs.writeFile(path.join(dir, "prisma/schema.prisma"), GOOD);
    vi.restoreAllMocks();
  });

  const cases: [name: string, edit: (text: string) => string, code: string, message: RegExp][] = [
    [
      "typo of an annotation name suggests the right one",
      (text) => text.replace("@classification restricted", "@clasification restricted"),
      "E_ANNOTATION_MISSPELLED",
      /model User, field email[\s\S]*Did you mean @classification\?/,
    ],
    [
      "typo of a level",
      (text) => text.replace("@classification restricted", "@classification restriced"),
      "E_ANNOTATION_UNKNOWN_LEVEL",
      /model User, field email.*"restriced"/,
    ],
    [
      "contradictory levels on one field",
      (text) =>
        text.replace(
          "  /// @classification restricted\n",
          "  /// @classification restricted\n  /// @classification public\n",
        ),
      "E_ANNOTATION_DUPLICATE",
      /model User, field email/,
    ],
    [
      "annotation on the wrong element",
      (text) =>
        text.replace(
          "/// @exportToAnalytics\nmodel Post",
          "/// @exportToAnalytics\n/// @classification public\nmodel Post",
        ),
      "E_ANNOTATION_MISPLACED",
      /model Post/,
    ],
    [
      "invalid Prisma schema",
      (text) => text.replace("  title    String", "  title    Strng"),
      "E_SCHEMA_INVALID",
      /Strng/,
    ],
    [
      "@@map crafted to inject SQL",
      (text) => text.replace('@@map("posts")', '@@map("posts\\"; DROP TABLE users; --")'),
      "E_IDENTIFIER_INVALID",
      /double quote/,
    ],
    [
      "@map crafted to inject SQL",
      (text) => text.replace('@map("author_id")', '@map("author_id\\"); DROP TABLE x; --")'),
      "E_IDENTIFIER_INVALID",
      /double quote/,
    ],
    [
      "viewSchema crafted to run JavaScript in a template",
      (text) => text.replace("  sourceSchema", '  viewSchema   = "<%= process.exit() %>"\n  sourceSchema'),
      "E_GENERATOR_CONFIG_INVALID",
      /"viewSchema" = "<%= process\.exit\(\) %>"/,
    ],
    [
      "viewSchema crafted to inject SQL",
      (text) => text.replace("  sourceSchema", '  viewSchema   = "x\\"; DROP SCHEMA y; --"\n  sourceSchema'),
      "E_GENERATOR_CONFIG_INVALID",
      /"viewSchema"/,
    ],
    [
      "two levels on one annotation line",
      (text) => text.replace("/// @classification restricted\n", "/// @classification public restricted\n"),
      "E_ANNOTATION_EXTRA_TEXT",
      /prisma\/schema\.prisma:\d+, model User, field email: "\/\/\/ @classification public restricted" holds more than the annotation[\s\S]*put notes on their own \/\/\/ line/,
    ],
    [
      "a note after the level on an annotation line",
      (text) =>
        text.replace("/// @classification public\n", "/// @classification public -- shown in reports\n"),
      "E_ANNOTATION_EXTRA_TEXT",
      /prisma\/schema\.prisma:\d+, model User, field country: .*-- shown in reports/,
    ],
    [
      "text after @exportToAnalytics",
      (text) =>
        text.replace("/// @exportToAnalytics\nmodel Post", "/// @exportToAnalytics nightly\nmodel Post"),
      "E_ANNOTATION_EXTRA_TEXT",
      /prisma\/schema\.prisma:\d+, model Post: /,
    ],
    [
      "unknown viewNaming value",
      (text) => text.replace("  sourceSchema", '  viewNaming   = "prefixed"\n  sourceSchema'),
      "E_GENERATOR_CONFIG_INVALID",
      /viewNaming = "prefixed" is not one of "table", "schema_prefixed"/,
    ],
    [
      "sourceSchema names only the database of a MySQL source",
      (text) => text.replace('_app_zeroetl\\".\\"app\\""', '_app_zeroetl\\""'),
      "E_GENERATOR_CONFIG_INVALID",
      /names only the database, which is for PostgreSQL sources; this datasource is mysql[\s\S]*Name the schema too/,
    ],
    [
      "typo of a generator setting suggests the right one",
      (text) => text.replace("  sourceSchema", '  piiViewShema = "x"\n  sourceSchema'),
      "E_GENERATOR_CONFIG_UNKNOWN_KEY",
      /Did you mean "piiViewSchema"\?/,
    ],
  ];

  it.each(cases)("%s", async (_name, edit, code, message) => {
    const text = edit(GOOD);
    expect(text).not.toBe(GOOD);
    await fs.writeFile(path.join(dir, "prisma/schema.prisma"), text);
    const result = await cli(dir, ["generate"]);
    expect(result.code).toBe(1);
    expect(result.codes).toContain(code);
    expect(result.stderr).toMatch(/prisma\/schema\.prisma/);
    expect(result.stderr).toMatch(message);
    expect(result.stderr).toMatch(/\n {2}→ \S/); // a hint
    expect(contents(await snapshotFolder(path.join(dir, "generated-views")))).toEqual(before);
  });

  it("annotation lines holding more than the annotation fail `check` too, naming the line", async () => {
    const lines = GOOD.split("\n");
    const emailLine = lines.indexOf("  /// @classification restricted") + 1;
    const countryLine = lines.indexOf("  /// @classification public") + 1;
    await fs.writeFile(
      path.join(dir, "prisma/schema.prisma"),
      GOOD.replace("/// @classification restricted\n", "/// @classification public restricted\n").replace(
        "/// @classification public\n",
        "/// @classification public -- shown in reports\n",
      ),
    );
    const result = await cli(dir, ["check"]);
    expect(result.code).toBe(1);
    expect(result.codes).toEqual(["E_ANNOTATION_EXTRA_TEXT", "E_ANNOTATION_EXTRA_TEXT"]);
    expect(result.stderr).toContain(`prisma/schema.prisma:${emailLine}, model User, field email`);
    expect(result.stderr).toContain(`prisma/schema.prisma:${countryLine}, model User, field country`);
    expect(contents(await snapshotFolder(path.join(dir, "generated-views")))).toEqual(before);
  });

  it("foreign file where a template goes: refused, nothing written", async () => {
    await fs.writeFile(path.join(dir, "generated-views/thing.sql.ejs"), "-- mine\n");
    await fs.writeFile(
      path.join(dir, "prisma/schema.prisma"),
      GOOD.replace('@@map("posts")', '@@map("thing")'),
    );
    const result = await cli(dir, ["generate"]);
    expect(result.code).toBe(1);
    expect(result.codes).toContain("E_OUTPUT_FOREIGN_FILE");
    expect(await fs.readFile(path.join(dir, "generated-views/thing.sql.ejs"), "utf8")).toBe("-- mine\n");
    await fs.rm(path.join(dir, "generated-views/thing.sql.ejs"));
  });

  it("output path is a file", async () => {
    const other = await project({ "out.txt": "keep\n" });
    const result = await cli(other, ["generate", "--output", "out.txt"]);
    expect(result.code).toBe(1);
    expect(result.codes).toContain("E_OUTPUT_NOT_DIRECTORY");
    expect(await fs.readFile(path.join(other, "out.txt"), "utf8")).toBe("keep\n");
  });

  it("unwritable output folder (simulated EACCES)", async () => {
    await fs.writeFile(
      path.join(dir, "prisma/schema.prisma"),
      GOOD.replace("  title    String", "  title    String\n  body     String"),
    );
    vi.spyOn(fs, "access").mockRejectedValue(
      Object.assign(new Error("EACCES: permission denied"), { code: "EACCES" }),
    );
    const result = await cli(dir, ["generate"]);
    expect(result.code).toBe(1);
    expect(result.codes).toContain("E_OUTPUT_UNWRITABLE");
    expect(result.stderr).toContain("no template was changed");
    expect(contents(await snapshotFolder(path.join(dir, "generated-views")))).toEqual(before);
  });

  it("disk full during write (simulated ENOSPC on the second file)", async () => {
    await fs.writeFile(
      path.join(dir, "prisma/schema.prisma"),
      GOOD.replace("  title    String", "  title    String\n  body     String").replace(
        "  country   String",
        "  country   String\n  city      String",
      ),
    );
    const write = fs.writeFile;
    let writes = 0;
    vi.spyOn(fs, "writeFile").mockImplementation(async (...args: Parameters<typeof fs.writeFile>) => {
      if (++writes === 2)
        throw Object.assign(new Error("ENOSPC: no space left on device"), { code: "ENOSPC" });
      return write(...args);
    });
    const result = await cli(dir, ["generate"]);
    expect(writes).toBeGreaterThanOrEqual(2);
    expect(result.code).toBe(1);
    expect(result.codes).toContain("E_OUTPUT_DISK_FULL");
    expect(result.stderr).toContain("Free some disk space");
    // No template changed and no temporary file left behind.
    expect(contents(await snapshotFolder(path.join(dir, "generated-views")))).toEqual(before);
  });
});

describe("config and environment (provision --dry-run): exit 1 before anything reaches a warehouse", () => {
  const CLUSTER_CONFIG = {
    environments: {
      production: {
        clusterIdentifier: "analytics-prod",
        database: "analytics",
        region: "eu-west-1",
        dbUser: "deployer",
      },
    },
  };
  const cases: [name: string, config: string | undefined, argv: string[], code: string, hint: RegExp][] = [
    [
      "missing config file named by --config",
      undefined,
      ["provision", "production", "--dry-run", "--config", "nope.json"],
      "E_CONFIG_NOT_FOUND",
      /./,
    ],
    [
      "config file that is not valid JSON",
      "{ environments: ",
      ["provision", "production", "--dry-run"],
      "E_CONFIG_LOAD",
      /./,
    ],
    [
      "typo of a config key suggests the right one",
      JSON.stringify({ ...CLUSTER_CONFIG, grant: {} }),
      ["provision", "production", "--dry-run"],
      "E_CONFIG_INVALID",
      /grants/,
    ],
    [
      "grantee crafted to inject SQL",
      JSON.stringify({ ...CLUSTER_CONFIG, grants: { nonPii: ['GROUP analysts"; DROP TABLE x; --'] } }),
      ["provision", "production", "--dry-run"],
      "E_CONFIG_INVALID",
      /./,
    ],
    [
      "grantee with a quote (a' OR 1=1)",
      JSON.stringify({ ...CLUSTER_CONFIG, grants: { pii: ["a' OR 1=1"] } }),
      ["provision", "production", "--dry-run"],
      "E_CONFIG_INVALID",
      /./,
    ],
    [
      "grant to PUBLIC",
      JSON.stringify({ ...CLUSTER_CONFIG, grants: { pii: ["PUBLIC"] } }),
      ["provision", "production", "--dry-run"],
      "E_CONFIG_INVALID",
      /./,
    ],
    [
      "unknown environment",
      JSON.stringify(CLUSTER_CONFIG),
      ["provision", "prodution", "--dry-run"],
      "E_ENVIRONMENT_UNKNOWN",
      /production/,
    ],
    [
      "provision production --yes in a project without a config",
      undefined,
      ["provision", "production", "--yes"],
      "E_ENVIRONMENT_UNKNOWN",
      /REDSHIFT_TARGET=local/,
    ],
    [
      "provision production --dry-run in a project without a config",
      undefined,
      ["provision", "production", "--dry-run"],
      "E_ENVIRONMENT_UNKNOWN",
      /REDSHIFT_TARGET=local/,
    ],
    [
      "environment name crafted to inject SQL",
      JSON.stringify(CLUSTER_CONFIG),
      ["provision", 'dev"; DROP TABLE x; --', "--dry-run"],
      "E_ENVIRONMENT_INVALID",
      /lowercase/,
    ],
    [
      "environment name crafted to run JavaScript",
      JSON.stringify(CLUSTER_CONFIG),
      ["provision", "<%= process.exit() %>", "--dry-run"],
      "E_ENVIRONMENT_INVALID",
      /lowercase/,
    ],
  ];
  it.each(cases)("%s", async (_name, config, argv, code, hint) => {
    const dir = await project(config === undefined ? {} : { "redshift-views.config.json": config });
    const result = await cli(dir, argv);
    expect(result.code).toBe(1);
    expect(result.codes).toContain(code);
    expect(result.stderr).toMatch(/\n {2}→ \S/);
    expect(result.stderr).toMatch(hint);
    await expect(fs.access(path.join(dir, ".redshift-views"))).rejects.toThrow(); // no emulator, no warehouse
  });
});

describe("warehouse errors through `provision` (mocked Data API): exit 1, nothing submitted", () => {
  const mock = mockClient(RedshiftDataClient);
  let dir: string;
  beforeAll(async () => {
    dir = await project({
      "redshift-views.config.json": JSON.stringify({
        environments: {
          production: {
            clusterIdentifier: "analytics-prod",
            database: "analytics",
            region: "eu-west-1",
            dbUser: "deployer",
          },
        },
      }),
    });
  });
  afterEach(() => mock.reset());
  afterAll(() => mock.restore());

  const credentialsError = Object.assign(new Error("Could not load credentials from any providers"), {
    name: "CredentialsProviderError",
  });
  const cases: [name: string, error: Error, code: string, hint: RegExp][] = [
    [
      "expired credentials",
      awsError("ExpiredTokenException", "The security token included in the request is expired"),
      "E_WAREHOUSE_AUTH",
      /credential|sso|login/i,
    ],
    ["missing credentials", credentialsError, "E_WAREHOUSE_AUTH", /credential|sso|login/i],
    [
      "wrong cluster",
      awsError("ResourceNotFoundException", "Cluster analytics-prod not found."),
      "E_WAREHOUSE_NOT_FOUND",
      /analytics-prod|region/,
    ],
    [
      "wrong region or bad request",
      awsError("ValidationException", "Cluster identifier is not valid in this region"),
      "E_WAREHOUSE_VALIDATION",
      /./,
    ],
  ];
  it.each(cases)("%s", async (_name, error, code, hint) => {
    mock.onAnyCommand().rejects(error);
    const result = await cli(dir, ["provision", "production", "--yes"], { AWS_REGION: "eu-west-1" });
    expect(result.code).toBe(1);
    expect(result.codes).toContain(code);
    expect(result.stderr).toMatch(hint);
    expect(mock.commandCalls(BatchExecuteStatementCommand)).toHaveLength(0);
  });

  it("the catalog query fails on the warehouse (FAILED statement)", async () => {
    mock.on(ExecuteStatementCommand).resolves({ Id: "s-1" });
    mock
      .on(DescribeStatementCommand)
      .resolves({ Id: "s-1", Status: "FAILED", Error: "ERROR: permission denied for relation svv_columns" });
    mock.on(BatchExecuteStatementCommand).resolves({ Id: "b-1" });
    const result = await cli(dir, ["provision", "production", "--dry-run"]);
    expect(result.code).toBe(1);
    expect(result.codes).toContain("E_STATEMENT_FAILED");
    expect(result.stderr).toContain("permission denied");
    expect(mock.commandCalls(BatchExecuteStatementCommand)).toHaveLength(0);
  });
});

describe("Data API failures (warehouse client)", () => {
  it("throttling that never ends: retried, then E_WAREHOUSE_THROTTLED", async () => {
    const { mock, warehouse, sleeps } = setup();
    mock
      .on(ExecuteStatementCommand)
      .rejects(awsError("ActiveStatementsExceededException", "Active statements exceeded"));
    const [error] = await caughtErrors(() => warehouse.query("SELECT 1"));
    expect(error?.code).toBe("E_WAREHOUSE_THROTTLED");
    expect(error?.hint).not.toBe("");
    expect(sleeps.length).toBeGreaterThan(0);
  });

  it("a statement cancelled on the warehouse: E_STATEMENT_ABORTED", async () => {
    const { mock, warehouse } = setup();
    mock.on(ExecuteStatementCommand).resolves({ Id: "s-1" });
    mock.on(DescribeStatementCommand).resolves({ Id: "s-1", Status: "ABORTED" });
    const [error] = await caughtErrors(() => warehouse.query("SELECT 1"));
    expect(error?.code).toBe("E_STATEMENT_ABORTED");
    expect(error?.hint).toMatch(/cancel/i);
  });

  it("network failure (ECONNREFUSED on a closed port): E_WAREHOUSE_NETWORK", async () => {
    const port = await closedPort();
    const client = new RedshiftDataClient({
      endpoint: `http://127.0.0.1:${port}`,
      region: "eu-west-1",
      credentials: { accessKeyId: "x", secretAccessKey: "y" },
      maxAttempts: 1,
    });
    const warehouse = createWarehouse({
      client,
      ...forTarget(CLUSTER),
      sleep: async () => {},
      retry: { maxAttempts: 2 },
    });
    const [error] = await caughtErrors(() => warehouse.query("SELECT 1"));
    client.destroy();
    expect(error?.code).toBe("E_WAREHOUSE_NETWORK");
    expect(error?.hint).not.toBe("");
  });

  it("statement over 100 KB: refused before sending; in an apply, that view fails and nothing is submitted for it", async () => {
    const { mock, warehouse } = setup();
    mock.on(BatchExecuteStatementCommand).resolves({ Id: "b-1" });
    mock.on(DescribeStatementCommand).resolves({ Id: "b-1", Status: "FINISHED" });
    const huge = `SELECT '${"x".repeat(MAX_STATEMENT_BYTES)}'`;
    const [error] = await caughtErrors(() => warehouse.execute(huge));
    expect(error?.code).toBe("E_STATEMENT_TOO_LARGE");
    const view = {
      schema: "analytics_production",
      name: "wide",
      tier: "non_pii" as const,
      model: "Wide",
      fileName: "wide.sql.ejs",
      firstColumn: "id",
      ddl: `CREATE MATERIALIZED VIEW "analytics_production"."wide" AS ${huge};`,
      grantees: [],
      hash: "0".repeat(64),
      project: "app",
      comments: [],
      commentsHash: "0".repeat(16),
      source: { database: "app_zeroetl", schema: "app", table: "t" },
    };
    const plan: ProvisionPlan = {
      environment: "production",
      schemas: ["analytics_production"],
      items: [{ kind: "add", view }],
    };
    const result = await applyPlan(warehouse, plan);
    expect(result.outcomes).toEqual([
      expect.objectContaining({
        kind: "failed",
        name: "wide",
        error: expect.stringContaining("E_STATEMENT_TOO_LARGE"),
      }),
    ]);
    const batches = mock.commandCalls(BatchExecuteStatementCommand).map((call) => call.args[0].input);
    const submitted = batches
      .filter((input) => input.StatementName !== statementName("production", "history"))
      .flatMap((input) => input.Sqls ?? []);
    expect(submitted.join("\n")).not.toContain("wide");
    // What was sent is the failure's record in the operation history, for `status`.
    expect(result.history).toEqual({ kind: "recorded", operations: 1 });
    expect(batches.at(-1)?.Sqls?.[1]).toMatch(/'wide', 'create', 'FAILED', .*E_STATEMENT_TOO_LARGE/);
  });

  it("a view name read back from the warehouse with a forged marker and a quote: refused, nothing submitted", async () => {
    const { mock, warehouse } = setup();
    const hostile = 'x"; DROP TABLE "app"."users"; --';
    const plan: ProvisionPlan = {
      environment: "production",
      schemas: ["analytics_production"],
      items: [{ kind: "drop", schema: "analytics_production", name: hostile, storedHash: "1".repeat(64) }],
    };
    const result = await applyPlan(warehouse, plan);
    expect(result.outcomes[0]).toMatchObject({
      kind: "failed",
      error: expect.stringContaining("double quote"),
    });
    expect(mock.calls()).toHaveLength(0);
  });
});

describe("operation history faults (local emulator, through the CLI)", () => {
  it("history cannot be written: the views are applied, provision warns and exits 0", async () => {
    const dir = await project();
    const unwritable = {
      REDSHIFT_VIEWS_EMULATOR_FAIL_PATTERN: 'INSERT INTO "redshift_views"."view_operations"',
    };
    const result = await cli(dir, ["provision", "development", "--yes"], unwritable);
    expect(result.code).toBe(0);
    expect(result.stderr).toContain("✔ 4 views applied.");
    expect(result.stderr).toMatch(
      /Could not record 4 of 4 operations in the operation history: .*injected failure[\s\S]*→ The views are as reported; `redshift-views status development` will show their previous operation\./,
    );
    // Status sees every view; the history table was created, but nothing could be recorded in it.
    const status = await cli(dir, ["status", "development", "--format", "json"]);
    expect(status.code).toBe(0);
    const json = JSON.parse(status.stdout) as { history: string; views: { lastOperation: unknown }[] };
    expect(json.history).toBe("recorded");
    expect(json.views.map((view) => view.lastOperation)).toEqual([null, null, null, null]);
  });

  it("history cannot be read: status warns, reports the rest, and says so in its JSON", async () => {
    const dir = await project();
    const provisioned = await cli(dir, ["provision", "development", "--yes"]);
    expect(provisioned.code, provisioned.stderr).toBe(0);
    const unreadable = { REDSHIFT_VIEWS_EMULATOR_FAIL_PATTERN: 'FROM "redshift_views"."view_operations"' };
    const status = await cli(dir, ["status", "development", "--format", "json"], unreadable);
    expect(status.code).toBe(0);
    expect(status.stderr).toMatch(
      /Could not read the operation history \("redshift_views"\."view_operations"\): .*injected failure.*\n {2}→ Last operations are not shown/,
    );
    const json = JSON.parse(status.stdout) as { history: string; views: { exists: boolean }[] };
    expect(json.history).toBe("unreadable");
    expect(json.views.filter((view) => view.exists)).toHaveLength(4);
  });
});

describe("interrupted run", () => {
  it("SIGINT (an aborted signal) before apply: exit 130, nothing submitted, the re-run command printed", async () => {
    const dir = await project();
    const controller = new AbortController();
    controller.abort();
    const result = await cli(dir, ["provision", "development", "--yes"], {}, controller.signal);
    expect(result.code).toBe(130);
    expect(result.stderr).toMatch(/Interrupted: .*4 not submitted/);
    expect(result.stderr).toContain("redshift-views provision development");
    // Nothing was created: the next dry run still plans every view as an Add.
    const again = await cli(dir, ["provision", "development", "--dry-run"]);
    expect(again.code).toBe(0);
    expect(again.stdout).toContain("4 to add");
  });
});

function closedPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      const port = typeof address === "object" && address !== null ? address.port : 0;
      server.close(() => resolve(port));
    });
    server.on("error", reject);
  });
}
