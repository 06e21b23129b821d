import { describe, expect, it } from "vitest";
import type { DesiredView } from "../../src/desired/desired-views.js";
import { type PlanItem, type ProvisionPlan, withAccess } from "../../src/plan/plan.js";
import { type TaskEnd, viewOutcome } from "../../src/provision/outcome.js";
import { planTasks } from "../../src/provision/tasks.js";
import { renderStatement } from "../../src/sql/render.js";
import type { Dependent } from "../../src/state/dependents.js";

// What applying a plan will submit, decided before anything is (pure), and what each end of a
// submitted statement means for its views.

const view = (name: string, schema = "analytics_prod"): DesiredView => ({
  schema,
  name,
  tier: "non_pii",
  model: "M",
  fileName: `${name}.sql.ejs`,
  firstColumn: "id",
  ddl: `CREATE MATERIALIZED VIEW "${schema}"."${name}" AS SELECT 1 AS "id";`,
  grantees: [{ kind: "group", name: "analysts" }],
  hash: name.charAt(0).repeat(64),
  project: "app",
  comments: [],
  commentsHash: "0".repeat(16),
  source: { database: "app_zeroetl", schema: "app", table: "t" },
});

const bound: Dependent = { schema: "reports", name: "by_country", kind: "view" };
const late: Dependent = { schema: "reports", name: "late", kind: "late_binding_view" };

const plan = (items: PlanItem[]): ProvisionPlan => ({
  environment: "prod",
  schemas: ["analytics_prod", "analytics_prod_pii"],
  items,
});

describe("planTasks", () => {
  it("makes each rebuild its own transaction, after one batch for the schemas they need", () => {
    const tasks = planTasks(
      plan([
        { kind: "add", view: view("users", "analytics_prod_pii") },
        { kind: "update", view: view("posts"), storedHash: "0".repeat(64), dependents: [late] },
        { kind: "unchanged", view: view("courses") },
        { kind: "unmanaged", schema: "analytics_prod", name: "hand_made" },
      ]),
      { cascade: false },
    );
    expect(tasks.decided).toEqual([]);
    expect(tasks.drops).toEqual([]);
    expect(tasks.schemas.map((task) => [task.name, task.statements.map(renderStatement)])).toEqual([
      ["redshift-views:prod:schema:analytics_prod", ['CREATE SCHEMA IF NOT EXISTS "analytics_prod";']],
      [
        "redshift-views:prod:schema:analytics_prod_pii",
        ['CREATE SCHEMA IF NOT EXISTS "analytics_prod_pii";'],
      ],
    ]);
    expect(tasks.rebuilds.map((task) => task.name)).toEqual([
      "redshift-views:prod:create:analytics_prod_pii.users",
      "redshift-views:prod:create:analytics_prod.posts",
    ]);
    // A late-binding reader never blocks, so the DROP needs no CASCADE.
    expect(tasks.rebuilds[1]?.batches.map((batch) => batch.map(renderStatement))).toEqual([
      [
        'DROP MATERIALIZED VIEW IF EXISTS "analytics_prod"."posts";',
        'CREATE MATERIALIZED VIEW "analytics_prod"."posts" AS SELECT 1 AS "id";',
        `COMMENT ON COLUMN "analytics_prod"."posts"."id" IS 'prisma-redshift-views sha256=${"p".repeat(64)} project=app comments=${"0".repeat(16)}';`,
        'GRANT SELECT ON "analytics_prod"."posts" TO GROUP "analysts";',
      ],
    ]);
    expect(tasks.rebuilds[1]?.views).toEqual([
      { schema: "analytics_prod", name: "posts", cascaded: [], hash: "p".repeat(64) },
    ]);
  });

  it("settles conflicts and views with bound dependents without submitting them; --cascade drops the dependents with the view", () => {
    const items: PlanItem[] = [
      { kind: "conflict", view: view("taken") },
      { kind: "update", view: view("users"), storedHash: "0".repeat(64), dependents: [bound, late] },
      {
        kind: "drop",
        schema: "analytics_prod",
        name: "old",
        storedHash: "1".repeat(64),
        dependents: [bound],
      },
    ];
    const refused = planTasks(plan(items), { cascade: false });
    expect(refused.rebuilds).toEqual([]);
    expect(refused.drops).toEqual([]);
    expect(refused.schemas).toEqual([]);
    expect(
      refused.decided.map(({ outcome, hash }) => [outcome.kind, outcome.action, outcome.name, hash]),
    ).toEqual([
      ["failed", "conflict", "taken", undefined],
      ["failed", "update", "users", "u".repeat(64)],
      ["failed", "drop", "old", undefined],
    ]);
    expect(refused.decided[1]?.outcome).toMatchObject({
      error: expect.stringMatching(
        /^Not rebuilt: reports\.by_country \(view\) depends on it, so its DROP would fail\. Run again with --cascade/,
      ),
      dependents: [bound],
    });

    const cascaded = planTasks(plan(items), { cascade: true });
    expect(cascaded.decided.map(({ outcome }) => outcome.action)).toEqual(["conflict"]);
    expect(cascaded.rebuilds[0]?.batches[0]?.map(renderStatement)[0]).toBe(
      'DROP MATERIALIZED VIEW IF EXISTS "analytics_prod"."users" CASCADE;',
    );
    expect(cascaded.rebuilds[0]?.views[0]?.cascaded).toEqual([bound]);
    expect(cascaded.drops.map((task) => task.batches.flat().map(renderStatement))).toEqual([
      ['DROP MATERIALIZED VIEW IF EXISTS "analytics_prod"."old" CASCADE;'],
    ]);
    expect(cascaded.drops[0]?.name).toBe("redshift-views:prod:drop:analytics_prod.old");
  });

  it("grants USAGE on a view schema to whoever lacks it and revokes it from holders nobody configured", () => {
    const analysts = { kind: "group", name: "analysts" } as const;
    const readers = { kind: "role", name: "pii_readers" } as const;
    const base = plan([
      { kind: "unchanged", view: view("users") },
      { kind: "add", view: view("users", "analytics_prod_pii") },
    ]);
    const tiers = [
      { schema: "analytics_prod", tier: "non_pii" as const, grantees: [analysts] },
      { schema: "analytics_prod_pii", tier: "pii" as const, grantees: [readers] },
    ];
    const usage = new Map([
      ["analytics_prod", [analysts, { kind: "user" as const, name: "bob" }, { kind: "public" as const }]],
      ["analytics_prod_pii", [{ kind: "user" as const, name: "deployer" }]],
    ]);
    const rendered = (complete: boolean) =>
      planTasks(
        withAccess(base, {
          tiers,
          privileges: { complete, usage, select: new Map() },
          sessionUser: "deployer",
        }),
        { cascade: false },
      ).schemas.map((task) => task.statements.map(renderStatement));
    // Every grant visible: only what differs, and the session's own USAGE is kept.
    expect(rendered(true)).toEqual([
      [
        'REVOKE USAGE ON SCHEMA "analytics_prod" FROM "bob";',
        'REVOKE USAGE ON SCHEMA "analytics_prod" FROM PUBLIC;',
      ],
      [
        'CREATE SCHEMA IF NOT EXISTS "analytics_prod_pii";',
        'GRANT USAGE ON SCHEMA "analytics_prod_pii" TO ROLE "pii_readers";',
      ],
    ]);
    // Grants partly hidden: the configured grantees of a changed schema get USAGE, nobody loses it.
    expect(rendered(false)).toEqual([
      [
        'CREATE SCHEMA IF NOT EXISTS "analytics_prod_pii";',
        'GRANT USAGE ON SCHEMA "analytics_prod_pii" TO ROLE "pii_readers";',
      ],
    ]);
  });

  it("drops in batches of at most 40, and refuses a name that cannot be an identifier", () => {
    const drops: PlanItem[] = Array.from({ length: 81 }, (_, index) => ({
      kind: "drop",
      schema: "analytics_prod",
      name: `v${String(index).padStart(2, "0")}`,
      storedHash: "1".repeat(64),
    }));
    const hostile: PlanItem = {
      kind: "drop",
      schema: "analytics_prod",
      name: 'x"; DROP TABLE "app"."users"; --',
      storedHash: "1".repeat(64),
    };
    const tasks = planTasks(plan([...drops, hostile]), { cascade: false });
    expect(tasks.drops.map((task) => task.batches.flat().length)).toEqual([40, 40, 1]);
    expect(tasks.drops.map((task) => task.name)).toEqual([
      "redshift-views:prod:drop:",
      "redshift-views:prod:drop:",
      "redshift-views:prod:drop:analytics_prod.v80",
    ]);
    expect(tasks.decided).toEqual([
      {
        outcome: {
          kind: "failed",
          action: "drop",
          schema: "analytics_prod",
          name: hostile.kind === "drop" ? hostile.name : "",
          error: expect.stringMatching(/contains a double quote.* Nothing was submitted for it\.$/),
        },
      },
    ]);
  });
});

