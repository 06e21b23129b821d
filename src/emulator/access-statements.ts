import { type PrincipalKind, type PrincipalRef, postgresRoleFor } from "./principals.js";
import type { Statement } from "./shim-statement.js";
import { SqlError, syntaxError } from "./sql-error.js";
import { identifierValue, isIdentifier, isKeyword, quoteIdentifier, type Token } from "./sql-tokens.js";

/**
 * Redshift's user, group and role statements, and GRANT/REVOKE, parsed (pure) into commands the engine
 * carries out on Postgres roles, or translated into Postgres GRANT/REVOKE over the internal role names
 * (see {@link postgresRoleFor}). Syntax from the Redshift SQL reference:
 * https://docs.aws.amazon.com/redshift/latest/dg/r_CREATE_USER.html, r_ALTER_USER.html, r_DROP_USER.html,
 * r_CREATE_GROUP.html, r_ALTER_GROUP.html, r_DROP_GROUP.html, r_CREATE_ROLE.html, r_DROP_ROLE.html,
 * r_GRANT.html, r_REVOKE.html (same folder).
 */

export type PasswordSpec = { readonly kind: "disabled" } | { readonly kind: "set" };

export type AccessCommand =
  | {
      readonly kind: "createUser";
      readonly name: string;
      readonly superuser: boolean;
      readonly password: PasswordSpec;
      readonly groups: readonly string[];
    }
  | {
      readonly kind: "alterUser";
      readonly name: string;
      /** `CREATEUSER` / `NOCREATEUSER`; undefined when the statement does not say. */
      readonly superuser: boolean | undefined;
      readonly password: PasswordSpec | undefined;
    }
  | { readonly kind: "dropUser"; readonly names: readonly string[]; readonly ifExists: boolean }
  | { readonly kind: "createGroup"; readonly name: string; readonly users: readonly string[] }
  | {
      readonly kind: "alterGroup";
      readonly name: string;
      readonly action: "add" | "drop";
      readonly users: readonly string[];
    }
  | { readonly kind: "dropGroup"; readonly name: string }
  | { readonly kind: "createRole"; readonly name: string }
  | { readonly kind: "dropRole"; readonly name: string; readonly force: boolean }
  | {
      readonly kind: "grantRole";
      readonly roles: readonly string[];
      readonly grantees: readonly PrincipalRef[];
      readonly adminOption: boolean;
    }
  | {
      readonly kind: "revokeRole";
      readonly roles: readonly string[];
      readonly grantees: readonly PrincipalRef[];
      readonly adminOptionOnly: boolean;
    };

export type AccessEffect =
  /** Instead of SQL: the engine carries the command out (checks, then Postgres roles as the emulator). */
  | { readonly kind: "access"; readonly command: AccessCommand }
  /**
   * Before the statement: every principal must exist, else the statement fails (`user "x" does not
   * exist`); Redshift creates no principal on the fly, and a failing GRANT fails its transaction.
   */
  | { readonly kind: "requirePrincipals"; readonly principals: readonly PrincipalRef[] };

export interface AccessContext {
  /** The Redshift database served. */
  readonly database: string;
  /** The Postgres database standing for it (`GRANT … ON DATABASE dev` names this one). */
  readonly postgresDatabase: string;
}

/** Not supported by the emulator (stricter than Redshift, never more lenient): SQLSTATE 0A000. */
function unsupported(what: string, why: string): SqlError {
  return new SqlError("0A000", `${what} is not supported by the emulator: ${why}`);
}

/**
 * Refuses what would let SQL change the identity it runs as, or end the transaction the emulator runs
 * a request in (after which the rest of the request would run as the emulator itself). Redshift allows
 * some of these to superusers; the emulator does not (a deliberate, documented restriction).
 */
