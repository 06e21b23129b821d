import pc from "picocolors";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sqlStateOf } from "../../src/emulator/index.js";
import { RedshiftViewsError } from "../../src/errors.js";
import { type ProvisionEvent, type ProvisionReport, plan, provision } from "../../src/index.js";
import { acquireProvisionLock } from "../../src/lock/provision-lock.js";
import { formatPlanMarkdown, formatPlanTable } from "../../src/plan/format-plan.js";
import { formatApplySummary } from "../../src/provision/format-apply.js";
import { MODELS, manyModels, schema } from "../helpers/index.js";
import {
  countRequests,
  holdStatements,
  named,
  type ProjectSetup,
  startTestWarehouse,
  statusRows,
  storedHashes,
  type TestWarehouse,
} from "../helpers/warehouse.js";

// Safety of `provision` against one in-memory emulator, through the library: grants, dependents,
// concurrent runs and interruption. Each test has its own environment (`analytics_<env>` and
// `analytics_<env>_pii`). Nothing here waits on a timer: slow statements are held by the emulator's
// statement hook, interruptions come from the run's own events (see test/helpers/warehouse.ts).

const paint = pc.createColors(false);
let harness: TestWarehouse;

beforeAll(async () => {
  harness = await startTestWarehouse();
});
afterAll(async () => {
  await harness?.stop();
});

const schemasOf = (environment: string) => [`analytics_${environment}`, `analytics_${environment}_pii`];

async function environment(name: string, setup: ProjectSetup = {}, models = MODELS) {
  const project = await harness.project(schema(models), setup);
  return { project, options: await project.options(name) };
}

function outcomesOf(report: ProvisionReport) {
  if (report.result === undefined) throw new Error("the plan was not applied");
  return report.result.outcomes;
}

/** `schema.view PRIVILEGE type name` of every grant on the environment's views, from SVV_RELATION_PRIVILEGES. */
async function grantsOn(environment: string): Promise<string[]> {
  const rows = await harness.emulator.query(
    `SELECT namespace_name, relation_name, privilege_type, identity_type, identity_name
     FROM svv_relation_privileges WHERE namespace_name IN ('analytics_${environment}', 'analytics_${environment}_pii')
     ORDER BY 1, 2, 3, 4, 5`,
  );
  return rows.map((row) =>
    [
      `${row.namespace_name}.${row.relation_name}`,
      row.privilege_type,
      row.identity_type,
      row.identity_name,
    ].join(" "),
  );
}

const allApplied = (report: ProvisionReport) =>
  outcomesOf(report).every((outcome) => outcome.kind === "applied");

describe("grants", () => {
  it("are applied with each view, shown in every plan format, and a grants-only change updates exactly that tier", async () => {
    const { project, options: first } = await environment("grants", {
      grants: { nonPii: ["GROUP analysts"], pii: ["ROLE pii_readers"] },
    });
    const report = await provision(first);
    expect(report.summary.add).toBe(4);
    expect(allApplied(report)).toBe(true);

    // Who may read what, as Redshift's catalog says (and how an auditor would ask).
    expect(await grantsOn("grants")).toEqual([
      "analytics_grants.posts SELECT group analysts",
      "analytics_grants.users SELECT group analysts",
      "analytics_grants_pii.posts SELECT role pii_readers",
      "analytics_grants_pii.users SELECT role pii_readers",
    ]);

    const table = formatPlanTable(report, paint, true);
    expect(table).toMatch(/analytics_grants\.users\s+non-PII\s+model User\s+grants GROUP "analysts"/);
    expect(table).toMatch(/analytics_grants_pii\.users\s+PII\s+model User\s+grants ROLE "pii_readers"/);
    expect(formatPlanMarkdown(report)).toContain(
      '| add | `analytics_grants.posts` | non-PII | Post | `GROUP "analysts"` |  |',
    );
    const posts = report.views.find((view) => view.view === "posts" && view.tier === "non_pii");
    expect(posts?.grants).toEqual(['GRANT SELECT ON "analytics_grants"."posts" TO GROUP "analysts";']);
    expect(posts?.grantees).toEqual(['GROUP "analysts"']);

    // Same templates, one more non-PII grantee: only the non-PII views change.
    await project.configure({
      grants: { nonPii: ["GROUP analysts", "USER bob"], pii: ["ROLE pii_readers"] },
    });
    const options = await project.options("grants");
    const regrant = await plan(options);
    expect(regrant.views.map((view) => `${view.action} ${view.schema}.${view.view}`)).toEqual([
      "update analytics_grants.posts",
      "update analytics_grants.users",
      "unchanged analytics_grants_pii.posts",
      "unchanged analytics_grants_pii.users",
    ]);
    expect(allApplied(await provision(options))).toBe(true);
    expect(await grantsOn("grants")).toContain("analytics_grants.posts SELECT user bob");
    expect((await plan(options)).summary.unchanged).toBe(4);
  });
});

