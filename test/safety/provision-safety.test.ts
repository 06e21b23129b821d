import pc from "picocolors";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sqlStateOf } from "../../src/emulator/index.js";
import { RedshiftViewsError } from "../../src/errors.js";
import { acquireProvisionLock } from "../../src/lock/provision-lock.js";
import {
  formatApplySummary,
  formatPlanMarkdown,
  formatPlanTable,
  planToJson,
} from "../../src/plan/format-plan.js";
import { countPlan } from "../../src/plan/plan.js";
import { applyPlan } from "../../src/provision/apply.js";
import { buildPlan } from "../../src/provision/provision.js";
import { readStatus } from "../../src/status/read-status.js";
import { makeProject, removeDir, schema } from "../helpers/index.js";
import {
  grants,
  MODELS,
  manyModels,
  provision,
  type Shared,
  sessionFor,
  startShared,
  storedHashes,
} from "./harness.js";

const paint = pc.createColors(false);
let shared: Shared;
let project: string;
let bigProject: string;

beforeAll(async () => {
  shared = await startShared();
  project = await makeProject("safety", { "prisma/schema.prisma": schema(MODELS) });
  bigProject = await makeProject("safety-big", { "prisma/schema.prisma": schema(MODELS + manyModels(8)) });
}, 60_000);
afterAll(async () => {
  await shared?.stop();
  await removeDir(project);
  await removeDir(bigProject);
});

describe("grants", () => {
  it("are applied with each view, shown in every plan format, and a grants-only change updates exactly that tier", async () => {
    const first = await sessionFor(
      shared,
      project,
      "grants",
      grants(["GROUP analysts"], ["ROLE pii_readers"]),
    );
    const { plan, result } = await provision(first);
    expect(countPlan(plan).add).toBe(4);
    expect(result.outcomes.every((outcome) => outcome.kind === "applied")).toBe(true);

    const privileges = await shared.emulator.query(`SELECT
      has_table_privilege('analysts', '"analytics_grants"."users"', 'SELECT') AS analysts_users,
      has_table_privilege('analysts', '"analytics_grants_pii"."users"', 'SELECT') AS analysts_pii,
      has_table_privilege('pii_readers', '"analytics_grants_pii"."users"', 'SELECT') AS readers_pii`);
    expect(privileges).toEqual([{ analysts_users: true, analysts_pii: false, readers_pii: true }]);

    const table = formatPlanTable(plan, "local", paint, true);
    expect(table).toMatch(/analytics_grants\.users\s+non-PII\s+model User\s+grants GROUP "analysts"/);
    expect(table).toMatch(/analytics_grants_pii\.users\s+PII\s+model User\s+grants ROLE "pii_readers"/);
    expect(formatPlanMarkdown(plan, "local")).toContain(
      '| add | `analytics_grants.posts` | non-PII | Post | `GROUP "analysts"` |  |',
    );
    const json = planToJson(plan, "local");
    expect(json.views.find((view) => view.view === "posts")?.grants).toEqual([
      'GRANT SELECT ON "analytics_grants"."posts" TO GROUP "analysts";',
    ]);

    // Same templates, one more non-PII grantee: only the non-PII views change.
    const second = await sessionFor(
      shared,
      project,
      "grants",
      grants(["GROUP analysts", "USER bob"], ["ROLE pii_readers"]),
    );
    const { plan: regrant } = await buildPlan(second);
    expect(
      regrant.items.map(
        (item) =>
          `${item.kind} ${item.kind === "drop" || item.kind === "unmanaged" ? item.name : `${item.view.schema}.${item.view.name}`}`,
      ),
    ).toEqual([
      "update analytics_grants.posts",
      "update analytics_grants.users",
      "unchanged analytics_grants_pii.posts",
      "unchanged analytics_grants_pii.users",
    ]);
    await applyPlan(second.warehouse, regrant);
    const bob = await shared.emulator.query(
      `SELECT has_table_privilege('bob', '"analytics_grants"."posts"', 'SELECT') AS ok`,
    );
    expect(bob).toEqual([{ ok: true }]);
    const { plan: settled } = await buildPlan(second);
    expect(countPlan(settled).unchanged).toBe(4);
  }, 60_000);
});

