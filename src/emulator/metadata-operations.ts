import { ApiError } from "./api-error.js";
import {
  type Body,
  credentialsOf,
  integerMember,
  type Operation,
  type RequestContext,
  requiredString,
  stringMember,
  withoutUndefined,
} from "./api-members.js";
import { INTERNAL_SCHEMA, TYPES_SCHEMA } from "./catalog.js";
import { type DataApiColumnMetadata, tableColumnMetadata } from "./column-metadata.js";
import { CATALOG_SCHEMA } from "./dialect-shim.js";
import type { Engine } from "./engine.js";
import { pageOf } from "./pagination.js";
import type { Queryable } from "./queryable.js";
import { requestIdentity } from "./request-identity.js";
import { redshiftTypeName } from "./result-format.js";
import { formatStatementError, SqlError } from "./sql-error.js";

/**
 * The metadata operations: `ListDatabases`, `ListSchemas`, `ListTables`, `DescribeTable`
 * (https://docs.aws.amazon.com/redshift-data/latest/APIReference/API_ListTables.html and its siblings).
 * Each connects like a statement (same authorization methods, same database user, who must exist) and
 * answers with what that user may see:
 *
 * - databases: all of them ("SVV_REDSHIFT_DATABASES is visible to all users by default",
 *   https://docs.aws.amazon.com/redshift/latest/dg/r_SVV_REDSHIFT_DATABASES.html);
 * - schemas: to a superuser, the schema's owner, or a holder of USAGE on it (the rule of SHOW SCHEMAS,
 *   https://docs.aws.amazon.com/redshift/latest/dg/r_SHOW_SCHEMAS.html);
 * - tables and their columns: to a superuser, the table's owner, or a holder of USAGE on its schema and
 *   SELECT on it or on one of its columns (the rule of SHOW TABLES,
 *   https://docs.aws.amazon.com/redshift/latest/dg/r_SHOW_TABLES.html); `DescribeTable` lists only the
 *   columns the user may select, unless owner or superuser (not documented; the stricter reading).
 *
 * Table types are those of SVV_REDSHIFT_TABLES, "Possible values are views and tables"
 * (https://docs.aws.amazon.com/redshift/latest/dg/r_SVV_REDSHIFT_TABLES.html): a materialized view is a
 * `VIEW`, as it is a view in Redshift's `pg_class`; the relations of `pg_catalog` and
 * `information_schema` are `SYSTEM TABLE` / `SYSTEM VIEW`, as in the Data API's own example
 * (https://docs.aws.amazon.com/redshift/latest/mgmt/data-api-calling.html) and Redshift's JDBC driver
 * (`RedshiftDatabaseMetaData.getTables`, https://github.com/aws/amazon-redshift-jdbc-driver). The
 * emulator's catalog views (SVV_MV_INFO, …) appear in `pg_catalog`, where Redshift keeps them; the
 * emulator's own schemas, and temporary schemas, do not appear.
 *
 * `SchemaPattern` and `TablePattern` are LIKE patterns ("%" any substring, "_" one character, case
 * sensitive); `Schema` and `Table` of `DescribeTable` are names. Results are sorted by name (code
 * point order: not documented). A page holds `MaxResults` entries, 1000 when absent or 0 (the model's
 * maximum; the default is not documented).
 *
 * Connection: the operation connects to `ConnectedDatabase`, else to `Database`, and lists `Database`.
 * The emulator serves one database: connecting to another fails (`DatabaseConnectionException`, like a
 * login that fails), so list a zero-ETL destination database with `ConnectedDatabase` set to the served
 * one. A database that does not exist has nothing to list.
 */
export interface MetadataOptions {
  readonly engine: Engine;
  /** The database the emulator serves. */
  readonly database: string;
}

const DEFAULT_PAGE_SIZE = 1000;
/** Schemas of the emulator's machinery, and Postgres' own that Redshift does not show. */
const UNLISTED_SCHEMAS = [INTERNAL_SCHEMA, TYPES_SCHEMA, "pg_toast"];
const SYSTEM_SCHEMAS = ["pg_catalog", "information_schema", CATALOG_SCHEMA];

