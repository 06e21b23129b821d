import { type AccessEffect, refuseIdentityChanges, translateAccessStatement } from "./access-statements.js";
import {
  type DatabaseSchema,
  postgresSchemaFor,
  READ_ONLY_SQLSTATE,
  readOnlyDatabaseMessage,
} from "./database-schemas.js";
import { Statement } from "./shim-statement.js";
import { SqlError, syntaxError } from "./sql-error.js";
import {
  identifierValue,
  isIdentifier,
  isKeyword,
  quoteIdentifier,
  splitStatements,
  type Token,
  tokenize,
} from "./sql-tokens.js";

/**
 * The dialect shim: a pure translation of the Redshift SQL the tool (and a user) sends into SQL that
 * Postgres (PGlite) runs with the same meaning, plus the side effects the engine must apply for the
 * parts Postgres has no notion of (auto refresh, staleness, users, groups and roles).
 *
 * Accepted and rewritten: `BACKUP`, `DISTSTYLE`, `DISTKEY`, `SORTKEY`, `AUTO REFRESH`, `ENCODE` in
 * `CREATE MATERIALIZED VIEW` / `CREATE TABLE`; three- and four-part names (see
 * {@link postgresSchemaFor}); `COMMENT ON VIEW` on a materialized view; user, group and role
 * statements, GRANT/REVOKE and `OWNER TO` (see `access-statements.ts`); `ALTER MATERIALIZED VIEW … AUTO
 * REFRESH`; `WITH NO SCHEMA BINDING`; `LOCK`; Redshift catalog views (`SVV_COLUMNS`, `SVV_MV_INFO`,
 * …) also when written `pg_catalog.svv_…`, and `pg_class` / `pg_depend` as Redshift presents them.
 * Rejected like Redshift: `COMMENT ON MATERIALIZED VIEW`, `ALTER MATERIALIZED VIEW … ADD COLUMN` (and
 * other unsupported actions), identifiers over 127 bytes, GRANT on another database's objects,
 * Postgres' `LOCK` modes, `pg_matviews`.
 * Rejected by the emulator: statements that would change the session's identity or end its
 * transaction (see `refuseIdentityChanges`).
 */

export interface ShimContext {
  /** The Redshift database the session is connected to (the Data API's `Database`). */
  readonly database: string;
  /** Other Redshift databases the emulator knows (registered by earlier statements or seeding). */
  readonly knownDatabases?: readonly string[];
  /** The Postgres database standing for `database` (PGlite's is `postgres`, the default). */
  readonly postgresDatabase?: string;
  /** The emulator's replication path, which writes the (otherwise read-only) replicated databases. */
  readonly replicating?: boolean;
}

export type ShimEffect =
  | AccessEffect
  /** Before the statement: remember which Redshift database + schema a Postgres schema stands for. */
  | { readonly kind: "registerSchema"; readonly mapping: DatabaseSchema }
  /** After the statement. */
  | {
      readonly kind: "materializedViewCreated";
      readonly relation: string;
      readonly autoRefresh: boolean;
      readonly distKey: string | undefined;
      readonly sortKeys: readonly string[];
    }
  | { readonly kind: "materializedViewRefreshed"; readonly relation: string }
  | { readonly kind: "autoRefreshChanged"; readonly relation: string; readonly autoRefresh: boolean }
  /** Instead of `sql` when `relation` turns out to be a materialized view: run `materializedViewSql`. */
  | { readonly kind: "commentOnView"; readonly relation: string; readonly materializedViewSql: string }
  /** Before the statement: `LOCK` takes tables only. */
  | { readonly kind: "lockTables"; readonly relations: readonly string[] }
  /**
   * Instead of `sql`: a late-binding view, built so that Postgres records no dependency on what it
   * reads (as in Redshift, a DROP of its source is not blocked) and resolves its source at query time.
   */
  | { readonly kind: "lateBindingView"; readonly head: string; readonly select: string };

export interface ShimmedStatement {
  /** Postgres SQL to run; `""` when the statement only has effects (e.g. `ALTER … AUTO REFRESH`). */
  readonly sql: string;
  readonly effects: readonly ShimEffect[];
}

const MAX_IDENTIFIER_BYTES = 127;

