import type { AccessCommand, PasswordSpec } from "./access-statements.js";
import { INTERNAL_SCHEMA } from "./catalog.js";
import {
  DEFAULT_SUPERUSER,
  duplicatePrincipal,
  missingPrincipal,
  type PrincipalKind,
  type PrincipalRef,
  postgresRoleFor,
} from "./principals.js";
import type { Queryable } from "./queryable.js";
import { SqlError } from "./sql-error.js";
import { quoteIdentifier } from "./sql-tokens.js";

/** The Redshift user a job runs as, and the Postgres role standing for it. */
export interface Identity {
  readonly user: string;
  readonly role: string;
}

/** A job's connection: its identity (undefined = the emulator itself) and a way to act as the emulator. */
export interface AccessSession {
  readonly q: Queryable;
  readonly identity: Identity | undefined;
  /** Runs `job` as the emulator's own role (bookkeeping, role changes), then as the identity again. */
  asAdmin<T>(job: () => Promise<T>): Promise<T>;
}

interface PrincipalRow {
  readonly postgres_role: string;
  readonly owner_role: string | null;
}

async function findPrincipal(session: AccessSession, ref: PrincipalRef): Promise<PrincipalRow | undefined> {
  return session.asAdmin(async () => {
    const found = await session.q.query<PrincipalRow>(
      `SELECT postgres_role, owner_role FROM ${INTERNAL_SCHEMA}.principals WHERE kind = $1 AND name = $2`,
      [ref.kind, ref.name],
    );
    return found.rows[0];
  });
}

/** Fails with Redshift's `user "x" does not exist` (or group/role) for the first principal missing. */
export async function requirePrincipals(
  session: AccessSession,
  refs: readonly PrincipalRef[],
): Promise<void> {
  for (const ref of refs) {
    if ((await findPrincipal(session, ref)) === undefined) throw missingPrincipal(ref);
  }
}

/** The request's user is a superuser now (a superuser "bypasses all permission checks"). */
export async function isSuperuser(session: AccessSession): Promise<boolean> {
  if (session.identity === undefined) return true;
  const found = await session.q.query<{ super: boolean }>(
    "SELECT rolsuper AS super FROM pg_roles WHERE rolname = current_user",
  );
  return found.rows[0]?.super === true;
}

/**
 * Carries out a user, group or role statement: Redshift's permission checks, then the Postgres role
 * changes as the emulator (so that Postgres' own rules on role administration do not apply instead).
 * Required privileges from the SQL reference (r_CREATE_USER.html … r_DROP_ROLE.html): users and groups
 * are managed by superusers (the finer CREATE USER / DROP USER / CREATE ROLE system permissions of
 * Redshift's RBAC are not modelled, so only superusers have them); a role may also be dropped, granted
 * and revoked by its owner or by a user holding it WITH ADMIN OPTION. Permission-denied wording is not
 * documented; the emulator's follows Postgres (`permission denied to create user`, SQLSTATE 42501).
 */
