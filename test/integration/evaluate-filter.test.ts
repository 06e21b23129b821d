import { describe, expect, it } from "vitest";
import { evaluateFilter } from "../../src/integration/evaluate-filter.js";
import { parseDataFilter } from "../../src/integration/parse-data-filter.js";

const replicated = (filter: string, reference: string[]) =>
  evaluateFilter(parseDataFilter(filter), reference).replicated;

describe("evaluateFilter", () => {
  it("replicates everything without a filter, and only what is included with one", () => {
    expect(replicated("", ["db", "anything"])).toBe(true);
    expect(replicated("include: db.table1, include: db.table2", ["db", "table1"])).toBe(true);
    expect(replicated("include: db.table1, include: db.table2", ["db", "table3"])).toBe(false);
  });

  it("lets a later rule override an earlier one", () => {
    expect(replicated("include: books.stephenking, exclude: books.*", ["books", "stephenking"])).toBe(false);
    expect(replicated("exclude: books.*, include: books.stephenking", ["books", "stephenking"])).toBe(true);
  });

  it("matches regular expressions anywhere in the name (Maxwell's find), names exactly", () => {
    expect(replicated("include: books.*, exclude: books./mystery/", ["books", "old_mystery_tales"])).toBe(
      false,
    );
    expect(replicated("include: books.Users", ["books", "users"])).toBe(false);
  });

  it("only applies a pattern to names with as many parts", () => {
    expect(replicated("include: shop.*", ["shop", "public", "orders"])).toBe(false);
    expect(replicated("include: shop.*.*", ["shop", "public", "orders"])).toBe(true);
  });

  it("names the rule that decided", () => {
    const verdict = evaluateFilter(parseDataFilter("include: db.*, exclude: db.secrets"), ["db", "secrets"]);
    expect(verdict.decidedBy?.pattern).toBe("db.secrets");
  });
});
