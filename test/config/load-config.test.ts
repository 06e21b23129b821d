import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { loadConfig } from "../../src/config/index.js";
import { RedshiftViewsError, RedshiftViewsErrors, toRedshiftViewsErrors } from "../../src/errors.js";

const CONFIG_INDEX = path.resolve(import.meta.dirname, "../../src/index.ts");

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), "rv-config-"));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function errorsOf(promise: Promise<unknown>): Promise<readonly RedshiftViewsError[]> {
  try {
    await promise;
  } catch (error) {
    expect(error instanceof RedshiftViewsError || error instanceof RedshiftViewsErrors).toBe(true);
    return toRedshiftViewsErrors(error);
  }
  throw new Error("expected the promise to reject");
}

describe("loadConfig", () => {
  it("reports no file and an empty configuration when there is none", async () => {
    const loaded = await loadConfig({ cwd: dir, env: {} });
    expect(loaded.file).toBeUndefined();
    expect(loaded.projectRoot).toBe(dir);
    expect(loaded.environments).toEqual({});
    expect(loaded.concurrency).toBe(20);
    expect(loaded.grants).toEqual({ nonPii: [], pii: [] });
  });

  it("finds the config files c12 finds without being asked: .config/, YAML, a folder with an index", async () => {
    const found = async (file: string, text: string) => {
      const where = await mkdtemp(path.join(os.tmpdir(), "rv-config-found-"));
      try {
        await mkdir(path.dirname(path.join(where, file)), { recursive: true });
        await writeFile(path.join(where, file), text);
        return (await loadConfig({ cwd: where, env: {} })).concurrency;
      } finally {
        await rm(where, { recursive: true, force: true });
      }
    };
    expect(await found(".config/redshift-views.json", '{"concurrency": 3}')).toBe(3);
    expect(await found(".config/redshift-views.config.json", '{"concurrency": 4}')).toBe(4);
    expect(await found("redshift-views.config.yaml", "concurrency: 5\n")).toBe(5);
    expect(await found("redshift-views.config/index.js", "export default { concurrency: 6 };\n")).toBe(6);
  });

  it("loads a JSON config", async () => {
    const file = path.join(dir, "redshift-views.config.json");
    await writeFile(
      file,
      JSON.stringify({
        concurrency: 50,
        grants: { nonPii: ["GROUP analysts"], pii: ["ROLE pii_readers"] },
        environments: {
          production: {
            clusterIdentifier: "analytics-prod",
            database: "analytics",
            dbUser: "provisioner",
            region: "eu-west-1",
          },
          development: { target: "local" },
        },
      }),
    );
    const loaded = await loadConfig({ cwd: dir, env: {} });
    expect(loaded.file).toBe(file);
    expect(loaded.concurrency).toBe(50);
    expect(loaded.grants).toEqual({
      nonPii: [{ kind: "group", name: "analysts" }],
      pii: [{ kind: "role", name: "pii_readers" }],
    });
    expect(loaded.environments.production).toEqual({
      target: "redshift",
      clusterIdentifier: "analytics-prod",
      database: "analytics",
      dbUser: "provisioner",
      region: "eu-west-1",
      grants: {},
    });
    expect(loaded.environments.development).toEqual({ target: "local", grants: {} });
  });

  it("loads a TypeScript config written with defineConfig", async () => {
    const file = path.join(dir, "redshift-views.config.ts");
    await writeFile(
      file,
      `import { defineConfig } from ${JSON.stringify(CONFIG_INDEX)};
export default defineConfig({
  environments: {
    staging: { workgroupName: "analytics-staging", database: "analytics", region: "us-east-1" },
  },
});
`,
    );
    const loaded = await loadConfig({ cwd: dir, env: {} });
    expect(loaded.file).toBe(file);
    expect(loaded.environments.staging).toMatchObject({
      target: "redshift",
      workgroupName: "analytics-staging",
    });
  });

  it("ignores NODE_ENV sections, rc files and .env files", async () => {
    await writeFile(path.join(dir, ".redshift-viewsrc"), "concurrency=7\n");
    await writeFile(path.join(dir, ".env"), "REDSHIFT_VIEWS_SHOULD_NOT_LEAK=1\n");
    await writeFile(
      path.join(dir, "redshift-views.config.json"),
      JSON.stringify({ $production: { concurrency: 3 } }),
    );
    const errors = await errorsOf(loadConfig({ cwd: dir, env: {} }));
    expect(errors.map((e) => e.message)).toEqual([expect.stringContaining("$production: unknown key")]);
    expect(process.env.REDSHIFT_VIEWS_SHOULD_NOT_LEAK).toBeUndefined();
  });

  it("uses an explicit --config file, relative to cwd", async () => {
    await writeFile(path.join(dir, "custom.json"), JSON.stringify({ concurrency: 5 }));
    const loaded = await loadConfig({ cwd: dir, configFile: "custom.json", env: {} });
    expect(loaded.file).toBe(path.join(dir, "custom.json"));
    expect(loaded.concurrency).toBe(5);
  });

  it("fails clearly when the explicit config file does not exist", async () => {
    const errors = await errorsOf(loadConfig({ cwd: dir, configFile: "missing.ts", env: {} }));
    expect(errors[0]?.code).toBe("E_CONFIG_NOT_FOUND");
    expect(errors[0]?.location.file).toBe(path.join(dir, "missing.ts"));
  });

  it("wraps a config that does not evaluate", async () => {
    await writeFile(path.join(dir, "redshift-views.config.ts"), "export default {{ nope");
    const errors = await errorsOf(loadConfig({ cwd: dir, env: {} }));
    expect(errors[0]?.code).toBe("E_CONFIG_LOAD");
  });

  it("rejects unknown keys everywhere, suggesting the right spelling, all at once", async () => {
    const file = path.join(dir, "redshift-views.config.json");
    await writeFile(
      file,
      JSON.stringify({
        concurency: 10,
        environments: {
          production: { clusterIdentifer: "x", database: "analytics", dbUser: "u", region: "eu-west-1" },
          development: { target: "local", database: "dev" },
        },
        grants: { nonPII: ["GROUP a"] },
      }),
    );
    const errors = await errorsOf(loadConfig({ cwd: dir, env: {} }));
    expect(errors.every((e) => e.code === "E_CONFIG_INVALID" && e.location.file === file)).toBe(true);
    expect(errors.map((e) => e.message)).toMatchInlineSnapshot(`
      [
        "environments.production.clusterIdentifer: unknown key (did you mean "clusterIdentifier"?); allowed here: target, grants, database, region, clusterIdentifier, workgroupName, dbUser, secretArn",
        "environments.development.database: unknown key; allowed here: target, grants",
        "grants.nonPII: unknown key (did you mean "nonPii"?); allowed here: nonPii, pii",
        "concurency: unknown key (did you mean "concurrency"?); allowed here: environments, concurrency, grants, metrics",
      ]
    `);
  });

  it("rejects invalid environment names, values and contradictions", async () => {
    await writeFile(
      path.join(dir, "redshift-views.config.json"),
      JSON.stringify({
        concurrency: 500,
        environments: {
          Production: { target: "local" },
          "prod;drop": { target: "local" },
          staging: { target: "cloud" },
          qa: { clusterIdentifier: "a", workgroupName: "bbb", database: "x", region: "eu-west-1" },
          uat: { clusterIdentifier: "a", database: "x", region: "Europe", secretArn: "not-an-arn" },
        },
      }),
    );
    const errors = await errorsOf(loadConfig({ cwd: dir, env: {} }));
    const messages = errors.map((e) => e.message);
    expect(messages).toEqual([
      expect.stringContaining("environments.Production: invalid environment name"),
      expect.stringContaining("environments.prod;drop: invalid environment name"),
      expect.stringContaining('environments.staging.target: expected "local" or "redshift"'),
      expect.stringContaining("environments.qa: set either clusterIdentifier"),
      expect.stringContaining('environments.uat.region: "Europe" is not'),
      "environments.uat.secretArn: the value is not a Secrets Manager ARN (arn:aws:secretsmanager:<region>:<account>:secret:<name>)",
      expect.stringContaining("concurrency: expected an integer from 1 to 200, got 500"),
    ]);
  });

  it("validates grants", async () => {
    await writeFile(
      path.join(dir, "redshift-views.config.json"),
      JSON.stringify({
        grants: {
          nonPii: ["GROUP analysts", "bob", "USER bob", "TEAM x", "GROUP", 'GROUP "x"; DROP TABLE t'],
          pii: ["PUBLIC", "ROLE pii readers", 7, "ROLE pii$readers"],
        },
        environments: { production: { target: "local", grants: { pii: "ROLE x" } } },
      }),
    );
    const errors = await errorsOf(loadConfig({ cwd: dir, env: {} }));
    expect(errors.map((e) => e.message)).toMatchInlineSnapshot(`
      [
        "environments.production.grants.pii: expected an array of grantees like "GROUP analysts", got a string",
        "grants.nonPii[3]: unknown grantee keyword "TEAM" in "TEAM x": use GROUP, ROLE or USER",
        "grants.nonPii[4]: "GROUP" has a keyword but no name: write e.g. "GROUP analysts"",
        "grants.nonPii[5]: expected "[GROUP|ROLE|USER] <name>", got "GROUP \\"x\\"; DROP TABLE t"",
        "grants.pii[0]: granting to PUBLIC would expose the views to every user: name a group, role or user instead",
        "grants.pii[1]: expected "[GROUP|ROLE|USER] <name>", got "ROLE pii readers"",
        "grants.pii[2]: expected a string like "GROUP analysts", got a number",
      ]
    `);
  });

  it("accepts keyword case variations and de-duplicates grantees", async () => {
    await writeFile(
      path.join(dir, "redshift-views.config.json"),
      JSON.stringify({
        grants: { nonPii: ["group analysts", "GROUP analysts", "bob", "USER bob", "ROLE r$1"] },
      }),
    );
    const loaded = await loadConfig({ cwd: dir, env: {} });
    expect(loaded.grants.nonPii).toEqual([
      { kind: "group", name: "analysts" },
      { kind: "user", name: "bob" },
      { kind: "role", name: "r$1" },
    ]);
  });
});
