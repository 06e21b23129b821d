import { beforeAll, describe, expect, it } from "vitest";
import type { Marker } from "../../src/bookkeeping/marker.js";
import { parseMarker } from "../../src/bookkeeping/marker.js";
import { TIERS } from "../../src/classification/levels.js";
import { type DesiredView, desiredViews, rebuildStatements } from "../../src/desired/desired-views.js";
import { formatPlanMarkdown, formatPlanTable } from "../../src/plan/format-plan.js";
import {
  countPlan,
  hasChanges,
  PLAN_KINDS,
  type ProvisionPlan,
  planProvision,
  withDependents,
} from "../../src/plan/plan.js";
import { planToJson } from "../../src/plan/plan-json.js";
import type { ApplyResult } from "../../src/provision/apply.js";
import { renderStatement } from "../../src/sql/render.js";
import type { CatalogView } from "../../src/state/catalog.js";
import { catalogQuery } from "../../src/state/catalog.js";
import { buildFromText, schema } from "../helpers/index.js";
import { checkJson, type JsonSchema, readSchema } from "./json-schema-check.js";

const SCHEMA = schema(`
/// @exportToAnalytics
model User {
  id      Int    @id
  /// @classification restricted
  email   String
  /// @classification public
  country String
  @@map("users")
}

/// @exportToAnalytics
model Post {
  id    Int    @id
  /// @classification public
  title String
  @@map("posts")
}
`);

const MANAGED = ["analytics_dev", "analytics_dev_pii"];
const PROJECT = "app";
const OTHER_HASH = "0".repeat(64);
const DROPPED_HASH = "1".repeat(64);
const plain = { green: String, yellow: String, red: String, dim: String, bold: String };

/** The formatters take the plan's JSON form, as the CLI prints it. */
const table = (plan: ProvisionPlan, target: string, verbose = false, cascade = false) =>
  formatPlanTable(planToJson(plan, target, cascade), plain, verbose);
const markdown = (plan: ProvisionPlan, target: string, cascade = false) =>
  formatPlanMarkdown(planToJson(plan, target, cascade));

let desired: DesiredView[];
let planSchema: JsonSchema;

beforeAll(async () => {
  const built = await buildFromText(SCHEMA);
  desired = desiredViews(
    built.specs,
    "dev",
    { nonPii: [{ kind: "group", name: "analysts" }], pii: [{ kind: "role", name: "pii_readers" }] },
    PROJECT,
  );
  planSchema = await readSchema("provision-plan.schema.json");
});

function view(schemaName: string, name: string): DesiredView {
  const found = desired.find((candidate) => candidate.schema === schemaName && candidate.name === name);
  if (found === undefined) throw new Error(`no desired view ${schemaName}.${name}`);
  return found;
}

/** A relation as the catalog read finds it, owned by the session's user. */
function relation(schemaName: string, name: string, marker?: Marker): CatalogView {
  return { schema: schemaName, name, owner: "awsuser", marker };
}

/** What an apply of `item` leaves on the view: this project's marker with the current comments. */
function applied(item: DesiredView): CatalogView {
  return relation(item.schema, item.name, { hash: item.hash, project: PROJECT, comments: item.commentsHash });
}

/** One view of every kind: posts unchanged, users changed, pii.posts new, pii.users taken, two strays. */
function mixedCatalog(): CatalogView[] {
  return [
    relation("analytics_dev", "hand_made"),
    relation("analytics_dev", "old_table", { hash: DROPPED_HASH, project: PROJECT }),
    applied(view("analytics_dev", "posts")),
    relation("analytics_dev", "users", { hash: OTHER_HASH, project: PROJECT }),
    relation("analytics_dev_pii", "users"),
  ];
}

