import { escapeRegExp } from "../text/escape-regexp.js";
import type { StatementOutcome, Warehouse } from "./types.js";

/** The warehouse's answer when `schema` or `schema.table` does not exist (Redshift and Postgres word it alike). */
export function isMissingRelation(message: string, schema: string, table: string): boolean {
  const s = escapeRegExp(schema);
  const t = escapeRegExp(table);
  return new RegExp(`\\b(relation "(${s}\\.)?${t}"|schema "${s}") does not exist`, "i").test(message);
}

/** Redshift's answer to two transactions that wrote the same table at once (error 1023): retry. */
export function isSerializationConflict(message: string): boolean {
  return /serializable isolation violation|\b1023\b/i.test(message);
}

/**
 * Runs `sqls` as one batch; when it fails because the relation it needs does not exist yet, sets it
 * up and tries once more. `setups` are tried in order until one succeeds, least privilege first
 * (the table alone, then schema and table): CREATE needs its privilege even with IF NOT EXISTS, so a
 * database user given its own schema never needs CREATE on the database, and after the first run
 * no CREATE is needed at all.
 */
export async function executeBatchWithSetup(
  warehouse: Warehouse,
  sqls: readonly string[],
  options: {
    readonly name: string;
    readonly setups: readonly (readonly string[])[];
    readonly isMissing: (error: string) => boolean;
    readonly signal?: AbortSignal;
  },
): Promise<StatementOutcome> {
  const statement = {
    name: options.name,
    ...(options.signal === undefined ? {} : { signal: options.signal }),
  };
  const outcome = await warehouse.executeBatch(sqls, statement);
  if (outcome.kind !== "failed" || !options.isMissing(outcome.error)) return outcome;
  let setup: StatementOutcome = outcome;
  for (const setupSqls of options.setups) {
    setup = await warehouse.executeBatch(setupSqls, statement);
    if (setup.kind === "finished") return warehouse.executeBatch(sqls, statement);
  }
  return setup;
}
