import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { runCli } from "../../src/cli/main.js";
import { renderDataFilter } from "../../src/integration/filter-rule.js";
import { parseDataFilter } from "../../src/integration/parse-data-filter.js";
import { FAKE_CREDENTIALS } from "../fakes/http-server.js";
import { type FakeIntegration, fakeIntegration, type RdsFake, startRdsFake } from "../fakes/rds-fake.js";
import {
  type FakeIo,
  fakeIo,
  makeProject,
  REPO_ROOT,
  removeDir,
  schema,
  writeFiles,
} from "../helpers/index.js";

// `redshift-views data-filter` end to end: the CLI in-process, the real @aws-sdk/client-rds reaching a
// local RDS through the SDK's standard AWS_ENDPOINT_URL_RDS, as a user's shell would point it.

const ARN = "arn:aws:rds:eu-west-1:123456789012:integration:11111111-2222-3333-4444-555555555555";
const MULTI_SCHEMA = "test/fixtures/multi-schema/schema.prisma";

/** users and posts exported, comments declared only; tables replicated from the MySQL database `app`. */
const BEFORE = schema(`
/// @exportToAnalytics
model User {
  id      Int    @id
  /// @classification public
  country String
  @@map("users")
}

/// @exportToAnalytics
model Post {
  id Int @id
  @@map("posts")
}

model Comment {
  id Int @id
  @@map("comments")
}
`);

/** posts no longer exported, comments now exported. */
const AFTER = BEFORE.replace("/// @exportToAnalytics\nmodel Post", "model Post").replace(
  "model Comment",
  "/// @exportToAnalytics\nmodel Comment",
);

let fake: RdsFake;
let integration: FakeIntegration;
let project: string;

beforeAll(async () => {
  integration = fakeIntegration({ arn: ARN });
  fake = await startRdsFake({ integrations: [integration] });
  project = await makeProject("data-filter", { "prisma/schema.prisma": BEFORE });
});
afterAll(async () => {
  await fake?.close();
  await removeDir(project);
});
beforeEach(() => {
  vi.stubEnv("AWS_ENDPOINT_URL_RDS", fake.endpoint);
  vi.stubEnv("AWS_ACCESS_KEY_ID", FAKE_CREDENTIALS.accessKeyId);
  vi.stubEnv("AWS_SECRET_ACCESS_KEY", FAKE_CREDENTIALS.secretAccessKey);
  vi.stubEnv("AWS_SESSION_TOKEN", undefined);
  vi.stubEnv("AWS_PROFILE", undefined);
  // Another region than the integration's: the ARN's region must win.
  vi.stubEnv("AWS_REGION", "us-east-1");
  fake.denyAccess(null);
});
afterEach(() => {
  vi.unstubAllEnvs();
});

/** Runs `data-filter` in the test project; the calls the fake received meanwhile. */
async function dataFilter(args: readonly string[], io: FakeIo = fakeIo(project)) {
  const before = fake.calls.length;
  const code = await runCli(["data-filter", "production", ...args], io);
  return { code, io, calls: fake.calls.slice(before) };
}

const setFilter = (filter: string | undefined) => {
  integration.dataFilter = filter;
  integration.status = "active";
};
const setSchema = (text: string) => writeFiles(project, { "prisma/schema.prisma": text });

