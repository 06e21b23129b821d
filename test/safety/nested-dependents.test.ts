import pc from "picocolors";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { AcceptedStatement } from "../../src/emulator/index.js";
import { type ProvisionReport, plan, provision } from "../../src/index.js";
import { formatPlanTable } from "../../src/plan/format-plan.js";
import { formatApplySummary } from "../../src/provision/format-apply.js";
import { MODELS, schema } from "../helpers/index.js";
import { edit, startTestWarehouse, type TestWarehouse } from "../helpers/warehouse.js";

// What others built on a managed view, found as Redshift records it: a materialized view built on it
// (SVV_MV_DEPENDENCY; on Redshift it is a view in pg_class and its sources are not in pg_depend) and a
// plain view on that one (pg_depend). The rebuild's DROP would fail on both, and CASCADE drops both.

const paint = pc.createColors(false);
const RESTRICTED_COUNTRY = schema(
  edit(MODELS, "  /// @classification public\n  country", "  /// @classification restricted\n  country"),
);
let harness: TestWarehouse;

beforeAll(async () => {
  harness = await startTestWarehouse();
});
afterAll(async () => {
  await harness?.stop();
});

/** Every statement the emulator accepts while `run` runs. */
async function accepted<T>(run: () => Promise<T>): Promise<{ value: T; sqls: string[] }> {
  const sqls: string[] = [];
  harness.emulator.setFaults({
    onStatement: (statement: AcceptedStatement) => {
      sqls.push(...statement.sqls);
    },
  });
  try {
    return { value: await run(), sqls };
  } finally {
    harness.emulator.setFaults({});
  }
}

function outcome(report: ProvisionReport, view: string) {
  return report.result?.outcomes.find((candidate) => `${candidate.schema}.${candidate.name}` === view);
}

describe("a materialized view built on a managed view, and a view on that one", () => {
  it("are both in the plan of a rebuild; without --cascade the view is refused before any DDL; with it, both are dropped", async () => {
    const project = await harness.project(schema(MODELS));
    expect((await provision(await project.options("nested"))).summary.add).toBe(4);
    // An admin builds on the managed view.
    await harness.emulator.query(`CREATE SCHEMA reports;
      CREATE MATERIALIZED VIEW reports.by_country AS SELECT country, count(*) AS n FROM analytics_nested.users GROUP BY country;
      CREATE VIEW reports.top_countries AS SELECT country FROM reports.by_country WHERE n > 0;`);

    await project.setSchema(RESTRICTED_COUNTRY);
    const options = await project.options("nested");
    const planned = await plan(options);
    const users = planned.views.find((view) => view.schema === "analytics_nested" && view.view === "users");
    expect(users?.action).toBe("update");
    expect(users?.dependents).toEqual([
      { schema: "reports", view: "by_country", kind: "materialized_view", effect: "blocks" },
      {
        schema: "reports",
        view: "top_countries",
        kind: "view",
        effect: "blocks",
        through: { schema: "reports", view: "by_country" },
      },
    ]);
    expect(formatPlanTable(planned, paint)).toContain(
      "↳ reports.top_countries (view) depends on it through reports.by_country: the view is refused unless --cascade",
    );

    const refused = await accepted(() => provision(options));
    expect(outcome(refused.value, "analytics_nested.users")).toMatchObject({
      kind: "failed",
      dependents: [
        { schema: "reports", name: "by_country", kind: "materialized_view" },
        {
          schema: "reports",
          name: "top_countries",
          kind: "view",
          through: { schema: "reports", name: "by_country" },
        },
      ],
    });
    expect(outcome(refused.value, "analytics_nested.users")).not.toHaveProperty("statementId");
    // Nothing was sent for the refused view: no DDL touched it.
    expect(refused.sqls.filter((sql) => sql.includes('"analytics_nested"."users"'))).toEqual([]);
    expect(
      await harness.emulator.query(
        "SELECT relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE nspname = 'reports' ORDER BY 1",
      ),
    ).toEqual([{ relname: "by_country" }, { relname: "top_countries" }]);

    const cascaded = await provision({ ...options, cascade: true });
    expect(outcome(cascaded, "analytics_nested.users")).toMatchObject({
      kind: "applied",
      action: "update",
      cascaded: [
        { schema: "reports", name: "by_country", kind: "materialized_view" },
        { schema: "reports", name: "top_countries", kind: "view" },
      ],
    });
    if (cascaded.result === undefined) throw new Error("the plan was not applied");
    expect(formatApplySummary(cascaded.result, paint)).toContain(
      "analytics_nested.users (update): dropped with it: reports.by_country (materialized view), reports.top_countries (view, through reports.by_country)",
    );
    expect(
      await harness.emulator.query(
        "SELECT relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE nspname = 'reports'",
      ),
    ).toEqual([]);
  });

  it("owned by another user are not seen by a deploy user that is not a superuser: the DROP fails on the warehouse and the view is kept", async () => {
    const project = await harness.project(schema(MODELS), { dbUser: "deployer" });
    const first = await project.options("hidden");
    await harness.emulator.seedDeployUser({
      user: "deployer",
      sources: [{ database: "hidden_app_zeroetl", schema: "app" }],
    });
    // The tool's own tables may already have been made by a superuser's run: shared with the deployer.
    await harness.emulator.query(`CREATE SCHEMA IF NOT EXISTS redshift_views;
      GRANT USAGE, CREATE ON SCHEMA redshift_views TO deployer;
      GRANT SELECT, INSERT, DELETE ON ALL TABLES IN SCHEMA redshift_views TO deployer;`);
    expect((await provision(first)).summary.add).toBe(4);
    await harness.emulator.query(`CREATE SCHEMA admin_reports;
      CREATE MATERIALIZED VIEW admin_reports.by_country AS SELECT country, count(*) AS n FROM analytics_hidden.users GROUP BY country;`);

    await project.setSchema(RESTRICTED_COUNTRY);
    const options = await project.options("hidden");
    // SVV_MV_DEPENDENCY shows regular users their own materialized views only.
    const users = (await plan(options)).views.find(
      (view) => view.view === "users" && view.tier === "non_pii",
    );
    expect(users?.dependents).toBeUndefined();
    const report = await provision(options);
    const failed = outcome(report, "analytics_hidden.users");
    expect(failed).toMatchObject({ kind: "failed", error: expect.stringContaining("[SQLSTATE 2BP01]") });
    // The old view (with country) and what was built on it are as they were.
    expect(
      await harness.emulator.query(
        "SELECT column_name FROM svv_columns WHERE table_schema = 'analytics_hidden' AND table_name = 'users'",
      ),
    ).toContainEqual({ column_name: "country" });
    expect(
      await harness.emulator.query("SELECT count(*)::int AS n FROM pg_class WHERE relname = 'by_country'"),
    ).toEqual([{ n: 1 }]);
  });
});