describe("dependents", () => {
  it("are found in one query, block the DROP without --cascade (2BP01 on the emulator), and are dropped with it with --cascade; late-binding views are unaffected", async () => {
    const session = await sessionFor(shared, project, "deps", grants(["GROUP analysts"]));
    await provision(session);
    await shared.emulator.query(`CREATE SCHEMA reports;
      CREATE VIEW reports.user_countries AS SELECT country, count(*) AS n FROM analytics_deps.users GROUP BY country;
      CREATE MATERIALIZED VIEW reports.post_titles AS SELECT title FROM analytics_deps.posts;
      CREATE VIEW reports.late_users AS SELECT id FROM analytics_deps.users WITH NO SCHEMA BINDING;`);

    // The emulator refuses a plain DROP as Redshift does.
    const blocked = await session.warehouse.executeBatch([
      'DROP MATERIALIZED VIEW "analytics_deps"."users";',
    ]);
    expect(blocked.kind).toBe("failed");
    expect(blocked.kind === "failed" && sqlStateOf(blocked.error)).toBe("2BP01");

    const changed = await sessionFor(shared, project, "deps", grants(["GROUP analysts", "GROUP auditors"]));
    const calls = changed.warehouse.stats.calls.ExecuteStatement ?? 0;
    const { plan } = await buildPlan(changed);
    expect((changed.warehouse.stats.calls.ExecuteStatement ?? 0) - calls).toBe(2); // catalog + dependents
    const users = plan.items.find((item) => item.kind === "update" && item.view.name === "users");
    expect(users?.kind === "update" && users.dependents).toEqual([
      { schema: "reports", name: "late_users", kind: "late_binding_view" },
      { schema: "reports", name: "user_countries", kind: "view" },
    ]);
    const table = formatPlanTable(plan, "local", paint);
    expect(table).toContain(
      "↳ reports.user_countries (view) depends on it: the view is refused unless --cascade",
    );
    expect(table).toContain(
      "↳ reports.late_users (late binding view) reads it late-bound: unaffected by the DROP",
    );
    expect(formatPlanTable(plan, "local", paint, false, true)).toContain(
      "↳ reports.post_titles (materialized view) will be DROPPED with it (--cascade)",
    );
    expect(planToJson(plan, "local", true).views.find((view) => view.view === "posts")?.dependents).toEqual([
      { schema: "reports", view: "post_titles", kind: "materialized_view", effect: "dropped_with_it" },
    ]);

    const before = await storedHashes(changed);
    const refused = await applyPlan(changed.warehouse, plan);
    const failed = refused.outcomes.filter((outcome) => outcome.kind === "failed");
    expect(failed.map((outcome) => `${outcome.schema}.${outcome.name}`)).toEqual([
      "analytics_deps.posts",
      "analytics_deps.users",
    ]);
    expect(failed[1]?.kind === "failed" && failed[1].error).toMatch(
      /Not rebuilt: reports\.user_countries \(view\) depends on it.*--cascade/,
    );
    expect(formatApplySummary(refused, paint)).toContain("2 failed");
    const after = await storedHashes(changed);
    expect(after.get("analytics_deps.users")).toBe(before.get("analytics_deps.users"));

    const cascaded = await applyPlan(changed.warehouse, plan, { cascade: true });
    expect(cascaded.outcomes.every((outcome) => outcome.kind === "applied")).toBe(true);
    expect(formatApplySummary(cascaded, paint)).toContain(
      "analytics_deps.posts (update): dropped with it: reports.post_titles (materialized view)",
    );
    const left = await shared.emulator.query(
      "SELECT relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE nspname = 'reports' ORDER BY 1",
    );
    expect(left).toEqual([{ relname: "late_users" }]);
    // The late-binding view binds to the rebuilt view when read.
    expect((await shared.emulator.query("SELECT count(*)::int AS n FROM reports.late_users"))[0]).toEqual({
      n: 3,
    });
  }, 60_000);
});

describe("concurrent provisioning of one environment", () => {
  it("refuses the second of two simultaneous runs, naming who holds the lock", async () => {
    const a = await sessionFor(shared, project, "race");
    const b = await sessionFor(shared, project, "race");
    const runs = await Promise.allSettled([
      provision(a, { holder: "alice@laptop" }),
      provision(b, { holder: "bob@ci" }),
    ]);
    const refused = runs.filter((run) => run.status === "rejected");
    expect(refused).toHaveLength(1);
    const error = refused[0]?.status === "rejected" ? refused[0].reason : undefined;
    expect(error).toBeInstanceOf(RedshiftViewsError);
    expect((error as RedshiftViewsError).code).toMatch(/^E_PROVISION_(LOCKED|IN_PROGRESS)$/);
    expect((error as RedshiftViewsError).hint).toContain("--force");
    // The lock was released: a third run goes through and finds nothing to do.
    const third = await provision(a);
    expect(countPlan(third.plan).unchanged).toBe(4);
  }, 60_000);

  it("names the holder and time of a stale lock, and --force takes it over", async () => {
    const session = await sessionFor(shared, project, "stale");
    const held = await acquireProvisionLock(session.warehouse, {
      environment: "stale",
      holder: "carol@build-7",
      now: () => new Date("2024-05-01T10:00:00Z"),
    });
    const refused = await provision(session).catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(RedshiftViewsError);
    expect((refused as RedshiftViewsError).code).toBe("E_PROVISION_LOCKED");
    expect((refused as RedshiftViewsError).message).toContain("carol@build-7 since 2024-05-01T10:00:00.000Z");
    const forced = await provision(session, { force: true });
    expect(countPlan(forced.plan).add).toBe(4);
    expect(await held.release()).toBe(false);
  }, 60_000);

  it("refuses while statements of the environment are in flight", async () => {
    const session = await sessionFor(shared, project, "busy");
    shared.emulator.setFaults({ latencyMs: 400 });
    try {
      const slow = session.warehouse.execute("SELECT 1", { name: "redshift-views:busy:refresh:x" });
      await new Promise((resolve) => setTimeout(resolve, 50));
      const refused = await provision(session).catch((error: unknown) => error);
      expect((refused as RedshiftViewsError).code).toBe("E_PROVISION_IN_PROGRESS");
      expect((refused as RedshiftViewsError).message).toContain("redshift-views:busy:refresh:x");
      await slow;
    } finally {
      shared.emulator.setFaults({});
    }
  }, 60_000);
});