export async function executeAccessCommand(session: AccessSession, command: AccessCommand): Promise<void> {
  const { q } = session;
  const admin = session.asAdmin.bind(session);
  switch (command.kind) {
    case "createUser": {
      await requireSuperuser(session, "create user");
      const user: PrincipalRef = { kind: "user", name: command.name };
      checkUserName(command.name);
      const role = postgresRoleFor("user", command.name);
      await requirePrincipals(
        session,
        command.groups.map((name) => ({ kind: "group", name })),
      );
      await admin(async () => {
        const taken = await q.query("SELECT 1 FROM pg_roles WHERE rolname = $1", [role]);
        if (taken.rows.length > 0) throw duplicatePrincipal(user);
        await q.query(`CREATE ROLE ${quoteIdentifier(role)}${command.superuser ? " SUPERUSER" : ""}`);
        await addPrincipal(q, role, user, null);
        for (const group of command.groups) {
          await q.query(
            `GRANT ${quoteIdentifier(postgresRoleFor("group", group))} TO ${quoteIdentifier(role)}`,
          );
        }
      });
      return;
    }
    case "alterUser": {
      const target = await existing(session, { kind: "user", name: command.name });
      const self = session.identity?.role === target.postgres_role;
      if (command.superuser !== undefined || !self) await requireSuperuser(session, "alter user");
      checkPassword(command.name, command.password, command.superuser);
      if (command.superuser !== undefined) {
        const flag = command.superuser ? "SUPERUSER" : "NOSUPERUSER";
        await admin(() => q.query(`ALTER ROLE ${quoteIdentifier(target.postgres_role)} ${flag}`));
      }
      return;
    }
    case "dropUser": {
      await requireSuperuser(session, "drop user");
      for (const name of command.names) {
        const user: PrincipalRef = { kind: "user", name };
        const found = await findPrincipal(session, user);
        if (found === undefined) {
          if (command.ifExists) continue;
          throw missingPrincipal(user);
        }
        // "You can't drop … the administrator user of the database which is typically named awsuser"
        // (https://docs.aws.amazon.com/redshift/latest/dg/r_DROP_USER.html); the error text is not documented.
        if (name === DEFAULT_SUPERUSER)
          throw new SqlError("55006", `user "${name}" can't be dropped: it is the administrator user`);
        if (found.postgres_role === session.identity?.role)
          throw new SqlError("55006", "current user cannot be dropped");
        // Documented errors (r_DROP_USER.html, SQL State 55006).
        const dependency = await dependencyOf(session, found.postgres_role);
        if (dependency === "owner")
          throw new SqlError("55006", `user "${name}" can't be dropped because the user owns some object`);
        if (dependency === "privilege") {
          throw new SqlError(
            "55006",
            `user "${name}" can't be dropped because the user has a privilege on some object`,
          );
        }
        await admin(async () => {
          await q.query(`DROP ROLE ${quoteIdentifier(found.postgres_role)}`);
          await removePrincipal(q, found.postgres_role);
        });
      }
      return;
    }
    case "createGroup": {
      await requireSuperuser(session, "create group");
      const group: PrincipalRef = { kind: "group", name: command.name };
      const role = postgresRoleFor("group", command.name);
      const members = await userRoles(session, command.users);
      await admin(async () => {
        const taken = await q.query("SELECT 1 FROM pg_roles WHERE rolname = $1", [role]);
        if (taken.rows.length > 0) throw duplicatePrincipal(group);
        await q.query(`CREATE ROLE ${quoteIdentifier(role)}`);
        await addPrincipal(q, role, group, null);
        for (const member of members)
          await q.query(`GRANT ${quoteIdentifier(role)} TO ${quoteIdentifier(member)}`);
      });
      return;
    }
    case "alterGroup": {
      await requireSuperuser(session, "alter group");
      const group = await existing(session, { kind: "group", name: command.name });
      const members = await userRoles(session, command.users);
      await admin(async () => {
        for (const member of members) {
          await q.query(
            command.action === "add"
              ? `GRANT ${quoteIdentifier(group.postgres_role)} TO ${quoteIdentifier(member)}`
              : `REVOKE ${quoteIdentifier(group.postgres_role)} FROM ${quoteIdentifier(member)}`,
          );
        }
      });
      return;
    }
    case "dropGroup": {
      await requireSuperuser(session, "drop group");
      const group = await existing(session, { kind: "group", name: command.name });
      // Documented (https://docs.aws.amazon.com/redshift/latest/dg/r_DROP_GROUP.html).
      if ((await dependencyOf(session, group.postgres_role)) !== undefined) {
        throw new SqlError(
          "55006",
          `group "${command.name}" can't be dropped because the group has a privilege on some object`,
        );
      }
      await admin(async () => {
        await q.query(`DROP ROLE ${quoteIdentifier(group.postgres_role)}`);
        await removePrincipal(q, group.postgres_role);
      });
      return;
    }
    case "createRole": {
      await requireSuperuser(session, "create role");
      const ref: PrincipalRef = { kind: "role", name: command.name };
      const role = postgresRoleFor("role", command.name);
      await admin(async () => {
        const taken = await q.query("SELECT 1 FROM pg_roles WHERE rolname = $1", [role]);
        if (taken.rows.length > 0) throw duplicatePrincipal(ref);
        await q.query(`CREATE ROLE ${quoteIdentifier(role)}`);
        // "Role owner who is either the user that created the role" (r_DROP_ROLE.html).
        await addPrincipal(q, role, ref, session.identity?.role ?? null);
      });
      return;
    }
    case "dropRole": {
      const role = await existing(session, { kind: "role", name: command.name });
      await requireRoleAdmin(session, role, "drop role", command.name);
      if (!command.force) {
        // Documented errors (https://docs.aws.amazon.com/redshift/latest/dg/r_DROP_ROLE.html).
        const links = await admin(() =>
          q.query<{ member_kind: string | null; direction: string }>(
            `SELECT p.kind AS member_kind, 'member' AS direction FROM pg_auth_members m
               JOIN pg_roles r ON r.oid = m.member LEFT JOIN ${INTERNAL_SCHEMA}.principals p ON p.postgres_role = r.rolname
               WHERE m.roleid = (SELECT oid FROM pg_roles WHERE rolname = $1)
             UNION ALL
             SELECT 'role', 'holds' FROM pg_auth_members m
               WHERE m.member = (SELECT oid FROM pg_roles WHERE rolname = $1)`,
            [role.postgres_role],
          ),
        );
        if (links.rows.some((row) => row.direction === "member" && row.member_kind === "user")) {
          throw new SqlError("2BP01", "cannot drop this role since it has been granted on a user");
        }
        if (links.rows.length > 0)
          throw new SqlError("2BP01", "cannot drop this role since it depends on another role");
      }
      // Not documented for roles; like DROP USER and DROP GROUP, a role holding privileges cannot be dropped.
      if ((await dependencyOf(session, role.postgres_role)) !== undefined) {
        throw new SqlError(
          "55006",
          `role "${command.name}" can't be dropped because the role has a privilege on some object`,
        );
      }
      await admin(async () => {
        await q.query(`DROP ROLE ${quoteIdentifier(role.postgres_role)}`);
        await removePrincipal(q, role.postgres_role);
      });
      return;
    }
    case "grantRole":
    case "revokeRole": {
      const grant = command.kind === "grantRole";
      const roles: string[] = [];
      for (const name of command.roles) {
        const role = await existing(session, { kind: "role", name });
        await requireRoleAdmin(session, role, grant ? "grant role" : "revoke role", name);
        roles.push(quoteIdentifier(role.postgres_role));
      }
      const grantees: string[] = [];
      for (const grantee of command.grantees) {
        grantees.push(quoteIdentifier((await existing(session, grantee)).postgres_role));
      }
      const sql = grant
        ? `GRANT ${roles.join(", ")} TO ${grantees.join(", ")}${command.adminOption ? " WITH ADMIN OPTION" : ""}`
        : `REVOKE ${command.adminOptionOnly ? "ADMIN OPTION FOR " : ""}${roles.join(", ")} FROM ${grantees.join(", ")}`;
      await admin(() => q.query(sql));
      return;
    }
  }
}

