import { writeFile } from "node:fs/promises";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { buildTemplates } from "../../src/generate/build-templates.js";
import { check, generate, prepareViews } from "../../src/generate/generate.js";
import { displayPathFrom, findProjectRoot } from "../../src/generate/project.js";
import { findGeneratorBlock, parseGeneratorOptions } from "../../src/schema/generator-options.js";
import {
  byFileName,
  changedFiles,
  contents,
  exampleSchema,
  makeProject,
  parseText,
  REPO_ROOT,
  removeDir,
  snapshotFolder,
  VIRTUAL_ROOT,
} from "../helpers/index.js";

/** Templates of a schema text, configured by its own generator block, in memory. */
async function templatesOf(text: string): Promise<Record<string, string>> {
  const loaded = await parseText(text);
  const block = findGeneratorBlock(loaded.generators, "prisma/schema.prisma");
  const options = parseGeneratorOptions(block.config, "/unused", {
    file: "prisma/schema.prisma",
    generator: "views",
    packageName: "prisma-redshift-views",
  });
  return byFileName(
    buildTemplates({
      datamodel: loaded.datamodel,
      files: loaded.files,
      displayPath: displayPathFrom(VIRTUAL_ROOT),
      options,
    }),
  );
}

/** Replaces exactly one occurrence, so a typo in a test cannot silently change nothing. */
function edit(text: string, from: string, to: string): string {
  expect(text.split(from)).toHaveLength(2);
  return text.replace(from, to);
}

const projects: string[] = [];
afterAll(async () => {
  await Promise.all(projects.map(removeDir));
});

describe("the example app", () => {
  it("produces exactly the committed generated-views/", async () => {
    const committed = contents(await snapshotFolder(path.join(REPO_ROOT, "generated-views")));
    delete committed["README.md"];
    expect(await templatesOf(await exampleSchema())).toEqual(committed);
    const prepared = await prepareViews({ cwd: REPO_ROOT });
    expect(byFileName(prepared)).toEqual(committed);
    expect(prepared.options.outputDir).toBe(path.join(REPO_ROOT, "generated-views"));
  });

  it("keeps the two-part sourceSchema: every view named after its table, reading the one schema it names", async () => {
    const prepared = await prepareViews({ cwd: REPO_ROOT });
    const source = {
      database: "<%= environment %>_learningplatform_mysql_zeroetl",
      schema: "dashboard_<%= environment %>",
    };
    expect(prepared.options.sourceSchema).toEqual(source);
    expect(prepared.tables.every((table) => table.view === table.table)).toBe(true);
    expect(prepared.specs.every((spec) => spec.source.schema === source.schema)).toBe(true);
    // With the test above (the committed templates are reproduced byte for byte), this is the whole
    // of "the two-part form works unchanged".
    for (const template of prepared.templates) {
      expect(template.content).toMatch(
        /\nFROM "<%= environment %>_learningplatform_mysql_zeroetl"\."dashboard_<%= environment %>"\."[a-z_]+";\n/,
      );
    }
  });

  it("has at least 12 models, some not exported, and both tiers", async () => {
    const prepared = await prepareViews({ cwd: REPO_ROOT });
    expect(prepared.schema.datamodel.models.length).toBeGreaterThanOrEqual(12);
    expect(prepared.tables.length).toBeLessThan(prepared.schema.datamodel.models.length);
    expect(prepared.specs.some((spec) => spec.tier === "pii")).toBe(true);
  });
});

/** A template without its column comments: what a rebuild is decided on. */
function ddlOf(templates: Record<string, string>): Record<string, string> {
  return Object.fromEntries(
    Object.entries(templates).map(([name, content]) => [name, content.split("\nCOMMENT ON COLUMN")[0] ?? ""]),
  );
}

