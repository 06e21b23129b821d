import path from "node:path";
import { describe, expect, it } from "vitest";
import {
  describeTarget,
  type LoadedConfig,
  parseConfig,
  type ResolvedTarget,
  resolveTarget,
} from "../../src/config/index.js";
import { RedshiftViewsError } from "../../src/errors.js";

const ROOT = "/project";
const FILE = "/project/redshift-views.config.ts";
const SECRET = "arn:aws:secretsmanager:eu-west-1:123456789012:secret:prod/redshift-AbCdEf";

/** `file: null` = no config file. */
function loaded(raw: unknown, file: string | null = FILE): LoadedConfig {
  const parsed = file === null ? parseConfig({}, "none") : parseConfig(raw, file);
  return { file: file ?? undefined, projectRoot: ROOT, ...parsed, env: {} };
}

function errorOf(run: () => unknown): RedshiftViewsError {
  try {
    run();
  } catch (error) {
    if (error instanceof RedshiftViewsError) return error;
    throw error;
  }
  throw new Error("expected an error");
}

const CONFIG = {
  grants: { nonPii: ["GROUP analysts"], pii: ["ROLE pii_readers"] },
  environments: {
    production: {
      clusterIdentifier: "analytics-prod",
      database: "analytics",
      dbUser: "deployer",
      region: "eu-west-1",
    },
    staging: {
      target: "redshift",
      workgroupName: "analytics-staging",
      database: "analytics",
      secretArn: SECRET,
      region: "eu-west-1",
      grants: { pii: [] },
    },
    qa: { target: "local", grants: { nonPii: ["GROUP qa"] } },
    partial: { database: "analytics" },
  },
};

