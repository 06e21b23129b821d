import { describe, expect, it } from "vitest";
import { describeAwsFailure, FAILURE_RULES, isRetryable } from "../../src/aws/aws-failure.js";

// Issue 16: every way the tool tells failures apart is a row of one table, and each row is tested
// with an error shaped as the SDK (or Node) raises it. None of them depends on the message.

const MISLEADING = "access denied: throttled, connection reset, does not exist, 1023";

function errorFor(rule: (typeof FAILURE_RULES)[number]): unknown {
  if ("status" in rule) {
    const status = rule.status === "5xx" ? 503 : rule.status;
    return Object.assign(new Error(MISLEADING), {
      name: "SomethingNew",
      $metadata: { httpStatusCode: status },
    });
  }
  // Node's socket errors carry a code; the SDK wraps them, so half the rows are tried as a cause.
  if (/^[A-Z_]+$/.test(rule.name))
    return Object.assign(new Error(MISLEADING), { name: "Error", cause: { code: rule.name } });
  return Object.assign(new Error(MISLEADING), { name: rule.name, $metadata: { httpStatusCode: 400 } });
}

describe("the failure table", () => {
  it.each(FAILURE_RULES.map((rule) => [JSON.stringify(rule), rule] as const))("%s", (_, rule) => {
    expect(describeAwsFailure(errorFor(rule)).kind).toBe(rule.kind);
  });

  it("retries only throttling and transient failures", () => {
    const retried = [...new Set(FAILURE_RULES.map((rule) => rule.kind))].filter((kind) =>
      isRetryable({ kind, name: "x", httpStatus: undefined, message: "" }),
    );
    expect(retried.sort()).toEqual(["throttled", "transient"]);
  });

  it("gives an unknown name with no status the kind other, whatever its message says", () => {
    expect(describeAwsFailure(Object.assign(new Error(MISLEADING), { name: "Brand" })).kind).toBe("other");
  });

  it("prefers a known name to its status class", () => {
    const error = Object.assign(new Error("x"), {
      name: "ExecuteStatementException",
      $metadata: { httpStatusCode: 500 },
    });
    expect(describeAwsFailure(error).kind).toBe("environment");
  });
});