async function requireSuperuser(session: AccessSession, action: string): Promise<void> {
  if (!(await isSuperuser(session))) throw new SqlError("42501", `permission denied to ${action}`);
}

/** The role's owner, a holder of it WITH ADMIN OPTION, or a superuser. */
async function requireRoleAdmin(
  session: AccessSession,
  role: PrincipalRow,
  action: string,
  name: string,
): Promise<void> {
  if (await isSuperuser(session)) return;
  const me = session.identity?.role;
  if (me !== undefined && role.owner_role === me) return;
  const admin = await session.q.query(
    `SELECT 1 FROM pg_auth_members m
     WHERE m.roleid = (SELECT oid FROM pg_roles WHERE rolname = $1)
       AND m.member = (SELECT oid FROM pg_roles WHERE rolname = current_user) AND m.admin_option`,
    [role.postgres_role],
  );
  if (admin.rows.length === 0) throw new SqlError("42501", `permission denied to ${action} "${name}"`);
}

async function existing(session: AccessSession, ref: PrincipalRef): Promise<PrincipalRow> {
  const found = await findPrincipal(session, ref);
  if (found === undefined) throw missingPrincipal(ref);
  return found;
}

async function userRoles(session: AccessSession, users: readonly string[]): Promise<string[]> {
  const roles: string[] = [];
  for (const name of users) roles.push((await existing(session, { kind: "user", name })).postgres_role);
  return roles;
}

function checkUserName(name: string): void {
  if (name.includes("/")) {
    throw new SqlError(
      "42602",
      `user name "${name}" is not supported by the emulator: it reserves "/" for its group and role names`,
    );
  }
  // "The user name can't be PUBLIC." (r_CREATE_USER.html); the error text is not documented.
  if (name === "public") throw new SqlError("42939", 'user name "public" is reserved');
}

function checkPassword(
  name: string,
  password: PasswordSpec | undefined,
  superuser: boolean | undefined,
): void {
  if (password?.kind === "disabled" && superuser === true) {
    throw new SqlError("0A000", `cannot disable the password of superuser "${name}"`);
  }
}

/** Whether a role owns objects or holds privileges in this database (or on it). */
async function dependencyOf(
  session: AccessSession,
  role: string,
): Promise<"owner" | "privilege" | undefined> {
  const found = await session.asAdmin(() =>
    session.q.query<{ deptype: string }>(
      `SELECT d.deptype FROM pg_shdepend d
       WHERE d.refclassid = 'pg_authid'::regclass
         AND d.refobjid = (SELECT oid FROM pg_roles WHERE rolname = $1)
         AND d.dbid IN (0, (SELECT oid FROM pg_database WHERE datname = current_database()))
         AND d.deptype IN ('o', 'a')`,
      [role],
    ),
  );
  const types = new Set(found.rows.map((row) => row.deptype));
  return types.has("o") ? "owner" : types.has("a") ? "privilege" : undefined;
}

async function addPrincipal(
  q: Queryable,
  role: string,
  principal: { kind: PrincipalKind; name: string },
  owner: string | null,
): Promise<void> {
  await q.query(
    `INSERT INTO ${INTERNAL_SCHEMA}.principals (postgres_role, kind, name, owner_role) VALUES ($1, $2, $3, $4)`,
    [role, principal.kind, principal.name, owner],
  );
}

async function removePrincipal(q: Queryable, role: string): Promise<void> {
  await q.query(`DELETE FROM ${INTERNAL_SCHEMA}.principals WHERE postgres_role = $1`, [role]);
  await q.query(`UPDATE ${INTERNAL_SCHEMA}.principals SET owner_role = NULL WHERE owner_role = $1`, [role]);
}
