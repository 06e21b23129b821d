import { runBy } from "../bookkeeping/run-by.js";
import { TOOL_SCHEMA } from "../bookkeeping/tool-schema.js";
import { withToolTable } from "../bookkeeping/tool-tables.js";
import { RedshiftViewsError } from "../errors.js";
import { quoteIdentifier, quoteLiteral } from "../sql/quote.js";
import {
  type ResultRow,
  type StatementOutcome,
  type StatementSummary,
  statementName,
  statementNamePrefix,
  type Warehouse,
} from "../warehouse/index.js";

/** Where the lock rows live: outside the managed schemas, so plans never see the table. */
const LOCK_SCHEMA = TOOL_SCHEMA;
const LOCK_TABLE = "provision_lock";
const TABLE = `${quoteIdentifier(LOCK_SCHEMA)}.${quoteIdentifier(LOCK_TABLE)}`;
const IN_FLIGHT: ReadonlySet<string> = new Set(["SUBMITTED", "PICKED", "STARTED"]);
const CREATE_TABLE = `CREATE TABLE IF NOT EXISTS ${TABLE} (environment VARCHAR(63) NOT NULL, holder VARCHAR(256) NOT NULL, acquired_at VARCHAR(32) NOT NULL, token VARCHAR(64) NOT NULL);`;

interface LockHolder {
  /** `user@host` of the run holding the lock. */
  readonly holder: string;
  /** ISO time it was taken. */
  readonly acquiredAt: string;
}

export interface ProvisionLock extends LockHolder {
  /** Removes the lock row if it is still ours; false when it was taken over (`--force`) meanwhile. */
  release(): Promise<boolean>;
}

export interface AcquireLockOptions {
  readonly environment: string;
  /** Take the lock even if another run holds it or statements are in flight. */
  readonly force?: boolean;
  /** Default `user@host` of this process. */
  readonly holder?: string;
  readonly now?: () => Date;
  /** Identifies this run's row. Default random. */
  readonly token?: string;
}

/**
 * Refuses to provision an environment that another run is provisioning.
 *
 * The lock is a row per environment, taken in ONE transaction that first takes `LOCK` on the table,
 * then checks for a row and inserts its own if there is none, then reads the row back. `LOCK`
 * "obtains a table-level lock in ACCESS EXCLUSIVE mode, waiting if necessary for any conflicting locks
 * to be released … The lock is released when the transaction that contains the LOCK command
 * completes" (https://docs.aws.amazon.com/redshift/latest/dg/r_LOCK.html): two runs acquiring at
 * once are serialized, the second sees the first's row and refuses. Without it, an insert-if-absent
 * under SNAPSHOT isolation (the default of new clusters and workgroups) could commit in both: it does
 * not prevent write skew (https://docs.aws.amazon.com/redshift/latest/dg/c_serial_isolation.html).
 * `force` replaces the row in the same transaction.
 *
 * Statements of this tool still in flight for the environment are checked first (by `StatementName`
 * prefix), but `ListStatements` lists only the statements of the caller's own IAM role by default,
 * so another person's run is seen only through the lock.
 * https://docs.aws.amazon.com/redshift-data/latest/APIReference/API_ListStatements.html
 */