describe("desiredViews", () => {
  it("renders each view for the environment, with grants in its hash and rebuild transaction", () => {
    expect(desired.map((item) => `${item.schema}.${item.name} ${item.tier}`)).toEqual([
      "analytics_dev.posts non_pii",
      "analytics_dev_pii.posts pii",
      "analytics_dev.users non_pii",
      "analytics_dev_pii.users pii",
    ]);
    const users = view("analytics_dev", "users");
    expect(
      rebuildStatements(users, { cascade: false }).map((batch) => batch.map(renderStatement)),
    ).toMatchInlineSnapshot(`
      [
        [
          "DROP MATERIALIZED VIEW IF EXISTS "analytics_dev"."users";",
          "CREATE MATERIALIZED VIEW "analytics_dev"."users"
        BACKUP NO
        DISTSTYLE KEY DISTKEY ("id")
        AUTO REFRESH NO
      AS SELECT
        "id",
        "country"
      FROM "dev_app_zeroetl"."app"."users";",
          "COMMENT ON COLUMN "analytics_dev"."users"."id" IS 'prisma-redshift-views sha256=7eef8b61a2ba0d8d5873cf19aa2e0eff05eb13f5a68865733be15a6391331ba1 project=app comments=f8b4a1f33c0dcdf3 | [public]';",
          "COMMENT ON COLUMN "analytics_dev"."users"."country" IS '[public]';",
          "GRANT SELECT ON "analytics_dev"."users" TO GROUP "analysts";",
        ],
      ]
    `);
    expect(parseMarker(`prisma-redshift-views sha256=${users.hash} project=app`)).toEqual({
      hash: users.hash,
      project: "app",
    });
  });

  it("changes the hash when only the grants change, so a rebuild re-applies them", async () => {
    const built = await buildFromText(SCHEMA);
    const ungranted = desiredViews(built.specs, "dev", { nonPii: [], pii: [] }, PROJECT);
    const granted = desiredViews(
      built.specs,
      "dev",
      { nonPii: [{ kind: "user", name: "bob" }], pii: [] },
      PROJECT,
    );
    const hash = (views: DesiredView[], key: string) =>
      views.find((item) => `${item.schema}.${item.name}` === key)?.hash;
    expect(hash(granted, "analytics_dev.users")).not.toBe(hash(ungranted, "analytics_dev.users"));
    expect(hash(granted, "analytics_dev_pii.users")).toBe(hash(ungranted, "analytics_dev_pii.users"));
    expect(hash(ungranted, "analytics_dev.users")).toMatch(/^[0-9a-f]{64}$/);
  });
});