describe("viewOutcome", () => {
  const task = { schema: "analytics_prod", name: "users", cascaded: [bound] };
  const at = new Date("2026-12-01T10:00:00.000Z");
  const ends: [string, TaskEnd, object][] = [
    [
      "finished: applied, with what --cascade dropped",
      { kind: "finished", id: "s1", submittedAt: at, durationMs: 12, hasResultSet: false, resultRows: -1 },
      { kind: "applied", durationMs: 12, statementId: "s1", cascaded: [bound] },
    ],
    [
      "failed: the server's message and the SQL that failed",
      { kind: "failed", id: "s2", submittedAt: at, error: "ERROR: boom", failedSql: "CREATE …" },
      { kind: "failed", error: "ERROR: boom", sql: "CREATE …", statementId: "s2" },
    ],
    [
      "aborted on the warehouse: failed",
      { kind: "aborted", id: "s3", submittedAt: at },
      { kind: "failed", error: "The statement was aborted.", statementId: "s3" },
    ],
    [
      "lost from sight after submission: unknown",
      { kind: "thrown", error: "socket hang up", submitted: true, id: "s4" },
      { kind: "unknown", reason: "socket hang up", statementId: "s4" },
    ],
    [
      "refused before submission: failed, no statement",
      { kind: "thrown", error: "[E_STATEMENT_TOO_LARGE] too big", submitted: false },
      { kind: "failed", error: "[E_STATEMENT_TOO_LARGE] too big" },
    ],
  ];
  it.each(ends)("%s", (_name, end, expected) => {
    expect(viewOutcome("update", task, end)).toEqual({
      action: "update",
      schema: "analytics_prod",
      name: "users",
      ...expected,
    });
  });
});
