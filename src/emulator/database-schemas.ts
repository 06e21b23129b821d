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
  const full = `${database}.${schema}`;
  if (Buffer.byteLength(full, "utf8") <= POSTGRES_MAX_IDENTIFIER_BYTES) return full;
  const hash = createHash("sha256").update(full).digest("hex").slice(0, 8);
  return `${truncateToBytes(full, POSTGRES_MAX_IDENTIFIER_BYTES - 9)}~${hash}`;
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
