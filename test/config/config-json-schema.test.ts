import { readFile } from "node:fs/promises";
import { Ajv } from "ajv";
import { describe, expect, it } from "vitest";
import { CONFIG_SCHEMA_URL, configJsonSchema } from "../../scripts/config-json-schema.mjs";
import { configSchema } from "../../src/config/config-schema.js";
import { parseConfig } from "../../src/config/parse-config.js";

const published = JSON.parse(await readFile(CONFIG_SCHEMA_URL, "utf8")) as Record<string, unknown>;

describe("the published config JSON Schema", () => {
  it("is the one the config schema gives (run `npm run docs` after changing the config)", () => {
    expect(configJsonSchema(configSchema)).toEqual(published);
  });

  const validate = new Ajv({ strict: false }).compile(published);

  it.each([
    { environments: { development: { target: "local" } } },
    {
      $schema: "./node_modules/prisma-redshift-views/docs/schemas/config.schema.json",
      grants: { nonPii: ["GROUP analysts"], pii: ["ROLE pii_readers", "bob"] },
      environments: {
        production: { workgroupName: "analytics", database: "dev", region: "eu-west-1" },
        staging: { clusterIdentifier: "analytics", dbUser: "deployer", database: "dev", region: "eu-west-1" },
      },
      concurrency: 50,
    },
  ])("accepts what the loader accepts: %j", (config) => {
    expect(validate(config)).toBe(true);
    expect(() => parseConfig(config, "redshift-views.config.json")).not.toThrow();
  });

  it.each([
    { concurency: 3 },
    { environments: { Production: { target: "local" } } },
    { environments: { production: { target: "local", database: "dev" } } },
    { environments: { production: { region: "Europe" } } },
    { grants: { nonPii: ["TEAM x"] } },
    { concurrency: 500 },
  ])("refuses what the loader refuses: %j", (config) => {
    expect(validate(config)).toBe(false);
    expect(() => parseConfig(config, "redshift-views.config.json")).toThrow();
  });
});
