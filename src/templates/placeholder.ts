/** The only template tag: filled with the environment name at provision time. */
export const PLACEHOLDER = "<%= environment %>";

/** Environment names become part of SQL identifiers, so they are restricted to a safe alphabet. */
export const ENVIRONMENT_NAME = /^[a-z][a-z0-9_]*$/;