/**
 * Redshift catalog relations the emulator serves from its `redshift_catalog` schema, PG catalog
 * tables included where Redshift presents them differently from Postgres (`pg_class`, `pg_depend`:
 * see catalog.ts).
 */
const CATALOG_RELATIONS: readonly string[] = [
  "pg_class",
  "pg_depend",
  "svv_integration_table_state",
  "svv_columns",
  "svv_tables",
  "svv_mv_info",
  "stv_mv_info",
  "stv_mv_deps",
  "svv_mv_dependency",
  "svv_relation_privileges",
  "svv_schema_privileges",
  "svv_user_info",
  "svv_roles",
  "svv_user_grants",
  "svv_role_grants",
  "pg_user",
  "pg_group",
];
export const CATALOG_SCHEMA = "redshift_catalog";

/**
 * PG catalog relations Redshift does not have: its catalog is PostgreSQL 8.0's
 * (https://docs.aws.amazon.com/redshift/latest/dg/c_redshift-and-postgres-sql.html), and
 * materialized views are views there (see catalog.ts), so `pg_matviews` (PostgreSQL 9.3) is absent.
 */
const ABSENT_CATALOG_RELATIONS: readonly string[] = ["pg_matviews"];

const RELATION_KEYWORDS = ["FROM", "JOIN", "INTO", "UPDATE", "TABLE", "VIEW", "EXISTS", "ONLY", "REFERENCES"];

/** Translates one SQL text (possibly several `;`-separated statements). Throws {@link SqlError}. */
export function translateSql(sql: string, context: ShimContext): ShimmedStatement[] {
  return splitStatements(tokenize(sql)).map((tokens) => translateStatement(tokens, context));
}

function translateStatement(input: readonly Token[], context: ShimContext): ShimmedStatement {
  checkIdentifierLengths(input);
  const effects: ShimEffect[] = [];
  const tokens = rewriteNames(input, context, effects);
  const statement = new Statement(tokens);
  refuseIdentityChanges(statement);
  const access = translateAccessStatement(statement, {
    database: context.database,
    postgresDatabase: context.postgresDatabase ?? "postgres",
  });
  if (access !== undefined) return { sql: access.sql, effects: [...effects, ...access.effects] };
  const result = translateByKind(statement, effects);
  return { sql: result.trim(), effects };
}

function checkIdentifierLengths(tokens: readonly Token[]): void {
  for (const token of tokens) {
    if (!isIdentifier(token)) continue;
    const name = identifierValue(token);
    const bytes = Buffer.byteLength(name, "utf8");
    if (bytes > MAX_IDENTIFIER_BYTES) {
      throw new SqlError(
        "42622",
        `identifier "${name.slice(0, 40)}…" is too long: ${bytes} bytes, the maximum is ${MAX_IDENTIFIER_BYTES}`,
      );
    }
  }
}

/**
 * Maps `"db"."schema"."table"` (and `db.schema.table.column`) onto Postgres, and Redshift catalog
 * relations onto the emulator's catalog schema.
 */