describe("dependents", () => {
  it("are found in one query, block the DROP without --cascade (2BP01 on the emulator), and are dropped with it with --cascade; late-binding views are unaffected", async () => {
    const { project, options: first } = await environment("deps", { grants: { nonPii: ["GROUP analysts"] } });
    await provision(first);
    await harness.emulator.query(`CREATE SCHEMA reports;
      CREATE VIEW reports.user_countries AS SELECT country, count(*) AS n FROM analytics_deps.users GROUP BY country;
      CREATE MATERIALIZED VIEW reports.post_titles AS SELECT title FROM analytics_deps.posts;
      CREATE VIEW reports.late_users AS SELECT id FROM analytics_deps.users WITH NO SCHEMA BINDING;`);

    // The emulator refuses a plain DROP as Redshift does.
    const blocked = await harness.warehouse.executeBatch([
      'DROP MATERIALIZED VIEW "analytics_deps"."users";',
    ]);
    expect(blocked.kind).toBe("failed");
    expect(blocked.kind === "failed" && sqlStateOf(blocked.error)).toBe("2BP01");

    await project.configure({ grants: { nonPii: ["GROUP analysts", "GROUP auditors"] } });
    const options = await project.options("deps");
    const planned = await countRequests(harness.emulator, () => plan(options));
    // The catalog and privileges queries, and the dependents read once (bound objects from pg_depend,
    // materialized views from SVV_MV_DEPENDENCY), whatever the number of views.
    expect(planned.statements).toBe(4);
    expect(planned.calls.ExecuteStatement).toBe(4);
    const users = planned.value.views.find((view) => view.action === "update" && view.view === "users");
    expect(users?.dependents).toEqual([
      { schema: "reports", view: "late_users", kind: "late_binding_view", effect: "unaffected" },
      { schema: "reports", view: "user_countries", kind: "view", effect: "blocks" },
    ]);
    const table = formatPlanTable(planned.value, paint);
    expect(table).toContain(
      "↳ reports.user_countries (view) depends on it: the view is refused unless --cascade",
    );
    expect(table).toContain(
      "↳ reports.late_users (late binding view) reads it late-bound: unaffected by the DROP",
    );
    const cascadePlan = await plan({ ...options, cascade: true });
    expect(cascadePlan.cascade).toBe(true);
    expect(formatPlanTable(cascadePlan, paint)).toContain(
      "↳ reports.post_titles (materialized view) will be DROPPED with it (--cascade)",
    );
    expect(cascadePlan.views.find((view) => view.view === "posts")?.dependents).toEqual([
      { schema: "reports", view: "post_titles", kind: "materialized_view", effect: "dropped_with_it" },
    ]);

    const before = await storedHashes(harness.warehouse, "deps", schemasOf("deps"));
    const refused = await provision(options);
    const failed = outcomesOf(refused).filter((outcome) => outcome.kind === "failed");
    expect(failed.map((outcome) => `${outcome.schema}.${outcome.name}`)).toEqual([
      "analytics_deps.posts",
      "analytics_deps.users",
    ]);
    expect(failed[1]?.kind === "failed" && failed[1].error).toMatch(
      /Not rebuilt: reports\.user_countries \(view\) depends on it.*--cascade/,
    );
    expect(failed[1]?.kind === "failed" && failed[1].dependents).toEqual([
      { schema: "reports", name: "user_countries", kind: "view" },
    ]);
    if (refused.result === undefined) throw new Error("the plan was not applied");
    expect(formatApplySummary(refused.result, paint)).toContain("2 failed");
    const after = await storedHashes(harness.warehouse, "deps", schemasOf("deps"));
    expect(after.get("analytics_deps.users")).toBe(before.get("analytics_deps.users"));

    const cascaded = await provision({ ...options, cascade: true });
    expect(allApplied(cascaded)).toBe(true);
    if (cascaded.result === undefined) throw new Error("the plan was not applied");
    expect(formatApplySummary(cascaded.result, paint)).toContain(
      "analytics_deps.posts (update): dropped with it: reports.post_titles (materialized view)",
    );
    const left = await harness.emulator.query(
      "SELECT relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE nspname = 'reports' ORDER BY 1",
    );
    expect(left).toEqual([{ relname: "late_users" }]);
    // The late-binding view binds to the rebuilt view when read.
    expect((await harness.emulator.query("SELECT count(*)::int AS n FROM reports.late_users"))[0]).toEqual({
      n: 3,
    });
  });
});

