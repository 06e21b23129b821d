import { writeFile } from "node:fs/promises";
import path from "node:path";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { runCli } from "../../src/cli/main.js";
import { LOCAL_CLUSTER, LOCAL_DEPLOY_USER } from "../../src/connect/connection-fields.js";
import { seedLocalWarehouse } from "../../src/connect/session.js";
import {
  type AcceptedStatement,
  type FaultOptions,
  type RunningEmulator,
  startEmulator,
} from "../../src/emulator/index.js";
import { prepareViews } from "../../src/generate/generate.js";
import type { StatusRow } from "../../src/health/status-rows.js";
import type { ProvisionPlanJson } from "../../src/plan/plan-json.js";
import type { StatusReport } from "../../src/status/status.js";
import { type CloudWatchFake, startCloudWatchFake } from "../fakes/cloudwatch-fake.js";
import { FAKE_CREDENTIALS } from "../fakes/http-server.js";
import { type FakeIo, fakeIo, MODELS, makeProject, removeDir, schema, writeFiles } from "../helpers/index.js";

// The operations of a scheduled job, end to end: the CLI in-process, talking to the local Redshift
// Data API emulator and a local CloudWatch through the AWS SDK's standard endpoint variables
// (AWS_ENDPOINT_URL_REDSHIFT_DATA, AWS_ENDPOINT_URL_CLOUDWATCH), as a cron job's shell would point
// them. One emulator for the file; each test has environments of its own. (This file sets its
// warehouse up itself rather than with test/helpers/warehouse.ts.)

const SCHEMA = schema(MODELS);
const ENVIRONMENTS = ["metrics", "preview", "detach", "interrupt", "dictionary"] as const;
type Environment = (typeof ENVIRONMENTS)[number];

let emulator: RunningEmulator;
let cloudWatch: CloudWatchFake;
let project: string;

beforeAll(async () => {
  [emulator, cloudWatch] = await Promise.all([startEmulator(), startCloudWatchFake()]);
  project = await makeProject("operations", { "prisma/schema.prisma": SCHEMA });
  // Every environment is a provisioned cluster reached through the endpoint variable: the emulator,
  // connecting as the deploy user a DBA would have set up (no superuser).
  const target = {
    clusterIdentifier: LOCAL_CLUSTER,
    dbUser: LOCAL_DEPLOY_USER,
    database: emulator.database,
    region: "eu-west-1",
  };
  await writeFile(
    path.join(project, "redshift-views.config.json"),
    `${JSON.stringify({ environments: Object.fromEntries(ENVIRONMENTS.map((name) => [name, target])) })}\n`,
  );
  const generated = fakeIo(project);
  expect(await runCli(["generate"], generated), generated.output()).toBe(0);
});
afterAll(async () => {
  await Promise.all([emulator?.stop(), cloudWatch?.close()]);
  await removeDir(project);
});
beforeEach(() => {
  vi.stubEnv("AWS_ENDPOINT_URL_REDSHIFT_DATA", emulator.endpoint);
  vi.stubEnv("AWS_ENDPOINT_URL_CLOUDWATCH", cloudWatch.endpoint);
  vi.stubEnv("AWS_ACCESS_KEY_ID", FAKE_CREDENTIALS.accessKeyId);
  vi.stubEnv("AWS_SECRET_ACCESS_KEY", FAKE_CREDENTIALS.secretAccessKey);
  vi.stubEnv("AWS_SESSION_TOKEN", undefined);
  vi.stubEnv("AWS_PROFILE", undefined);
});
afterEach(() => {
  vi.unstubAllEnvs();
  emulator.setFaults({});
  cloudWatch.failWith(null);
});

/** Runs the CLI in the project; `env` is what the command reads (DRY_RUN…). */
async function cli(args: readonly string[], options: { env?: NodeJS.ProcessEnv; io?: FakeIo } = {}) {
  const io = options.io ?? fakeIo(project, options.env);
  const code = await runCli(args, io);
  return { code, io, out: io.out.join("\n"), err: io.err.join("\n") };
}

const seeded = new Set<Environment>();

/**
 * The environment's warehouse as a DBA would have set it up: the replicated source tables (with
 * sample rows) and the deploy user. Done once per environment, by the test that uses it.
 */
async function replicated(environment: Environment): Promise<void> {
  if (seeded.has(environment)) return;
  seeded.add(environment);
  await seedLocalWarehouse(emulator, await prepareViews({ cwd: project }), environment);
}