function rewriteNames(tokens: readonly Token[], context: ShimContext, effects: ShimEffect[]): Token[] {
  const statement = new Statement(tokens);
  const commentOnColumn = statement.keywordsAt(0, "COMMENT", "ON", "COLUMN");
  const grantOrRevoke = statement.keywordsAt(0, "GRANT") || statement.keywordsAt(0, "REVOKE");
  const targetsEnd = context.replicating === true ? 0 : writeTargetsEnd(statement);
  const known = new Set([context.database, ...(context.knownDatabases ?? [])]);
  const noteKnown = (effect: ShimEffect): void => {
    if (effect.kind === "registerSchema") known.add(effect.mapping.database);
  };
  const output: Token[] = [];
  let copied = 0;
  const emit = (fromPosition: number, toPosition: number, replacement: string): void => {
    const first = statement.sig[fromPosition] ?? 0;
    const last = statement.sig[toPosition - 1] ?? first;
    output.push(...tokens.slice(copied, first), { kind: "word", text: replacement });
    copied = last + 1;
  };
  let position = 0;
  while (position < statement.sig.length) {
    const end = statement.nameEnd(position);
    if (end === position || statement.at(position - 1)?.text === ".") {
      position++;
      continue;
    }
    const parts: Token[] = [];
    for (let p = position; p < end; p += 2) {
      const part = statement.at(p);
      if (part !== undefined) parts.push(part);
    }
    const previous = statement.at(position - 1);
    const [first, second, third] = parts;
    const isColumnTarget = commentOnColumn && position === 3;
    if (first !== undefined && second !== undefined && third !== undefined && parts.length <= 4) {
      const database = identifierValue(first);
      const relationContext =
        isKeyword(previous, ...RELATION_KEYWORDS) ||
        position < targetsEnd ||
        (grantOrRevoke && (isKeyword(previous, "ON") || previous?.text === ","));
      // `a.b.c.d` can only be database.schema.table.column; `a.b.c` is database.schema.table unless it
      // is the target of COMMENT ON COLUMN (schema.table.column) or a column reference elsewhere.
      const mapsDatabase =
        parts.length === 4 || (!isColumnTarget && (known.has(database) || relationContext));
      if (mapsDatabase && (grantOrRevoke || position < targetsEnd) && database !== context.database) {
        throw new SqlError(
          READ_ONLY_SQLSTATE,
          readOnlyDatabaseMessage(
            database,
            `${database}.${identifierValue(second)}.${identifierValue(third)}`,
          ),
        );
      }
      if (mapsDatabase) {
        const column = parts[3] === undefined ? "" : `.${parts[3].text}`;
        emit(position, end, `${schemaText(database, second, third, context, effects)}${column}`);
        effects.forEach(noteKnown);
      }
    } else if (parts.length === 1 && first !== undefined) {
      const name = identifierValue(first);
      if (isKeyword(previous, "FROM", "JOIN")) {
        if (ABSENT_CATALOG_RELATIONS.includes(name)) throw missingRelation(name);
        if (CATALOG_RELATIONS.includes(name)) emit(position, end, `${CATALOG_SCHEMA}.${name}`);
      }
    } else if (parts.length === 2 && first !== undefined && second !== undefined) {
      const name = identifierValue(second);
      if (identifierValue(first) === "pg_catalog" && ABSENT_CATALOG_RELATIONS.includes(name))
        throw missingRelation(`pg_catalog.${name}`);
      if (identifierValue(first) === "pg_catalog" && CATALOG_RELATIONS.includes(name)) {
        emit(position, end, `${CATALOG_SCHEMA}.${name}`);
      }
    }
    position = end;
  }
  output.push(...tokens.slice(copied));
  return output;
}

function missingRelation(name: string): SqlError {
  return new SqlError("42P01", `relation "${name}" does not exist`);
}

const WRITE_STATEMENTS = [
  "INSERT",
  "UPDATE",
  "DELETE",
  "MERGE",
  "TRUNCATE",
  "COPY",
  "CREATE",
  "DROP",
  "ALTER",
  "COMMENT",
];
const QUERY_KEYWORDS = [
  "SELECT",
  "FROM",
  "USING",
  "WHERE",
  "SET",
  "VALUES",
  "AS",
  "JOIN",
  "WITH",
  "RETURNING",
];

/**
 * Names before this position are what a write statement changes (`INSERT INTO t …`, `DROP TABLE a, b`,
 * `CREATE MATERIALIZED VIEW v AS …`): up to its first top-level query keyword. 0 for other statements.
 * Writing another database's objects fails with the read-only error before any privilege check, as
 * the database, not the user, is what refuses it (see readOnlyDatabaseMessage); the database's own
 * triggers refuse what this does not catch (writes in a WITH clause, SELECT INTO).
 */
function writeTargetsEnd(statement: Statement): number {
  if (!isKeyword(statement.at(0), ...WRITE_STATEMENTS)) return 0;
  const deleteFrom = statement.keywordsAt(0, "DELETE", "FROM");
  let depth = 0;
  for (let p = 1; p < statement.sig.length; p++) {
    const text = statement.at(p)?.text;
    if (text === "(") depth++;
    else if (text === ")") depth--;
    else if (depth === 0 && !(deleteFrom && p === 1) && isKeyword(statement.at(p), ...QUERY_KEYWORDS))
      return p;
  }
  return statement.sig.length;
}

