import { describe, expect, it } from "vitest";
import { RedshiftViewsError } from "../../src/errors.js";
import { dataFilter, MAX_FILTER_PATTERNS, MAX_PATTERN_LENGTH } from "../../src/report/data-filter.js";

describe("dataFilter", () => {
  it("lists database.table for MySQL sources, sorted and without duplicates", () => {
    expect(
      dataFilter({
        provider: "mysql",
        database: "dashboard_production",
        tables: ["users", "courses", "users"],
      }),
    ).toBe("include: dashboard_production.courses, dashboard_production.users");
  });

  it("lists database.schema.table for PostgreSQL sources", () => {
    expect(
      dataFilter({ provider: "postgresql", database: "shop", schema: "public", tables: ["orders"] }),
    ).toBe("include: shop.public.orders");
  });

  it("writes names Maxwell would misread as anchored regular expressions", () => {
    expect(dataFilter({ provider: "mysql", database: "app", tables: ["order-items"] })).toBe(
      "include: app./^order-items$/",
    );
  });

  it("folds more than 99 tables into regular-expression patterns within the limits", () => {
    const tables = Array.from({ length: 500 }, (_, index) => `table_${index}`);
    const filter = dataFilter({ provider: "mysql", database: "app", tables });
    const patterns = filter.replace(/^include: /, "").split(", ");
    expect(patterns.length).toBeLessThanOrEqual(MAX_FILTER_PATTERNS);
    expect(Math.max(...patterns.map((pattern) => pattern.length))).toBeLessThanOrEqual(MAX_PATTERN_LENGTH);
    // Every table is matched by exactly one pattern, and nothing else is.
    const regexes = patterns.map((pattern) => new RegExp(pattern.replace(/^app\.\/(.*)\/$/, "$1")));
    for (const table of tables) expect(regexes.filter((regex) => regex.test(table))).toHaveLength(1);
    expect(regexes.some((regex) => regex.test("table_5000"))).toBe(false);
  });

  it("refuses sources zero-ETL cannot filter, and PostgreSQL without a database name", () => {
    const code = (run: () => unknown) => {
      try {
        run();
      } catch (error) {
        return error instanceof RedshiftViewsError ? error.code : "other";
      }
      return "none";
    };
    expect(code(() => dataFilter({ provider: "sqlite", database: "x", tables: ["t"] }))).toBe(
      "E_DATA_FILTER_PROVIDER",
    );
    expect(code(() => dataFilter({ provider: "postgresql", database: "", tables: ["t"] }))).toBe(
      "E_DATA_FILTER_SOURCE",
    );
  });
});
