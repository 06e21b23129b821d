import { execFile } from "node:child_process";
import { existsSync } from "node:fs";
import { readFile, symlink, writeFile } from "node:fs/promises";
import path from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCli } from "../../src/cli/main.js";
import {
  changedFiles,
  contents,
  DATASOURCE,
  exampleSchema,
  fakeIo,
  GENERATOR,
  makeProject,
  OFFLINE_SCHEMA_ENGINE,
  REPO_ROOT,
  removeDir,
  snapshotFolder,
} from "../helpers/index.js";

const run = promisify(execFile);
const PRISMA = path.join(REPO_ROOT, "node_modules/prisma/build/index.js");

/**
 * Runs the real `prisma generate` in a project, the way `npx prisma generate` does: with the
 * project's node_modules/.bin on PATH, which is how Prisma finds `provider = "prisma-redshift-views"`.
 */
async function prismaGenerate(dir: string, args: string[] = []) {
  try {
    const { stdout, stderr } = await run(process.execPath, [PRISMA, "generate", ...args], {
      cwd: dir,
      timeout: 240_000,
      env: {
        ...process.env,
        PATH: `${path.join(dir, "node_modules/.bin")}${path.delimiter}${process.env.PATH ?? ""}`,
        // Prisma 7 downloads its schema engine on start-up; `generate` never uses it.
        PRISMA_SCHEMA_ENGINE_BINARY: OFFLINE_SCHEMA_ENGINE,
        PRISMA_HIDE_UPDATE_MESSAGE: "1",
        CHECKPOINT_DISABLE: "1",
        NO_COLOR: "1",
      },
    });
    return { code: 0, output: `${stdout}\n${stderr}` };
  } catch (error) {
    const failure = error as { code?: number; stdout?: string; stderr?: string };
    return { code: failure.code ?? -1, output: `${failure.stdout ?? ""}\n${failure.stderr ?? ""}` };
  }
}

/** A temporary copy of a project that resolves prisma and this package through node_modules. */
async function prismaProject(files: Record<string, string>): Promise<string> {
  const dir = await makeProject("prisma", files);
  await symlink(path.join(REPO_ROOT, "node_modules"), path.join(dir, "node_modules"), "dir");
  projects.push(dir);
  return dir;
}

const projects: string[] = [];
afterAll(async () => {
  await Promise.all(projects.map(removeDir));
});

beforeAll(() => {
  if (!existsSync(path.join(REPO_ROOT, "dist/generator/bin.js"))) {
    throw new Error("dist/ is missing: run `npm run build` first (npm test does).");
  }
});

