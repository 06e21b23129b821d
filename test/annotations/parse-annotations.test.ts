import { describe, expect, it } from "vitest";
import {
  findTags,
  parseEnumAnnotations,
  parseFieldAnnotations,
  parseModelAnnotations,
} from "../../src/annotations/parse-annotations.js";
import { LEVELS } from "../../src/classification/levels.js";
import { closest, editDistance } from "../../src/text/suggest.js";

describe("findTags", () => {
  it("finds tags with their argument and line, ignoring e-mail addresses", () => {
    expect(
      findTags("A person.\n@classification restricted because\nmail me at a@b.com @zod.string.email()"),
    ).toEqual([
      { name: "classification", argument: "restricted", docLine: 1, doubleAt: false },
      { name: "zod.string.email", argument: undefined, docLine: 2, doubleAt: false },
    ]);
  });

  it("finds tags after punctuation, not only after whitespace, and strips what wraps the argument", () => {
    expect(
      findTags("SSN (@classification highly_restricted)\n`@classification public`;@deprecated.\n@@map"),
    ).toEqual([
      { name: "classification", argument: "highly_restricted", docLine: 0, doubleAt: false },
      { name: "classification", argument: "public", docLine: 1, doubleAt: false },
      { name: "deprecated", argument: undefined, docLine: 1, doubleAt: false },
      { name: "map", argument: undefined, docLine: 2, doubleAt: true },
    ]);
  });

  it("returns nothing for a missing doc comment", () => {
    expect(findTags(undefined)).toEqual([]);
  });
});

describe("parseModelAnnotations", () => {
  it("marks a model exported, whatever other doc text surrounds the tag", () => {
    expect(parseModelAnnotations("A user.\n@exportToAnalytics\nMore text.")).toEqual({
      exported: true,
      problems: [],
    });
    expect(parseModelAnnotations("Just a model.")).toEqual({ exported: false, problems: [] });
    expect(parseModelAnnotations(undefined)).toEqual({ exported: false, problems: [] });
  });

  it("leaves other tools' tags alone", () => {
    expect(parseModelAnnotations("@deprecated use Account\n@zod.import([...])\n@exportToAnalytics")).toEqual({
      exported: true,
      problems: [],
    });
  });

  it.each([
    ["@exportToAnalytic", "exportToAnalytic"],
    ["@ExportToAnalytics", "ExportToAnalytics"],
    ["@exportToAnalytcs", "exportToAnalytcs"],
    ["@export_to_analytics", "export_to_analytics"],
  ])("reports the near-miss %s with the right spelling", (doc, written) => {
    expect(parseModelAnnotations(doc)).toEqual({
      exported: false,
      problems: [{ kind: "misspelled", written, suggestion: "exportToAnalytics" }],
    });
  });

  it("reports a duplicate @exportToAnalytics and a @classification on the model", () => {
    expect(
      parseModelAnnotations("@exportToAnalytics\n@exportToAnalytics\n@classification public").problems,
    ).toEqual([
      { kind: "duplicate", tag: "exportToAnalytics" },
      { kind: "misplaced", tag: "classification", on: "model" },
    ]);
  });
});

describe("parseFieldAnnotations", () => {
  it.each(LEVELS)("reads the level %s", (level) => {
    expect(parseFieldAnnotations(`Some words.\n@classification ${level}`, false)).toEqual({
      level,
      problems: [],
    });
  });

  it("has no level and no problem without an annotation", () => {
    expect(parseFieldAnnotations(undefined, false)).toEqual({ level: undefined, problems: [] });
    expect(parseFieldAnnotations("@zod.string.max(10)\n@deprecated", false)).toEqual({
      level: undefined,
      problems: [],
    });
  });

  it.each([
    ["restriced", "restricted"],
    ["Public", "public"],
    ["highly-restricted", "highly_restricted"],
    ["confidental", "confidential"],
  ])("reports the unknown level %s and suggests %s", (written, suggestion) => {
    expect(parseFieldAnnotations(`@classification ${written}`, false)).toEqual({
      level: undefined,
      problems: [{ kind: "unknown-level", written, suggestion }],
    });
  });

  it("reports an unknown level without a suggestion when nothing is close", () => {
    expect(parseFieldAnnotations("@classification xyzzy", false).problems).toEqual([
      { kind: "unknown-level", written: "xyzzy", suggestion: undefined },
    ]);
  });

  it("reports a missing level, also when another tag follows on the line", () => {
    expect(parseFieldAnnotations("@classification", false).problems).toEqual([{ kind: "missing-level" }]);
    expect(parseFieldAnnotations("@classification @zod.string", false).problems).toEqual([
      { kind: "missing-level" },
    ]);
  });

  it("reports a duplicate @classification, even when both agree", () => {
    expect(parseFieldAnnotations("@classification public\n@classification public", false)).toEqual({
      level: "public",
      problems: [{ kind: "duplicate", tag: "classification" }],
    });
  });

  it("reports @classification on a relation field and @exportToAnalytics on any field", () => {
    expect(parseFieldAnnotations("@classification public", true)).toEqual({
      level: undefined,
      problems: [{ kind: "misplaced", tag: "classification", on: "relation" }],
    });
    expect(parseFieldAnnotations("@exportToAnalytics", false).problems).toEqual([
      { kind: "misplaced", tag: "exportToAnalytics", on: "field" },
    ]);
  });

  it.each([
    ["@clasification public", "clasification", "classification"],
    ["@Classification public", "Classification", "classification"],
    ["@classifcation public", "classifcation", "classification"],
  ])("reports the near-miss %s", (doc, written, suggestion) => {
    expect(parseFieldAnnotations(doc, false)).toEqual({
      level: undefined,
      problems: [{ kind: "misspelled", written, suggestion }],
    });
  });
});

