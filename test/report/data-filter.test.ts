import { describe, expect, it } from "vitest";
import { RedshiftViewsError } from "../../src/errors.js";
import { dataFilter, MAX_FILTER_PATTERNS, MAX_PATTERN_LENGTH } from "../../src/report/data-filter.js";

describe("dataFilter", () => {
  it("lists database.table for MySQL sources, sorted and without duplicates", () => {
    expect(
      dataFilter({
        provider: "mysql",
        tables: ["users", "courses", "users"].map((table) => ({ schema: "dashboard_production", table })),
      }),
    ).toBe("include: dashboard_production.courses, dashboard_production.users");
  });

  it("lists database.schema.table for PostgreSQL sources, each table with its own schema", () => {
    expect(
      dataFilter({
        provider: "postgresql",
        database: "shop",
        tables: [{ schema: "public", table: "orders" }],
      }),
    ).toBe("include: shop.public.orders");
    expect(
      dataFilter({
        provider: "postgresql",
        database: "shop",
        tables: [
          { schema: "public", table: "users" },
          { schema: "auth", table: "users" },
          { schema: "billing", table: "invoices" },
          { schema: "auth", table: "sessions" },
        ],
      }),
    ).toBe("include: shop.auth.sessions, shop.auth.users, shop.billing.invoices, shop.public.users");
  });

  it("writes names Maxwell would misread as anchored regular expressions", () => {
    expect(dataFilter({ provider: "mysql", tables: [{ schema: "app", table: "order-items" }] })).toBe(
      "include: app./^order-items$/",
    );
  });

  it("folds more than 99 tables into regular-expression patterns within the limits", () => {
    const tables = Array.from({ length: 500 }, (_, index) => `table_${index}`);
    const filter = dataFilter({
      provider: "mysql",
      tables: tables.map((table) => ({ schema: "app", table })),
    });
    const patterns = filter.replace(/^include: /, "").split(", ");
    expect(patterns.length).toBeLessThanOrEqual(MAX_FILTER_PATTERNS);
    expect(Math.max(...patterns.map((pattern) => pattern.length))).toBeLessThanOrEqual(MAX_PATTERN_LENGTH);
    // Every table is matched by exactly one pattern, and nothing else is.
    const regexes = patterns.map((pattern) => new RegExp(pattern.replace(/^app\.\/(.*)\/$/, "$1")));
    for (const table of tables) expect(regexes.filter((regex) => regex.test(table))).toHaveLength(1);
    expect(regexes.some((regex) => regex.test("table_5000"))).toBe(false);
  });

  it("folds each schema's tables into patterns of their own", () => {
    const tables = Array.from({ length: 120 }, (_, index) => ({
      schema: index % 2 === 0 ? "auth" : "billing",
      table: `t_${index}`,
    }));
    const patterns = dataFilter({ provider: "postgresql", database: "shop", tables })
      .replace(/^include: /, "")
      .split(", ");
    expect(patterns.length).toBeLessThanOrEqual(MAX_FILTER_PATTERNS);
    for (const { schema, table } of tables) {
      const matching = patterns.filter((pattern) => {
        const [, prefix, regex] = /^(shop\.\w+\.)\/(.*)\/$/.exec(pattern) ?? [];
        return prefix === `shop.${schema}.` && new RegExp(regex ?? "$^").test(table);
      });
      expect(matching, `${schema}.${table}`).toHaveLength(1);
    }
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
    const tables = [{ schema: "s", table: "t" }];
    expect(code(() => dataFilter({ provider: "sqlite", tables }))).toBe("E_DATA_FILTER_PROVIDER");
    expect(code(() => dataFilter({ provider: "postgresql", tables }))).toBe("E_DATA_FILTER_SOURCE");
    expect(code(() => dataFilter({ provider: "postgresql", tables: [] }))).toBe("E_DATA_FILTER_SOURCE");
  });
});
