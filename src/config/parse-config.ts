import * as v from "valibot";
import { RedshiftViewsError, RedshiftViewsErrors } from "../errors.js";
import { closest } from "../text/suggest.js";
import { DEFAULT_CONCURRENCY } from "../warehouse/index.js";
import { ALLOWED_KEYS, configSchema, type ValidatedConfig } from "./config-schema.js";
import type { Grantee, GrantOverrides, ParsedEnvironment } from "./types.js";

export interface ParsedConfig {
  readonly environments: Readonly<Record<string, ParsedEnvironment>>;
  readonly concurrency: number;
  readonly grants: { readonly nonPii: readonly Grantee[]; readonly pii: readonly Grantee[] };
  /** `metrics.namespace`, when set. */
  readonly metricsNamespace?: string;
}

/**
 * Validates what a config file evaluated to. Every problem is reported at once, each naming the file
 * and the key; unknown keys are errors so that typos cannot silently fall back to defaults.
 */
export function parseConfig(raw: unknown, file: string): ParsedConfig {
  // A pipe stops at its first failing action, so one bad value gets one (the most specific) message.
  const result = v.safeParse(configSchema, raw, { abortEarly: false, abortPipeEarly: true });
  if (!result.success) {
    const errors = result.issues.map(
      (issue) =>
        new RedshiftViewsError("E_CONFIG_INVALID", describeIssue(issue, raw), {
          location: { file },
          hint: "Fix the key in the config file; see the README's configuration section for the allowed shape.",
        }),
    );
    const [only] = errors;
    throw errors.length === 1 && only !== undefined ? only : new RedshiftViewsErrors(errors);
  }
  return fromValidated(result.output);
}

function fromValidated(config: ValidatedConfig): ParsedConfig {
  const environments: Record<string, ParsedEnvironment> = {};
  for (const [name, entry] of Object.entries(config.environments ?? {})) {
    const grants = grantOverrides(entry.grants);
    if (entry.target === "local") {
      environments[name] = { target: "local", grants };
      continue;
    }
    const { target: _, grants: __, ...connection } = entry;
    environments[name] = { target: "redshift", ...withoutUndefined(connection), grants };
  }
  return {
    environments,
    concurrency: config.concurrency ?? DEFAULT_CONCURRENCY,
    grants: { nonPii: config.grants?.nonPii ?? [], pii: config.grants?.pii ?? [] },
    ...(config.metrics?.namespace === undefined ? {} : { metricsNamespace: config.metrics.namespace }),
  };
}

function grantOverrides(grants: ValidatedConfig["grants"]): GrantOverrides {
  return withoutUndefined({ nonPii: grants?.nonPii, pii: grants?.pii });
}

/** A TypeScript config may spell an absent key as `undefined`. */
function withoutUndefined<T extends Record<string, unknown>>(
  record: T,
): { [K in keyof T]?: Exclude<T[K], undefined> } {
  return Object.fromEntries(Object.entries(record).filter(([, value]) => value !== undefined)) as {
    [K in keyof T]?: Exclude<T[K], undefined>;
  };
}

/** `environments.production.region: "Europe" is not …`: the key as a user would point at it. */
function describeIssue(issue: v.BaseIssue<unknown>, raw: unknown): string {
  const path = issue.path ?? [];
  let where = "";
  for (const item of path) {
    const key = String(item.key);
    where += item.type === "array" ? `[${key}]` : where === "" ? key : `.${key}`;
  }
  // A strict object reports a key it does not know as "expected never".
  if (issue.expected === "never" && path.length > 0) {
    const allowed = allowedKeys(
      path.slice(0, -1).map((item) => String(item.key)),
      raw,
    );
    const key = String(path[path.length - 1]?.key);
    const suggestion = closest(key, allowed);
    return `${where}: unknown key${suggestion === undefined ? "" : ` (did you mean "${suggestion}"?)`}; allowed here: ${allowed.join(", ")}`;
  }
  return where === "" ? issue.message : `${where}: ${issue.message}`;
}

/** The keys of the object at `parent` (a path of keys into the raw config). */
function allowedKeys(parent: readonly string[], raw: unknown): readonly string[] {
  if (parent.length === 0) return ALLOWED_KEYS.top;
  if (parent[parent.length - 1] === "grants") return ALLOWED_KEYS.grants;
  if (parent.length === 1 && parent[0] === "metrics") return ALLOWED_KEYS.metrics;
  if (parent.length === 2 && parent[0] === "environments") {
    const entry = (raw as { environments?: Record<string, { target?: unknown }> }).environments?.[
      parent[1] ?? ""
    ];
    return entry?.target === "local" ? ALLOWED_KEYS.local : ALLOWED_KEYS.redshift;
  }
  return [];
}
