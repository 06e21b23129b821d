import { createHash } from "node:crypto";

/** Postgres keeps at most 63 bytes of an identifier (NAMEDATALEN - 1). */
const POSTGRES_MAX_IDENTIFIER_BYTES = 63;

/**
 * Postgres has no cross-database queries, so the emulator folds every Redshift database other than
 * the one it serves into schemas of its single Postgres database: `"db"."schema"."table"` becomes
 * `"db.schema"."table"`. The dot keeps Postgres' own messages readable (`relation
 * "db.schema.table" does not exist`). Names longer than Postgres allows keep a readable prefix and
 * end in `~` plus 8 hex digits of a SHA-256 of the full name, so the mapping stays injective and
 * stable across processes.
 */
export function postgresSchemaFor(database: string, schema: string): string {
  return fitPostgresIdentifier(`${database}.${schema}`);
}

/**
 * `name` when Postgres can keep it whole, else a readable prefix, `~` and 8 hex digits of a SHA-256 of
 * the full name (injective and stable across processes).
 */
export function fitPostgresIdentifier(name: string): string {
  if (Buffer.byteLength(name, "utf8") <= POSTGRES_MAX_IDENTIFIER_BYTES) return name;
  const hash = createHash("sha256").update(name).digest("hex").slice(0, 8);
  return `${truncateToBytes(name, POSTGRES_MAX_IDENTIFIER_BYTES - 9)}~${hash}`;
}

function truncateToBytes(text: string, maxBytes: number): string {
  let result = "";
  for (const char of text) {
    if (Buffer.byteLength(result + char, "utf8") > maxBytes) break;
    result += char;
  }
  return result;
}

/** A Redshift database + schema the emulator keeps as one Postgres schema. */
export interface DatabaseSchema {
  readonly postgresSchema: string;
  readonly database: string;
  readonly schema: string;
}

/**
 * Writes to another Redshift database fail: a zero-ETL integration's destination database "is
 * read-only. You can't create tables, views, or materialized views in the target database"
 * (https://docs.aws.amazon.com/redshift/latest/mgmt/zero-etl.reqs-lims.html), and a session has "read
 * access only" to databases it is not connected to
 * (https://docs.aws.amazon.com/redshift/latest/dg/cross-database_limitation.html). Redshift's error text
 * is not documented; this wording and SQLSTATE 25006 (read_only_sql_transaction) are the emulator's.
 */
export function readOnlyDatabaseMessage(database: string, object: string): string {
  return `database "${database}" is read-only: cannot change ${object} (a zero-ETL destination database, and any database other than the connected one, only allows reads)`;
}

export const READ_ONLY_SQLSTATE = "25006";