export function refuseIdentityChanges(statement: Statement): void {
  const first = statement.at(0);
  if (isKeyword(first, "SET", "RESET")) {
    // SET [SESSION | LOCAL] SESSION AUTHORIZATION | ROLE …, RESET SESSION AUTHORIZATION | ROLE | ALL
    for (const at of [1, 2]) {
      const words = statement.keywordsAt(at, "SESSION", "AUTHORIZATION")
        ? 2
        : statement.keywordsAt(at, "ROLE") || (at === 1 && statement.keywordsAt(at, "ALL"))
          ? 1
          : 0;
      if (words > 0) {
        throw unsupported(
          statement.text(0, at + words).toUpperCase(),
          "each Data API request runs as the database user of its credentials",
        );
      }
      if (!isKeyword(statement.at(1), "SESSION", "LOCAL")) break;
    }
  }
  if (
    isKeyword(first, "BEGIN", "START", "COMMIT", "END", "ROLLBACK", "ABORT", "SAVEPOINT", "RELEASE") ||
    statement.keywordsAt(0, "PREPARE", "TRANSACTION")
  ) {
    throw unsupported(
      (first?.text ?? "").toUpperCase(),
      "every Data API request already runs in a transaction of its own (a batch in one transaction)",
    );
  }
  if (isKeyword(first, "DO")) {
    // Redshift has no anonymous code blocks; a block could also change the session's identity.
    throw syntaxError(first?.text ?? "DO");
  }
  if (isKeyword(first, "DISCARD")) {
    // Not a Redshift command (https://docs.aws.amazon.com/redshift/latest/dg/c_SQL_commands.html); on
    // the emulator's one connection, DISCARD TEMP would drop every Data API session's temporary tables.
    throw syntaxError(first?.text ?? "DISCARD");
  }
  for (let p = 0; p < statement.sig.length; p++) {
    if (!(isKeyword(statement.at(p), "SET_CONFIG") && statement.at(p + 1)?.text === "(")) continue;
    const argument = statement.at(p + 2);
    const setting = argument?.kind === "string" ? stringValue(argument).toLowerCase() : undefined;
    if (setting === undefined || setting === "role" || setting === "session_authorization") {
      throw unsupported(
        "set_config() on the session's identity",
        "each Data API request runs as the database user of its credentials",
      );
    }
  }
}

/**
 * User, group and role statements, GRANT/REVOKE and `ALTER … OWNER TO`; undefined for anything else.
 * `statement` has had its names rewritten already.
 */
export function translateAccessStatement(
  statement: Statement,
  context: AccessContext,
): { sql: string; effects: AccessEffect[] } | undefined {
  const command = parseAccessCommand(statement);
  if (command !== undefined) return { sql: "", effects: [{ kind: "access", command }] };
  if (statement.keywordsAt(0, "GRANT") || statement.keywordsAt(0, "REVOKE")) {
    return translatePrivileges(statement, context);
  }
  if (
    statement.keywordsAt(0, "ALTER", "TABLE") ||
    statement.keywordsAt(0, "ALTER", "VIEW") ||
    statement.keywordsAt(0, "ALTER", "SCHEMA")
  ) {
    return translateOwnerTo(statement);
  }
  return undefined;
}

class Cursor {
  p = 0;

  constructor(readonly statement: Statement) {}

  peek(offset = 0): Token | undefined {
    return this.statement.at(this.p + offset);
  }

  atEnd(): boolean {
    return this.p >= this.statement.sig.length;
  }

  /** Consumes the keywords when they come next. */
  accept(...words: string[]): boolean {
    if (!this.statement.keywordsAt(this.p, ...words)) return false;
    this.p += words.length;
    return true;
  }

  expect(...words: string[]): void {
    for (const word of words) {
      if (!this.accept(word)) throw this.unexpected();
    }
  }

  name(): string {
    const token = this.peek();
    if (!isIdentifier(token)) throw this.unexpected();
    this.p++;
    return identifierValue(token);
  }

  names(): string[] {
    const names = [this.name()];
    while (this.peek()?.text === ",") {
      this.p++;
      names.push(this.name());
    }
    return names;
  }

  string(): string {
    const token = this.peek();
    if (token?.kind !== "string") throw this.unexpected();
    this.p++;
    return stringValue(token);
  }

  /** Skips one option value: a literal, a number or a word. */
  skipValue(): void {
    if (this.atEnd()) throw this.unexpected();
    this.p++;
  }

