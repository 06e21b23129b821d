import { fitPostgresIdentifier } from "./database-schemas.js";
import { SqlError } from "./sql-error.js";

/**
 * Redshift's principals. Users, groups and roles are separate namespaces in Redshift (a user and a
 * group may share a name: `GRANT … TO alice` and `GRANT … TO GROUP alice` are different grants), but
 * Postgres has one namespace of roles. The emulator keeps each kind under its own Postgres role name
 * and records every principal, with its kind and Redshift name, in `redshift_emulator.principals`.
 * https://docs.aws.amazon.com/redshift/latest/dg/r_GRANT.html ("TO { username | ROLE role_name |
 * GROUP group_name | PUBLIC }").
 */
export type PrincipalKind = "user" | "group" | "role";

export interface PrincipalRef {
  readonly kind: PrincipalKind;
  readonly name: string;
}

/**
 * Redshift's default admin user: a superuser created with the cluster or workgroup.
 * https://docs.aws.amazon.com/redshift/latest/dg/r_superusers.html ("The admin user, which is the user
 * you created when you launched the cluster, is a superuser"); `awsuser` is the console's default name
 * (https://docs.aws.amazon.com/redshift/latest/dg/r_DROP_USER.html: "the administrator user of the
 * database which is typically named awsuser or admin").
 */
export const DEFAULT_SUPERUSER = "awsuser";

/**
 * Users keep their own name, so that `current_user`, `session_user` and owner columns read as in
 * Redshift; groups and roles are prefixed with `group/` and `role/`. User names containing `/` are
 * refused by the emulator's CREATE USER so that the mapping stays injective (a choice of the emulator:
 * Redshift's documented identifier rules do not forbid `/` in a quoted user name).
 */
export function postgresRoleFor(kind: PrincipalKind, name: string): string {
  switch (kind) {
    case "user":
      return fitPostgresIdentifier(name);
    case "group":
      return fitPostgresIdentifier(`group/${name}`);
    case "role":
      return fitPostgresIdentifier(`role/${name}`);
  }
}

/**
 * `user "x" does not exist` is Redshift's wording for a missing user (see
 * `/work/shared/seed/reference-behaviour.md`, and `FATAL: user "IAM:dbUser" does not exist` in
 * https://github.com/aws/aws-tools-for-powershell/issues/269). The wording for a missing group or role
 * is not documented; the emulator uses the same shape, `group "x" does not exist` /
 * `role "x" does not exist`.
 */
export function missingPrincipal(principal: PrincipalRef): SqlError {
  return new SqlError("42704", `${principal.kind} "${principal.name}" does not exist`);
}

/** `user "x" already exists` is Redshift's (https://github.com/aws/aws-cdk/pull/15931); groups and roles follow it. */
export function duplicatePrincipal(principal: PrincipalRef): SqlError {
  return new SqlError("42710", `${principal.kind} "${principal.name}" already exists`);
}

/** Postgres names internal roles in its messages; show the Redshift principal instead. */
export function presentRoleNames(text: string): string {
  return text.replace(
    /role "(group|role)\/([^"]*)"/g,
    (_match, kind: string, name: string) => `${kind} "${name}"`,
  );
}
