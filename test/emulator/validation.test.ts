import { describe, expect, it } from "vitest";
import { ApiError } from "../../src/emulator/api-error.js";
import { validateRequest } from "../../src/emulator/validation.js";

/** The service model's constraints as the emulator checks them, worded as AWS request validation words them. */
function refusal(operation: string, body: Record<string, unknown>): string {
  try {
    validateRequest(operation, body);
  } catch (error) {
    if (error instanceof ApiError) return `${error.type}: ${error.message}`;
    throw error;
  }
  return "accepted";
}

describe("validateRequest", () => {
  it("accepts a request that keeps every constraint, and ignores members the model does not have", () => {
    expect(
      refusal("ExecuteStatement", {
        Sql: "SELECT 1",
        ClusterIdentifier: "analytics-prod",
        WorkgroupName: undefined,
        SessionKeepAliveSeconds: 0,
        Unknown: 1,
      }),
    ).toBe("accepted");
    expect(refusal("NoSuchOperation", { anything: true })).toBe("accepted");
  });

  it("names required members that are missing, list items that are null, and lengths", () => {
    expect(refusal("BatchExecuteStatement", { Sqls: [] })).toBe(
      "ValidationException: 1 validation error detected: Value '[]' at 'sqls' failed to satisfy constraint: Member must have length greater than or equal to 1",
    );
    expect(refusal("BatchExecuteStatement", { Sqls: ["SELECT 1", null] })).toBe(
      "ValidationException: 1 validation error detected: Value null at 'sqls.2.member' failed to satisfy constraint: Member must not be null",
    );
    expect(refusal("CancelStatement", {})).toBe(
      "ValidationException: 1 validation error detected: Value null at 'id' failed to satisfy constraint: Member must not be null",
    );
    expect(refusal("ListStatements", { StatementName: "x".repeat(2049) })).toMatch(
      /^ValidationException: 1 validation error detected: Value 'x{200}…' at 'statementName' failed to satisfy constraint: Member must have length less than or equal to 2048$/,
    );
  });

  it("matches patterns against the whole value", () => {
    expect(refusal("DescribeStatement", { Id: "0c9d4d4e-1f0b-4e6a-9a53-5b8f1f1e2c3d:2" })).toBe("accepted");
    expect(refusal("DescribeStatement", { Id: "0c9d4d4e-1f0b-4e6a-9a53-5b8f1f1e2c3d trailing" })).toMatch(
      /^ValidationException: .* at 'id' failed to satisfy constraint: Member must satisfy regular expression pattern/,
    );
    expect(refusal("ListSessions", { WorkgroupName: "wg" })).toMatch(/length greater than or equal to 3/);
  });

  it("refuses a member of the wrong JSON type as unreadable", () => {
    expect(refusal("ExecuteStatement", { Sql: 1 })).toBe("SerializationException: 'sql' must be a string.");
    expect(refusal("ExecuteStatement", { Sql: "SELECT 1", WaitTimeSeconds: 1.5 })).toBe(
      "SerializationException: 'waitTimeSeconds' must be an integer.",
    );
    expect(refusal("ExecuteStatement", { Sql: "SELECT 1", Parameters: [{ name: "a", value: 2 }] })).toBe(
      "SerializationException: 'parameters.1.member.value' must be a string.",
    );
  });
});