describe("interrupting an apply", () => {
  it("stops submitting, reports every view as applied, unknown or not submitted, and the next run converges", async () => {
    const first = await sessionFor(shared, bigProject, "intr");
    const created = await provision(first);
    expect(created.result.outcomes.every((outcome) => outcome.kind === "applied")).toBe(true);

    const session = await sessionFor(shared, bigProject, "intr", grants(["GROUP analysts"]));
    const { plan } = await buildPlan(session);
    const before = await storedHashes(session);
    const controller = new AbortController();
    shared.emulator.setFaults({ latencyMs: 150 });
    let result: Awaited<ReturnType<typeof applyPlan>>;
    const applyStarted = new Date();
    try {
      setTimeout(() => controller.abort(), 200);
      result = await applyPlan(session.warehouse, plan, {
        signal: controller.signal,
        concurrency: 2,
        graceMs: 0,
      });
    } finally {
      shared.emulator.setFaults({});
    }
    expect(result.interrupted).toBe(true);
    const kinds = new Set(result.outcomes.map((outcome) => outcome.kind));
    expect(kinds.has("not_submitted")).toBe(true);
    expect(result.outcomes).toHaveLength(plan.items.filter((item) => item.kind === "update").length);
    const summary = formatApplySummary(result, paint);
    expect(summary).toMatch(/^Interrupted: /);
    expect(summary).toContain("not submitted; unchanged.");
    expect(summary).toContain("Re-run to finish");
    expect(summary).toContain("redshift-views provision intr");

    // The history says what the run saw: FINISHED, or SUBMITTED (end not seen); views it never sent keep
    // the CREATE of the first run.
    const sent = result.outcomes.filter((outcome) => outcome.kind !== "not_submitted");
    expect(result.history).toEqual({ kind: "recorded", operations: sent.length });
    const lastCreate = new Map(
      (await readStatus(session)).rows.map((row) => [`${row.schema}.${row.view}`, row.operations.create]),
    );
    for (const outcome of result.outcomes) {
      const create = lastCreate.get(`${outcome.schema}.${outcome.name}`);
      const expected = {
        applied: "FINISHED",
        unknown: "SUBMITTED",
        failed: "FAILED",
        not_submitted: "FINISHED",
      };
      expect(create?.status, `${outcome.kind} ${outcome.name}`).toBe(expected[outcome.kind]);
      if (outcome.kind === "not_submitted")
        expect(new Date(create?.at ?? 0).getTime()).toBeLessThanOrEqual(applyStarted.getTime());
      if (outcome.kind === "applied") expect(create?.statementId).toBe(outcome.statementId);
    }

    await new Promise((resolve) => setTimeout(resolve, 400)); // let statements in flight land
    const after = await storedHashes(session);
    const wanted = new Map(
      plan.items.flatMap((item) =>
        item.kind === "update" ? [[`${item.view.schema}.${item.view.name}`, item.view.hash]] : [],
      ),
    );
    for (const [view, hash] of before) expect([hash, wanted.get(view)]).toContain(after.get(view));
    for (const outcome of result.outcomes)
      if (outcome.kind === "not_submitted")
        expect(after.get(`${outcome.schema}.${outcome.name}`)).toBe(
          before.get(`${outcome.schema}.${outcome.name}`),
        );

    const rerun = await provision(session);
    expect(rerun.result.outcomes.every((outcome) => outcome.kind === "applied")).toBe(true);
    expect(countPlan((await buildPlan(session)).plan).unchanged).toBe(plan.items.length);
  }, 60_000);
});