function schemaText(
  database: string,
  schema: Token,
  table: Token,
  context: ShimContext,
  effects: ShimEffect[],
): string {
  if (database === context.database) return `${schema.text}.${table.text}`;
  const mapping: DatabaseSchema = {
    postgresSchema: postgresSchemaFor(database, identifierValue(schema)),
    database,
    schema: identifierValue(schema),
  };
  if (
    !effects.some(
      (effect) =>
        effect.kind === "registerSchema" && effect.mapping.postgresSchema === mapping.postgresSchema,
    )
  ) {
    effects.push({ kind: "registerSchema", mapping });
  }
  return `${quoteIdentifier(mapping.postgresSchema)}.${table.text}`;
}

function translateByKind(statement: Statement, effects: ShimEffect[]): string {
  if (statement.keywordsAt(0, "CREATE", "MATERIALIZED", "VIEW"))
    return createMaterializedView(statement, effects);
  if (statement.keywordsAt(0, "CREATE")) {
    const tablePosition = findCreateTable(statement);
    if (tablePosition !== undefined) return createTable(statement, tablePosition);
    if (findCreateView(statement)) return createView(statement, effects);
  }
  if (statement.keywordsAt(0, "COMMENT", "ON")) return commentOn(statement, effects);
  if (statement.keywordsAt(0, "ALTER", "MATERIALIZED", "VIEW"))
    return alterMaterializedView(statement, effects);
  if (statement.keywordsAt(0, "REFRESH", "MATERIALIZED", "VIEW"))
    return refreshMaterializedView(statement, effects);
  if (statement.keywordsAt(0, "LOCK")) return lockTables(statement, effects);
  return statement.toSql();
}

/**
 * `LOCK [ TABLE ] table_name [, ...]` (https://docs.aws.amazon.com/redshift/latest/dg/r_LOCK.html):
 * ACCESS EXCLUSIVE, which is also what Postgres takes when no mode is given, until the transaction
 * ends. Postgres' lock modes, `ONLY` and `NOWAIT` are not Redshift syntax. "You can't lock views":
 * the engine refuses views and materialized views (the `lockTables` effect).
 */
function lockTables(statement: Statement, effects: ShimEffect[]): string {
  let position = isKeyword(statement.at(1), "TABLE") ? 2 : 1;
  const relations: string[] = [];
  for (;;) {
    const end = statement.nameEnd(position);
    if (end === position) throw syntaxError(statement.at(position)?.text ?? "end of input");
    relations.push(statement.text(position, end));
    if (end >= statement.sig.length) break;
    if (statement.at(end)?.text !== ",") throw syntaxError(statement.at(end)?.text ?? "end of input");
    position = end + 1;
  }
  effects.push({ kind: "lockTables", relations });
  return statement.toSql();
}

interface TableAttributes {
  autoRefresh: boolean;
  distStyle: string | undefined;
  distKey: string | undefined;
  sortKeys: string[];
  /** Position where the attributes stopped (the stop keyword, or the end). */
  end: number;
}

/**
 * Consumes Redshift table/view attributes from `position` up to `stop` (a keyword such as `AS`, or
 * the end), blanking them; anything else there is a syntax error, as in Redshift.
 */