describe("the real `prisma generate`", () => {
  it("writes the same bytes as `redshift-views generate` and as the committed templates", async () => {
    const schema = await exampleSchema();
    const viaPrisma = await prismaProject({ "prisma/schema.prisma": schema });
    const result = await prismaGenerate(viaPrisma);
    expect(result.output).not.toMatch(/error/i);
    expect(result.code).toBe(0);

    const viaCli = await makeProject("cli", { "prisma/schema.prisma": schema });
    projects.push(viaCli);
    expect(await runCli(["generate"], fakeIo(viaCli))).toBe(0);

    const fromPrisma = contents(await snapshotFolder(path.join(viaPrisma, "generated-views")));
    const fromCli = contents(await snapshotFolder(path.join(viaCli, "generated-views")));
    expect(Object.keys(fromPrisma).length).toBeGreaterThan(10);
    expect(fromPrisma).toEqual(fromCli);

    const committed = contents(await snapshotFolder(path.join(REPO_ROOT, "generated-views")));
    delete committed["README.md"];
    expect(fromPrisma).toEqual(committed);

    // The CLI agrees that what Prisma wrote is up to date, and a second `prisma generate` writes nothing.
    expect(await runCli(["check"], fakeIo(viaPrisma))).toBe(0);
    const before = await snapshotFolder(path.join(viaPrisma, "generated-views"));
    expect((await prismaGenerate(viaPrisma)).code).toBe(0);
    expect(await snapshotFolder(path.join(viaPrisma, "generated-views"))).toEqual(before);

    // One classification edit: `check` fails, `prisma generate` changes users.sql.ejs (the column
    // leaves it) and users_pii.sql.ejs (its column comment states the new level).
    await writeFile(
      path.join(viaPrisma, "prisma/schema.prisma"),
      schema.replace(
        "  /// @classification public\n  countryCode",
        "  /// @classification restricted\n  countryCode",
      ),
    );
    expect(await runCli(["check"], fakeIo(viaPrisma))).toBe(1);
    expect((await prismaGenerate(viaPrisma)).code).toBe(0);
    const after = contents(await snapshotFolder(path.join(viaPrisma, "generated-views")));
    expect(changedFiles(contents(before), after)).toEqual(["users.sql.ejs", "users_pii.sql.ejs"]);
    expect(after["users.sql.ejs"]).not.toContain("country_code");
  });

  it("fails on bad annotations, naming the place, and changes no file", async () => {
    const schema = await exampleSchema();
    const dir = await prismaProject({ "prisma/schema.prisma": schema });
    expect((await prismaGenerate(dir)).code).toBe(0);
    await writeFile(path.join(dir, "generated-views/README.md"), "# Views\n");
    const before = await snapshotFolder(path.join(dir, "generated-views"));

    await writeFile(
      path.join(dir, "prisma/schema.prisma"),
      schema
        .replace(
          "/// @classification highly_restricted\n  passwordHash",
          "/// @classification secret\n  passwordHash",
        )
        .replace("  rules     Json?", "  rules     Json?\n  blob      Bytes"),
    );
    const result = await prismaGenerate(dir);
    expect(result.code).not.toBe(0);
    expect(result.output).toContain("no file was changed");
    expect(result.output).toMatch(
      /\[E_ANNOTATION_UNKNOWN_LEVEL\] prisma\/schema\.prisma:\d+, model User, field passwordHash/,
    );
    expect(result.output).toMatch(
      /\[E_MODEL_BYTES_COLUMN\] prisma\/schema\.prisma:\d+, model FeatureFlag, field blob/,
    );
    expect(await snapshotFolder(path.join(dir, "generated-views"))).toEqual(before);
  });

  it("fails on an annotation line that holds more than the annotation, naming the line, and changes no file", async () => {
    const schema = await exampleSchema();
    const dir = await prismaProject({ "prisma/schema.prisma": schema });
    expect((await prismaGenerate(dir)).code).toBe(0);
    const before = await snapshotFolder(path.join(dir, "generated-views"));

    const edited = schema
      .replace(
        "/// @classification highly_restricted\n  passwordHash",
        "/// @classification restricted highly_restricted\n  passwordHash",
      )
      .replace(
        "/// @classification public\n  countryCode",
        "/// @classification public -- shown in reports\n  countryCode",
      );
    await writeFile(path.join(dir, "prisma/schema.prisma"), edited);
    const lines = edited.split("\n");
    const lineOf = (fragment: string) => lines.findIndex((line) => line.includes(fragment)) + 1;

    const result = await prismaGenerate(dir);
    expect(result.code).toBe(1);
    expect(result.output).toContain("no file was changed");
    expect(result.output).toContain(
      `[E_ANNOTATION_EXTRA_TEXT] prisma/schema.prisma:${lineOf("restricted highly_restricted")}, model User, field passwordHash`,
    );
    expect(result.output).toContain(
      `[E_ANNOTATION_EXTRA_TEXT] prisma/schema.prisma:${lineOf("shown in reports")}, model User, field countryCode`,
    );
    expect(result.output).toContain("put notes on their own /// line");
    expect(await snapshotFolder(path.join(dir, "generated-views"))).toEqual(before);
  });

  it("handles a multi-file schema folder like the CLI, naming each model's file", async () => {
    const files = {
      "prisma/schema/main.prisma": `${DATASOURCE}\n\n${GENERATOR}\n`,
      "prisma/schema/user.prisma":
        '/// @exportToAnalytics\nmodel User {\n  id    Int    @id\n  /// @classification restricted\n  email String\n  @@map("users")\n}\n',
      "prisma/schema/course.prisma":
        "/// @exportToAnalytics\nmodel Course {\n  id    Int    @id\n  /// @classification public\n  title String\n}\n",
    };
    const viaPrisma = await prismaProject(files);
    const result = await prismaGenerate(viaPrisma, ["--schema", "prisma/schema"]);
    expect(result.code, result.output).toBe(0);
    const viaCli = await makeProject("cli", files);
    projects.push(viaCli);
    expect(await runCli(["generate", "--schema", "prisma/schema"], fakeIo(viaCli))).toBe(0);

    const fromPrisma = contents(await snapshotFolder(path.join(viaPrisma, "prisma/generated-views")));
    const fromCli = contents(await snapshotFolder(path.join(viaCli, "prisma/generated-views")));
    expect(Object.keys(fromPrisma)).toEqual([
      "Course.sql.ejs",
      "Course_pii.sql.ejs",
      "users.sql.ejs",
      "users_pii.sql.ejs",
    ]);
    expect(fromPrisma).toEqual(fromCli);
    expect(fromPrisma["Course.sql.ejs"]).toContain("from model Course (prisma/schema/course.prisma)");
    expect(fromPrisma["users_pii.sql.ejs"]).toContain("from model User (prisma/schema/user.prisma)");
  });
});