  end(): void {
    if (!this.atEnd()) throw this.unexpected();
  }

  unexpected(): SqlError {
    return syntaxError(this.peek()?.text ?? "end of input");
  }
}

function stringValue(token: Token): string {
  return token.text.slice(1, -1).replaceAll("''", "'");
}

function parseAccessCommand(statement: Statement): AccessCommand | undefined {
  const c = new Cursor(statement);
  if (c.accept("CREATE", "USER")) return createUser(c);
  if (c.accept("ALTER", "USER")) return alterUser(c);
  if (c.accept("DROP", "USER")) {
    const ifExists = c.accept("IF", "EXISTS");
    const names = c.names();
    c.end();
    return { kind: "dropUser", names, ifExists };
  }
  if (c.accept("CREATE", "GROUP")) {
    const name = c.name();
    c.accept("WITH");
    const users = c.accept("USER") ? c.names() : [];
    c.end();
    return { kind: "createGroup", name, users };
  }
  if (c.accept("ALTER", "GROUP")) {
    const name = c.name();
    if (c.accept("RENAME")) throw unsupported("ALTER GROUP … RENAME TO", "drop and create the group instead");
    const action = c.accept("ADD") ? "add" : c.accept("DROP") ? "drop" : undefined;
    if (action === undefined) throw c.unexpected();
    c.expect("USER");
    const users = c.names();
    c.end();
    return { kind: "alterGroup", name, action, users };
  }
  if (c.accept("DROP", "GROUP")) {
    const name = c.name();
    c.end();
    return { kind: "dropGroup", name };
  }
  if (c.accept("CREATE", "ROLE")) {
    const name = c.name();
    if (c.accept("EXTERNALID")) c.skipValue();
    c.end();
    return { kind: "createRole", name };
  }
  if (c.accept("ALTER", "ROLE")) throw unsupported("ALTER ROLE", "drop and create the role instead");
  if (c.accept("DROP", "ROLE")) {
    const name = c.name();
    const force = c.accept("FORCE");
    if (!force) c.accept("RESTRICT");
    c.end();
    return { kind: "dropRole", name, force };
  }
  if (isRoleGrant(statement)) return roleGrant(c);
  return undefined;
}

function createUser(c: Cursor): AccessCommand {
  const name = c.name();
  c.accept("WITH");
  c.expect("PASSWORD");
  const password = passwordSpec(c);
  let superuser = false;
  const groups: string[] = [];
  while (!c.atEnd()) {
    if (c.accept("CREATEUSER")) superuser = true;
    else if (c.accept("NOCREATEUSER")) superuser = false;
    else if (c.accept("IN", "GROUP")) groups.push(...c.names());
    else skipUserOption(c);
  }
  if (superuser && password.kind === "disabled") {
    // "You can't disable a superuser's password." (r_CREATE_USER.html); the error text is not documented.
    throw new SqlError("0A000", `cannot disable the password of superuser "${name}"`);
  }
  return { kind: "createUser", name, superuser, password, groups };
}

function alterUser(c: Cursor): AccessCommand {
  const name = c.name();
  c.accept("WITH");
  if (c.accept("RENAME")) throw unsupported("ALTER USER … RENAME TO", "drop and create the user instead");
  let superuser: boolean | undefined;
  let password: PasswordSpec | undefined;
  if (c.atEnd()) throw c.unexpected();
  while (!c.atEnd()) {
    if (c.accept("CREATEUSER")) superuser = true;
    else if (c.accept("NOCREATEUSER")) superuser = false;
    else if (c.accept("PASSWORD")) password = passwordSpec(c);
    else if (c.accept("RESET")) c.skipValue();
    else if (c.accept("SET")) {
      c.skipValue();
      if (!c.accept("TO") && c.peek()?.text === "=") c.p++;
      c.skipValue();
    } else skipUserOption(c);
  }
  return { kind: "alterUser", name, superuser, password };
}