export async function acquireProvisionLock(
  warehouse: Warehouse,
  options: AcquireLockOptions,
): Promise<ProvisionLock> {
  const { environment } = options;
  const force = options.force === true;
  const holder = runBy(options.holder);
  const acquiredAt = (options.now ?? (() => new Date()))().toISOString();
  const token = options.token ?? Math.random().toString(36).slice(2) + Date.now().toString(36);
  const name = statementName(environment, "lock");

  if (!force) {
    const inFlight = (
      await warehouse.listStatements({ namePrefix: statementNamePrefix(environment), limit: 500 })
    ).filter((statement) => IN_FLIGHT.has(statement.status));
    if (inFlight.length > 0) throw inFlightError(environment, inFlight);
  }

  const env = quoteLiteral(environment);
  let rows: ResultRow[] = [];
  const outcome = await withToolTable(warehouse, {
    table: LOCK_TABLE,
    name,
    setups: [[CREATE_TABLE], [`CREATE SCHEMA IF NOT EXISTS ${quoteIdentifier(LOCK_SCHEMA)};`, CREATE_TABLE]],
    attempt: async () => {
      const result = await warehouse.queryBatch(
        [
          `LOCK ${TABLE};`,
          ...(force ? [`DELETE FROM ${TABLE} WHERE environment = ${env};`] : []),
          `INSERT INTO ${TABLE} (environment, holder, acquired_at, token) SELECT ${env}, ${quoteLiteral(holder)}, ${quoteLiteral(acquiredAt)}, ${quoteLiteral(token)} WHERE NOT EXISTS (SELECT 1 FROM ${TABLE} WHERE environment = ${env});`,
          `SELECT holder, acquired_at, token FROM ${TABLE} WHERE environment = ${env};`,
        ],
        { name },
      );
      rows = result.rows;
      return result.outcome;
    },
  });
  if (outcome.kind !== "finished") throw lockUnavailable(environment, outcome);
  const row = rows[0];
  if (rows.length === 1 && row !== undefined && row.token === token) {
    return {
      holder,
      acquiredAt,
      release: async () => {
        const released = await warehouse.execute(
          `DELETE FROM ${TABLE} WHERE environment = ${env} AND token = ${quoteLiteral(token)};`,
          { name },
        );
        // No row deleted: another run took the lock over with --force.
        return released.kind === "finished" && released.resultRows !== 0;
      },
    };
  }
  if (row !== undefined) {
    throw lockedError(environment, {
      holder: String(row.holder),
      acquiredAt: String(row.acquired_at),
    });
  }
  throw lockUnavailable(environment, outcome);
}

function lockUnavailable(environment: string, outcome: StatementOutcome): RedshiftViewsError {
  return new RedshiftViewsError(
    "E_PROVISION_LOCK",
    `Could not take the provisioning lock of ${environment}${outcome.kind === "failed" ? `: ${outcome.error}` : "."}`,
    {
      hint: `Another run may have been taking it at the same moment; run again. The lock lives in ${LOCK_SCHEMA}.${LOCK_TABLE}: the first run needs CREATE on the database to create it (or create the schema and table for the database user); later runs need INSERT, DELETE and SELECT on it.`,
    },
  );
}

function lockedError(environment: string, holder: LockHolder): RedshiftViewsError {
  return new RedshiftViewsError(
    "E_PROVISION_LOCKED",
    `${environment} is being provisioned by ${holder.holder} since ${holder.acquiredAt}; this run was refused so that the two do not rebuild the same views.`,
    {
      hint: `Wait for that run to finish. If it was killed and the lock is stale, run again with --force to take it over (the lock row is in ${LOCK_SCHEMA}.${LOCK_TABLE}).`,
    },
  );
}

function inFlightError(environment: string, statements: readonly StatementSummary[]): RedshiftViewsError {
  const shown = statements
    .slice(0, 5)
    .map(
      (statement) =>
        `${statement.name ?? statement.id} (${statement.status}${statement.createdAt === undefined ? "" : ` since ${statement.createdAt.toISOString()}`})`,
    );
  const more = statements.length > shown.length ? ` and ${statements.length - shown.length} more` : "";
  return new RedshiftViewsError(
    "E_PROVISION_IN_PROGRESS",
    `${statements.length} statement${statements.length === 1 ? "" : "s"} of this tool for ${environment} ${statements.length === 1 ? "is" : "are"} still running: ${shown.join(", ")}${more}.`,
    {
      hint: `Another run is provisioning or refreshing ${environment}; wait for it (redshift-views status ${environment}), or run again with --force if you are sure it is safe.`,
    },
  );
}
