import * as v from "valibot";
import { ENVIRONMENT_NAME_MAX_LENGTH, ENVIRONMENT_NAME_PATTERN } from "../environment/environment-name.js";
import { MAX_CONCURRENCY } from "../warehouse/index.js";
import { GRANTEE_PATTERN, parseGrantee } from "./grants.js";

/**
 * The one definition of `redshift-views.config.{ts,json}`: the TypeScript types (`RedshiftViewsConfig`
 * is its input type), the validation with messages that name the key, and the published JSON Schema
 * (`docs/schemas/config.schema.json`, for editor completion through `$schema`) all come from it.
 *
 * Valibot rather than zod: its schemas are plain data with tree-shakable functions, so validating a
 * config adds a few kilobytes to every command's start instead of a large module, and
 * `@valibot/to-json-schema` derives the JSON Schema from the same objects.
 */

/** Connection values, validated the same way whether they come from the file or from `REDSHIFT_*`. */
const CONNECTION_VALUE_PATTERNS = {
  database: /^[A-Za-z_][A-Za-z0-9_$]{0,126}$/,
  region: /^[a-z]{2}(-[a-z]+)+-\d+$/,
  clusterIdentifier: /^[A-Za-z][A-Za-z0-9-]{0,62}$/,
  workgroupName: /^[a-z0-9-]{3,64}$/,
  dbUser: /^[A-Za-z_][A-Za-z0-9_$.@+-]{0,127}$/,
  secretArn: /^arn:aws[a-z-]*:secretsmanager:[a-z0-9-]+:\d{12}:secret:.+$/,
} as const;

export type ConnectionKey = keyof typeof CONNECTION_VALUE_PATTERNS;

/** Why a connection value is malformed, or undefined if it is fine. Secret ARNs are never echoed. */
export function checkConnectionValue(key: ConnectionKey, value: string): string | undefined {
  if (CONNECTION_VALUE_PATTERNS[key].test(value)) return undefined;
  const shown = key === "secretArn" ? "the value" : JSON.stringify(value);
  const expected =
    key === "secretArn"
      ? "a Secrets Manager ARN (arn:aws:secretsmanager:<region>:<account>:secret:<name>)"
      : `a value matching ${CONNECTION_VALUE_PATTERNS[key].source}`;
  return `${shown} is not ${expected}`;
}

function describeType(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "an array";
  return `a ${typeof value}`;
}

const CONNECTION_DESCRIPTIONS: Record<ConnectionKey, string> = {
  database: "The Redshift database the views are created in (REDSHIFT_DATABASE overrides it).",
  region: "The AWS region of the cluster or workgroup (REDSHIFT_REGION, then AWS_REGION, override it).",
  clusterIdentifier:
    "A provisioned cluster (REDSHIFT_CLUSTER_IDENTIFIER overrides it); needs dbUser or secretArn.",
  workgroupName: "A Redshift Serverless workgroup (REDSHIFT_WORKGROUP_NAME overrides it).",
  dbUser: "The database user of a provisioned cluster, with temporary credentials (REDSHIFT_DB_USER).",
  secretArn: "A Secrets Manager secret with the database user's credentials (REDSHIFT_SECRET_ARN).",
};

const connectionValue = (key: ConnectionKey) =>
  v.pipe(
    v.string((issue) => `expected a string, got ${describeType(issue.input)}`),
    v.regex(CONNECTION_VALUE_PATTERNS[key], (issue) => checkConnectionValue(key, issue.input) ?? ""),
    v.description(CONNECTION_DESCRIPTIONS[key]),
  );

/** A grantee as written (`"GROUP analysts"`, `"ROLE pii_readers"`, `"USER bob"`, `"bob"`), parsed. */
const grantee = v.pipe(
  v.string((issue) => `expected a string like "GROUP analysts", got ${describeType(issue.input)}`),
  v.check(
    (entry) => typeof parseGrantee(entry) !== "string",
    (issue) => String(parseGrantee(String(issue.input))),
  ),
  // What the check accepts, for the JSON Schema (parsing stops at the check's clearer message).
  v.regex(GRANTEE_PATTERN),
  v.description('"GROUP analysts", "ROLE pii_readers", "USER bob" or "bob" (never PUBLIC).'),
  v.transform((entry) => {
    const parsed = parseGrantee(entry);
    if (typeof parsed === "string") throw new Error(`unreachable: ${parsed}`);
    return parsed;
  }),
);

const granteeList = v.pipe(
  v.array(
    grantee,
    (issue) => `expected an array of grantees like "GROUP analysts", got ${describeType(issue.input)}`,
  ),
  // The same principal twice would be granted twice: harmless, but noise in every plan.
  v.transform((list) =>
    list.filter(
      (entry, index) =>
        list.findIndex((other) => other.kind === entry.kind && other.name === entry.name) === index,
    ),
  ),
);

