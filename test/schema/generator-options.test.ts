import type { GeneratorConfig } from "@prisma/generator-helper";
import { describe, expect, it } from "vitest";
import {
  findGeneratorBlock,
  parseGeneratorOptions,
  resolveOutputDir,
} from "../../src/schema/generator-options.js";
import { caughtErrors } from "../helpers/index.js";

const at = { file: "prisma/schema.prisma", generator: "views", packageName: "app" };
const SOURCE = '"<%= environment %>_app_zeroetl"."app"';

function generator(name: string, provider: string, extra: Partial<GeneratorConfig> = {}): GeneratorConfig {
  return {
    name,
    provider: { fromEnvVar: null, value: provider },
    output: null,
    config: {},
    binaryTargets: [],
    previewFeatures: [],
    sourceFilePath: "/project/prisma/schema.prisma",
    ...extra,
  };
}

describe("parseGeneratorOptions", () => {
  it("applies the defaults and splits sourceSchema", () => {
    expect(parseGeneratorOptions({ sourceSchema: SOURCE }, "/out", at)).toEqual({
      outputDir: "/out",
      viewSchema: "analytics_<%= environment %>",
      piiViewSchema: "analytics_<%= environment %>_pii",
      sourceSchema: { database: "<%= environment %>_app_zeroetl", schema: "app" },
      viewNaming: "table",
      project: "app",
    });
    expect(
      parseGeneratorOptions({ sourceSchema: "db.app", viewSchema: "v" }, "/out", at).sourceSchema,
    ).toEqual({
      database: "db",
      schema: "app",
    });
  });

  it("requires sourceSchema, naming the generator block", async () => {
    const errors = await caughtErrors(() => parseGeneratorOptions({}, "/out", at));
    expect(errors.map((error) => [error.code, error.location])).toEqual([
      ["E_GENERATOR_SOURCE_SCHEMA_MISSING", { file: "prisma/schema.prisma", model: "generator views" }],
    ]);
    expect(errors[0]?.hint).toContain("sourceSchema =");
  });

  it("takes project from the block, else package.json's name, and refuses an id that cannot be one", async () => {
    expect(parseGeneratorOptions({ sourceSchema: SOURCE }, "/out", at).project).toBe("app");
    expect(
      parseGeneratorOptions({ sourceSchema: SOURCE, project: "@acme/billing" }, "/out", at).project,
    ).toBe("@acme/billing");
    const unnamed = { file: at.file, generator: at.generator };
    for (const [config, message] of [
      [{ sourceSchema: SOURCE }, /has no project, and the project's package\.json has no name/],
      [{ sourceSchema: SOURCE, project: "two words" }, /project = "two words" is not a project id/],
    ] as const) {
      const errors = await caughtErrors(() => parseGeneratorOptions(config, "/out", unnamed));
      expect(errors.map((error) => [error.code, error.location.model])).toEqual([
        ["E_GENERATOR_PROJECT_INVALID", "generator views"],
      ]);
      expect(errors[0]?.message).toMatch(message);
      expect(errors[0]?.hint).toContain('project = "<id>"');
    }
  });

  it("refuses unknown keys with a suggestion, and reports every problem at once", async () => {
    const errors = await caughtErrors(() =>
      parseGeneratorOptions({ viewSchemas: "x", piiSchema: "y", colour: "blue" }, "/out", at),
    );
    expect(errors.map((error) => [error.code, error.message, error.hint])).toEqual([
      ["E_GENERATOR_CONFIG_UNKNOWN_KEY", 'Unknown setting "viewSchemas".', 'Did you mean "viewSchema"?'],
      ["E_GENERATOR_CONFIG_UNKNOWN_KEY", 'Unknown setting "piiSchema".', expect.any(String)],
      [
        "E_GENERATOR_CONFIG_UNKNOWN_KEY",
        'Unknown setting "colour".',
        'Settings are output, viewSchema, piiViewSchema, sourceSchema, viewNaming, project; remove "colour".',
      ],
      ["E_GENERATOR_SOURCE_SCHEMA_MISSING", "The generator block has no sourceSchema.", expect.any(String)],
    ]);
    expect(errors.every((error) => error.location.model === "generator views")).toBe(true);
  });

  it("takes the database alone for a PostgreSQL source, each model then read from its own schema", () => {
    const postgres = { ...at, provider: "postgresql" };
    for (const sourceSchema of ['"<%= environment %>_app"', "<%= environment %>_app"]) {
      expect(parseGeneratorOptions({ sourceSchema }, "/out", postgres).sourceSchema).toEqual({
        database: "<%= environment %>_app",
        schema: undefined,
      });
    }
  });

  it.each([
    ["mysql", "mysql"],
    [undefined, "not declared"],
  ])("refuses the database alone for a %s source, asking for the schema", async (provider, named) => {
    const errors = await caughtErrors(() =>
      parseGeneratorOptions({ sourceSchema: '"app_zeroetl"' }, "/out", { ...at, provider }),
    );
    expect(errors.map((error) => [error.code, error.message])).toEqual([
      [
        "E_GENERATOR_CONFIG_INVALID",
        `sourceSchema = ""app_zeroetl"" names only the database, which is for PostgreSQL sources; this datasource is ${named}.`,
      ],
    ]);
    expect(errors[0]?.hint).toContain('Name the schema too: "<database>"."<schema>"');
  });

  it("takes viewNaming table or schema_prefixed, and refuses any other value with a suggestion", async () => {
    expect(
      parseGeneratorOptions({ sourceSchema: SOURCE, viewNaming: "schema_prefixed" }, "/out", at).viewNaming,
    ).toBe("schema_prefixed");
    expect(parseGeneratorOptions({ sourceSchema: SOURCE, viewNaming: "table" }, "/out", at).viewNaming).toBe(
      "table",
    );
    const errors = await caughtErrors(() =>
      parseGeneratorOptions({ sourceSchema: SOURCE, viewNaming: "schema-prefixed" }, "/out", at),
    );
    expect(errors.map((error) => [error.code, error.message, error.location])).toEqual([
      [
        "E_GENERATOR_CONFIG_INVALID",
        'viewNaming = "schema-prefixed" is not one of "table", "schema_prefixed".',
        { file: "prisma/schema.prisma", model: "generator views" },
      ],
    ]);
    expect(errors[0]?.hint).toMatch(/^Did you mean "schema_prefixed"\?/);
    const list = await caughtErrors(() =>
      parseGeneratorOptions({ sourceSchema: SOURCE, viewNaming: ["table"] }, "/out", at),
    );
    expect(list.map((error) => error.code)).toEqual(["E_GENERATOR_CONFIG_INVALID"]);
  });

  it.each([
    [{ sourceSchema: "onlyone" }],
    [{ sourceSchema: '""' }],
    [{ sourceSchema: '"a"."b"."c"' }],
    [{ sourceSchema: "a.b.c" }],
    [{ sourceSchema: SOURCE, viewSchema: "bad-name" }],
    [{ sourceSchema: SOURCE, viewSchema: "v_<%= env %>" }],
    [{ sourceSchema: SOURCE, viewSchema: "same", piiViewSchema: "same" }],
    [{ sourceSchema: [SOURCE] }],
  ])("refuses invalid settings %j", async (config) => {
    const errors = await caughtErrors(() => parseGeneratorOptions(config, "/out", at));
    expect(errors.map((error) => error.code)).toContain("E_GENERATOR_CONFIG_INVALID");
  });
});

describe("parseGeneratorOptions: name lengths", () => {
  const placeholder = "<%= environment %>";

  it("checks a name as rendered with the longest environment name (63 characters) against 127 bytes", async () => {
    // 64 + 63 = 127 bytes rendered: the longest accepted.
    const longest = `${"v".repeat(64)}${placeholder}`;
    expect(parseGeneratorOptions({ sourceSchema: SOURCE, viewSchema: longest }, "/out", at).viewSchema).toBe(
      longest,
    );
    const errors = await caughtErrors(() =>
      parseGeneratorOptions({ sourceSchema: SOURCE, viewSchema: `v${longest}` }, "/out", at),
    );
    expect(errors.map((error) => [error.code, error.message])).toEqual([
      [
        "E_GENERATOR_CONFIG_INVALID",
        `"viewSchema" = "v${longest}" is too long: with an environment name of 63 characters (the longest allowed) it is 128 bytes, and Redshift names are at most 127 bytes.`,
      ],
    ]);
  });

  it("counts every placeholder, and allows 127 bytes without one", async () => {
    const twice = `${"a".repeat(1)}${placeholder}${placeholder}`;
    expect(parseGeneratorOptions({ sourceSchema: SOURCE, viewSchema: twice }, "/out", at).viewSchema).toBe(
      twice,
    );
    const errors = await caughtErrors(() =>
      parseGeneratorOptions(
        { sourceSchema: SOURCE, viewSchema: `${"a".repeat(1)}${placeholder}_${placeholder}` },
        "/out",
        at,
      ),
    );
    expect(errors.map((error) => error.code)).toEqual(["E_GENERATOR_CONFIG_INVALID"]);
    expect(
      parseGeneratorOptions({ sourceSchema: `"${"d".repeat(127)}"."app"` }, "/out", at).sourceSchema.database,
    ).toHaveLength(127);
    const tooLong = await caughtErrors(() =>
      parseGeneratorOptions({ sourceSchema: `"${"d".repeat(128)}"."app"` }, "/out", at),
    );
    expect(tooLong[0]?.message).toContain("is too long");
  });
});

describe("findGeneratorBlock", () => {
  it("finds the block that runs this package, or the one named", () => {
    const client = generator("client", "prisma-client");
    const ours = generator("views", "prisma-redshift-views");
    const byPath = generator("views2", "node node_modules/prisma-redshift-views/dist/generator/bin.js");
    expect(findGeneratorBlock([client, ours], "schema.prisma")).toBe(ours);
    expect(findGeneratorBlock([client, byPath], "schema.prisma")).toBe(byPath);
    expect(findGeneratorBlock([client, ours, byPath], "schema.prisma", "views2")).toBe(byPath);
  });

  it("explains a missing, an unknown or an ambiguous block", async () => {
    const client = generator("client", "prisma-client");
    const ours = generator("views", "prisma-redshift-views");
    const other = generator("more", "prisma-redshift-views");
    expect((await caughtErrors(() => findGeneratorBlock([client], "s.prisma"))).map((e) => e.code)).toEqual([
      "E_GENERATOR_NOT_FOUND",
    ]);
    expect(
      (await caughtErrors(() => findGeneratorBlock([ours], "s.prisma", "nope"))).map((e) => e.code),
    ).toEqual(["E_GENERATOR_NOT_FOUND"]);
    expect(
      (await caughtErrors(() => findGeneratorBlock([ours, other], "s.prisma"))).map((e) => e.code),
    ).toEqual(["E_GENERATOR_AMBIGUOUS"]);
  });
});

describe("resolveOutputDir", () => {
  it("resolves output against the file that declares the generator, default ../generated-views", () => {
    const block = generator("views", "prisma-redshift-views", {
      sourceFilePath: "/project/prisma/schema/generators.prisma",
    });
    expect(resolveOutputDir(block, "/project/prisma/schema/main.prisma")).toBe(
      "/project/prisma/generated-views",
    );
    expect(
      resolveOutputDir(
        { ...block, output: { fromEnvVar: null, value: "../../views" } },
        "/project/prisma/schema/main.prisma",
      ),
    ).toBe("/project/views");
    expect(resolveOutputDir(block, "/x.prisma", "/elsewhere")).toBe("/elsewhere");
  });
});