async function provision(environment: Environment) {
  await replicated(environment);
  const run = await cli(["provision", environment, "--yes"]);
  expect(run.code, run.io.output()).toBe(0);
}

async function statusJson(environment: Environment, extra: readonly string[] = []) {
  const run = await cli(["status", environment, "--format", "json", ...extra]);
  return { ...run, report: JSON.parse(run.out) as StatusReport };
}

const row = (report: StatusReport, view: string) => {
  const found = report.views.find((entry) => `${entry.schema}.${entry.view}` === view);
  if (found === undefined) throw new Error(`status has no row ${view}`);
  return found;
};

/**
 * Every statement the emulator accepts from now on, in order; `hold` keeps those it selects SUBMITTED
 * until `release`. `faults` are injected beside (e.g. a statement that fails once it runs).
 */
function watchStatements(
  hold: (statement: AcceptedStatement) => boolean = () => false,
  faults: Omit<FaultOptions, "onStatement"> = {},
) {
  const accepted: AcceptedStatement[] = [];
  const held: AcceptedStatement[] = [];
  let open: () => void = () => {};
  const gate = new Promise<void>((resolve) => {
    open = resolve;
  });
  emulator.setFaults({
    ...faults,
    onStatement: (statement) => {
      accepted.push(statement);
      if (!hold(statement)) return;
      held.push(statement);
      return gate;
    },
  });
  return {
    accepted,
    held,
    /** Lets the held statements run, and waits until they have: the emulator runs statements in order. */
    async release() {
      open();
      await emulator.query("SELECT 1");
    },
  };
}

/** Rows replicated into a source table behind the views' back: the views over it go stale. */
async function replicateRowInto(environment: Environment, table: "posts" | "users") {
  const source = `"${environment}_app_zeroetl"."app"."${table}"`;
  const values = table === "posts" ? "(9001, 1, 'new')" : "(9001, 'a@example.com', 'NL', now())";
  await emulator.replicate(`INSERT INTO ${source} VALUES ${values}`);
}

describe("status --metrics after a provision with one failed view", () => {
  it("publishes the metric set to CloudWatch: names, units, the Environment dimension and values", async () => {
    await replicated("metrics");
    emulator.setFaults({ failPattern: /CREATE MATERIALIZED VIEW "analytics_metrics_pii"\."users"/ });
    const provisioned = await cli(["provision", "metrics", "--yes"]);
    expect(provisioned.code).toBe(1);
    expect(provisioned.err).toContain("analytics_metrics_pii.users (add)");
    emulator.setFaults({});

    const before = cloudWatch.received.length;
    const { code, report, err } = await statusJson("metrics", ["--metrics"]);
    expect(code).toBe(1);
    const calls = cloudWatch.received.slice(before);
    expect(calls.map((call) => call.outcome)).toEqual(["ok"]);
    const request = calls[0]?.request;
    expect(request?.Namespace).toBe("ZeroEtlMaterializedViews");
    for (const datum of request?.MetricData ?? [])
      expect(datum.Dimensions, datum.MetricName).toEqual([{ Name: "Environment", Value: "metrics" }]);

    // The three views that were created have a finished CREATE: what the two maxima are measured from.
    const created = report.views.flatMap((view: StatusRow) =>
      view.exists && view.operations.create?.status === "FINISHED" ? [view.operations.create] : [],
    );
    expect(created).toHaveLength(3);
    const sentAt = request?.MetricData[0]?.Timestamp ?? 0;
    const oldest = Math.max(...created.map((operation) => sentAt - Date.parse(operation.at) / 1000));
    const longest = Math.max(...created.map((operation) => operation.durationSeconds));
    const sent = Object.fromEntries(
      (request?.MetricData ?? []).map((datum) => [datum.MetricName, [datum.Unit, datum.Value]]),
    );
    expect(sent).toEqual({
      ViewsTotal: ["Count", 4],
      ViewsInErrorState: ["Count", 1],
      ViewsStale: ["Count", 0],
      ViewsMissing: ["Count", 1],
      ViewsOutOfDate: ["Count", 0],
      ViewsOrphaned: ["Count", 0],
      ViewsInConflict: ["Count", 0],
      ViewsFailedProvisioning: ["Count", 1],
      ViewsUnrefreshable: ["Count", 0],
      ViewsNeedingRebuild: ["Count", 0],
      ViewsWithUnexpectedAccess: ["Count", 0],
      ViewsWithMissingAccess: ["Count", 0],
      ViewsWithSourceNotSynced: ["Count", 0],
      MaxSecondsSinceLastRefresh: ["Seconds", expect.closeTo(oldest, 2)],
      MaxRefreshDurationSeconds: ["Seconds", longest],
    });
    expect(report.metrics).toMatchObject({ kind: "published", requests: 1 });

    // One structured line per problem of the failed view, on stderr, for log-based alarms.
    const problems = err
      .split("\n")
      .filter((line) => line.startsWith("{"))
      .map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(problems.map((line) => [line.environment, line.view, line.condition, line.status])).toEqual([
      ["metrics", "analytics_metrics_pii.users", "missing", "FAILED"],
      ["metrics", "analytics_metrics_pii.users", "failed_provisioning", "FAILED"],
    ]);
  });

  it("still prints the status when CloudWatch refuses, exits 1 and names the missing permission", async () => {
    await provision("metrics");
    cloudWatch.failWith("access-denied");
    const run = await cli(["status", "metrics", "--metrics"]);
    expect(run.code).toBe(1);
    expect(run.out).toContain("analytics_metrics.users");
    expect(run.err).toContain("[E_METRICS_PUBLISH]");
    expect(run.err).toContain("cloudwatch:PutMetricData");
  });
});