describe("redshift-views data-filter --integration", () => {
  it("adds and removes this project's rules as models are exported and unexported, keeping another app's rule", async () => {
    await setSchema(BEFORE);
    // legacy_orders is not in the Prisma schema: another application's table in the same database.
    setFilter("include: app.users, include: app.legacy_orders");

    const first = await dataFilter(["--integration", ARN, "--yes"]);
    expect(first.code, first.io.output()).toBe(0);
    expect(first.io.out).toEqual([
      ["Add: include: app.posts", "Kept (not written by this tool): include: app.legacy_orders"].join("\n"),
    ]);
    expect(first.calls.map((call) => [call.action, call.region, call.outcome])).toEqual([
      ["DescribeIntegrations", "eu-west-1", "ok"],
      ["ModifyIntegration", "eu-west-1", "ok"],
    ]);
    expect(first.calls[1]?.params).toEqual({
      Action: "ModifyIntegration",
      Version: "2014-10-31",
      IntegrationIdentifier: ARN,
      DataFilter: "include: app.posts, include: app.users, include: app.legacy_orders",
    });
    expect(first.io.err.join("\n")).toContain(`Modified the data filter of ${ARN} (now modifying)`);

    // Zero-ETL has applied it; Post is no longer exported, Comment now is.
    fake.settle(ARN);
    await setSchema(AFTER);
    const second = await dataFilter(["--integration", ARN, "--yes"]);
    expect(second.code, second.io.output()).toBe(0);
    expect(second.io.out).toEqual([
      [
        "Remove: include: app.posts",
        "Add: include: app.comments",
        "Kept (not written by this tool): include: app.legacy_orders",
      ].join("\n"),
    ]);
    expect(second.calls.find((call) => call.action === "ModifyIntegration")?.params.DataFilter).toBe(
      "include: app.comments, include: app.users, include: app.legacy_orders",
    );
    expect(fake.integration(ARN)?.dataFilter).toBe(
      "include: app.comments, include: app.users, include: app.legacy_orders",
    );

    // Once applied, nothing is left to do, and nothing is sent.
    fake.settle(ARN);
    const third = await dataFilter(["--integration", ARN, "--yes"]);
    expect(third.code).toBe(0);
    expect(third.io.out[0]?.split("\n")[0]).toBe("No changes needed.");
    expect(third.calls.map((call) => call.action)).toEqual(["DescribeIntegrations"]);
  });

  it("previews with --dry-run or DRY_RUN=1, reading the integration and modifying nothing", async () => {
    await setSchema(BEFORE);
    setFilter("include: app.users");
    for (const [args, env] of [
      [["--dry-run"], {}],
      [[], { DRY_RUN: "1" }],
    ] as const) {
      const run = await dataFilter(["--integration", ARN, ...args], fakeIo(project, env));
      expect(run.code, run.io.output()).toBe(0);
      expect(run.io.out).toEqual(["Add: include: app.posts", "[DRY RUN] No changes applied."]);
      expect(run.calls.map((call) => call.action)).toEqual(["DescribeIntegrations"]);
    }
    expect(fake.integration(ARN)?.dataFilter).toBe("include: app.users");
  });

  it("asks before modifying: declined or without a terminal and --yes, nothing is modified", async () => {
    await setSchema(BEFORE);
    setFilter("include: app.users");
    const declined = fakeIo(project);
    const asked: string[] = [];
    const interactive = {
      ...declined,
      interactive: true,
      confirm: async (question: string) => {
        asked.push(question);
        return false;
      },
    };
    const run = await dataFilter(["--integration", ARN], interactive);
    expect(run.code).toBe(1);
    expect(asked).toEqual(["Proceed?"]);
    expect(declined.err).toContain("Nothing was applied.");

    const script = await dataFilter(["--integration", ARN]);
    expect(script.code).toBe(1);
    expect(script.io.err.join("\n")).toContain("[E_CONFIRMATION_REQUIRED]");
    expect(script.io.err.join("\n")).toContain(
      `redshift-views data-filter production --integration ${ARN} --yes`,
    );
    expect([...run.calls, ...script.calls].map((call) => call.action)).toEqual([
      "DescribeIntegrations",
      "DescribeIntegrations",
    ]);
    expect(fake.integration(ARN)?.dataFilter).toBe("include: app.users");
  });

  it("refuses a filter over the service's length limit before calling ModifyIntegration", async () => {
    const many = Array.from(
      { length: 100 },
      (_, index) => `/// @exportToAnalytics\nmodel T${index} {\n  id Int @id\n  @@map("t_${index}")\n}`,
    ).join("\n\n");
    await setSchema(schema(many));
    setFilter("include: app.users");
    const run = await dataFilter(["--integration", ARN, "--yes"]);
    expect(run.code).toBe(1);
    expect(run.io.err.join("\n")).toContain("[E_DATA_FILTER_LIMIT] The new data filter has 101 patterns");
    expect(run.calls.map((call) => call.action)).toEqual(["DescribeIntegrations"]);
  });

  it("names what to do: a missing permission, an unknown integration, something that is not an ARN", async () => {
    await setSchema(BEFORE);
    setFilter("include: app.users");
    fake.denyAccess("DescribeIntegrations");
    const denied = await dataFilter(["--integration", ARN, "--yes"]);
    expect(denied.code).toBe(1);
    expect(denied.io.err.join("\n")).toContain("[E_INTEGRATION_READ]");
    expect(denied.io.err.join("\n")).toContain("Allow the action rds:DescribeIntegrations");
    fake.denyAccess("ModifyIntegration");
    const modify = await dataFilter(["--integration", ARN, "--yes"]);
    expect(modify.code).toBe(1);
    expect(modify.io.err.join("\n")).toContain("Allow the action rds:ModifyIntegration");
    fake.denyAccess(null);

    const unknown = ARN.replace("eu-west-1", "eu-central-1");
    const missing = await dataFilter(["--integration", unknown, "--yes"]);
    expect(missing.code).toBe(1);
    expect(missing.io.err.join("\n")).toContain(
      `[E_INTEGRATION_NOT_FOUND] No zero-ETL integration ${unknown} in account 123456789012, region eu-central-1.`,
    );
    expect(missing.calls.map((call) => call.region)).toEqual(["eu-central-1"]);

    const notArn = await dataFilter(["--integration", "app-to-analytics"]);
    expect(notArn.code).toBe(1);
    expect(notArn.io.err.join("\n")).toContain("[E_INTEGRATION_ARN]");
    expect(notArn.calls).toEqual([]);
  });
});

