import { escapeRegExp } from "../text/escape-regexp.js";
import type { StatementOutcome, Warehouse } from "./types.js";

/** The warehouse's answer when `schema` or `schema.table` does not exist (Redshift and Postgres word it alike). */
export function isMissingRelation(message: string, schema: string, table: string): boolean {
  const s = escapeRegExp(schema);
  const t = escapeRegExp(table);
  return new RegExp(`\\b(relation "(${s}\\.)?${t}"|schema "${s}") does not exist`, "i").test(message);
}

/**
 * Runs `sqls` as one batch; when it fails because the relation it needs does not exist yet, runs
 * `setup` (idempotent DDL such as CREATE … IF NOT EXISTS) and tries once more. So only the first run
 * in a warehouse needs the CREATE privilege that DDL takes, even when the objects already exist.
 */
export async function executeBatchWithSetup(
  warehouse: Warehouse,
  sqls: readonly string[],
  options: {
    readonly name: string;
    readonly setup: readonly string[];
    readonly isMissing: (error: string) => boolean;
  },
): Promise<StatementOutcome> {
  const outcome = await warehouse.executeBatch(sqls, { name: options.name });
  if (outcome.kind !== "failed" || !options.isMissing(outcome.error)) return outcome;
  const created = await warehouse.executeBatch(options.setup, { name: options.name });
  if (created.kind !== "finished") return created;
  return warehouse.executeBatch(sqls, { name: options.name });
}