describe("refresh preview and detach", () => {
  it("DRY_RUN=1 lists the stale views it would refresh and the fresh ones, and submits only the catalog reads", async () => {
    await provision("preview");
    await replicateRowInto("preview", "posts");
    const watched = watchStatements();
    const run = await cli(["refresh", "preview"], { env: { DRY_RUN: "1" } });
    expect(run.code, run.io.output()).toBe(0);
    expect(run.out).toBe(
      [
        "Would refresh 2 views:",
        "  ~ analytics_preview.posts (stale)",
        "  ~ analytics_preview_pii.posts (stale)",
        "Fresh, skipped (2):",
        "  = analytics_preview.users",
        "  = analytics_preview_pii.users",
      ].join("\n"),
    );
    expect(run.err).toContain("Dry run: nothing was submitted to the warehouse.");
    // Reads only: no REFRESH, and no write to the operation history.
    const sqls = watched.accepted.flatMap((statement) => statement.sqls);
    expect(sqls.length).toBeGreaterThan(0);
    expect(sqls.filter((sql) => !/^\s*(SELECT|WITH)\b/i.test(sql))).toEqual([]);
    const after = await statusJson("preview");
    expect(row(after.report, "analytics_preview.posts").stale).toBe(true);
  });

  it("--no-wait exits while its refreshes run, and a later status shows how each ended", async () => {
    await provision("detach");
    await replicateRowInto("detach", "posts");
    // Both refreshes are held; the PII view's fails once it runs.
    const watched = watchStatements(
      (statement) => statement.sqls.some((sql) => sql.startsWith("REFRESH MATERIALIZED VIEW")),
      { failPattern: /REFRESH MATERIALIZED VIEW "analytics_detach_pii"\."posts"/ },
    );
    const run = await cli(["refresh", "detach", "--no-wait"]);
    expect(run.code, run.io.output()).toBe(0);
    // It returned while both refreshes were still held on the warehouse, naming their statement ids.
    expect(watched.held).toHaveLength(2);
    for (const statement of watched.held)
      expect(run.err).toContain(`submitted (${statement.id}), left running`);
    expect(run.err).toContain("0 refreshed, 0 failed, 2 left running");

    const running = await statusJson("detach");
    expect(row(running.report, "analytics_detach.posts").operations.refresh?.status).toBe("SUBMITTED");

    await watched.release();
    const ended = await statusJson("detach");
    expect(ended.code).toBe(1);
    expect(row(ended.report, "analytics_detach.posts")).toMatchObject({
      stale: false,
      conditions: [],
      operations: { refresh: { status: "FINISHED" } },
    });
    expect(row(ended.report, "analytics_detach_pii.posts")).toMatchObject({
      conditions: ["unrefreshable"],
      operations: { refresh: { status: "FAILED", error: expect.stringContaining("injected failure") } },
    });
  });

  it("Ctrl-C while waiting detaches: the refreshes keep running, and status shows their end", async () => {
    await provision("interrupt");
    await replicateRowInto("interrupt", "users");
    const watched = watchStatements((statement) =>
      statement.sqls.some((sql) => sql.startsWith("REFRESH MATERIALIZED VIEW")),
    );
    // Interrupted once both refreshes are submitted: --verbose says so as each is accepted.
    const controller = new AbortController();
    const io = { ...fakeIo(project), signal: controller.signal, verbosity: "verbose" as const };
    const seen = new Set<string>();
    const run = await cli(["refresh", "interrupt"], {
      io: {
        ...io,
        stderr: (text) => {
          io.stderr(text);
          const refresh = /^-- redshift-views:interrupt:refresh:\S+ \(([^)]+)\)/.exec(text);
          if (refresh?.[1] !== undefined) seen.add(refresh[1]);
          if (seen.size === 2) controller.abort();
        },
      },
    });
    expect(run.code, run.io.output()).toBe(130);
    expect(watched.held).toHaveLength(2);
    expect(run.err).toContain("2 left running");
    expect(run.err).toContain("keep going on the warehouse");

    await watched.release();
    const ended = await statusJson("interrupt");
    for (const view of ["analytics_interrupt.users", "analytics_interrupt_pii.users"])
      expect(row(ended.report, view).operations.refresh?.status, view).toBe("FINISHED");
  });
});