describe("annotations that look right but would not be read", () => {
  it.each([
    ["Social security number (@classification highly_restricted)", "highly_restricted"],
    ["`@classification highly_restricted`", "highly_restricted"],
    ["SSN;@classification restricted", "restricted"],
    ["SSN: @classification restricted.", "restricted"],
    ['"@classification confidential"', "confidential"],
  ] as const)("reads %s", (doc, level) => {
    expect(parseFieldAnnotations(doc, false)).toEqual({ level, problems: [] });
  });

  it.each([
    ["@@classification restricted", "@@classification", "double-at"],
    ["SSN@classification restricted", "SSN@classification", "glued"],
    [".@classification restricted", ".@classification", "glued"],
    ["x@@classification restricted", "x@@classification", "glued"],
    ["@classification.restricted", "@classification.restricted", "malformed"],
    ["@@Clasification restricted", "@@Clasification", "double-at"],
    ["classification: highly_restricted", "classification: highly_restricted", "no-at"],
    ["Classification is restricted", "Classification is restricted", "no-at"],
    ["classification highly-restricted", "classification highly-restricted", "no-at"],
  ] as const)("refuses %s instead of silently taking the default", (doc, written, how) => {
    expect(parseFieldAnnotations(doc, false)).toEqual({
      level: undefined,
      problems: [{ kind: "unrecognised", tag: "classification", written, how }],
    });
  });

  it("refuses @exportToAnalytics that would not be read, in any form", () => {
    for (const [doc, how] of [
      ["Users@exportToAnalytics", "glued"],
      ["@@exportToAnalytics", "double-at"],
      ["exportToAnalytics", "no-at"],
      ["Export: export_to_analytics", "no-at"],
    ] as const) {
      expect(parseModelAnnotations(doc).exported, doc).toBe(false);
      expect(
        parseModelAnnotations(doc).problems.map((problem) => problem.kind === "unrecognised" && problem.how),
        doc,
      ).toEqual([how]);
    }
  });

  it("leaves prose, e-mail addresses and other tools' tags alone", () => {
    for (const doc of [
      "The classification result of the model.",
      "Ask classification@corp.example or data@classification.example",
      "@zod.classification @deprecated @@ignore",
      "Product classifications, see the wiki.",
    ]) {
      expect(parseFieldAnnotations(doc, false), doc).toEqual({ level: undefined, problems: [] });
    }
  });
});

describe("parseEnumAnnotations", () => {
  it("refuses both annotations on an enum and ignores other tags", () => {
    expect(parseEnumAnnotations("@classification public\n@exportToAnalytics")).toEqual([
      { kind: "misplaced", tag: "exportToAnalytics", on: "enum" },
      { kind: "misplaced", tag: "classification", on: "enum" },
    ]);
    expect(parseEnumAnnotations("Roles.\n@deprecated")).toEqual([]);
  });
});

describe("suggestions", () => {
  it("measures edits case-insensitively and picks the closest candidate within reach", () => {
    expect(editDistance("kitten", "sitting")).toBe(3);
    expect(editDistance("ABC", "abc")).toBe(0);
    expect(closest("viewSchemas", ["viewSchema", "piiViewSchema"])).toBe("viewSchema");
    expect(closest("zod", ["classification", "exportToAnalytics"])).toBeUndefined();
  });
});
