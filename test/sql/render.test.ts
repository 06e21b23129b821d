import { describe, expect, it } from "vitest";
import { isLiteralSafe, quoteIdentifier, quoteLiteral } from "../../src/sql/quote.js";
import { renderPrincipal, renderStatement } from "../../src/sql/render.js";
import type { Statement } from "../../src/sql/statement.js";
import { fragment, ident, literal, literals, sql } from "../../src/sql/template.js";

// Statements are data; `renderStatement` is the one place they become SQL. Its output for grants and
// DDL is part of every view's hash, so these snapshots must only change on purpose.

const users = { schema: "analytics_prod", name: "users" };

describe("renderStatement", () => {
  it("renders every kind of statement, every name double-quoted", () => {
    const statements: Statement[] = [
      { kind: "create_schema", schema: "analytics_prod" },
      {
        kind: "create_materialized_view",
        ddl: 'CREATE MATERIALIZED VIEW "analytics_prod"."users" AS SELECT 1;',
      },
      { kind: "drop_materialized_view", view: users, cascade: false },
      { kind: "drop_materialized_view", view: users, cascade: true },
      { kind: "comment_on_column", relation: users, column: "id", text: "it's ours" },
      { kind: "grant_select", relation: users, to: { kind: "group", name: "analysts" } },
      { kind: "grant_select", relation: users, to: { kind: "role", name: "pii_readers" } },
      { kind: "grant_select", relation: users, to: { kind: "user", name: "bob" } },
      { kind: "refresh_materialized_view", view: users },
    ];
    expect(statements.map(renderStatement)).toMatchInlineSnapshot(`
      [
        "CREATE SCHEMA IF NOT EXISTS "analytics_prod";",
        "CREATE MATERIALIZED VIEW "analytics_prod"."users" AS SELECT 1;",
        "DROP MATERIALIZED VIEW IF EXISTS "analytics_prod"."users";",
        "DROP MATERIALIZED VIEW IF EXISTS "analytics_prod"."users" CASCADE;",
        "COMMENT ON COLUMN "analytics_prod"."users"."id" IS 'it''s ours';",
        "GRANT SELECT ON "analytics_prod"."users" TO GROUP "analysts";",
        "GRANT SELECT ON "analytics_prod"."users" TO ROLE "pii_readers";",
        "GRANT SELECT ON "analytics_prod"."users" TO "bob";",
        "REFRESH MATERIALIZED VIEW "analytics_prod"."users";",
      ]
    `);
    expect(renderPrincipal({ kind: "group", name: "analysts" })).toBe('GROUP "analysts"');
  });

  it("refuses a name that cannot be quoted without escaping, instead of escaping it", () => {
    const hostile = { schema: "analytics_prod", name: 'x"; DROP TABLE "app"."users"; --' };
    expect(() => renderStatement({ kind: "refresh_materialized_view", view: hostile })).toThrow(
      expect.objectContaining({ code: "E_IDENTIFIER_UNSAFE" }),
    );
    expect(() => renderStatement({ kind: "create_schema", schema: "" })).toThrow(
      expect.objectContaining({ code: "E_IDENTIFIER_UNSAFE" }),
    );
    expect(() => quoteIdentifier("a\nb")).toThrow(expect.objectContaining({ code: "E_IDENTIFIER_UNSAFE" }));
  });
});

describe("literals", () => {
  it("double quotes, and refuses backslashes and control characters (Redshift and Postgres read them differently)", () => {
    expect(quoteLiteral("o'brien")).toBe("'o''brien'");
    for (const value of ["a\\b", "a\nb", "a\u0000b"]) {
      expect(isLiteralSafe(value)).toBe(false);
      expect(() => quoteLiteral(value)).toThrow(expect.objectContaining({ code: "E_IDENTIFIER_UNSAFE" }));
    }
    expect(isLiteralSafe('x"; DROP')).toBe(true);
  });
});

describe("sql`…`", () => {
  it("quotes every interpolation by its kind", () => {
    expect(
      sql`SELECT ${ident("a", "b")} FROM t WHERE s = ${literal("it's")} AND n IN (${literals(["x", "y"])}) LIMIT ${10}${fragment(";")}`,
    ).toBe(`SELECT "a"."b" FROM t WHERE s = 'it''s' AND n IN ('x', 'y') LIMIT 10;`);
    expect(() => sql`IN (${literals([])})`).toThrow(RangeError);
    expect(() => sql`LIMIT ${Number.NaN}`).toThrow(RangeError);
  });
});
