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
  it("finds tags with the text around them on their line, ignoring e-mail addresses", () => {
    expect(
      findTags("A person.\n@classification restricted because\nmail me at a@b.com @zod.string.email()"),
    ).toEqual([
      { name: "classification", docLine: 1, doubleAt: false, before: "", after: " restricted because" },
      {
        name: "zod.string.email",
        docLine: 2,
        doubleAt: false,
        before: "mail me at a@b.com ",
        after: "()",
      },
    ]);
  });

  it("finds tags after punctuation, not only after whitespace", () => {
    expect(
      findTags("SSN (@classification highly_restricted)\n`@classification public`;@deprecated.\n@@map").map(
        (tag) => [tag.name, tag.docLine, tag.doubleAt],
      ),
    ).toEqual([
      ["classification", 0, false],
      ["classification", 1, false],
      ["deprecated", 1, false],
      ["map", 2, true],
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

describe("an annotation line holds the annotation and nothing else", () => {
  it("reads the annotation with whitespace around it", () => {
    expect(parseFieldAnnotations("  @classification   restricted \t", false)).toEqual({
      level: "restricted",
      problems: [],
    });
    expect(parseFieldAnnotations("@classification public\r", false).level).toBe("public");
    expect(parseModelAnnotations("@exportToAnalytics   \nA note of its own.")).toEqual({
      exported: true,
      problems: [],
    });
  });

  it.each([
    ["@classification public restricted", "/// @classification public"],
    ["@classification public -- shown in reports", "/// @classification public"],
    ["@classification restricted (see the wiki)", "/// @classification restricted"],
    ["@classification public @zod.string", "/// @classification public"],
    ["Social security number (@classification highly_restricted)", "/// @classification highly_restricted"],
    ["`@classification highly_restricted`", "/// @classification highly_restricted"],
    ["SSN;@classification restricted", "/// @classification restricted"],
    ["SSN: @classification restricted.", "/// @classification restricted"],
    ['"@classification confidential"', "/// @classification confidential"],
    ["@deprecated @classification public", "/// @classification public"],
    ["@classification: public", "/// @classification <level>"],
  ])("refuses %s, suggesting %s", (doc, suggestion) => {
    expect(parseFieldAnnotations(doc, false)).toEqual({
      level: undefined,
      problems: [{ kind: "extra-text", tag: "classification", line: doc, suggestion }],
    });
  });

  it.each([
    "@exportToAnalytics -- nightly",
    "@exportToAnalytics yes",
    "Users, @exportToAnalytics",
    "(@exportToAnalytics)",
  ])("refuses %s and does not export the model", (doc) => {
    expect(parseModelAnnotations(doc)).toEqual({
      exported: false,
      problems: [
        { kind: "extra-text", tag: "exportToAnalytics", line: doc, suggestion: "/// @exportToAnalytics" },
      ],
    });
  });

  it("reports a wrong level before the text after it, and reads every @classification line", () => {
    expect(parseFieldAnnotations("@classification publc -- note", false).problems).toEqual([
      { kind: "unknown-level", written: "publc", suggestion: "public" },
    ]);
    expect(parseFieldAnnotations("@classification restricted.", false).problems).toEqual([
      { kind: "unknown-level", written: "restricted.", suggestion: "restricted" },
    ]);
    expect(parseFieldAnnotations("@classification public\n@classification public -- again", false)).toEqual({
      level: "public",
      problems: [
        { kind: "duplicate", tag: "classification" },
        {
          kind: "extra-text",
          tag: "classification",
          line: "@classification public -- again",
          suggestion: "/// @classification public",
        },
      ],
    });
  });
});

describe("annotations that look right but would not be read", () => {
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