describe("planProvision", () => {
  it("classifies add, update, unchanged, conflict, drop and unmanaged, sorted by schema and view", () => {
    const plan = planProvision("dev", PROJECT, desired, mixedCatalog(), [...MANAGED].reverse());
    expect(plan.schemas).toEqual(MANAGED);
    expect(
      plan.items.map((item) =>
        "view" in item
          ? `${item.kind} ${item.view.schema}.${item.view.name}`
          : `${item.kind} ${item.schema}.${item.name}`,
      ),
    ).toEqual([
      "unmanaged analytics_dev.hand_made",
      "drop analytics_dev.old_table",
      "unchanged analytics_dev.posts",
      "update analytics_dev.users",
      "add analytics_dev_pii.posts",
      "conflict analytics_dev_pii.users",
    ]);
    expect(plan.items.find((item) => item.kind === "update")).toMatchObject({ storedHash: OTHER_HASH });
    expect(plan.items.find((item) => item.kind === "drop")).toMatchObject({ storedHash: DROPPED_HASH });
    expect(countPlan(plan)).toEqual({
      add: 1,
      update: 1,
      comment: 0,
      drop: 1,
      conflict: 1,
      unchanged: 1,
      unmanaged: 1,
      foreign: 0,
    });
    expect(hasChanges(plan)).toBe(true);
  });

  it("plans every view as add on an empty warehouse and nothing once the hashes match", () => {
    expect(countPlan(planProvision("dev", PROJECT, desired, [], MANAGED))).toMatchObject({
      add: 4,
      unchanged: 0,
    });
    const everything = desired.map(applied);
    const plan = planProvision("dev", PROJECT, desired, everything, MANAGED);
    expect(countPlan(plan)).toMatchObject({ add: 0, update: 0, drop: 0, unchanged: 4 });
    expect(hasChanges(plan)).toBe(false);
    // Strays without our marker never make a plan "changed".
    const stray = planProvision(
      "dev",
      PROJECT,
      desired,
      [...everything, relation("analytics_dev", "x")],
      MANAGED,
    );
    expect(hasChanges(stray)).toBe(false);
  });

  it("keeps to its own project: another project's views are foreign or conflicts, never dropped", () => {
    const posts = view("analytics_dev", "posts");
    const plan = planProvision(
      "dev",
      PROJECT,
      desired,
      [
        // Same hash, other comments: the data dictionary changed, no rebuild.
        relation(posts.schema, posts.name, { hash: posts.hash, project: PROJECT, comments: "0".repeat(16) }),
        // An earlier version's marker (no project) with the same hash: adopted by commenting.
        relation("analytics_dev", "users", { hash: view("analytics_dev", "users").hash }),
        // Another project's view under the name of one of ours.
        relation("analytics_dev_pii", "users", { hash: OTHER_HASH, project: "billing" }),
        // Another project's view without a template here, and an earlier version's one.
        relation("analytics_dev", "invoices", { hash: OTHER_HASH, project: "billing" }),
        relation("analytics_dev", "legacy", { hash: DROPPED_HASH }),
      ],
      MANAGED,
    );
    expect(
      plan.items.map((item) =>
        "view" in item
          ? `${item.kind} ${item.view.schema}.${item.view.name}${"reason" in item ? ` ${item.reason}` : ""}${"project" in item ? ` ${item.project}` : ""}`
          : `${item.kind} ${item.schema}.${item.name}${"project" in item ? ` ${item.project}` : ""}${"legacy" in item ? " legacy" : ""}`,
      ),
    ).toEqual([
      "foreign analytics_dev.invoices billing",
      "unmanaged analytics_dev.legacy legacy",
      "comment analytics_dev.posts comments",
      "comment analytics_dev.users adopt",
      "add analytics_dev_pii.posts",
      "conflict analytics_dev_pii.users billing",
    ]);
    expect(countPlan(plan)).toMatchObject({ drop: 0, foreign: 1, comment: 2 });
    expect(checkJson(planSchema, planToJson(plan, "local"))).toEqual([]);
  });

  it("drops every managed view when no model is exported, and reads all hashes in one query", () => {
    const plan = planProvision("dev", PROJECT, [], desired.map(applied), MANAGED);
    expect(countPlan(plan)).toMatchObject({ drop: 4 });
    expect(table(plan, "local")).toContain("4 to drop");
    expect(catalogQuery(["analytics_dev", "o'brien"])).toMatchInlineSnapshot(`
      "SELECT s.session_user_name, s.session_superuser, r.schema_name, r.relation_name, r.owner_name, r.remarks
      FROM (SELECT usename::varchar AS session_user_name, usesuper AS session_superuser FROM pg_user WHERE usename = current_user) s
      LEFT JOIN (
        SELECT n.nspname::varchar AS schema_name, c.relname::varchar AS relation_name, u.usename::varchar AS owner_name,
          col_description(c.oid, 1)::varchar AS remarks
        FROM pg_class c
        JOIN pg_namespace n ON n.oid = c.relnamespace
        LEFT JOIN pg_user u ON u.usesysid = c.relowner
        WHERE n.nspname IN ('analytics_dev', 'o''brien')
          AND c.relkind IN ('r', 'v', 'm')
          AND c.relname NOT LIKE 'mv_tbl%'
      ) r ON 1 = 1
      ORDER BY r.schema_name, r.relation_name;"
    `);
  });
});