describe("concurrent provisioning of one environment", () => {
  it("refuses the second of two simultaneous runs, naming who holds the lock", async () => {
    const { options } = await environment("race");
    // Whichever run takes the lock, its rebuilds are held until the other has been answered: the two
    // runs overlap for certain, however the machine schedules them.
    const held = holdStatements(harness.emulator, named("race", "create"));
    let runs: [Promise<ProvisionReport>, Promise<ProvisionReport>];
    let first: "fulfilled" | "rejected";
    try {
      runs = [provision({ ...options, runBy: "alice@laptop" }), provision({ ...options, runBy: "bob@ci" })];
      first = await Promise.race(
        runs.map((run) =>
          run.then(
            () => "fulfilled" as const,
            () => "rejected" as const,
          ),
        ),
      );
    } finally {
      await held.release();
      harness.emulator.setFaults({});
    }
    expect(first).toBe("rejected");
    const [alice, bob] = await Promise.allSettled(runs);
    const winner = alice?.status === "fulfilled" ? "alice@laptop" : "bob@ci";
    const refused = [alice, bob].filter((run) => run?.status === "rejected");
    expect(refused).toHaveLength(1);
    const error = refused[0]?.status === "rejected" ? refused[0].reason : undefined;
    expect(error).toBeInstanceOf(RedshiftViewsError);
    const { code, message, hint } = error as RedshiftViewsError;
    expect(code).toMatch(/^E_PROVISION_(LOCKED|IN_PROGRESS)$/);
    if (code === "E_PROVISION_LOCKED") expect(message).toContain(`by ${winner} since`);
    else expect(message).toContain("redshift-views:race:");
    expect(hint).toContain("--force");
    const won = [alice, bob].find((run) => run?.status === "fulfilled");
    expect(won?.status === "fulfilled" && allApplied(won.value)).toBe(true);
    // The lock was released: a third run goes through and finds nothing to do.
    const third = await provision(options);
    expect(third.summary.unchanged).toBe(4);
    expect(third.result).toBeUndefined();
  });

  it("names the holder and time of a stale lock, and --force takes it over", async () => {
    const { options } = await environment("stale");
    const held = await acquireProvisionLock(harness.warehouse, {
      environment: "stale",
      holder: "carol@build-7",
      now: () => new Date("2024-05-01T10:00:00Z"),
    });
    const refused = await provision(options).catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(RedshiftViewsError);
    expect((refused as RedshiftViewsError).code).toBe("E_PROVISION_LOCKED");
    expect((refused as RedshiftViewsError).message).toContain("carol@build-7 since 2024-05-01T10:00:00.000Z");
    const forced = await provision({ ...options, force: true });
    expect(forced.summary.add).toBe(4);
    expect(allApplied(forced)).toBe(true);
    expect(await held.release()).toBe(false);
  });

  it("refuses while statements of the environment are in flight, and goes through once they end", async () => {
    const { options } = await environment("busy");
    const name = "redshift-views:busy:refresh:x";
    const held = holdStatements(harness.emulator, (statement) => statement.name === name);
    try {
      const slow = harness.warehouse.execute("SELECT 1", { name });
      await held.first;
      const refused = await provision(options).catch((error: unknown) => error);
      expect((refused as RedshiftViewsError).code).toBe("E_PROVISION_IN_PROGRESS");
      expect((refused as RedshiftViewsError).message).toContain(name);
      await held.release();
      expect((await slow).kind).toBe("finished");
    } finally {
      await held.release();
      harness.emulator.setFaults({});
    }
    expect(allApplied(await provision(options))).toBe(true);
  });
});