describe("redshift-views data-filter (no integration)", () => {
  it("prints the example app's filter in the API's syntax: one typed include per exported table", async () => {
    const io = fakeIo(REPO_ROOT);
    expect(await runCli(["data-filter", "production"], io)).toBe(0);
    const [filter = ""] = io.out;
    expect(filter).toMatch(/^include: dashboard_production\.courses, include: dashboard_production\./);
    expect(filter).toContain("include: dashboard_production.users");
    expect(filter).not.toContain("sessions");
    // Every pattern carries its type, as the RDS API requires, and only the API's characters are used.
    expect(renderDataFilter(parseDataFilter(filter))).toBe(filter);
    expect(filter).toMatch(/^[a-zA-Z0-9_ "\\\-$,*.:?+/]*$/);
  });

  it("names each PostgreSQL table by source database, its own schema and table", async () => {
    const io = fakeIo(REPO_ROOT);
    expect(
      await runCli(["data-filter", "production", "--schema", MULTI_SCHEMA, "--source-database", "app"], io),
    ).toBe(0);
    expect(io.out).toEqual([
      "include: app.auth.users, include: app.billing.invoices, include: app.public.users",
    ]);
  });

  it("asks for the PostgreSQL source database, and refuses it for MySQL", async () => {
    const postgres = fakeIo(REPO_ROOT);
    expect(await runCli(["data-filter", "production", "--schema", MULTI_SCHEMA], postgres)).toBe(1);
    expect(postgres.err.join("\n")).toContain("[E_DATA_FILTER_SOURCE]");
    expect(postgres.err.join("\n")).toContain("--source-database");
    const mysql = fakeIo(REPO_ROOT);
    expect(await runCli(["data-filter", "production", "--source-database", "app"], mysql)).toBe(1);
    expect(mysql.err.join("\n")).toContain("--source-database is for PostgreSQL sources");
  });

  it("refuses an environment name that could not be part of an identifier", async () => {
    const io = fakeIo(REPO_ROOT);
    expect(await runCli(["data-filter", "Prod; drop"], io)).toBe(1);
    expect(io.err.join("\n")).toContain("E_ENVIRONMENT_INVALID");
  });
});