export function metadataOperations(options: MetadataOptions): Readonly<Record<string, Operation>> {
  const { engine, database } = options;

  /** Runs `job` for the request's user, connected as the request asks. */
  const onBehalf = async <T>(
    body: Body,
    request: RequestContext,
    job: (q: Queryable, role: string) => Promise<T>,
  ): Promise<T> => {
    const identity = requestIdentity(credentialsOf(body, request));
    const target = requiredString(body, "Database");
    const connected = stringMember(body, "ConnectedDatabase") ?? target;
    if (connected !== database) {
      throw connectionFailure(
        new SqlError("3D000", `database "${connected}" does not exist`, undefined, "FATAL"),
      );
    }
    try {
      return await engine.onBehalfOf(identity, job);
    } catch (error) {
      if (error instanceof SqlError && error.severity === "FATAL") throw connectionFailure(error);
      throw error;
    }
  };

  const page = <T>(body: Body, operation: string, items: readonly T[]) =>
    pageOf(items, {
      scope: operation,
      maxResults: integerMember(body, "MaxResults"),
      defaultSize: DEFAULT_PAGE_SIZE,
      nextToken: stringMember(body, "NextToken"),
    });

  return {
    ListDatabases: async (body, request) => {
      const databases = await onBehalf(body, request, async (q) => {
        const found = await q.query<{ database_name: string }>(
          `SELECT DISTINCT database_name FROM ${INTERNAL_SCHEMA}.schemas`,
        );
        return sortedUnique([database, ...found.rows.map((row) => row.database_name)]);
      });
      const { page: databasesPage, nextToken } = page(body, "ListDatabases", databases);
      return withoutUndefined({ Databases: databasesPage, NextToken: nextToken });
    },

    ListSchemas: async (body, request) => {
      const schemas = await onBehalf(body, request, async (q, role) => {
        const found = await q.query<{ schema_name: string }>(
          `${PRESENTED_SCHEMAS}
           SELECT p.schema_name FROM presented p
           WHERE p.database_name = $3 AND ($4::text IS NULL OR p.schema_name LIKE $4)
             AND (${IS_SUPERUSER} OR pg_has_role($1, p.nspowner, 'USAGE') OR has_schema_privilege($1, p.oid, 'USAGE'))`,
          [role, database, requiredString(body, "Database"), stringMember(body, "SchemaPattern") ?? null],
        );
        return sortedUnique(found.rows.map((row) => row.schema_name));
      });
      const { page: schemasPage, nextToken } = page(body, "ListSchemas", schemas);
      return withoutUndefined({ Schemas: schemasPage, NextToken: nextToken });
    },

    ListTables: async (body, request) => {
      const tables = await onBehalf(body, request, async (q, role) => {
        const found = await q.query<RelationRow>(
          `${VISIBLE_RELATIONS}
           SELECT r.schema_name, r.relname, r.relkind, r.system, r.emulated FROM relation r
           WHERE ($4::text IS NULL OR r.schema_name LIKE $4) AND ($5::text IS NULL OR r.relname LIKE $5)`,
          [
            role,
            database,
            requiredString(body, "Database"),
            stringMember(body, "SchemaPattern") ?? null,
            stringMember(body, "TablePattern") ?? null,
          ],
        );
        return presentRelations(found.rows).map((row) => ({
          name: row.relname,
          schema: row.schema_name,
          type: tableType(row),
        }));
      });
      const { page: tablesPage, nextToken } = page(body, "ListTables", tables);
      return withoutUndefined({ Tables: tablesPage, NextToken: nextToken });
    },

    DescribeTable: async (body, request) => {
      const table = stringMember(body, "Table");
      const columns = await onBehalf(body, request, async (q, role) => {
        const found = await q.query<ColumnRow>(
          `${VISIBLE_RELATIONS}
           SELECT r.schema_name, r.relname, r.relkind, r.system, r.emulated, a.attname, t.typname,
             bt.typname AS base_typname, CASE WHEN t.typtype = 'd' THEN t.typtypmod ELSE a.atttypmod END AS typmod,
             a.attnotnull, pg_get_expr(ad.adbin, ad.adrelid) AS column_default
           FROM relation r
           JOIN pg_attribute a ON a.attrelid = r.oid AND a.attnum > 0 AND NOT a.attisdropped
           JOIN pg_type t ON t.oid = a.atttypid
           JOIN pg_type bt ON bt.oid = (CASE WHEN t.typtype = 'd' THEN t.typbasetype ELSE t.oid END)
           LEFT JOIN pg_attrdef ad ON ad.adrelid = r.oid AND ad.adnum = a.attnum
           WHERE ($4::text IS NULL OR r.schema_name = $4) AND ($5::text IS NULL OR r.relname = $5)
             AND (r.owned OR has_column_privilege($1, r.oid, a.attnum, 'SELECT'))
           ORDER BY a.attnum`,
          [
            role,
            database,
            requiredString(body, "Database"),
            stringMember(body, "Schema") ?? null,
            table ?? null,
          ],
        );
        return presentRelations(found.rows).map(
          (row): DataApiColumnMetadata =>
            tableColumnMetadata({
              name: row.attname,
              typeName: redshiftTypeName(row.typname),
              baseTypeName: row.base_typname,
              typmod: row.typmod,
              notNull: row.attnotnull,
              schemaName: row.schema_name,
              tableName: row.relname,
              columnDefault: row.column_default ?? undefined,
            }),
        );
      });
      const { page: columnsPage, nextToken } = page(body, "DescribeTable", columns);
      return withoutUndefined({ TableName: table, ColumnList: columnsPage, NextToken: nextToken });
    },
  };
}

