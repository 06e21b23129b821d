import path from "node:path";
import { assertEnvironmentName } from "../environment/environment-name.js";
import { RedshiftViewsError } from "../errors.js";
import { type ConnectionKey, checkConnectionValue } from "./config-schema.js";
import type { GrantOverrides, Grants, LoadedConfig, ParsedEnvironment, ResolvedTarget } from "./types.js";

/** The folder under the project root where the local emulator keeps one database per environment. */
export const LOCAL_STATE_DIR = ".redshift-views";

/** The environment that is local unless the config says otherwise. */
const DEFAULT_LOCAL_ENVIRONMENT = "development";

/** `REDSHIFT_*` variables that override the file, in the order they are reported. */
const ENV_OVERRIDES: readonly (readonly [ConnectionKey, string])[] = [
  ["clusterIdentifier", "REDSHIFT_CLUSTER_IDENTIFIER"],
  ["workgroupName", "REDSHIFT_WORKGROUP_NAME"],
  ["database", "REDSHIFT_DATABASE"],
  ["dbUser", "REDSHIFT_DB_USER"],
  ["secretArn", "REDSHIFT_SECRET_ARN"],
  ["region", "REDSHIFT_REGION"],
];

type RedshiftEnvironment = Extract<ParsedEnvironment, { target: "redshift" }>;

function mergeGrants(defaults: Grants, overrides: GrantOverrides): Grants {
  return { nonPii: overrides.nonPii ?? defaults.nonPii, pii: overrides.pii ?? defaults.pii };
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value.trim() === "" ? undefined : value.trim();
}

function configError(config: LoadedConfig, message: string, hint: string): RedshiftViewsError {
  return new RedshiftViewsError("E_CONFIG_INVALID", message, {
    ...(config.file === undefined ? {} : { location: { file: config.file } }),
    hint,
  });
}

/**
 * Decides where one environment's statements go. Order of precedence: `REDSHIFT_TARGET`, then the
 * config file's entry with `REDSHIFT_*` variables overriding its fields, then the default: only
 * `development` is the local emulator without an entry; any other environment without one is an error.
 */
export function resolveTarget(
  config: LoadedConfig,
  environment: string,
  env?: NodeJS.ProcessEnv,
): ResolvedTarget {
  assertEnvironmentName(environment);
  const vars = env ?? config.env;
  const forced = nonEmpty(vars.REDSHIFT_TARGET);
  if (forced !== undefined && forced !== "local" && forced !== "redshift")
    throw configError(
      config,
      `REDSHIFT_TARGET is ${JSON.stringify(forced)}; expected "local" or "redshift".`,
      "Set REDSHIFT_TARGET=local to use the embedded emulator, REDSHIFT_TARGET=redshift to force a warehouse, or unset it.",
    );

  const entry = config.environments[environment];
  const local = (grants: GrantOverrides): ResolvedTarget => ({
    kind: "local",
    environment,
    dataDir: path.join(config.projectRoot, LOCAL_STATE_DIR, environment),
    database: "dev",
    grants: mergeGrants(config.grants, grants),
  });

  if (forced === "local") return local(entry?.grants ?? {});
  if (entry === undefined) {
    if (forced === "redshift") return redshift(config, environment, undefined, vars);
    if (environment === DEFAULT_LOCAL_ENVIRONMENT) return local({});
    // Anything else must be configured: a deploy that "succeeds" against a local folder because the
    // config is missing (or the command ran from the wrong directory) would deploy nothing.
    throw unknownEnvironment(config, environment);
  }
  if (entry.target === "local" && forced !== "redshift") return local(entry.grants);
  return redshift(
    config,
    environment,
    entry.target === "redshift" ? entry : { target: "redshift", grants: entry.grants },
    vars,
  );
}

function unknownEnvironment(config: LoadedConfig, environment: string): RedshiftViewsError {
  const known = Object.keys(config.environments).sort();
  const snippet = [
    `environments: {`,
    `  ${environment}: { workgroupName: "…", database: "…", region: "…" }, // or clusterIdentifier + dbUser`,
    `}`,
  ].join("\n    ");
  const force = `or run it on the local emulator on purpose with REDSHIFT_TARGET=local.`;
  if (config.file === undefined)
    return new RedshiftViewsError(
      "E_ENVIRONMENT_UNKNOWN",
      `"${environment}" has no target: there is no redshift-views.config file in ${config.projectRoot}, and only ${DEFAULT_LOCAL_ENVIRONMENT} runs on the local emulator without one.`,
      {
        hint: `Create redshift-views.config.ts (or pass --config) with\n    ${snippet}\n  ${force}`,
      },
    );
  return new RedshiftViewsError(
    "E_ENVIRONMENT_UNKNOWN",
    `Unknown environment "${environment}". Known environments: ${
      known.length === 0 ? "none" : known.join(", ")
    } (and ${DEFAULT_LOCAL_ENVIRONMENT}, which is local by default).`,
    {
      location: { file: config.file },
      hint: `Use one of the known environments, or add it to ${path.basename(config.file)}:\n    ${snippet}\n  ${force}`,
    },
  );
}