function stripAttributes(
  statement: Statement,
  position: number,
  stopKeyword: string | undefined,
): TableAttributes {
  const attributes: TableAttributes = {
    autoRefresh: false,
    distStyle: undefined,
    distKey: undefined,
    sortKeys: [],
    end: position,
  };
  let p = position;
  const expectOneOf = (at: number, ...words: string[]): string => {
    const token = at < statement.sig.length ? statement.at(at) : undefined;
    if (token === undefined || !isKeyword(token, ...words)) throw syntaxError(token?.text ?? "end of input");
    return token.text.toUpperCase();
  };
  const parenthesisedNames = (at: number): { names: string[]; end: number } => {
    if (statement.at(at)?.text !== "(") throw syntaxError(statement.at(at)?.text ?? "end of input");
    const close = statement.closingParen(at);
    const names: string[] = [];
    for (let q = at + 1; q < close; q++) {
      const token = statement.at(q);
      if (token === undefined) throw syntaxError("end of input");
      if (isIdentifier(token)) names.push(identifierValue(token));
      else if (token.text !== ",") throw syntaxError(token.text);
    }
    return { names, end: close + 1 };
  };
  while (p < statement.sig.length) {
    const token = statement.at(p);
    if (stopKeyword !== undefined && isKeyword(token, stopKeyword)) break;
    const start = p;
    if (isKeyword(token, "BACKUP")) {
      expectOneOf(p + 1, "YES", "NO");
      p += 2;
    } else if (isKeyword(token, "DISTSTYLE")) {
      attributes.distStyle = expectOneOf(p + 1, "EVEN", "ALL", "AUTO", "KEY");
      p += 2;
    } else if (isKeyword(token, "DISTKEY")) {
      const { names, end } = parenthesisedNames(p + 1);
      if (names.length !== 1) throw syntaxError(",");
      attributes.distKey = names[0];
      p = end;
    } else if (isKeyword(token, "COMPOUND", "INTERLEAVED", "SORTKEY")) {
      if (!isKeyword(token, "SORTKEY")) {
        expectOneOf(p + 1, "SORTKEY");
        p++;
      }
      if (isKeyword(statement.at(p + 1), "AUTO")) {
        p += 2;
      } else {
        const { names, end } = parenthesisedNames(p + 1);
        attributes.sortKeys = names;
        p = end;
      }
    } else if (isKeyword(token, "AUTO") && isKeyword(statement.at(p + 1), "REFRESH")) {
      attributes.autoRefresh = expectOneOf(p + 2, "YES", "NO") === "YES";
      p += 3;
    } else if (isKeyword(token, "ENCODE")) {
      expectOneOf(p + 1, "AUTO");
      p += 2;
    } else {
      throw syntaxError(token?.text ?? "end of input");
    }
    statement.remove(start, p);
  }
  attributes.end = p;
  if (attributes.distStyle === "KEY" && attributes.distKey === undefined) {
    throw new SqlError("42601", "DISTSTYLE KEY requires a DISTKEY column");
  }
  if (
    attributes.distKey !== undefined &&
    attributes.distStyle !== undefined &&
    attributes.distStyle !== "KEY"
  ) {
    throw new SqlError(
      "42601",
      `DISTKEY is only valid with DISTSTYLE KEY, not DISTSTYLE ${attributes.distStyle}`,
    );
  }
  return attributes;
}

function createMaterializedView(statement: Statement, effects: ShimEffect[]): string {
  let nameStart = 3;
  if (statement.keywordsAt(3, "IF", "NOT", "EXISTS")) nameStart = 6;
  const nameEnd = statement.nameEnd(nameStart);
  if (nameEnd === nameStart) throw syntaxError(statement.at(nameStart)?.text ?? "end of input");
  const relation = statement.text(nameStart, nameEnd);
  const attributes = stripAttributes(statement, nameEnd, "AS");
  if (attributes.end >= statement.sig.length) throw syntaxError("end of input");
  effects.push({
    kind: "materializedViewCreated",
    relation,
    autoRefresh: attributes.autoRefresh,
    distKey: attributes.distKey,
    sortKeys: attributes.sortKeys,
  });
  return statement.toSql();
}

/** Position of the table name in `CREATE [LOCAL] [TEMP|TEMPORARY] TABLE [IF NOT EXISTS] name`. */
function findCreateTable(statement: Statement): number | undefined {
  let p = 1;
  while (isKeyword(statement.at(p), "LOCAL", "TEMP", "TEMPORARY", "UNLOGGED")) p++;
  if (!isKeyword(statement.at(p), "TABLE")) return undefined;
  p++;
  if (statement.keywordsAt(p, "IF", "NOT", "EXISTS")) p += 3;
  return p;
}

function findCreateView(statement: Statement): boolean {
  let p = 1;
  if (statement.keywordsAt(p, "OR", "REPLACE")) p += 2;
  return isKeyword(statement.at(p), "VIEW");
}

function createTable(statement: Statement, namePosition: number): string {
  const nameEnd = statement.nameEnd(namePosition);
  if (statement.at(nameEnd)?.text === "(") {
    const close = statement.closingParen(nameEnd);
    stripColumnAttributes(statement, nameEnd + 1, close);
    stripAttributes(statement, close + 1, "AS");
  } else {
    stripAttributes(statement, nameEnd, "AS");
  }
  return statement.toSql();
}

