import { ENVIRONMENT_NAME_PATTERN, isValidEnvironmentName } from "../environment/environment-name.js";
import { RedshiftViewsError, RedshiftViewsErrors } from "../errors.js";
import { closest } from "../text/suggest.js";
import { parseGrantee } from "./grants.js";
import type { Grantee, GrantOverrides, ParsedEnvironment } from "./types.js";

export const DEFAULT_CONCURRENCY = 20;
/** The Data API allows about 200 active statements per account and region. */
export const MAX_CONCURRENCY = 200;

/** Connection values, validated the same way whether they come from the file or from `REDSHIFT_*`. */
export const CONNECTION_VALUE_PATTERNS = {
  database: /^[A-Za-z_][A-Za-z0-9_$]{0,126}$/,
  region: /^[a-z]{2}(-[a-z]+)+-\d+$/,
  clusterIdentifier: /^[A-Za-z][A-Za-z0-9-]{0,62}$/,
  workgroupName: /^[a-z0-9-]{3,64}$/,
  dbUser: /^[A-Za-z_][A-Za-z0-9_$.@+-]{0,127}$/,
  secretArn: /^arn:aws[a-z-]*:secretsmanager:[a-z0-9-]+:\d{12}:secret:.+$/,
} as const;

export type ConnectionKey = keyof typeof CONNECTION_VALUE_PATTERNS;

const CONNECTION_KEYS = Object.keys(CONNECTION_VALUE_PATTERNS) as ConnectionKey[];
const TOP_LEVEL_KEYS = ["environments", "concurrency", "grants"];
const GRANT_KEYS = ["nonPii", "pii"];
const LOCAL_KEYS = ["target", "grants"];
const REDSHIFT_KEYS = ["target", "grants", ...CONNECTION_KEYS];

export interface ParsedConfig {
  readonly environments: Readonly<Record<string, ParsedEnvironment>>;
  readonly concurrency: number;
  readonly grants: { readonly nonPii: readonly Grantee[]; readonly pii: readonly Grantee[] };
}

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