const grants = v.strictObject(
  {
    nonPii: v.optional(
      v.pipe(granteeList, v.description("Granted USAGE on the non-PII schema and SELECT on its views.")),
    ),
    pii: v.optional(
      v.pipe(granteeList, v.description("Granted USAGE on the PII schema and SELECT on its views.")),
    ),
  },
  (issue) => `expected an object { nonPii?: string[], pii?: string[] }, got ${describeType(issue.input)}`,
);

const localEnvironment = v.strictObject({
  target: v.pipe(v.literal("local"), v.description("Run this environment on the embedded local emulator.")),
  grants: v.optional(grants),
});

const redshiftEnvironment = v.pipe(
  v.strictObject({
    target: v.optional(
      v.pipe(v.literal("redshift"), v.description("A Redshift cluster or workgroup (the default).")),
    ),
    grants: v.optional(grants),
    database: v.optional(connectionValue("database")),
    region: v.optional(connectionValue("region")),
    clusterIdentifier: v.optional(connectionValue("clusterIdentifier")),
    workgroupName: v.optional(connectionValue("workgroupName")),
    dbUser: v.optional(connectionValue("dbUser")),
    secretArn: v.optional(connectionValue("secretArn")),
  }),
  v.check(
    (entry) => entry.clusterIdentifier === undefined || entry.workgroupName === undefined,
    "set either clusterIdentifier (provisioned cluster) or workgroupName (serverless), not both",
  ),
  v.forward(
    v.check(
      (entry) => entry.workgroupName === undefined || entry.dbUser === undefined,
      "dbUser applies to provisioned clusters only; serverless uses secretArn or IAM",
    ),
    ["dbUser"],
  ),
  v.check(
    (entry) => entry.dbUser === undefined || entry.secretArn === undefined,
    "set either dbUser (temporary credentials) or secretArn, not both",
  ),
);

const environment = v.variant("target", [localEnvironment, redshiftEnvironment], (issue) =>
  issue.expected === "Object"
    ? `expected an object, got ${describeType(issue.input)}`
    : `expected "local" or "redshift", got ${JSON.stringify(issue.input)}`,
);

function concurrencyMessage(issue: v.BaseIssue<unknown>): string {
  return `expected an integer from 1 to ${MAX_CONCURRENCY}, got ${JSON.stringify(issue.input)}`;
}

const environmentName = v.pipe(
  v.string(),
  v.regex(
    ENVIRONMENT_NAME_PATTERN,
    `invalid environment name: it must match ${ENVIRONMENT_NAME_PATTERN.source} (at most ${ENVIRONMENT_NAME_MAX_LENGTH} characters) because it becomes part of SQL identifiers`,
  ),
  v.maxLength(
    ENVIRONMENT_NAME_MAX_LENGTH,
    `invalid environment name: it must match ${ENVIRONMENT_NAME_PATTERN.source} (at most ${ENVIRONMENT_NAME_MAX_LENGTH} characters) because it becomes part of SQL identifiers`,
  ),
);

export const configSchema = v.strictObject(
  {
    /** Editors read it for completion; ignored otherwise. */
    $schema: v.optional(v.string()),
    environments: v.optional(
      v.pipe(
        v.record(
          environmentName,
          environment,
          (issue) => `expected an object keyed by environment name, got ${describeType(issue.input)}`,
        ),
        v.description(
          "Where each environment's statements go. Without an entry, only development runs on the local emulator.",
        ),
      ),
    ),
    concurrency: v.optional(
      v.pipe(
        v.number(concurrencyMessage),
        v.integer(concurrencyMessage),
        v.minValue(1, concurrencyMessage),
        v.maxValue(MAX_CONCURRENCY, concurrencyMessage),
        v.description("Most Data API statements or batches kept in flight at once. Default 20, at most 200."),
      ),
    ),
    grants: v.optional(
      v.pipe(
        grants,
        v.description(
          "Default grants of every environment; an environment's grants replace them tier by tier.",
        ),
      ),
    ),
    metrics: v.optional(
      v.pipe(
        v.strictObject({
          namespace: v.optional(
            v.pipe(
              v.string(),
              v.minLength(1),
              v.maxLength(255),
              v.description(
                "The CloudWatch namespace of `status --metrics`. Default ZeroEtlMaterializedViews.",
              ),
            ),
          ),
        }),
        v.description("Where `status --metrics` publishes."),
      ),
    ),
  },
  (issue) => `the config must export an object (defineConfig({ ... })), got ${describeType(issue.input)}`,
);

/** The shape of `redshift-views.config.ts` / `.json`, as written. */
export type RedshiftViewsConfig = v.InferInput<typeof configSchema>;
/** The config as validated: grantees parsed. */
export type ValidatedConfig = v.InferOutput<typeof configSchema>;
export type EnvironmentConfig = NonNullable<RedshiftViewsConfig["environments"]>[string];

/** The keys allowed in each kind of object, for "did you mean" suggestions. */
export const ALLOWED_KEYS = {
  top: Object.keys(configSchema.entries).filter((key) => key !== "$schema"),
  metrics: ["namespace"],
  grants: Object.keys(grants.entries),
  local: Object.keys(localEnvironment.entries),
  redshift: Object.keys(redshiftEnvironment.pipe[0].entries),
} as const;