function redshift(
  config: LoadedConfig,
  environment: string,
  entry: RedshiftEnvironment | undefined,
  vars: NodeJS.ProcessEnv,
): ResolvedTarget {
  const key = `environments.${environment}`;
  const file = config.file === undefined ? "redshift-views.config.ts" : path.basename(config.file);
  const values: Partial<Record<ConnectionKey, string>> = {};
  const overriddenBy: string[] = [];
  for (const [field, variable] of ENV_OVERRIDES) {
    const fromEnv = nonEmpty(vars[variable]);
    const fromFile = entry?.[field];
    if (fromEnv !== undefined) {
      const problem = checkConnectionValue(field, fromEnv);
      if (problem !== undefined)
        throw configError(
          config,
          `${variable}: ${problem}.`,
          `Fix or unset the ${variable} environment variable.`,
        );
      values[field] = fromEnv;
      overriddenBy.push(variable);
    } else if (fromFile !== undefined) {
      values[field] = fromFile;
    }
  }
  if (values.region === undefined) {
    const fallback = nonEmpty(vars.AWS_REGION);
    if (fallback !== undefined) {
      const problem = checkConnectionValue("region", fallback);
      if (problem !== undefined)
        throw configError(config, `AWS_REGION: ${problem}.`, "Fix AWS_REGION or set REDSHIFT_REGION.");
      values.region = fallback;
      overriddenBy.push("AWS_REGION");
    }
  }

  const { clusterIdentifier, workgroupName, database, region, dbUser, secretArn } = values;
  if (clusterIdentifier !== undefined && workgroupName !== undefined)
    throw configError(
      config,
      `${key} has both a cluster (${clusterIdentifier}) and a serverless workgroup (${workgroupName}).`,
      "Keep one of clusterIdentifier / REDSHIFT_CLUSTER_IDENTIFIER and workgroupName / REDSHIFT_WORKGROUP_NAME.",
    );
  if (clusterIdentifier === undefined && workgroupName === undefined)
    throw configError(
      config,
      `${key} names no warehouse: set clusterIdentifier (provisioned cluster) or workgroupName (serverless).`,
      `Add one to ${key} in ${file}, or set REDSHIFT_CLUSTER_IDENTIFIER or REDSHIFT_WORKGROUP_NAME; use target: "local" for the emulator.`,
    );
  if (database === undefined)
    throw configError(
      config,
      `${key} has no database.`,
      `Set ${key}.database in ${file}, or REDSHIFT_DATABASE.`,
    );
  if (region === undefined)
    throw configError(
      config,
      `${key} has no AWS region.`,
      `Set ${key}.region in ${file}, or REDSHIFT_REGION (or AWS_REGION).`,
    );
  if (secretArn !== undefined && dbUser !== undefined)
    throw configError(
      config,
      `${key} has both dbUser and secretArn (after REDSHIFT_* overrides).`,
      "Keep one: dbUser / REDSHIFT_DB_USER for temporary credentials, or secretArn / REDSHIFT_SECRET_ARN.",
    );
  const grants = mergeGrants(config.grants, entry?.grants ?? {});
  if (workgroupName !== undefined) {
    if (dbUser !== undefined)
      throw configError(
        config,
        `${key} is a serverless workgroup, which does not take dbUser.`,
        "Remove dbUser / REDSHIFT_DB_USER; serverless connects with secretArn or the caller's IAM identity.",
      );
    return {
      kind: "serverless",
      environment,
      workgroupName,
      ...(secretArn === undefined ? {} : { secretArn }),
      database,
      region,
      grants,
      overriddenBy,
    };
  }
  if (clusterIdentifier === undefined) throw new Error("unreachable: checked above");
  if (dbUser === undefined && secretArn === undefined)
    throw configError(
      config,
      `${key} is a provisioned cluster without credentials: it needs dbUser or secretArn.`,
      `Set ${key}.dbUser (temporary credentials via redshift:GetClusterCredentials) or ${key}.secretArn in ${file}, or REDSHIFT_DB_USER / REDSHIFT_SECRET_ARN.`,
    );
  return {
    kind: "cluster",
    environment,
    clusterIdentifier,
    ...(dbUser === undefined ? {} : { dbUser }),
    ...(secretArn === undefined ? {} : { secretArn }),
    database,
    region,
    grants,
    overriddenBy,
  };
}
