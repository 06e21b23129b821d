import { RedshiftViewsError } from "../errors.js";

/**
 * Environment names are substituted into SQL identifiers (`analytics_<env>`) and statement names,
 * so they are restricted to what is safe unquoted in both.
 */
export const ENVIRONMENT_NAME_PATTERN = /^[a-z][a-z0-9_]*$/;

/** Longest name that still leaves room for a prefix inside Redshift's 127-byte identifiers. */
export const ENVIRONMENT_NAME_MAX_LENGTH = 63;

function isValidEnvironmentName(name: string): boolean {
  return ENVIRONMENT_NAME_PATTERN.test(name) && name.length <= ENVIRONMENT_NAME_MAX_LENGTH;
}

export function assertEnvironmentName(name: string): void {
  if (isValidEnvironmentName(name)) return;
  throw new RedshiftViewsError(
    "E_ENVIRONMENT_INVALID",
    `Invalid environment name ${JSON.stringify(name)}: it must match ${ENVIRONMENT_NAME_PATTERN.source} and be at most ${ENVIRONMENT_NAME_MAX_LENGTH} characters.`,
    {
      hint: "Use lowercase letters, digits and underscores, starting with a letter (e.g. production, staging_eu); the name becomes part of SQL identifiers.",
    },
  );
}