describe("changing one field's classification changes exactly the affected templates", () => {
  const userCountry = '  /// @classification public\n  countryCode  String    @map("country_code")';
  // [change, templates whose view changes, templates whose column comments alone change (the level)]
  it.each<[string, (text: string) => string, string[], string[]]>([
    [
      "User.countryCode public → restricted: leaves the non-PII view only",
      (text) => edit(text, userCountry, userCountry.replace("public", "restricted")),
      ["users.sql.ejs"],
      ["users_pii.sql.ejs"],
    ],
    [
      "User.countryCode public → highly_restricted: leaves both views",
      (text) => edit(text, userCountry, userCountry.replace("public", "highly_restricted")),
      ["users.sql.ejs", "users_pii.sql.ejs"],
      [],
    ],
    [
      "User.email restricted → highly_restricted: leaves the PII view only",
      (text) =>
        edit(
          text,
          "  /// @classification restricted\n  email ",
          "  /// @classification highly_restricted\n  email ",
        ),
      ["users_pii.sql.ejs"],
      [],
    ],
    [
      "User.birthYear confidential → public: both views show it either way",
      (text) =>
        edit(
          text,
          "  /// @classification confidential\n  birthYear",
          "  /// @classification public\n  birthYear",
        ),
      [],
      ["users.sql.ejs", "users_pii.sql.ejs"],
    ],
    [
      "UserProfile.userId restricted → public: a non-PII view appears",
      (text) =>
        edit(
          text,
          '  /// @classification restricted\n  userId      Int     @id @map("user_id")',
          '  /// @classification public\n  userId      Int     @id @map("user_id")',
        ),
      ["user_profiles.sql.ejs"],
      ["user_profiles_pii.sql.ejs"],
    ],
    [
      "FeatureFlag.key unannotated (restricted) → public",
      (text) =>
        edit(
          text,
          "  key       String   @unique",
          "  /// @classification public\n  key       String   @unique",
        ),
      ["feature_flags.sql.ejs"],
      ["feature_flags_pii.sql.ejs"],
    ],
  ])("%s", async (_name, change, rebuilt, commented) => {
    const original = await exampleSchema();
    const before = await templatesOf(original);
    const after = await templatesOf(change(original));
    expect(changedFiles(ddlOf(before), ddlOf(after))).toEqual(rebuilt);
    expect(changedFiles(before, after)).toEqual([...rebuilt, ...commented].sort());
  });
});

describe("generate()", () => {
  it("is deterministic: a second run and a run from another working directory write nothing", async () => {
    const dir = await makeProject("generate", { "prisma/schema.prisma": await exampleSchema() });
    projects.push(dir);
    const first = await generate({ cwd: dir });
    expect(first.actions.every((action) => action.kind === "create")).toBe(true);
    expect(first.upToDate).toBe(false);
    expect(first.actions.map((action) => action.fileName)).toEqual(
      [...first.actions.map((action) => action.fileName)].sort(),
    );
    const before = await snapshotFolder(path.join(dir, "generated-views"));
    expect(contents(before)).toEqual(
      Object.fromEntries(
        Object.entries(contents(await snapshotFolder(path.join(REPO_ROOT, "generated-views")))).filter(
          ([name]) => name !== "README.md",
        ),
      ),
    );

    const second = await generate({ cwd: dir });
    expect(second.actions.every((action) => action.kind === "unchanged")).toBe(true);
    expect(second.upToDate).toBe(true);
    const fromElsewhere = await generate({
      cwd: path.join(dir, "prisma"),
      schema: "schema.prisma",
    });
    expect(fromElsewhere.actions.every((action) => action.kind === "unchanged")).toBe(true);
    expect(await snapshotFolder(path.join(dir, "generated-views"))).toEqual(before);
  });

  it("check() reports the actions and touches nothing", async () => {
    const dir = await makeProject("generate", { "prisma/schema.prisma": await exampleSchema() });
    projects.push(dir);
    const result = await check({ cwd: dir });
    expect(result.actions.length).toBeGreaterThan(0);
    expect(result.actions.every((action) => action.kind === "create")).toBe(true);
    expect(result.upToDate).toBe(false);
    expect(await snapshotFolder(path.join(dir, "generated-views"))).toEqual({});
    await writeFile(path.join(dir, "stray.txt"), "x");
    expect(Object.keys(await snapshotFolder(dir)).sort()).toEqual([
      "package.json",
      "prisma/schema.prisma",
      "stray.txt",
    ]);
  });

  it("finds the project root above the schema for header paths", () => {
    expect(findProjectRoot(path.join(REPO_ROOT, "prisma/schema.prisma"))).toBe(REPO_ROOT);
    expect(displayPathFrom(REPO_ROOT)(path.join(REPO_ROOT, "prisma", "schema.prisma"))).toBe(
      "prisma/schema.prisma",
    );
  });
});