describe("the data dictionary", () => {
  it("a changed doc comment is one changed template, a comment-only plan action, and COMMENT ON COLUMN without a rebuild", async () => {
    await provision("dictionary");
    const documented = SCHEMA.replace(
      "  /// @classification restricted\n  email",
      "  /// The address the user signs in with.\n  /// @classification restricted\n  email",
    );
    expect(documented).not.toBe(SCHEMA);
    await writeFiles(project, { "prisma/schema.prisma": documented });
    try {
      const check = await cli(["check"]);
      expect(check.code).toBe(1);
      // email is restricted: only the PII view shows it.
      expect(check.io.output()).toContain("users_pii.sql.ejs");
      expect(check.io.output()).not.toMatch(/\busers\.sql\.ejs/);
      expect(check.io.output()).not.toContain("posts");
      expect((await cli(["generate"])).code).toBe(0);

      const planned = await cli(["provision", "dictionary", "--dry-run", "--json"]);
      expect(planned.code, planned.io.output()).toBe(0);
      const plan = JSON.parse(planned.out) as ProvisionPlanJson;
      expect(plan.views.map((view) => [`${view.schema}.${view.view}`, view.action, view.reason])).toEqual([
        ["analytics_dictionary.posts", "unchanged", undefined],
        ["analytics_dictionary.users", "unchanged", undefined],
        ["analytics_dictionary_pii.posts", "unchanged", undefined],
        ["analytics_dictionary_pii.users", "comment", "comments"],
      ]);
      const users = plan.views.find(
        (view) => view.schema === "analytics_dictionary_pii" && view.view === "users",
      );
      expect(users?.hash).toMatch(/^[0-9a-f]{64}$/);
      const oid = await viewOid("analytics_dictionary_pii", "users");

      const watched = watchStatements();
      await provision("dictionary");
      const applied = watched.accepted.flatMap((statement) => statement.sqls);
      expect(applied.filter((sql) => /\b(DROP|CREATE)\b/i.test(sql))).toEqual([]);
      expect(applied.filter((sql) => sql.startsWith("COMMENT ON COLUMN")).length).toBeGreaterThan(0);
      // Not rebuilt: the same relation, and its comments now hold the new text beside the marker.
      expect(await viewOid("analytics_dictionary_pii", "users")).toBe(oid);
      const remarks = await columnRemarks("analytics_dictionary_pii", "users");
      expect(remarks.email).toBe("[restricted] The address the user signs in with.");
      expect(remarks.id).toMatch(new RegExp(`^prisma-redshift-views sha256=${users?.hash} `));

      // The hash marker still matches the template: nothing is left to do.
      const again = JSON.parse((await cli(["provision", "dictionary", "--dry-run", "--json"])).out);
      expect((again as ProvisionPlanJson).views.map((view) => view.action)).toEqual([
        "unchanged",
        "unchanged",
        "unchanged",
        "unchanged",
      ]);
    } finally {
      await writeFiles(project, { "prisma/schema.prisma": SCHEMA });
      await cli(["generate"]);
    }
  });
});

async function viewOid(schemaName: string, view: string): Promise<number> {
  const rows = await emulator.query(
    `SELECT c.oid::int AS oid FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = '${schemaName}' AND c.relname = '${view}'`,
  );
  return Number(rows[0]?.oid);
}

async function columnRemarks(schemaName: string, view: string): Promise<Record<string, string>> {
  const rows = await emulator.query(
    `SELECT column_name, remarks FROM svv_columns WHERE table_schema = '${schemaName}' AND table_name = '${view}'`,
  );
  return Object.fromEntries(rows.map((entry) => [String(entry.column_name), String(entry.remarks)]));
}
