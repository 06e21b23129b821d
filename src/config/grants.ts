import type { Grantee, GrantOverrides } from "./types.js";

const GRANTEE_NAME_PATTERN = /^[A-Za-z_][A-Za-z0-9_$]{0,126}$/;

/** A whole config entry as `parseGrantee` accepts it (keywords in any case), for the JSON Schema. */
export const GRANTEE_PATTERN =
  /^\s*(?:(?:[Gg][Rr][Oo][Uu][Pp]|[Rr][Oo][Ll][Ee]|[Uu][Ss][Ee][Rr])\s+)?[A-Za-z_][A-Za-z0-9_$]{0,126}\s*$/;

const KEYWORDS: Readonly<Record<string, Grantee["kind"]>> = { GROUP: "group", ROLE: "role", USER: "user" };

/** Parses `"GROUP analysts"`, `"ROLE pii_readers"`, `"USER bob"` or `"bob"`; a string describing the problem otherwise. */
export function parseGrantee(entry: string): Grantee | string {
  const words = entry.trim().split(/\s+/);
  const [first, second, ...rest] = words;
  if (first === undefined || first === "") return "a grantee must not be empty";
  if (rest.length > 0) return `expected "[GROUP|ROLE|USER] <name>", got ${JSON.stringify(entry)}`;
  const kind = second === undefined ? "user" : KEYWORDS[first.toUpperCase()];
  const name = second ?? first;
  if (kind === undefined)
    return `unknown grantee keyword ${JSON.stringify(first)} in ${JSON.stringify(entry)}: use GROUP, ROLE or USER`;
  if (name.toUpperCase() === "PUBLIC")
    return "granting to PUBLIC would expose the views to every user: name a group, role or user instead";
  if (second === undefined && KEYWORDS[name.toUpperCase()] !== undefined)
    return `${JSON.stringify(entry)} has a keyword but no name: write e.g. "${name.toUpperCase()} analysts"`;
  if (!GRANTEE_NAME_PATTERN.test(name))
    return `invalid grantee name ${JSON.stringify(name)}: it must match ${GRANTEE_NAME_PATTERN.source}`;
  return { kind, name };
}

/**
 * Where a tier's grantees of an environment are configured, to name in a message: the environment's
 * own `grants` when it sets that tier, else the defaults.
 */
export function grantsKey(
  config: { readonly environments: Readonly<Record<string, { readonly grants: GrantOverrides }>> },
  environment: string,
  tier: "nonPii" | "pii",
): string {
  return config.environments[environment]?.grants[tier] === undefined
    ? `grants.${tier}`
    : `environments.${environment}.grants.${tier}`;
}
