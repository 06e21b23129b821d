import { describe, expect, it } from "vitest";
import { renderDataFilter } from "../../src/integration/filter-rule.js";
import { parseDataFilter } from "../../src/integration/parse-data-filter.js";
import { codeOf } from "./errors.js";

describe("parseDataFilter", () => {
  it("reads typed database.table patterns in order", () => {
    expect(parseDataFilter("include: shop.users, exclude: shop.audit_log")).toEqual([
      {
        kind: "include",
        parts: [
          { kind: "name", name: "shop" },
          { kind: "name", name: "users" },
        ],
        pattern: "shop.users",
      },
      {
        kind: "exclude",
        parts: [
          { kind: "name", name: "shop" },
          { kind: "name", name: "audit_log" },
        ],
        pattern: "shop.audit_log",
      },
    ]);
  });

  it("reads wildcards, three-part PostgreSQL patterns and case-insensitive keywords without spaces", () => {
    const rules = parseDataFilter("INCLUDE:books.*.*,Exclude:books./sci.*/.*");
    expect(rules.map((rule) => [rule.kind, rule.parts.map((part) => part.kind), rule.pattern])).toEqual([
      ["include", ["name", "any", "any"], "books.*.*"],
      ["exclude", ["name", "regex", "any"], "books./sci.*/.*"],
    ]);
  });

  it("keeps commas, dots and escaped slashes inside a regular expression", () => {
    const [rule, next] = parseDataFilter(String.raw`include: db./table_\d{1,3}\.v\/2/, include: db.t`);
    expect(rule?.parts[1]).toEqual({ kind: "regex", source: String.raw`table_\d{1,3}\.v\/2` });
    expect(rule?.pattern).toBe(String.raw`db./table_\d{1,3}\.v\/2/`);
    expect(next?.pattern).toBe("db.t");
  });

  it("reads quoted names as names", () => {
    const rules = parseDataFilter("include: app.\"order-items\", include: `app`.'x y'");
    expect(rules.map((rule) => rule.parts)).toEqual([
      [
        { kind: "name", name: "app" },
        { kind: "name", name: "order-items" },
      ],
      [
        { kind: "name", name: "app" },
        { kind: "name", name: "x y" },
      ],
    ]);
    expect(rules[0]?.pattern).toBe('app."order-items"');
  });

  it("reads the console's grouped form: a pattern without a type takes the previous one", () => {
    const grouped = "include: app.posts, app.users";
    expect(renderDataFilter(parseDataFilter(grouped))).toBe("include: app.posts, include: app.users");
    expect(parseDataFilter("include: a.b, exclude: a.c, a.d").map((rule) => rule.kind)).toEqual([
      "include",
      "exclude",
      "exclude",
    ]);
  });

  it("renders back to the API form it read", () => {
    const filter = String.raw`include: foodb.*, exclude: foodb.tbl, exclude: foodb./table_\d+/`;
    expect(renderDataFilter(parseDataFilter(filter))).toBe(filter);
  });

  it("reads no filter as no rules", () => {
    expect(parseDataFilter("")).toEqual([]);
    expect(parseDataFilter("  ")).toEqual([]);
  });

  it("refuses what zero-ETL does not support, saying where", () => {
    for (const filter of [
      "blacklist: db.t",
      "db.t",
      "include: db",
      "include: a.b.c.d",
      "include: db.t.column=1",
      "include: db./unterminated",
      'include: db."unterminated',
      "include: db.t exclude: db.u",
      "include: db.-t",
    ]) {
      expect([filter, codeOf(() => parseDataFilter(filter))]).toEqual([filter, "E_DATA_FILTER_PARSE"]);
    }
    expect(() => parseDataFilter("blacklist: db.t")).toThrow(
      /character 1.*"blacklist:" is not a zero-ETL filter type/,
    );
  });
});