/** Column-level `ENCODE x`, `DISTKEY`, `SORTKEY` inside a column list. */
function stripColumnAttributes(statement: Statement, from: number, to: number): void {
  let depth = 0;
  for (let p = from; p < to; p++) {
    const token = statement.at(p);
    if (token?.text === "(") depth++;
    else if (token?.text === ")") depth--;
    if (depth !== 0) continue;
    const previous = statement.at(p - 1)?.text;
    const atColumnName = previous === "," || p === from;
    if (atColumnName) continue;
    if (isKeyword(token, "ENCODE") && p + 1 < to) {
      statement.remove(p, p + 2);
      p++;
    } else if (isKeyword(token, "DISTKEY", "SORTKEY")) {
      statement.remove(p, p + 1);
    }
  }
}

/**
 * Late-binding views (`WITH NO SCHEMA BINDING`) become a `lateBindingView` effect: the engine builds
 * them over a function that runs the SELECT when the view is read, so no dependency is recorded.
 */
function createView(statement: Statement, effects: ShimEffect[]): string {
  const n = statement.sig.length;
  if (!(n >= 4 && statement.keywordsAt(n - 4, "WITH", "NO", "SCHEMA", "BINDING"))) return statement.toSql();
  statement.remove(n - 4, n);
  let depth = 0;
  for (let p = 1; p < n - 4; p++) {
    const text = statement.at(p)?.text;
    if (text === "(") depth++;
    else if (text === ")") depth--;
    else if (depth === 0 && isKeyword(statement.at(p), "AS")) {
      effects.push({
        kind: "lateBindingView",
        head: statement.text(0, p),
        select: statement.text(p + 1, n - 4),
      });
      break;
    }
  }
  return statement.toSql();
}

function commentOn(statement: Statement, effects: ShimEffect[]): string {
  if (isKeyword(statement.at(2), "MATERIALIZED")) throw syntaxError(statement.at(2)?.text ?? "MATERIALIZED");
  if (isKeyword(statement.at(2), "VIEW")) {
    const nameEnd = statement.nameEnd(3);
    const relation = statement.text(3, nameEnd);
    const sql = statement.toSql();
    statement.replace(2, "MATERIALIZED VIEW");
    effects.push({ kind: "commentOnView", relation, materializedViewSql: statement.toSql().trim() });
    return sql;
  }
  return statement.toSql();
}

function alterMaterializedView(statement: Statement, effects: ShimEffect[]): string {
  const nameEnd = statement.nameEnd(3);
  const relation = statement.text(3, nameEnd);
  const action = statement.at(nameEnd);
  if (isKeyword(action, "AUTO") && isKeyword(statement.at(nameEnd + 1), "REFRESH")) {
    const value = statement.at(nameEnd + 2);
    if (!isKeyword(value, "YES", "NO")) throw syntaxError(value?.text ?? "end of input");
    effects.push({ kind: "autoRefreshChanged", relation, autoRefresh: isKeyword(value, "YES") });
    return "";
  }
  // Distribution, sort keys and row-level security have no Postgres meaning: accepted, nothing to do.
  if (
    isKeyword(action, "ALTER") ||
    (isKeyword(action, "ROW") && isKeyword(statement.at(nameEnd + 1), "LEVEL"))
  ) {
    return "";
  }
  if (isKeyword(action, "RENAME")) return statement.toSql();
  throw syntaxError(action?.text ?? "end of input");
}

function refreshMaterializedView(statement: Statement, effects: ShimEffect[]): string {
  const nameEnd = statement.nameEnd(3);
  if (nameEnd === 3) throw syntaxError(statement.at(3)?.text ?? "end of input");
  const relation = statement.text(3, nameEnd);
  if (isKeyword(statement.at(nameEnd), "RESTRICT", "CASCADE")) statement.remove(nameEnd, nameEnd + 1);
  else if (nameEnd < statement.sig.length) throw syntaxError(statement.at(nameEnd)?.text ?? "");
  effects.push({ kind: "materializedViewRefreshed", relation });
  return statement.toSql();
}