describe("the real `prisma generate` on a PostgreSQL source with several schemas", () => {
  const FIXTURE = path.join(REPO_ROOT, "test/fixtures/multi-schema/schema.prisma");
  const NAMING = '  viewNaming    = "schema_prefixed"\n';

  it("reads each table from its own schema; a same-named table is an error until viewNaming says how to name it", async () => {
    const text = await readFile(FIXTURE, "utf8");
    expect(text).toContain(NAMING);
    const dir = await prismaProject({ "prisma/schema.prisma": text });
    const generated = await prismaGenerate(dir);
    expect(generated.code, generated.output).toBe(0);
    const views = contents(await snapshotFolder(path.join(dir, "generated-views")));
    expect(Object.keys(views)).toEqual([
      "auth_users.sql.ejs",
      "auth_users_pii.sql.ejs",
      "billing_invoices.sql.ejs",
      "billing_invoices_pii.sql.ejs",
      "users.sql.ejs",
      "users_pii.sql.ejs",
    ]);
    expect(
      Object.fromEntries(
        Object.entries(views).map(([file, sql]) => [
          file,
          sql.split("\n").filter((line) => /^(CREATE|FROM)/.test(line)),
        ]),
      ),
    ).toEqual({
      "auth_users.sql.ejs": [
        'CREATE MATERIALIZED VIEW "analytics_<%= environment %>"."auth_users"',
        'FROM "<%= environment %>_app"."auth"."users";',
      ],
      "auth_users_pii.sql.ejs": [
        'CREATE MATERIALIZED VIEW "analytics_<%= environment %>_pii"."auth_users"',
        'FROM "<%= environment %>_app"."auth"."users";',
      ],
      "billing_invoices.sql.ejs": [
        'CREATE MATERIALIZED VIEW "analytics_<%= environment %>"."billing_invoices"',
        'FROM "<%= environment %>_app"."billing"."invoices";',
      ],
      "billing_invoices_pii.sql.ejs": [
        'CREATE MATERIALIZED VIEW "analytics_<%= environment %>_pii"."billing_invoices"',
        'FROM "<%= environment %>_app"."billing"."invoices";',
      ],
      "users.sql.ejs": [
        'CREATE MATERIALIZED VIEW "analytics_<%= environment %>"."users"',
        'FROM "<%= environment %>_app"."public"."users";',
      ],
      "users_pii.sql.ejs": [
        'CREATE MATERIALIZED VIEW "analytics_<%= environment %>_pii"."users"',
        'FROM "<%= environment %>_app"."public"."users";',
      ],
    });
    expect(views["auth_users_pii.sql.ejs"]).toMatchInlineSnapshot(`
      "-- Generated by prisma-redshift-views from model AuthUser (prisma/schema.prisma). Do not edit.
      CREATE MATERIALIZED VIEW "analytics_<%= environment %>_pii"."auth_users"
        BACKUP NO
        DISTSTYLE KEY DISTKEY ("id")
        AUTO REFRESH NO
      AS SELECT
        "id",
        "provider",
        "last_sign_in_at"
      FROM "<%= environment %>_app"."auth"."users";
      COMMENT ON COLUMN "analytics_<%= environment %>_pii"."auth_users"."id" IS '[public]';
      COMMENT ON COLUMN "analytics_<%= environment %>_pii"."auth_users"."provider" IS '[public]';
      COMMENT ON COLUMN "analytics_<%= environment %>_pii"."auth_users"."last_sign_in_at" IS '[restricted]';
      "
    `);
    // The CLI writes the same bytes, and agrees that they are up to date.
    const viaCli = await makeProject("cli", { "prisma/schema.prisma": text });
    projects.push(viaCli);
    expect(await runCli(["generate"], fakeIo(viaCli))).toBe(0);
    expect(contents(await snapshotFolder(path.join(viaCli, "generated-views")))).toEqual(views);
    expect(await runCli(["check"], fakeIo(dir))).toBe(0);

    // Without viewNaming, public.users and auth.users would both be views named "users".
    await writeFile(path.join(dir, "prisma/schema.prisma"), text.replace(NAMING, ""));
    const before = await snapshotFolder(path.join(dir, "generated-views"));
    const refused = await prismaGenerate(dir);
    expect(refused.code).toBe(1);
    expect(refused.output).toContain("no file was changed");
    const collision =
      /\[E_TABLE_NAME_COLLISION\] prisma\/schema\.prisma:\d+, model AuthUser: Tables "public"\."users" \(model User\) and "auth"\."users" \(model AuthUser\) would both have views named "users"\.\n {2}→ Set viewNaming = "schema_prefixed" in the generator block/;
    expect(refused.output).toMatch(collision);
    for (const command of ["generate", "check"]) {
      const io = fakeIo(dir);
      expect(await runCli([command], io), command).toBe(1);
      expect(io.err.join("\n"), command).toMatch(collision);
    }
    expect(await snapshotFolder(path.join(dir, "generated-views"))).toEqual(before);
  });
});