/**
 * Schemas as Redshift names them ($2: the served database): a schema standing for another database's
 * (see database-schemas.ts) by that database and schema, the emulator's catalog schema as `pg_catalog`.
 */
const PRESENTED_SCHEMAS = `
WITH presented AS (
  SELECT n.oid, n.nspname, n.nspowner,
    COALESCE(x.database_name, $2) AS database_name,
    CASE WHEN n.nspname = '${CATALOG_SCHEMA}' THEN 'pg_catalog' ELSE COALESCE(x.schema_name, n.nspname) END AS schema_name
  FROM pg_namespace n
  LEFT JOIN ${INTERNAL_SCHEMA}.schemas x ON x.postgres_schema = n.nspname
  WHERE n.nspname <> ALL (ARRAY[${UNLISTED_SCHEMAS.map((name) => `'${name}'`).join(", ")}])
    AND n.nspname !~ '^pg_(temp|toast_temp)_'
)`;

const IS_SUPERUSER = "COALESCE((SELECT rolsuper FROM pg_roles WHERE rolname = $1), false)";

/**
 * Tables and views of database $3 that role $1 may see ($2: the served database); `owned` when the role
 * owns the relation or is a superuser.
 */
const VISIBLE_RELATIONS = `${PRESENTED_SCHEMAS},
relation AS (
  SELECT * FROM (
    SELECT c.oid, c.relname, c.relkind, p.schema_name, p.oid AS schema_oid,
      p.nspname IN (${SYSTEM_SCHEMAS.map((name) => `'${name}'`).join(", ")}) AS system,
      p.nspname = '${CATALOG_SCHEMA}' AS emulated,
      (${IS_SUPERUSER} OR pg_has_role($1, c.relowner, 'USAGE')) AS owned
    FROM pg_class c
    JOIN presented p ON p.oid = c.relnamespace
    WHERE p.database_name = $3 AND c.relkind IN ('r', 'p', 'v', 'm')
  ) candidate
  WHERE owned OR (has_schema_privilege($1, schema_oid, 'USAGE') AND has_any_column_privilege($1, oid, 'SELECT'))
)`;

interface RelationRow {
  readonly schema_name: string;
  readonly relname: string;
  readonly relkind: string;
  readonly system: boolean;
  readonly emulated: boolean;
}

interface ColumnRow extends RelationRow {
  readonly attname: string;
  readonly typname: string;
  readonly base_typname: string;
  readonly typmod: number;
  readonly attnotnull: boolean;
  readonly column_default: string | null;
}

/**
 * Rows sorted by schema and relation name (code points; a relation's rows keep their order), where the
 * emulator's catalog views hide Postgres' relations of the same name in `pg_catalog`.
 */
function presentRelations<T extends RelationRow>(rows: readonly T[]): T[] {
  const key = (row: RelationRow) => `${row.schema_name}\u0000${row.relname}`;
  const emulated = new Set(rows.filter((row) => row.emulated).map(key));
  return rows
    .filter((row) => row.emulated || !emulated.has(key(row)))
    .map((row, index) => ({ row, index }))
    .sort(
      (a, b) =>
        compare(a.row.schema_name, b.row.schema_name) ||
        compare(a.row.relname, b.row.relname) ||
        a.index - b.index,
    )
    .map(({ row }) => row);
}

function tableType(row: RelationRow): string {
  const view = row.relkind === "v" || row.relkind === "m";
  if (row.system) return view ? "SYSTEM VIEW" : "SYSTEM TABLE";
  return view ? "VIEW" : "TABLE";
}

function sortedUnique(names: readonly string[]): string[] {
  return [...new Set(names)].sort(compare);
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * A connection the service could not open: `DatabaseConnectionException` (HTTP 500), among the errors
 * the model lists for these operations. The message, the database's own, is the emulator's choice.
 */
function connectionFailure(error: SqlError): ApiError {
  return new ApiError("DatabaseConnectionException", formatStatementError(error), 500);
}