describe("plan output", () => {
  it("formats a table grouped by action with counts; unchanged views only counted unless verbose", () => {
    const plan = planProvision("dev", PROJECT, desired, mixedCatalog(), MANAGED);
    expect(table(plan, "local emulator")).toMatchInlineSnapshot(`
      "Plan for dev (local emulator)

        Add (1)
          + analytics_dev_pii.posts  PII      model Post  grants ROLE "pii_readers"
        Update (DROP + CREATE: recomputed from scratch) (1)
          ~ analytics_dev.users      non-PII  model User  grants GROUP "analysts"
        Drop (no template any more) (1)
          - analytics_dev.old_table
        Conflict (name taken by a relation this project did not create: left alone) (1)
          ! analytics_dev_pii.users  PII      model User  grants ROLE "pii_readers"
        Not managed, left alone (1)
          · analytics_dev.hand_made
        Unchanged (1)

      1 to add, 1 to update, 1 to drop, 1 unchanged, 1 in conflict, 1 not managed."
    `);
    expect(table(plan, "local emulator", true)).toContain(
      "  Unchanged (1)\n    = analytics_dev.posts      non-PII  model Post",
    );
    expect(table(planProvision("dev", PROJECT, [], [], MANAGED), "local")).toContain(
      "No views: no model is marked /// @exportToAnalytics.",
    );
  });

  it("formats Markdown for a pull request", () => {
    const plan = planProvision("dev", PROJECT, desired, mixedCatalog(), MANAGED);
    expect(markdown(plan, "cluster analytics-prod (eu-west-1)")).toMatchInlineSnapshot(`
      "### Redshift views: plan for \`dev\`

      Target: cluster analytics-prod (eu-west-1)

      | action | view | tier | model | grants | dependents |
      |---|---|---|---|---|---|
      | unmanaged | \`analytics_dev.hand_made\` |  |  |  |  |
      | drop | \`analytics_dev.old_table\` |  |  |  |  |
      | update | \`analytics_dev.users\` | non-PII | User | \`GROUP "analysts"\` |  |
      | add | \`analytics_dev_pii.posts\` | PII | Post | \`ROLE "pii_readers"\` |  |
      | conflict | \`analytics_dev_pii.users\` | PII | User | \`ROLE "pii_readers"\` |  |

      **1 to add, 1 to update, 1 to drop, 1 unchanged, 1 in conflict, 1 not managed.** Updated views are dropped and recreated, each in one transaction that recomputes them from the whole source: readers wait while it runs."
    `);
    const unchanged = planProvision("dev", PROJECT, desired, desired.map(applied), MANAGED);
    expect(markdown(unchanged, "local")).toContain("Nothing to change.");
  });
});

