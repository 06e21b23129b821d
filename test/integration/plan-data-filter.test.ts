import { describe, expect, it } from "vitest";
import { renderRule } from "../../src/integration/filter-rule.js";
import { formatDataFilterPlan } from "../../src/integration/format-data-filter-plan.js";
import { type DataFilterPlanInput, planDataFilter } from "../../src/integration/plan-data-filter.js";
import { codeOf } from "./errors.js";

/** MySQL references in the database `app`. */
const app = (...tables: string[]) => tables.map((table) => ["app", table]);

/** The app's Prisma schema declares users, posts and password_resets; it exports users and posts. */
const plan = (current: string | undefined, overrides: Partial<DataFilterPlanInput> = {}) =>
  planDataFilter({
    current,
    exported: app("users", "posts"),
    declared: app("users", "posts", "password_resets"),
    ...overrides,
  });

const texts = (rules: readonly Parameters<typeof renderRule>[0][]) => rules.map(renderRule);

describe("planDataFilter", () => {
  it("writes one typed include per exported table onto an integration without a filter, and warns it narrows it", () => {
    const result = plan(undefined);
    expect(result.kind).toBe("update");
    expect(result.next).toBe("include: app.posts, include: app.users");
    expect(texts(result.add)).toEqual(["include: app.posts", "include: app.users"]);
    expect(result.remove).toEqual([]);
    expect(result.warnings).toEqual([{ kind: "filter-was-empty" }]);
  });

  it("needs no change when the filter already holds exactly this tool's rules, in any order or spelling", () => {
    for (const current of [
      "include: app.users, include: app.posts",
      "include: app.posts, app.users",
      'include: app."users", include: `app`.posts',
    ]) {
      const result = plan(current);
      expect(result).toMatchObject({ kind: "unchanged", next: current, add: [], remove: [] });
      expect(formatDataFilterPlan(result)).toEqual(["No changes needed."]);
    }
  });

  it("removes the includes of declared tables that are no longer exported, and adds the new ones first", () => {
    const result = plan("include: app.users, include: app.password_resets");
    expect(texts(result.remove)).toEqual(["include: app.password_resets"]);
    expect(texts(result.add)).toEqual(["include: app.posts"]);
    expect(texts(result.retain)).toEqual(["include: app.users"]);
    expect(result.next).toBe("include: app.posts, include: app.users");
    expect(formatDataFilterPlan(result)).toEqual([
      "Remove: include: app.password_resets",
      "Add: include: app.posts",
    ]);
  });

  it("keeps every rule it did not write, as written and in place: other apps' tables, other databases, excludes, wildcards, regular expressions", () => {
    const current = [
      "include: app.users",
      "include: app.legacy_orders", // a table the Prisma schema does not declare: another app's
      "include: billing.*",
      "exclude: billing.card_numbers",
      String.raw`include: app./report_\d+/`,
      "include: App.password_resets", // another database: names are case sensitive
    ].join(", ");
    const result = plan(current);
    expect(texts(result.keep)).toEqual([
      "include: app.legacy_orders",
      "include: billing.*",
      "exclude: billing.card_numbers",
      String.raw`include: app./report_\d+/`,
      "include: App.password_resets",
    ]);
    expect(result.remove).toEqual([]);
    expect(result.next).toBe(`include: app.posts, ${current}`);
    expect(formatDataFilterPlan(result)).toContain("Kept (not written by this tool): include: billing.*");
  });

  it("never lets its own rules override an exclusion someone wrote, and warns that it hides an exported table", () => {
    const result = plan("include: app.users, exclude: app.posts");
    expect(result.next).toBe("include: app.posts, include: app.users, exclude: app.posts");
    expect(result.warnings).toEqual([
      { kind: "exported-table-excluded", table: "app.posts", rule: "exclude: app.posts" },
    ]);
  });

  it("warns when a rule it did not write replicates a declared table that is not exported", () => {
    const result = plan("include: app.*");
    expect(result.warnings).toEqual([
      { kind: "unexported-table-replicated", table: "app.password_resets", rule: "include: app.*" },
    ]);
    expect(formatDataFilterPlan(result).at(-1)).toBe(
      'Warning: table app.password_resets is not exported but is replicated by "include: app.*", a rule this tool did not write.',
    );
  });

  it("works the same way for PostgreSQL sources (database.schema.table)", () => {
    const shop = (schema: string, ...tables: string[]) => tables.map((table) => ["shop", schema, table]);
    const result = plan(
      "include: shop.public.password_resets, include: shop.audit.users, include: shop.public.users",
      {
        exported: shop("public", "users", "posts"),
        declared: shop("public", "users", "posts", "password_resets"),
      },
    );
    expect(texts(result.remove)).toEqual(["include: shop.public.password_resets"]);
    expect(texts(result.keep)).toEqual(["include: shop.audit.users"]);
    expect(result.next).toBe(
      "include: shop.public.posts, include: shop.audit.users, include: shop.public.users",
    );
  });

  it("handles tables of several schemas (and MySQL databases) in one plan: each rule names its own", () => {
    const exported = [
      ["shop", "auth", "users"],
      ["shop", "public", "users"],
      ["shop", "billing", "invoices"],
    ];
    const declared = [...exported, ["shop", "auth", "sessions"], ["shop", "billing", "cards"]];
    const result = plan(
      "include: shop.auth.sessions, include: shop.public.users, include: shop.billing.refunds, exclude: shop.billing.cards",
      { exported, declared },
    );
    // sessions is declared and no longer exported: this tool's; refunds is not declared: someone else's.
    expect(texts(result.remove)).toEqual(["include: shop.auth.sessions"]);
    expect(texts(result.add)).toEqual(["include: shop.auth.users", "include: shop.billing.invoices"]);
    expect(texts(result.retain)).toEqual(["include: shop.public.users"]);
    expect(texts(result.keep)).toEqual(["include: shop.billing.refunds", "exclude: shop.billing.cards"]);
    expect(result.next).toBe(
      "include: shop.auth.users, include: shop.billing.invoices, include: shop.public.users, include: shop.billing.refunds, exclude: shop.billing.cards",
    );

    const mysql = plan("include: shop.users", {
      exported: [
        ["shop", "users"],
        ["billing", "invoices"],
      ],
      declared: [],
    });
    expect(mysql.next).toBe("include: billing.invoices, include: shop.users");
  });

  it("refuses a filter over the service's limits", () => {
    const many = app(...Array.from({ length: 100 }, (_, index) => `t${index}`));
    expect(codeOf(() => plan("", { exported: many, declared: many }))).toBe("E_DATA_FILTER_LIMIT");
    // 99 patterns are allowed…
    expect(codeOf(() => plan("", { exported: many.slice(1), declared: many }))).toBe("none");
    // …and a pattern of 256 characters, but not 257.
    const longest = "t".repeat(256 - "app.".length);
    expect(codeOf(() => plan("", { exported: app(longest), declared: [] }))).toBe("none");
    expect(codeOf(() => plan("", { exported: app(`${longest}x`), declared: [] }))).toBe(
      "E_DATA_FILTER_LIMIT",
    );
    // 99 patterns of 256 characters are within both pattern limits but over 25,600 characters.
    const wide = Array.from(
      { length: 99 },
      (_, index) => `${String(index).padStart(2, "0")}${longest.slice(2)}`,
    );
    expect(() => plan("", { exported: app(...wide), declared: [] })).toThrow(/25600/);
  });

  it("refuses to leave the integration without a filter (that would replicate every table)", () => {
    expect(codeOf(() => plan("include: app.users", { exported: [] }))).toBe("E_DATA_FILTER_LIMIT");
  });

  it("refuses a table name it cannot match exactly within the API's characters, unless a hand-written rule covers it", () => {
    const input = { exported: app("order-items"), declared: app("order-items") };
    expect(codeOf(() => plan("", input))).toBe("E_DATA_FILTER_NAME");
    const covered = plan('include: app."order-items"', input);
    expect(covered).toMatchObject({ kind: "unchanged", add: [] });
  });
});