class Issues {
  readonly messages: string[] = [];
  add(path: string, message: string): void {
    this.messages.push(path === "" ? message : `${path}: ${message}`);
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function describeType(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "an array";
  return `a ${typeof value}`;
}

function checkKeys(
  record: Record<string, unknown>,
  allowed: readonly string[],
  path: string,
  issues: Issues,
) {
  for (const key of Object.keys(record)) {
    if (allowed.includes(key)) continue;
    const suggestion = closest(key, allowed);
    const where = path === "" ? key : `${path}.${key}`;
    issues.add(
      where,
      `unknown key${suggestion === undefined ? "" : ` (did you mean "${suggestion}"?)`}; allowed here: ${allowed.join(", ")}`,
    );
  }
}

function parseGrantList(value: unknown, path: string, issues: Issues): Grantee[] | undefined {
  if (value === undefined) return undefined;
  if (!Array.isArray(value)) {
    issues.add(path, `expected an array of grantees like "GROUP analysts", got ${describeType(value)}`);
    return undefined;
  }
  const grantees: Grantee[] = [];
  value.forEach((entry: unknown, index) => {
    if (typeof entry !== "string") {
      issues.add(`${path}[${index}]`, `expected a string like "GROUP analysts", got ${describeType(entry)}`);
      return;
    }
    const parsed = parseGrantee(entry);
    if (typeof parsed === "string") issues.add(`${path}[${index}]`, parsed);
    else if (!grantees.some((g) => g.kind === parsed.kind && g.name === parsed.name)) grantees.push(parsed);
  });
  return grantees;
}

function parseGrants(value: unknown, path: string, issues: Issues): GrantOverrides {
  if (value === undefined) return {};
  if (!isRecord(value)) {
    issues.add(path, `expected an object { nonPii?: string[], pii?: string[] }, got ${describeType(value)}`);
    return {};
  }
  checkKeys(value, GRANT_KEYS, path, issues);
  const nonPii = parseGrantList(value.nonPii, `${path}.nonPii`, issues);
  const pii = parseGrantList(value.pii, `${path}.pii`, issues);
  return { ...(nonPii === undefined ? {} : { nonPii }), ...(pii === undefined ? {} : { pii }) };
}

function parseEnvironment(value: unknown, path: string, issues: Issues): ParsedEnvironment | undefined {
  if (!isRecord(value)) {
    issues.add(path, `expected an object, got ${describeType(value)}`);
    return undefined;
  }
  const target = value.target;
  if (target !== undefined && target !== "local" && target !== "redshift") {
    issues.add(`${path}.target`, `expected "local" or "redshift", got ${JSON.stringify(target)}`);
    return undefined;
  }
  const grants = parseGrants(value.grants, `${path}.grants`, issues);
  if (target === "local") {
    checkKeys(value, LOCAL_KEYS, path, issues);
    return { target: "local", grants };
  }
  checkKeys(value, REDSHIFT_KEYS, path, issues);
  const connection: Partial<Record<ConnectionKey, string>> = {};
  for (const key of CONNECTION_KEYS) {
    const field = value[key];
    if (field === undefined) continue;
    if (typeof field !== "string") {
      issues.add(`${path}.${key}`, `expected a string, got ${describeType(field)}`);
      continue;
    }
    const problem = checkConnectionValue(key, field);
    if (problem === undefined) connection[key] = field;
    else issues.add(`${path}.${key}`, problem);
  }
  if (value.clusterIdentifier !== undefined && value.workgroupName !== undefined)
    issues.add(
      path,
      "set either clusterIdentifier (provisioned cluster) or workgroupName (serverless), not both",
    );
  if (value.workgroupName !== undefined && value.dbUser !== undefined)
    issues.add(
      `${path}.dbUser`,
      "dbUser applies to provisioned clusters only; serverless uses secretArn or IAM",
    );
  if (value.dbUser !== undefined && value.secretArn !== undefined)
    issues.add(path, "set either dbUser (temporary credentials) or secretArn, not both");
  return { target: "redshift", ...connection, grants };
}

function parseConcurrency(value: unknown, issues: Issues): number {
  if (value === undefined) return DEFAULT_CONCURRENCY;
  if (typeof value !== "number" || !Number.isInteger(value) || value < 1 || value > MAX_CONCURRENCY) {
    issues.add(
      "concurrency",
      `expected an integer from 1 to ${MAX_CONCURRENCY}, got ${JSON.stringify(value)}`,
    );
    return DEFAULT_CONCURRENCY;
  }
  return value;
}

/**
 * Validates what a config file evaluated to. Every problem is reported at once, each naming the file
 * and the key; unknown keys are errors so that typos cannot silently fall back to defaults.
 */
export function parseConfig(raw: unknown, file: string): ParsedConfig {
  const issues = new Issues();
  const environments: Record<string, ParsedEnvironment> = {};
  let concurrency = DEFAULT_CONCURRENCY;
  let grants: GrantOverrides = {};
  if (!isRecord(raw)) {
    issues.add("", `the config must export an object (defineConfig({ ... })), got ${describeType(raw)}`);
  } else {
    checkKeys(raw, TOP_LEVEL_KEYS, "", issues);
    concurrency = parseConcurrency(raw.concurrency, issues);
    grants = parseGrants(raw.grants, "grants", issues);
    const rawEnvironments = raw.environments;
    if (rawEnvironments !== undefined && !isRecord(rawEnvironments)) {
      issues.add(
        "environments",
        `expected an object keyed by environment name, got ${describeType(rawEnvironments)}`,
      );
    } else if (rawEnvironments !== undefined) {
      for (const [name, value] of Object.entries(rawEnvironments)) {
        const path = `environments.${name}`;
        if (!isValidEnvironmentName(name)) {
          issues.add(
            path,
            `invalid environment name: it must match ${ENVIRONMENT_NAME_PATTERN.source} (at most 63 characters) because it becomes part of SQL identifiers`,
          );
          continue;
        }
        const parsed = parseEnvironment(value, path, issues);
        if (parsed !== undefined) environments[name] = parsed;
      }
    }
  }
  if (issues.messages.length > 0) {
    const errors = issues.messages.map(
      (message) =>
        new RedshiftViewsError("E_CONFIG_INVALID", message, {
          location: { file },
          hint: "Fix the key in the config file; see the README's configuration section for the allowed shape.",
        }),
    );
    const [only] = errors;
    throw errors.length === 1 && only !== undefined ? only : new RedshiftViewsErrors(errors);
  }
  return {
    environments,
    concurrency,
    grants: { nonPii: grants.nonPii ?? [], pii: grants.pii ?? [] },
  };
}