describe("the --json plan and its documented schema", () => {
  it("validates every kind of item against docs/schemas/provision-plan.schema.json", () => {
    const json = planToJson(
      planProvision("dev", PROJECT, desired, mixedCatalog(), MANAGED),
      "local emulator",
    );
    expect(checkJson(planSchema, json)).toEqual([]);
    expect(json.summary).toEqual({
      add: 1,
      update: 1,
      comment: 0,
      drop: 1,
      conflict: 1,
      unchanged: 1,
      unmanaged: 1,
      foreign: 0,
    });
    expect(json.views.find((item) => item.action === "update")).toEqual({
      action: "update",
      schema: "analytics_dev",
      view: "users",
      tier: "non_pii",
      model: "User",
      template: "users.sql.ejs",
      hash: view("analytics_dev", "users").hash,
      storedHash: OTHER_HASH,
      grants: ['GRANT SELECT ON "analytics_dev"."users" TO GROUP "analysts";'],
      grantees: ['GROUP "analysts"'],
    });
    // JSON.stringify/parse round trip, as a consumer reads it.
    expect(checkJson(planSchema, JSON.parse(JSON.stringify(json)))).toEqual([]);
  });

  it("validates the dependents of updated and dropped views, with and without --cascade", () => {
    const plan = withDependents(
      planProvision("dev", PROJECT, desired, mixedCatalog(), MANAGED),
      new Map([
        [
          "analytics_dev.users",
          [
            { schema: "reports", name: "active_users", kind: "view" as const },
            { schema: "reports", name: "late", kind: "late_binding_view" as const },
          ],
        ],
      ]),
    );
    for (const cascade of [false, true]) {
      const json = planToJson(plan, "local", cascade);
      expect(checkJson(planSchema, json)).toEqual([]);
      expect(json.cascade).toBe(cascade);
      expect(
        json.views.find((item) => item.view === "users" && item.action === "update")?.dependents,
      ).toEqual([
        {
          schema: "reports",
          view: "active_users",
          kind: "view",
          effect: cascade ? "dropped_with_it" : "blocks",
        },
        { schema: "reports", view: "late", kind: "late_binding_view", effect: "unaffected" },
      ]);
    }
  });

  it("also validates the plan printed with its apply result", () => {
    const json = planToJson(planProvision("dev", PROJECT, desired, [], MANAGED), "local");
    const result = {
      environment: "dev",
      interrupted: false,
      outcomes: [
        {
          kind: "applied",
          action: "add",
          schema: "analytics_dev",
          name: "posts",
          durationMs: 12.5,
          statementId: "d9b6c0c9-0747-4bf4-b142-e8883122f766",
        },
        {
          kind: "failed",
          action: "add",
          schema: "analytics_dev",
          name: "users",
          error: "ERROR: boom",
          sql: "CREATE MATERIALIZED VIEW …",
          statementId: "5b2f0c9a-0747-4bf4-b142-e8883122f766",
        },
        { kind: "unknown", action: "drop", schema: "analytics_dev", name: "old", reason: "interrupted" },
      ],
      history: { kind: "recorded", operations: 3 },
    } satisfies ApplyResult;
    expect(checkJson(planSchema, JSON.parse(JSON.stringify({ ...json, result })))).toEqual([]);
    const unrecorded = {
      ...result,
      history: { kind: "failed", operations: 3, recorded: 0, error: "denied" },
    };
    expect(checkJson(planSchema, { ...json, result: unrecorded })).toEqual([]);
  });

  it("rejects what the schema forbids, so the check has teeth", () => {
    const json = planToJson(planProvision("dev", PROJECT, desired, mixedCatalog(), MANAGED), "local");
    const broken = {
      ...json,
      version: 2,
      extra: true,
      summary: { ...json.summary, add: -1 },
      views: [
        { action: "rename", schema: "a", view: "b" },
        {
          action: "update",
          schema: "a",
          view: "b",
          tier: "secret",
          model: "M",
          template: "t",
          hash: "x",
          grants: [],
        },
        { action: "drop", schema: "a" },
      ],
    };
    expect(checkJson(planSchema, broken)).toEqual([
      "(root): must NOT have additional properties (extra)",
      "/version: must be equal to constant",
      "/summary/add: must be >= 0",
      "/views/0/action: must be equal to one of the allowed values",
      "/views/1: must have required property 'storedHash'",
      '/views/1: must match "then" schema',
      "/views/1/tier: must be equal to one of the allowed values",
      '/views/1/hash: must match pattern "^[0-9a-f]{64}$"',
      "/views/2: must have required property 'storedHash'",
      '/views/2: must match "then" schema',
      "/views/2: must have required property 'view'",
    ]);
  });

  it("lists exactly the plan kinds and tiers the code has", () => {
    const defs = planSchema.$defs as Record<string, JsonSchema>;
    expect(defs.action?.enum).toEqual([...PLAN_KINDS]);
    const summary = (planSchema.properties as Record<string, JsonSchema>).summary;
    expect(new Set(summary?.required as string[])).toEqual(new Set(PLAN_KINDS));
    const planView = defs.planView?.properties as Record<string, JsonSchema>;
    expect(planView.tier?.enum).toEqual([...TIERS]);
  });
});
