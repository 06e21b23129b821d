import { describe, expect, it } from "vitest";
import { type ColumnFacts, classifyField, defaultLevel } from "../../src/classification/classify-field.js";
import { isExposed, LEVELS, type Level } from "../../src/classification/levels.js";

const scalar = (type: string, column = "value"): ColumnFacts => ({
  kind: "scalar",
  type,
  isList: false,
  column,
});

describe("defaultLevel (fail-safe defaults by type)", () => {
  it.each<[string, ColumnFacts, Level]>([
    ["String", scalar("String"), "restricted"],
    ["Json", scalar("Json"), "restricted"],
    ["Bytes", scalar("Bytes"), "restricted"],
    ["an unknown scalar type", scalar("Geometry"), "restricted"],
    ["a list of Int", { kind: "scalar", type: "Int", isList: true, column: "ids" }, "restricted"],
    ["a list of an enum", { kind: "enum", type: "Role", isList: true, column: "roles" }, "restricted"],
    [
      "an Unsupported field",
      { kind: "unsupported", type: "circle", isList: false, column: "area" },
      "restricted",
    ],
    ["a DateTime", scalar("DateTime", "born_on"), "restricted"],
    ["Int", scalar("Int"), "public"],
    ["BigInt", scalar("BigInt"), "public"],
    ["Float", scalar("Float"), "public"],
    ["Decimal", scalar("Decimal"), "public"],
    ["Boolean", scalar("Boolean"), "public"],
    ["an enum", { kind: "enum", type: "Role", isList: false, column: "role" }, "public"],
  ])("%s → %s", (_name, facts, level) => {
    expect(defaultLevel(facts)).toBe(level);
  });

  it.each(["created_at", "updated_at", "deleted_at", "createdAt", "updatedAt", "deletedAt"])(
    "a DateTime column named %s is a public bookkeeping timestamp",
    (column) => {
      expect(defaultLevel(scalar("DateTime", column))).toBe("public");
    },
  );

  it.each(["CreatedAt", "created", "created_on", "last_sign_in_at", "createdAt2"])(
    "a DateTime column named %s stays restricted",
    (column) => {
      expect(defaultLevel(scalar("DateTime", column))).toBe("restricted");
    },
  );

  it("only DateTime gets the timestamp exception", () => {
    expect(defaultLevel(scalar("String", "created_at"))).toBe("restricted");
  });
});

describe("classifyField", () => {
  it("takes the annotation over the default and says which decided", () => {
    expect(classifyField(scalar("String"), undefined)).toEqual({ level: "restricted", source: "default" });
    for (const level of LEVELS) {
      expect(classifyField(scalar("String"), level)).toEqual({ level, source: "annotated" });
      expect(classifyField(scalar("Int"), level)).toEqual({ level, source: "annotated" });
    }
  });
});

describe("isExposed", () => {
  it("shows public+confidential in the non-PII view, adds restricted in the PII view, never highly_restricted", () => {
    const table = LEVELS.map((level) => [level, isExposed(level, "non_pii"), isExposed(level, "pii")]);
    expect(table).toEqual([
      ["public", true, true],
      ["confidential", true, true],
      ["restricted", false, true],
      ["highly_restricted", false, false],
    ]);
  });
});
