import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { RedshiftViewsError } from "../../src/errors.js";
import {
  parseStatementName,
  STATEMENT_NAME_MAX_LENGTH,
  statementName,
  statementNamePrefix,
} from "../../src/warehouse/index.js";

describe("statementName", () => {
  it("forms redshift-views:<env>:<op>:<view>", () => {
    expect(statementName("production", "create", "analytics_production.users")).toBe(
      "redshift-views:production:create:analytics_production.users",
    );
    expect(statementName("staging", "catalog")).toBe("redshift-views:staging:catalog:");
    expect(statementNamePrefix("staging")).toBe("redshift-views:staging:");
    expect(statementNamePrefix("staging", "refresh")).toBe("redshift-views:staging:refresh:");
  });

  it("rejects invalid environment names", () => {
    expect(() => statementName("Prod:x", "create", "v")).toThrow(RedshiftViewsError);
  });

  it("round-trips through parseStatementName", () => {
    expect(parseStatementName("redshift-views:production:refresh:a.b")).toEqual({
      environment: "production",
      operation: "refresh",
      view: "a.b",
    });
    expect(parseStatementName("redshift-views:production:catalog:")).toEqual({
      environment: "production",
      operation: "catalog",
    });
    expect(parseStatementName("other:production:create:a")).toBeUndefined();
    expect(parseStatementName("redshift-views:production:explode:a")).toBeUndefined();
  });

  it("stays within the Data API's 500-character limit and keeps long names distinct", () => {
    fc.assert(
      fc.property(
        fc.string({ minLength: 0, maxLength: 900 }),
        fc.string({ minLength: 1, maxLength: 5 }),
        (view, tail) => {
          const a = statementName("production", "create", view);
          const b = statementName("production", "create", view + tail);
          expect(a.length).toBeLessThanOrEqual(STATEMENT_NAME_MAX_LENGTH);
          expect(a.startsWith("redshift-views:production:create:")).toBe(true);
          expect(a).not.toBe(b);
        },
      ),
    );
  });
});