/** Options of CREATE/ALTER USER the emulator accepts and has nothing to model for. */
function skipUserOption(c: Cursor): void {
  if (c.accept("CREATEDB") || c.accept("NOCREATEDB")) return;
  if (c.accept("SYSLOG", "ACCESS")) {
    if (!(c.accept("RESTRICTED") || c.accept("UNRESTRICTED"))) throw c.unexpected();
    return;
  }
  if (c.accept("VALID", "UNTIL") || c.accept("SESSION", "TIMEOUT") || c.accept("EXTERNALID")) {
    c.skipValue();
    return;
  }
  if (c.accept("CONNECTION", "LIMIT")) {
    c.skipValue();
    return;
  }
  throw c.unexpected();
}

/**
 * `PASSWORD { 'password' | 'md5hash' | 'sha256hash' | DISABLE }`. A clear-text password "must be 8 to
 * 64 characters in length", contain "at least one uppercase letter, one lowercase letter, and one
 * number", and use ASCII 33–126 "except ' (single quotation mark), " (double quotation mark), \, /, or @"
 * (https://docs.aws.amazon.com/redshift/latest/dg/r_CREATE_USER.html). The error text is not
 * documented; the emulator's names the rule that failed.
 */
function passwordSpec(c: Cursor): PasswordSpec {
  if (c.accept("DISABLE")) return { kind: "disabled" };
  const value = c.string();
  if (/^md5[0-9a-f]{32}$/i.test(value) || value.startsWith("sha256|")) return { kind: "set" };
  const problem =
    value.length < 8 || value.length > 64
      ? "it must be 8 to 64 characters long"
      : !/[A-Z]/.test(value)
        ? "it must contain an uppercase letter"
        : !/[a-z]/.test(value)
          ? "it must contain a lowercase letter"
          : !/[0-9]/.test(value)
            ? "it must contain a number"
            : /[^\x21-\x7e]|['"\\/@]/.test(value)
              ? "it may use ASCII characters 33 to 126 except ' \" \\ / @"
              : undefined;
  if (problem !== undefined) throw new SqlError("22023", `invalid password: ${problem}`);
  return { kind: "set" };
}

/** `GRANT ROLE r [, ROLE r2] TO …` / `REVOKE [ADMIN OPTION FOR] ROLE r … FROM …`. */
function isRoleGrant(statement: Statement): boolean {
  if (statement.keywordsAt(0, "GRANT", "ROLE")) return true;
  return (
    statement.keywordsAt(0, "REVOKE", "ROLE") ||
    statement.keywordsAt(0, "REVOKE", "ADMIN", "OPTION", "FOR", "ROLE")
  );
}

function roleGrant(c: Cursor): AccessCommand {
  const grant = c.accept("GRANT");
  if (!grant) c.expect("REVOKE");
  const adminOptionOnly = !grant && c.accept("ADMIN", "OPTION", "FOR");
  const roles: string[] = [];
  for (;;) {
    c.expect("ROLE");
    roles.push(c.name());
    if (c.peek()?.text !== ",") break;
    c.p++;
  }
  c.expect(grant ? "TO" : "FROM");
  const grantees: PrincipalRef[] = [];
  let adminOption = false;
  for (;;) {
    const kind: PrincipalKind = c.accept("ROLE") ? "role" : "user";
    grantees.push({ kind, name: c.name() });
    if (grant && kind === "user" && c.accept("WITH", "ADMIN", "OPTION")) adminOption = true;
    if (c.peek()?.text !== ",") break;
    c.p++;
  }
  c.end();
  return grant
    ? { kind: "grantRole", roles, grantees, adminOption }
    : { kind: "revokeRole", roles, grantees, adminOptionOnly };
}

const TABLE_PRIVILEGES = ["SELECT", "INSERT", "UPDATE", "DELETE", "REFERENCES"];
const PRIVILEGES_BY_OBJECT: Readonly<Record<string, readonly string[]>> = {
  table: TABLE_PRIVILEGES,
  schema: ["CREATE", "USAGE"],
  database: ["CREATE", "TEMPORARY", "TEMP"],
  function: ["EXECUTE"],
  procedure: ["EXECUTE"],
  language: ["USAGE"],
};

/**
 * GRANT/REVOKE on tables, schemas, databases, functions, procedures and languages, translated onto
 * Postgres: grantees become internal role names (and must exist), `ALL` on tables means Redshift's
 * table privileges only (Postgres' would add TRUNCATE, TRIGGER and MAINTAIN), `ON DATABASE <served
 * database>` names the Postgres database. Grantee forms: `{ username [ WITH GRANT OPTION ] | ROLE
 * role_name | GROUP group_name | PUBLIC }` (https://docs.aws.amazon.com/redshift/latest/dg/r_GRANT.html).
 */
function translatePrivileges(
  statement: Statement,
  context: AccessContext,
): { sql: string; effects: AccessEffect[] } {
  const grant = statement.keywordsAt(0, "GRANT");
  const c = new Cursor(statement);
  c.p = 1;
  const grantOptionFor = !grant && c.accept("GRANT", "OPTION", "FOR");
  const privilegesStart = c.p;
  const on = topLevelKeyword(statement, "ON", privilegesStart);
  if (on === undefined) throw syntaxError(statement.at(statement.sig.length - 1)?.text ?? "end of input");
  c.p = on + 1;
  const { objectKind, targetStart, targetSql } = grantTarget(c, statement, context);
  const separator = topLevelKeyword(statement, grant ? "TO" : "FROM", targetStart);
  if (separator === undefined) throw syntaxError("end of input");
  const privileges = privilegeList(statement, privilegesStart, on, objectKind);
  c.p = separator + 1;
  const principals: PrincipalRef[] = [];
  const grantees: string[] = [];
  let withGrantOption = false;
  let onlyUsers = true;
  for (;;) {
    if (c.accept("PUBLIC")) {
      grantees.push("PUBLIC");
      onlyUsers = false;
    } else {
      const kind: PrincipalKind = c.accept("GROUP") ? "group" : c.accept("ROLE") ? "role" : "user";
      if (kind === "user") c.accept("USER");
      const name = c.name();
      principals.push({ kind, name });
      grantees.push(quoteIdentifier(postgresRoleFor(kind, name)));
      if (kind !== "user") onlyUsers = false;
    }
    if (grant && c.accept("WITH", "GRANT", "OPTION")) withGrantOption = true;
    if (c.peek()?.text !== ",") break;
    c.p++;
  }
  let tail = "";
  if (!grant && (c.accept("CASCADE") || c.accept("RESTRICT")))
    tail = ` ${statement.at(c.p - 1)?.text.toUpperCase()}`;
  c.end();
  if (withGrantOption && !onlyUsers) {
    // "WITH GRANT OPTION can't be granted to a group or to PUBLIC." (r_GRANT.html); wording not documented.
    throw new SqlError(
      "0LP01",
      "WITH GRANT OPTION can only be granted to users, not to a group, a role or PUBLIC",
    );
  }
  const head = grant ? "GRANT" : `REVOKE${grantOptionFor ? " GRANT OPTION FOR" : ""}`;
  const sql = `${head} ${privileges} ON ${targetSql} ${grant ? "TO" : "FROM"} ${grantees.join(", ")}${withGrantOption ? " WITH GRANT OPTION" : ""}${tail}`;
  return { sql, effects: principals.length === 0 ? [] : [{ kind: "requirePrincipals", principals }] };
}

function topLevelKeyword(statement: Statement, keyword: string, from: number): number | undefined {
  let depth = 0;
  for (let p = from; p < statement.sig.length; p++) {
    const text = statement.at(p)?.text;
    if (text === "(") depth++;
    else if (text === ")") depth--;
    else if (depth === 0 && isKeyword(statement.at(p), keyword)) return p;
  }
  return undefined;
}

function grantTarget(
  c: Cursor,
  statement: Statement,
  context: AccessContext,
): { objectKind: string; targetStart: number; targetSql: string } {
  const targetStart = c.p;
  const rest = (kind: string): { objectKind: string; targetStart: number; targetSql: string } => {
    const end = topLevelKeyword(statement, statement.keywordsAt(0, "GRANT") ? "TO" : "FROM", targetStart);
    return {
      objectKind: kind,
      targetStart,
      targetSql: statement.text(targetStart, end ?? statement.sig.length),
    };
  };
  if (c.accept("ALL", "TABLES", "IN", "SCHEMA")) return rest("table");
  if (c.accept("ALL", "FUNCTIONS", "IN", "SCHEMA")) return rest("function");
  if (c.accept("ALL", "PROCEDURES", "IN", "SCHEMA")) return rest("procedure");
  if (c.accept("SCHEMA")) return rest("schema");
  if (c.accept("FUNCTION")) return rest("function");
  if (c.accept("PROCEDURE")) return rest("procedure");
  if (c.accept("LANGUAGE")) return rest("language");
  if (c.accept("DATABASE")) {
    const names = c.names();
    for (const name of names) {
      if (name !== context.database) throw new SqlError("3D000", `database "${name}" does not exist`);
    }
    return {
      objectKind: "database",
      targetStart,
      targetSql: `DATABASE ${quoteIdentifier(context.postgresDatabase)}`,
    };
  }
  const word = c.peek();
  if (
    isKeyword(word, "EXTERNAL", "DATASHARE", "MODEL", "COPY", "TEMPLATE", "SYSTEM") ||
    (isKeyword(word, "ALL") && !isKeyword(c.peek(1), "TABLES"))
  ) {
    throw unsupported(
      `GRANT/REVOKE ON ${word?.text.toUpperCase()}`,
      "only tables, views, schemas, databases, functions, procedures and languages are modelled",
    );
  }
  c.accept("TABLE");
  return rest("table");
}

function privilegeList(statement: Statement, from: number, to: number, objectKind: string): string {
  const allowed = PRIVILEGES_BY_OBJECT[objectKind] ?? [];
  const items: string[] = [];
  let p = from;
  while (p < to) {
    const token = statement.at(p);
    const word = token?.text.toUpperCase() ?? "";
    if (isKeyword(token, "ALL")) {
      p++;
      if (isKeyword(statement.at(p), "PRIVILEGES")) p++;
      if (statement.at(p)?.text === "(") {
        const close = statement.closingParen(p);
        items.push(`ALL ${statement.text(p, close + 1)}`);
        p = close + 1;
      } else if (objectKind === "table") {
        items.push(TABLE_PRIVILEGES.join(", "));
      } else if (objectKind === "database") {
        items.push("CREATE, TEMPORARY");
      } else {
        items.push("ALL");
      }
    } else if (isKeyword(token, "DROP", "ALTER", "TRUNCATE") && objectKind !== "function") {
      throw unsupported(
        `the ${word} privilege`,
        "Postgres ties it to ownership, so the emulator cannot grant it",
      );
    } else if (token !== undefined && token.kind === "word" && allowed.includes(word)) {
      p++;
      if (statement.at(p)?.text === "(") {
        const close = statement.closingParen(p);
        items.push(`${word} ${statement.text(p, close + 1)}`);
        p = close + 1;
      } else {
        items.push(word);
      }
    } else {
      throw syntaxError(token?.text ?? "end of input");
    }
    if (p < to) {
      if (statement.at(p)?.text !== ",") throw syntaxError(statement.at(p)?.text ?? "end of input");
      p++;
    }
  }
  if (items.length === 0) throw syntaxError(statement.at(to)?.text ?? "ON");
  return items.join(", ");
}

/** `ALTER TABLE|VIEW|SCHEMA x OWNER TO u`: the new owner is a user, named by its internal role. */
function translateOwnerTo(statement: Statement): { sql: string; effects: AccessEffect[] } | undefined {
  const n = statement.sig.length;
  if (!(n >= 3 && statement.keywordsAt(n - 3, "OWNER", "TO"))) return undefined;
  const owner = statement.at(n - 1);
  if (!isIdentifier(owner)) throw syntaxError(owner?.text ?? "end of input");
  const name = identifierValue(owner);
  statement.replace(n - 1, quoteIdentifier(postgresRoleFor("user", name)));
  return {
    sql: statement.toSql().trim(),
    effects: [{ kind: "requirePrincipals", principals: [{ kind: "user", name }] }],
  };
}
