import path from "node:path";
import { describe, expect, it } from "vitest";
import { prepareViews } from "../../src/generate/generate.js";
import { desiredDataFilter } from "../../src/integration/desired-filter.js";
import { planDataFilter } from "../../src/integration/plan-data-filter.js";
import { projectTables } from "../../src/integration/project-tables.js";
import { REPO_ROOT } from "../helpers/index.js";
import { codeOf } from "./errors.js";

const MULTI_SCHEMA = path.join(REPO_ROOT, "test/fixtures/multi-schema/schema.prisma");

describe("projectTables", () => {
  it("names MySQL tables database.table, the database being the replicated schema in that environment", async () => {
    const prepared = await prepareViews({ cwd: REPO_ROOT });
    const tables = projectTables({ prepared, environment: "staging" });
    expect(tables.engine).toBe("mysql");
    expect(tables.exported).toContainEqual(["dashboard_staging", "users"]);
    expect(tables.exported.every((reference) => reference.length === 2)).toBe(true);
    // Declared: every model's table, exported or not.
    expect(tables.declared.length).toBe(prepared.schema.datamodel.models.length);
    expect(tables.declared.length).toBeGreaterThan(tables.exported.length);
  });

  it("names PostgreSQL tables database.schema.table, each in the schema its model names", async () => {
    const prepared = await prepareViews({ cwd: REPO_ROOT, schemaPath: MULTI_SCHEMA });
    const tables = projectTables({ prepared, environment: "production", sourceDatabase: "shop" });
    expect(tables.exported).toEqual([
      ["shop", "public", "users"],
      ["shop", "auth", "users"],
      ["shop", "billing", "invoices"],
    ]);
    expect(tables.declared).toContainEqual(["shop", "auth", "sessions"]);
    expect(codeOf(() => projectTables({ prepared, environment: "production" }))).toBe("E_DATA_FILTER_SOURCE");
  });
});

describe("desiredDataFilter", () => {
  it("is what the plan writes onto an integration without a filter: one rule definition for both", async () => {
    const prepared = await prepareViews({ cwd: REPO_ROOT, schemaPath: MULTI_SCHEMA });
    const tables = projectTables({ prepared, environment: "production", sourceDatabase: "shop" });
    const printed = desiredDataFilter(tables.exported);
    expect(printed).toBe(
      "include: shop.auth.users, include: shop.billing.invoices, include: shop.public.users",
    );
    expect(planDataFilter({ current: "", exported: tables.exported, declared: tables.declared }).next).toBe(
      printed,
    );
  });

  it("refuses names it cannot write exactly, and more tables than zero-ETL's 99 patterns", () => {
    expect(codeOf(() => desiredDataFilter([["app", "order-items"]]))).toBe("E_DATA_FILTER_NAME");
    const many = Array.from({ length: 100 }, (_, index) => ["app", `t${index}`]);
    expect(codeOf(() => desiredDataFilter(many))).toBe("E_DATA_FILTER_LIMIT");
    expect(codeOf(() => desiredDataFilter(many.slice(1)))).toBe("none");
  });
});