describe("interrupting an apply", () => {
  it("stops submitting, reports every view as applied, unknown or not submitted, and the next run converges", async () => {
    // Ten models: twenty views, rebuilt two at a time.
    const { project, options: first } = await environment("intr", { concurrency: 2 }, MODELS + manyModels(8));
    expect(allApplied(await provision(first))).toBe(true);
    const before = await storedHashes(harness.warehouse, "intr", schemasOf("intr"));
    const created = new Map(
      (await statusRows(first)).map((row) => [`${row.schema}.${row.view}`, row.operations.create]),
    );

    // A grant on every non-PII view: ten updates.
    await project.configure({ concurrency: 2, grants: { nonPii: ["GROUP analysts"] } });
    const options = await project.options("intr");
    const planned = await plan(options);
    const wanted = new Map<string, string | undefined>(
      planned.views.flatMap((view) =>
        view.action === "update" ? [[`${view.schema}.${view.view}`, view.hash] as const] : [],
      ),
    );
    expect(wanted.size).toBe(10);

    // The first rebuild runs; the second is held in flight; the run is interrupted as the first ends.
    // So: one applied, one unknown (submitted, end not seen), eight never submitted.
    const controller = new AbortController();
    let passed: string | undefined;
    const held = holdStatements(harness.emulator, (statement) => {
      if (!named("intr", "create")(statement)) return false;
      passed ??= statement.name;
      return statement.name !== passed;
    });
    const events: ProvisionEvent[] = [];
    let report: ProvisionReport;
    try {
      report = await provision({
        ...options,
        signal: controller.signal,
        graceMs: 0,
        onEvent: (event) => {
          events.push(event);
          if (event.kind === "outcome") controller.abort();
        },
      });
    } catch (error) {
      await held.release();
      harness.emulator.setFaults({});
      throw error;
    }
    const result = report.result;
    if (result === undefined) throw new Error("the plan was not applied");
    expect(result.interrupted).toBe(true);
    expect(events.find((event) => event.kind === "applying")).toEqual({ kind: "applying", total: 10 });
    expect(events.filter((event) => event.kind === "outcome")).toHaveLength(10);
    const kinds = (kind: string) => result.outcomes.filter((outcome) => outcome.kind === kind);
    expect(result.outcomes).toHaveLength(10);
    expect(kinds("applied")).toHaveLength(1);
    expect(kinds("unknown")).toHaveLength(1);
    expect(kinds("not_submitted")).toHaveLength(8);
    const [applied] = kinds("applied");
    const [unknown] = kinds("unknown");
    expect(
      applied?.kind === "applied" && `redshift-views:intr:create:${applied.schema}.${applied.name}`,
    ).toBe(passed);
    expect(unknown).toMatchObject({ statementId: held.held[0]?.id });
    const summary = formatApplySummary(result, paint);
    expect(summary).toMatch(/^Interrupted: /);
    expect(summary).toContain("1 view applied, 1 unknown (submitted, result not seen), 8 not submitted.");
    expect(summary).toContain("not submitted; unchanged.");
    expect(summary).toContain("Re-run to finish");
    expect(summary).toContain("redshift-views provision intr");

    // The history says what the run saw: FINISHED, or SUBMITTED (end not seen); views it never sent keep
    // the CREATE of the first run.
    expect(result.history).toEqual({ kind: "recorded", operations: 2 });
    const lastCreate = new Map(
      (await statusRows(options)).map((row) => [`${row.schema}.${row.view}`, row.operations.create]),
    );
    for (const outcome of result.outcomes) {
      const view = `${outcome.schema}.${outcome.name}`;
      const create = lastCreate.get(view);
      switch (outcome.kind) {
        case "applied":
          expect(create).toMatchObject({ status: "FINISHED", statementId: outcome.statementId });
          break;
        case "unknown":
          expect(create).toMatchObject({ status: "SUBMITTED", statementId: outcome.statementId });
          break;
        default:
          expect(outcome.kind).toBe("not_submitted");
          expect(create).toEqual(created.get(view));
      }
    }

    // The held statement is still running: a new run is refused until it ends.
    await expect(provision(options)).rejects.toMatchObject({ code: "E_PROVISION_IN_PROGRESS" });
    const running = await storedHashes(harness.warehouse, "intr", schemasOf("intr"));
    const view = (outcome: (typeof result.outcomes)[number] | undefined) =>
      `${outcome?.schema}.${outcome?.name}`;
    expect(running.get(view(unknown))).toBe(before.get(view(unknown)));
    await held.release();
    harness.emulator.setFaults({});

    // Each view is its old or its new definition, never in between: the one whose end was not seen
    // finished on the warehouse; the ones never sent are as they were.
    const after = await storedHashes(harness.warehouse, "intr", schemasOf("intr"));
    expect(after.get(view(applied))).toBe(wanted.get(view(applied)));
    expect(after.get(view(unknown))).toBe(wanted.get(view(unknown)));
    for (const outcome of kinds("not_submitted"))
      expect(after.get(view(outcome))).toBe(before.get(view(outcome)));
    for (const [name, hash] of before) expect([hash, wanted.get(name)]).toContain(after.get(name));

    // The next run has exactly the eight views left to do.
    const rerun = await provision(options);
    expect(rerun.summary).toMatchObject({ add: 0, update: 8, drop: 0, unchanged: 12 });
    expect(allApplied(rerun)).toBe(true);
    expect((await plan(options)).summary.unchanged).toBe(20);
  });
});