describe("resolveTarget", () => {
  it("makes development local when there is no config file", () => {
    const target = resolveTarget(loaded({}, null), "development");
    expect(target).toEqual({
      kind: "local",
      environment: "development",
      dataDir: path.join(ROOT, ".redshift-views", "development"),
      database: "dev",
      grants: { nonPii: [], pii: [] },
    });
  });

  it("refuses any other environment without a config entry, showing the snippet and the override", () => {
    const error = errorOf(() => resolveTarget(loaded({}, null), "production"));
    expect(error.code).toBe("E_ENVIRONMENT_UNKNOWN");
    expect(error.message).toContain('"production" has no target');
    expect(error.hint).toContain("environments: {");
    expect(error.hint).toContain("production: {");
    expect(error.hint).toContain("REDSHIFT_TARGET=local");
  });

  it("runs any environment on the emulator when REDSHIFT_TARGET=local says so", () => {
    expect(resolveTarget(loaded({}, null), "production", { REDSHIFT_TARGET: "local" })).toMatchObject({
      kind: "local",
      environment: "production",
      dataDir: path.join(ROOT, ".redshift-views", "production"),
    });
  });

  it("makes development local by default even when a config exists", () => {
    expect(resolveTarget(loaded(CONFIG), "development").kind).toBe("local");
  });

  it("resolves a provisioned cluster with default grants", () => {
    expect(resolveTarget(loaded(CONFIG), "production")).toEqual({
      kind: "cluster",
      environment: "production",
      clusterIdentifier: "analytics-prod",
      dbUser: "deployer",
      database: "analytics",
      region: "eu-west-1",
      grants: { nonPii: [{ kind: "group", name: "analysts" }], pii: [{ kind: "role", name: "pii_readers" }] },
      overriddenBy: [],
    });
  });

  it("resolves serverless, overriding grants tier by tier", () => {
    const target = resolveTarget(loaded(CONFIG), "staging");
    expect(target).toMatchObject({
      kind: "serverless",
      workgroupName: "analytics-staging",
      secretArn: SECRET,
      grants: { nonPii: [{ kind: "group", name: "analysts" }], pii: [] },
    });
  });

  it("keeps an explicit local environment's grants", () => {
    expect(resolveTarget(loaded(CONFIG), "qa")).toMatchObject({
      kind: "local",
      grants: { nonPii: [{ kind: "group", name: "qa" }], pii: [{ kind: "role", name: "pii_readers" }] },
    });
  });

  it("lets REDSHIFT_* variables override the file and says which did", () => {
    const target = resolveTarget(loaded(CONFIG), "production", {
      REDSHIFT_CLUSTER_IDENTIFIER: "other-cluster",
      REDSHIFT_DATABASE: "warehouse",
      REDSHIFT_REGION: "us-west-2",
      AWS_REGION: "ap-south-1",
    });
    expect(target).toMatchObject({
      kind: "cluster",
      clusterIdentifier: "other-cluster",
      database: "warehouse",
      region: "us-west-2",
      overriddenBy: ["REDSHIFT_CLUSTER_IDENTIFIER", "REDSHIFT_DATABASE", "REDSHIFT_REGION"],
    });
  });

  it("completes a partial entry from the environment, with AWS_REGION as the region fallback", () => {
    const target = resolveTarget(loaded(CONFIG), "partial", {
      REDSHIFT_WORKGROUP_NAME: "wg-ci",
      AWS_REGION: "ap-south-1",
    });
    expect(target).toMatchObject({ kind: "serverless", workgroupName: "wg-ci", region: "ap-south-1" });
  });

  it("reads the environment captured by loadConfig unless given another", () => {
    const config = { ...loaded(CONFIG), env: { REDSHIFT_REGION: "us-west-2" } };
    expect(resolveTarget(config, "production")).toMatchObject({ region: "us-west-2" });
    expect(resolveTarget(config, "production", {})).toMatchObject({ region: "eu-west-1" });
  });

  it("forces local with REDSHIFT_TARGET=local, even for unknown environments", () => {
    expect(resolveTarget(loaded(CONFIG), "production", { REDSHIFT_TARGET: "local" }).kind).toBe("local");
    expect(resolveTarget(loaded(CONFIG), "nowhere", { REDSHIFT_TARGET: "local" }).kind).toBe("local");
  });

  it("forces a warehouse with REDSHIFT_TARGET=redshift without a config file", () => {
    const target = resolveTarget(loaded({}, null), "production", {
      REDSHIFT_TARGET: "redshift",
      REDSHIFT_CLUSTER_IDENTIFIER: "c1",
      REDSHIFT_SECRET_ARN: SECRET,
      REDSHIFT_DATABASE: "analytics",
      REDSHIFT_REGION: "eu-west-1",
    });
    expect(target).toMatchObject({ kind: "cluster", clusterIdentifier: "c1", secretArn: SECRET });
  });

  it("rejects an unknown REDSHIFT_TARGET", () => {
    expect(errorOf(() => resolveTarget(loaded(CONFIG), "production", { REDSHIFT_TARGET: "prod" })).code).toBe(
      "E_CONFIG_INVALID",
    );
  });

  it("lists the known environments for an unknown one", () => {
    const error = errorOf(() => resolveTarget(loaded(CONFIG), "prodution"));
    expect(error.code).toBe("E_ENVIRONMENT_UNKNOWN");
    expect(error.location.file).toBe(FILE);
    expect(error.message).toBe(
      'Unknown environment "prodution". Known environments: partial, production, qa, staging (and development, which is local by default).',
    );
    expect(error.hint).toContain("prodution: {");
  });

  it.each(["Production", "prod-1", "1prod", "prod;drop", "", "a".repeat(64)])(
    "rejects environment name %j",
    (name) => {
      expect(errorOf(() => resolveTarget(loaded({}, null), name)).code).toBe("E_ENVIRONMENT_INVALID");
    },
  );

  it.each([
    [
      "no region",
      { database: "d", clusterIdentifier: "c", dbUser: "u" },
      {},
      /has no AWS region/,
      /REDSHIFT_REGION/,
    ],
    [
      "no database",
      { clusterIdentifier: "c", dbUser: "u", region: "eu-west-1" },
      {},
      /no database/,
      /REDSHIFT_DATABASE/,
    ],
    [
      "no warehouse",
      { database: "d", region: "eu-west-1" },
      {},
      /names no warehouse/,
      /REDSHIFT_CLUSTER_IDENTIFIER/,
    ],
    [
      "no credentials",
      { database: "d", clusterIdentifier: "c", region: "eu-west-1" },
      {},
      /needs dbUser or secretArn/,
      /GetClusterCredentials/,
    ],
    [
      "cluster from env beside a workgroup in the file",
      { database: "d", workgroupName: "wgx", region: "eu-west-1" },
      { REDSHIFT_CLUSTER_IDENTIFIER: "c" },
      /both a cluster/,
      /not both|Keep one/,
    ],
    [
      "dbUser from env with a serverless workgroup",
      { database: "d", workgroupName: "wgx", region: "eu-west-1" },
      { REDSHIFT_DB_USER: "u" },
      /does not take dbUser/,
      /Remove dbUser/,
    ],
    [
      "malformed override",
      { database: "d", workgroupName: "wgx", region: "eu-west-1" },
      { REDSHIFT_REGION: "mars" },
      /REDSHIFT_REGION: "mars" is not/,
      /REDSHIFT_REGION/,
    ],
  ])("explains an incomplete target: %s", (_, environment, env, message, hint) => {
    const error = errorOf(() =>
      resolveTarget(loaded({ environments: { production: environment } }), "production", env),
    );
    expect(error.code).toBe("E_CONFIG_INVALID");
    expect(error.message).toMatch(message);
    expect(error.hint).toMatch(hint);
  });

  it("never echoes a malformed secret ARN from the environment", () => {
    const error = errorOf(() =>
      resolveTarget(loaded(CONFIG), "partial", {
        REDSHIFT_SECRET_ARN: "super-secret-value",
        REDSHIFT_WORKGROUP_NAME: "wgx",
      }),
    );
    expect(`${error.message} ${error.hint}`).not.toContain("super-secret-value");
  });
});

describe("describeTarget", () => {
  const config = loaded(CONFIG);
  it.each([
    ["development", "development: local emulator (state in /project/.redshift-views/development)"],
    [
      "production",
      'production: Redshift cluster "analytics-prod" in eu-west-1, database "analytics", database user "deployer"',
    ],
    [
      "staging",
      'staging: Redshift Serverless workgroup "analytics-staging" in eu-west-1, database "analytics", secret "prod/redshift-AbCdEf"',
    ],
  ])("%s", (environment, expected) => {
    expect(describeTarget(resolveTarget(config, environment))).toBe(expected);
  });

  it("never prints the account or a non-ARN secret", () => {
    const target: ResolvedTarget = {
      kind: "serverless",
      environment: "x",
      workgroupName: "wgx",
      secretArn: "plaintext-password",
      database: "d",
      region: "eu-west-1",
      grants: { nonPii: [], pii: [] },
      overriddenBy: ["REDSHIFT_SECRET_ARN"],
    };
    const text = describeTarget(target);
    expect(text).not.toContain("plaintext-password");
    expect(text).toContain('secret "****"');
    expect(text).toContain("(from REDSHIFT_SECRET_ARN)");
    expect(describeTarget(resolveTarget(config, "staging"))).not.toContain("123456789012");
  });
});
