import { describe, expect, it } from "vitest";
import type { Level } from "../../src/classification/levels.js";
import { buildViewSpecs, templateFileName } from "../../src/views/build-view-specs.js";
import type { ExportedTable } from "../../src/views/view-spec.js";
import { VIEW_OPTIONS } from "../helpers/index.js";

function table(name: string, primaryKey: string[], columns: Record<string, Level>): ExportedTable {
  return {
    model: name,
    table: name,
    source: { database: "db", schema: "app" },
    view: name,
    sourceFile: "prisma/schema.prisma",
    primaryKey,
    columns: Object.entries(columns).map(([column, level]) => ({
      field: column,
      column,
      type: "String",
      classification: { level, source: "annotated" },
    })),
  };
}

describe("buildViewSpecs", () => {
  it("projects levels per tier, in schema order, with each tier's view schema", () => {
    const specs = buildViewSpecs(
      [table("t", ["id"], { id: "public", a: "restricted", b: "confidential", c: "highly_restricted" })],
      VIEW_OPTIONS,
    );
    expect(specs.map((spec) => [spec.fileName, spec.viewSchema, spec.columns, spec.distKey])).toEqual([
      ["t.sql.ejs", "analytics_<%= environment %>", ["id", "b"], "id"],
      ["t_pii.sql.ejs", "analytics_<%= environment %>_pii", ["id", "a", "b"], "id"],
    ]);
  });

  it("uses DISTSTYLE AUTO (distKey null) in a tier that does not show the leading key column", () => {
    const specs = buildViewSpecs(
      [
        table("a", ["k1", "k2"], { k2: "public", k1: "restricted", x: "public" }),
        table("b", ["id"], { id: "highly_restricted", x: "public" }),
      ],
      VIEW_OPTIONS,
    );
    expect(specs.map((spec) => [spec.fileName, spec.distKey])).toEqual([
      ["a.sql.ejs", null],
      ["a_pii.sql.ejs", "k1"],
      ["b.sql.ejs", null],
      ["b_pii.sql.ejs", null],
    ]);
  });

  it("skips tiers without columns and sorts by file name", () => {
    const specs = buildViewSpecs(
      [
        table("users", ["id"], { id: "public" }),
        table("user_profiles", ["id"], { id: "restricted" }),
        table("secrets", ["id"], { id: "highly_restricted" }),
      ],
      VIEW_OPTIONS,
    );
    expect(specs.map((spec) => spec.fileName)).toEqual([
      "user_profiles_pii.sql.ejs",
      "users.sql.ejs",
      "users_pii.sql.ejs",
    ]);
  });

  it("names files <table>.sql.ejs and <table>_pii.sql.ejs", () => {
    expect(templateFileName("orders", "non_pii")).toBe("orders.sql.ejs");
    expect(templateFileName("orders", "pii")).toBe("orders_pii.sql.ejs");
  });
});
