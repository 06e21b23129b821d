import { createHash } from "node:crypto";
import type { PGlite, Results, Transaction } from "@electric-sql/pglite";
import {
  type AccessSession,
  executeAccessCommand,
  type Identity,
  isSuperuser,
  requirePrincipals,
} from "./access-control.js";
import {
  bootstrapSql,
  INTERNAL_SCHEMA,
  recordSetupSql,
  SESSION_SEARCH_PATH_SQL,
  SETUP_RECORDED_SQL,
  setupIsCurrentSql,
  TYPES_SCHEMA,
} from "./catalog.js";
import type { DatabaseSchema } from "./database-schemas.js";
import { CATALOG_SCHEMA, type ShimEffect, type ShimmedStatement, translateSql } from "./dialect-shim.js";
import { type HeldOutcomes, workingCopy } from "./held-outcomes.js";
import { bindNamedParameters } from "./named-parameters.js";
import { DEFAULT_SUPERUSER, postgresRoleFor, presentRoleNames } from "./principals.js";
import type { Parsers, Queryable } from "./queryable.js";
import type { RequestIdentity } from "./request-identity.js";
import { type RawResult, redshiftTypeName, resultSize, toDataApiResult } from "./result-format.js";
import type { SessionIsolation } from "./session-isolation.js";
import { formatStatementError, SqlError, toSqlError } from "./sql-error.js";
import { quoteIdentifier, quoteLiteral } from "./sql-tokens.js";
import {
  abortAll,
  type StatementPart,
  type StatementRecord,
  type StatementStore,
} from "./statement-store.js";
import { explainSql, isExplainable } from "./zero-etl-states.js";

class Cancelled extends Error {}

/** The savepoint around statements run together (see `Engine.runParts`). */
const TOGETHER_SAVEPOINT = "redshift_emulator_together";

export interface EngineOptions {
  readonly db: PGlite;
  readonly database: string;
  readonly store: StatementStore;
  readonly now: () => number;
  /** Matching statements fail with an injected error (fault injection). */
  readonly failPattern: () => RegExp | undefined;
  readonly onInjectedFailure: () => void;
  /** Keeps Data API sessions' temporary tables and settings apart (see session-isolation.ts). */
  readonly isolation?: SessionIsolation | undefined;
  /** Where statements executed with injected latency wait for their outcome to be shown. */
  readonly outcomes?: HeldOutcomes | undefined;
}

/** Who a job runs as: a Redshift user, or the emulator itself (seeding, bookkeeping, `replicate`). */
type RunAs = Identity | undefined;

/** What the transactions of one record share. */
interface RecordRun {
  /** The record the Data API shows: the one executed, or the one a working copy is executed for. */
  readonly shown: StatementRecord;
  readonly raws: Map<StatementPart, RawResult>;
  /** When its first transaction started; undefined until then. */
  started: bigint | undefined;
  startedAtMs?: number;
  identity: Identity | undefined;
  failure?: { readonly part: StatementPart; readonly error: SqlError };
}

/**
 * Runs statements against PGlite, one transaction at a time (PGlite is a single connection), applying
 * the dialect shim and its effects, and moves statement records through their lifecycle.
 *
 * Identity: every job runs in a transaction that starts with `SET LOCAL SESSION AUTHORIZATION <user>`,
 * so Postgres checks the Redshift user's privileges and ownership, `current_user` and `session_user`
 * name that user, and the identity ends with the transaction, committed or rolled back. After every job
 * the session is set back to the emulator's role explicitly as well (PGlite reverts a LOCAL session
 * authorization correctly only to a value set at session level, so one is set at start), so that a
 * request can never run as the identity of the one before.
 */
export class Engine {
  private readonly db: PGlite;
  private readonly database: string;
  private tail: Promise<unknown> = Promise.resolve();
  /** Records being executed: stopping waits for them, not only for the jobs queued so far. */
  private readonly running = new Set<Promise<void>>();
  /** Names of the replicated tables shown as resyncing (the `resyncing` fault). */
  private resyncing: readonly string[] = [];
  private resyncingWritten = false;
  private readonly typeNames = new Map<number, string>();
  private rawParsers: Parsers = {};
  private readonly schemas = new Map<string, DatabaseSchema>();
  private closing = false;
  /** PGlite's bootstrap superuser: the emulator's own role, which no Redshift principal is. */
  private admin = "postgres";
  private postgresDatabase = "postgres";

  constructor(private readonly options: EngineOptions) {
    this.db = options.db;
    this.database = options.database;
  }

  async bootstrap(): Promise<void> {
    const session = await this.db.query<{ role: string; database: string }>(
      "SELECT current_user AS role, current_database() AS database",
    );
    this.admin = session.rows[0]?.role ?? this.admin;
    this.postgresDatabase = session.rows[0]?.database ?? this.postgresDatabase;
    await this.restoreAdmin();
    const setup = bootstrapSql(this.database, this.admin);
    const digest = createHash("sha256").update(setup).digest("hex");
    // A data folder opened again already holds the setup: rerunning it costs a short command a third of
    // a second, so it runs only when it changed (another version) or something it made is gone.
    // Grants made since are not reset either. The documentation does not say so in as many words (a
    // reboot only interrupts transactions and queries:
    // https://docs.aws.amazon.com/redshift/latest/dg/r_REBOOT_CLUSTER.html); they are catalog state.
    if (await this.setupIsCurrent(digest)) await this.db.exec(SESSION_SEARCH_PATH_SQL);
    else await this.db.exec(`${setup}\n${recordSetupSql(digest)}`);
    const schemas = await this.db.query<{
      postgres_schema: string;
      database_name: string;
      schema_name: string;
    }>(`SELECT postgres_schema, database_name, schema_name FROM ${INTERNAL_SCHEMA}.schemas`);
    for (const row of schemas.rows) {
      this.schemas.set(row.postgres_schema, {
        postgresSchema: row.postgres_schema,
        database: row.database_name,
        schema: row.schema_name,
      });
    }
    await this.loadTypes();
  }

  private async setupIsCurrent(digest: string): Promise<boolean> {
    const recorded = await this.db.query<{ present: boolean }>(SETUP_RECORDED_SQL);
    if (recorded.rows[0]?.present !== true) return false;
    const current = await this.db.query<{ current: boolean }>(setupIsCurrentSql(digest));
    return current.rows.length === 1 && current.rows[0]?.current === true;
  }

  /** Runs `job` after every job queued before it (PGlite has one connection). */
  serial<T>(job: () => Promise<T>): Promise<T> {
    const run = this.tail.then(job);
    this.tail = run.then(
      () => undefined,
      () => undefined,
    );
    return run;
  }

  /** Waits for queued work and the records being executed (their later transactions are aborted), then refuses more. */
  async drain(): Promise<void> {
    this.closing = true;
    await Promise.allSettled([...this.running]);
    await this.tail;
  }

  /**
   * Shows the replicated tables named (`<table>`, `<schema>.<table>` or `<database>.<schema>.<table>`)
   * as resyncing: in SVV_INTEGRATION_TABLE_STATE, and to every read of them (see zero-etl-states.ts).
   * Statements queued after this call see the new set.
   */
  setResyncing(names: readonly string[]): Promise<void> {
    const unique = [...new Set(names)].sort();
    if (unique.join(",") === this.resyncing.join(",") && this.resyncingWritten) return Promise.resolve();
    this.resyncing = unique;
    this.resyncingWritten = true;
    return this.serial(async () => {
      if (this.closing) return;
      await this.inTransaction(undefined, async (tx) => {
        await tx.query(`DELETE FROM ${INTERNAL_SCHEMA}.resyncing WHERE NOT (name = ANY ($1::text[]))`, [
          unique,
        ]);
        await tx.query(
          `INSERT INTO ${INTERNAL_SCHEMA}.resyncing (name, since)
           SELECT unnest($1::text[]), date_trunc('second', localtimestamp) ON CONFLICT (name) DO NOTHING`,
          [unique],
        );
      });
    });
  }

  translate(sql: string, replicating = false): ShimmedStatement[] {
    return translateSql(sql, {
      database: this.database,
      knownDatabases: [...this.schemas.values()].map((mapping) => mapping.database),
      postgresDatabase: this.postgresDatabase,
      replicating,
    });
  }

  /**
   * Direct SQL for tests, through the same dialect shim, as Redshift user `user` (which must exist;
   * default the superuser); rows parsed by PGlite.
   */
  query(sql: string, values: unknown[] = [], user = DEFAULT_SUPERUSER): Promise<Record<string, unknown>[]> {
    return this.serial(async () => {
      try {
        const identity = await this.login(user, user, false);
        return await this.queryAs(identity, sql, values);
      } catch (error) {
        throw this.presentable(toSqlError(error));
      }
    });
  }

  /**
   * Reads the catalog on behalf of a Data API user (the metadata operations): the user logs in as for a
   * statement (see login), then `job` runs as the emulator in one transaction, serialised with statements,
   * given the Postgres role standing for the user.
   */
  onBehalfOf<T>(who: RequestIdentity, job: (q: Queryable, role: string) => Promise<T>): Promise<T> {
    return this.serial(async () => {
      const identity = await this.login(who.user, who.loginName, who.autoCreate);
      return this.inTransaction(undefined, (tx) => job(tx, identity.role));
    });
  }

  /**
   * SQL as the emulator itself, through the dialect shim: the only way to write the replicated
   * (zero-ETL destination) databases, which are read-only to every Redshift user. For tests that
   * simulate replication.
   */
  replicate(sql: string, values: unknown[] = []): Promise<Record<string, unknown>[]> {
    return this.serial(async () => {
      try {
        return await this.queryAs(undefined, sql, values);
      } catch (error) {
        throw this.presentable(toSqlError(error));
      }
    });
  }

  /** Runs Postgres SQL as is (no shim), as the emulator, in one transaction; used for seeding. */
  runPostgres(statements: readonly string[], mapping?: DatabaseSchema): Promise<void> {
    return this.serial(async () => {
      try {
        await this.inTransaction(undefined, async (tx) => {
          if (mapping !== undefined) {
            await this.before(this.session(tx, undefined), { kind: "registerSchema", mapping }, "");
          }
          // One round trip for the lot (PGlite's simple protocol): a re-seed is a hundred statements
          // that do nothing, and each round trip costs more than its statement.
          if (statements.length > 0) await tx.exec(statements.join(";\n"));
        });
      } catch (error) {
        throw this.presentable(toSqlError(error));
      }
    });
  }

  /**
   * Seeds a non-superuser deploy user the way a DBA would (idempotent): the user (password disabled)
   * if missing, CREATE on the database, USAGE on each replicated schema and SELECT on its tables,
   * present and future, and SELECT on SVV_INTEGRATION_TABLE_STATE, which is visible only to superusers
   * unless granted (https://docs.aws.amazon.com/redshift/latest/dg/c_visibility-of-data.html), so the
   * tool can tell whether the replicated tables are Synced. Nothing else.
   */
  seedDeployUser(user: string, sourceSchemas: readonly DatabaseSchema[]): Promise<void> {
    return this.serial(async () => {
      try {
        await this.inTransaction(undefined, async (tx) => {
          const session = this.session(tx, undefined);
          const role = postgresRoleFor("user", user);
          const existing = await tx.query(
            `SELECT 1 FROM ${INTERNAL_SCHEMA}.principals WHERE kind = 'user' AND name = $1`,
            [user],
          );
          if (existing.rows.length === 0) {
            await executeAccessCommand(session, {
              kind: "createUser",
              name: user,
              superuser: false,
              password: { kind: "disabled" },
              groups: [],
            });
          }
          const grantee = quoteIdentifier(role);
          await tx.query(`GRANT CREATE ON DATABASE ${quoteIdentifier(this.postgresDatabase)} TO ${grantee}`);
          await tx.query(`GRANT SELECT ON ${CATALOG_SCHEMA}.svv_integration_table_state TO ${grantee}`);
          for (const mapping of sourceSchemas) {
            const schema = quoteIdentifier(mapping.postgresSchema);
            if (mapping.database !== this.database) {
              await this.before(session, { kind: "registerSchema", mapping }, "");
            }
            await tx.query(`CREATE SCHEMA IF NOT EXISTS ${schema}`);
            await tx.query(`GRANT USAGE ON SCHEMA ${schema} TO ${grantee}`);
            await tx.query(`GRANT SELECT ON ALL TABLES IN SCHEMA ${schema} TO ${grantee}`);
            await tx.query(
              `ALTER DEFAULT PRIVILEGES FOR ROLE ${quoteIdentifier(this.admin)} IN SCHEMA ${schema} GRANT SELECT ON TABLES TO ${grantee}`,
            );
          }
        });
      } catch (error) {
        throw this.presentable(toSqlError(error));
      }
    });
  }

  /**
   * Executes a submitted statement or batch, updating its record as it goes. Each of its transactions
   * is a job of its own on the serial queue (a single statement or a batch is one; a batch in
   * `AUTO_COMMIT` mode is one per statement), so the transactions of other requests run between
   * them, as concurrent sessions would interleave on Redshift. A transaction itself runs whole: PGlite
   * has one connection (see docs/emulator.md, "Concurrency and isolation").
   */
  execute(record: StatementRecord, latencyMs = 0): Promise<void> {
    if (record.status === "SUBMITTED") this.touch(record, "PICKED");
    const run =
      latencyMs > 0 && this.options.outcomes !== undefined
        ? this.executeWithLatency(record, latencyMs, this.options.outcomes)
        : this.executeRecord(record, record).then(() => undefined);
    this.running.add(run);
    return run.finally(() => this.running.delete(run));
  }

  /**
   * Injected latency as the statement's duration (see held-outcomes.ts): executes a working copy now,
   * while `record` shows STARTED, and hands the ended copy over to be revealed when the latency is up.
   */
  private async executeWithLatency(
    record: StatementRecord,
    latencyMs: number,
    outcomes: HeldOutcomes,
  ): Promise<void> {
    const work = workingCopy(record);
    const run = await this.executeRecord(work, record);
    outcomes.hold(
      record,
      work,
      { atMs: run.startedAtMs ?? this.options.now(), hrtimeNs: run.started ?? process.hrtime.bigint() },
      latencyMs,
    );
  }

  private async executeRecord(record: StatementRecord, shown: StatementRecord): Promise<RecordRun> {
    const parts = record.isBatch ? record.parts : [record];
    const transactions =
      record.isBatch && record.executionMode === "AUTO_COMMIT" ? parts.map((part) => [part]) : [parts];
    const run: RecordRun = { shown, raws: new Map(), started: undefined, identity: undefined };
    for (const transaction of transactions) {
      if (!(await this.serial(() => this.runTransaction(record, transaction, run)))) break;
    }
    if (run.started !== undefined) await this.serial(() => this.finish(record, run));
    return run;
  }

  /** Runs one transaction of a record; false when the record ended (failed, cancelled, stopped). */
  private async runTransaction(
    record: StatementRecord,
    parts: readonly StatementPart[],
    run: RecordRun,
  ): Promise<boolean> {
    if (record.status === "ABORTED" || run.shown.status === "ABORTED") return false;
    if (this.closing) {
      abortAll(
        record,
        run.started === undefined
          ? "ERROR: the emulator stopped before the statement ran"
          : "ERROR: the emulator stopped before the statement completed",
        this.options.now(),
      );
      this.options.store.changed();
      return false;
    }
    if (run.started === undefined) {
      run.started = process.hrtime.bigint();
      this.touch(record, "STARTED");
      run.startedAtMs = record.updatedAt;
      if (run.shown !== record) this.touch(run.shown, "STARTED");
    }
    try {
      // A session's temporary tables and settings are in reach only while its transaction runs.
      await this.options.isolation?.enter(this.db, record);
      if (record.database !== this.database) {
        throw new SqlError("3D000", `database "${record.database}" does not exist`);
      }
      run.identity ??= await this.login(record.user, record.loginName, record.autoCreateUser);
      const identity = run.identity;
      await this.inTransaction(identity, async (tx) => {
        await this.runParts(tx, this.session(tx, identity), record, parts, run);
      });
      return true;
    } catch (error) {
      this.endFailed(record, error, run);
      return false;
    } finally {
      await this.options.isolation?.leave(this.db, record);
    }
  }

  /**
   * A transaction's statements, in order. A batch's consecutive `COMMENT ON` statements that the shim
   * passes through unchanged (no effects, no parameters) go to Postgres together, in one message: a
   * view's batch comments on each of its columns, and one call each costs the emulator more than the
   * comment itself. They run in a savepoint; if one fails, the savepoint is rolled back and they run
   * again one at a time, so the failure is reported for the statement that failed, exactly as
   * without grouping. Statements run together share their duration equally (docs/emulator.md).
   */
  private async runParts(
    tx: Pick<Transaction, "exec">,
    session: AccessSession,
    record: StatementRecord,
    parts: readonly StatementPart[],
    run: RecordRun,
  ): Promise<void> {
    let index = 0;
    while (index < parts.length) {
      const group = this.commentRun(record, parts, index);
      if (group.length > 1 && (await this.runTogether(tx, record, group, run))) {
        index += group.length;
        continue;
      }
      const end = index + Math.max(group.length, 1);
      for (; index < end; index++) {
        const part = parts[index];
        if (part !== undefined) await this.runPart(session, record, part, run);
      }
    }
  }

  /** The parts from `start` on that may run together (see `runParts`), each with its Postgres SQL. */
  private commentRun(
    record: StatementRecord,
    parts: readonly StatementPart[],
    start: number,
  ): { part: StatementPart; sql: string }[] {
    const group: { part: StatementPart; sql: string }[] = [];
    if ((record.parameters ?? []).length > 0) return group;
    const failPattern = this.options.failPattern();
    for (const part of parts.slice(start)) {
      if (failPattern !== undefined && part.queryString.search(failPattern) >= 0) break;
      let statements: ShimmedStatement[];
      try {
        statements = this.translate(part.queryString);
      } catch {
        break;
      }
      const [statement] = statements;
      if (statements.length !== 1 || statement === undefined || statement.effects.length > 0) break;
      if (!/^COMMENT\s+ON\s/i.test(statement.sql)) break;
      group.push({ part, sql: statement.sql });
    }
    return group;
  }

  /** Runs `group` in one message; false (nothing changed) when one of them failed. */
  private async runTogether(
    tx: Pick<Transaction, "exec">,
    record: StatementRecord,
    group: readonly { part: StatementPart; sql: string }[],
    run: RecordRun,
  ): Promise<boolean> {
    if (record.cancelRequested === true || run.shown.cancelRequested === true) throw new Cancelled();
    const started = process.hrtime.bigint();
    for (const { part } of group) this.touch(part, "STARTED");
    await tx.exec(`SAVEPOINT ${TOGETHER_SAVEPOINT}`);
    try {
      // Each on lines of its own: a statement that ends in a `--` comment must not swallow the `;`.
      await tx.exec(group.map(({ sql }) => sql).join("\n;\n"));
    } catch {
      await tx.exec(`ROLLBACK TO SAVEPOINT ${TOGETHER_SAVEPOINT}`);
      return false;
    }
    await tx.exec(`RELEASE SAVEPOINT ${TOGETHER_SAVEPOINT}`);
    const share = Number(process.hrtime.bigint() - started) / group.length;
    for (const { part } of group) {
      part.resultRows = 0;
      part.hasResultSet = false;
      part.durationNs = share;
      this.touch(part, "FINISHED");
    }
    return true;
  }

  private async runPart(
    session: AccessSession,
    record: StatementRecord,
    part: StatementPart,
    run: RecordRun,
  ): Promise<void> {
    if (record.cancelRequested === true || run.shown.cancelRequested === true) throw new Cancelled();
    const partStarted = process.hrtime.bigint();
    this.touch(part, "STARTED");
    try {
      const raw = await this.runSql(session, part.queryString, record);
      if (raw !== undefined) run.raws.set(part, raw);
      part.resultRows = raw?.rowCount ?? 0;
      part.hasResultSet = raw !== undefined && raw.fields.length > 0;
      part.durationNs = Number(process.hrtime.bigint() - partStarted);
      this.touch(part, "FINISHED");
    } catch (error) {
      if (error instanceof Cancelled) throw error;
      part.durationNs = Number(process.hrtime.bigint() - partStarted);
      run.failure = { part, error: this.presentable(toSqlError(error)) };
      throw error;
    }
  }

  /** A record whose transaction failed or was cancelled: its parts still active end with it. */
  private endFailed(record: StatementRecord, error: unknown, run: RecordRun): void {
    const now = this.options.now();
    if (error instanceof Cancelled) {
      abortAll(record, "ERROR: Query cancelled on user's request", now);
      return;
    }
    const { failure } = run;
    const text = formatStatementError(failure?.error ?? this.presentable(toSqlError(error)));
    if (failure !== undefined) {
      failure.part.error = text;
      failure.part.status = "FAILED";
      failure.part.updatedAt = now;
    }
    abortAll(
      record,
      failure === undefined
        ? text
        : record.executionMode === "AUTO_COMMIT"
          ? "ERROR: not run because an earlier statement of the batch failed (the statements before it were committed)"
          : "ERROR: the transaction was rolled back because an earlier statement of the batch failed",
      now,
    );
    record.status = "FAILED";
    record.error = text;
    record.updatedAt = now;
  }

  /** Results, duration and the final status of a record whose first transaction started. */
  private async finish(record: StatementRecord, run: RecordRun): Promise<void> {
    const parts = record.isBatch ? record.parts : [record];
    await this.ensureTypes([...run.raws.values()]);
    for (const [part, raw] of run.raws) {
      if (raw.fields.length === 0) continue;
      part.result = toDataApiResult(
        raw,
        (oid) => redshiftTypeName(this.typeNames.get(oid) ?? "unknown"),
        record.resultFormat ?? "JSON",
      );
      part.resultSize = resultSize(part.result);
    }
    record.durationNs = Number(process.hrtime.bigint() - (run.started ?? process.hrtime.bigint()));
    if (record.isBatch) {
      record.hasResultSet = parts.some((part) => part.hasResultSet);
      record.resultRows = parts.reduce((sum, part) => sum + Math.max(part.resultRows, 0), 0);
    }
    if (record.status === "STARTED") this.touch(record, "FINISHED");
    this.options.store.changed();
  }

  /**
   * The Redshift user a request logs in as. A missing user fails the login the way Redshift answers
   * a Data API request whose `DbUser` does not exist: the statement is accepted and ends FAILED with
   * `FATAL: user "IAM:<DbUser>" does not exist` (GetClusterCredentials without AutoCreate "succeeds but
   * the connection attempt will fail because the user doesn't exist in the database",
   * https://docs.aws.amazon.com/redshift/latest/APIReference/API_GetClusterCredentials.html; the text
   * as reported in https://github.com/aws/aws-tools-for-powershell/issues/269). IAM identities are
   * created on first use.
   */
  private async login(user: string, loginName: string, autoCreate: boolean): Promise<Identity> {
    const found = await this.db.query<{ postgres_role: string }>(
      `SELECT postgres_role FROM ${INTERNAL_SCHEMA}.principals WHERE kind = 'user' AND name = $1`,
      [user],
    );
    const role = found.rows[0]?.postgres_role;
    if (role !== undefined) return { user, role };
    if (!autoCreate) throw new SqlError("28000", `user "${loginName}" does not exist`, undefined, "FATAL");
    await this.inTransaction(undefined, (tx) =>
      executeAccessCommand(this.session(tx, undefined), {
        kind: "createUser",
        name: user,
        superuser: false,
        password: { kind: "disabled" },
        groups: [],
      }),
    );
    return { user, role: postgresRoleFor("user", user) };
  }

  private async queryAs(identity: RunAs, sql: string, values: unknown[]): Promise<Record<string, unknown>[]> {
    const statements = this.translate(sql, identity === undefined);
    return this.inTransaction(identity, async (tx) => {
      const session = this.session(tx, identity);
      let rows: Record<string, unknown>[] = [];
      for (const statement of statements) {
        const result = await this.runTranslated(session, statement, values, "object");
        rows = (result?.rows ?? []) as Record<string, unknown>[];
      }
      return rows;
    });
  }

  /** One transaction as `identity`; afterwards the session is the emulator's again, whatever happened. */
  private async inTransaction<T>(
    identity: RunAs,
    job: (tx: Queryable & Pick<Transaction, "exec">) => Promise<T>,
  ): Promise<T> {
    try {
      return await this.db.transaction(async (tx) => {
        if (identity !== undefined) {
          await tx.query(`SET LOCAL SESSION AUTHORIZATION ${quoteIdentifier(identity.role)}`);
        }
        return job(tx);
      });
    } finally {
      await this.restoreAdmin();
    }
  }

  private async restoreAdmin(): Promise<void> {
    await this.db.query(`SET SESSION AUTHORIZATION ${quoteIdentifier(this.admin)}`);
  }

  private session(q: Queryable, identity: RunAs): AccessSession {
    const admin = quoteIdentifier(this.admin);
    return {
      q,
      identity,
      asAdmin: async <T>(job: () => Promise<T>): Promise<T> => {
        if (identity === undefined) return job();
        await q.query(`SET LOCAL SESSION AUTHORIZATION ${admin}`);
        const result = await job();
        // Not restored when `job` fails: the transaction is failing, and its end resets the identity.
        await q.query(`SET LOCAL SESSION AUTHORIZATION ${quoteIdentifier(identity.role)}`);
        return result;
      },
    };
  }

  /** Translates and runs one Data API SQL text (one or more statements) in the job's transaction. */
  private async runSql(
    session: AccessSession,
    sql: string,
    record: StatementRecord,
  ): Promise<(RawResult & { rowCount: number }) | undefined> {
    const failPattern = this.options.failPattern();
    // search() ignores lastIndex, so a /g pattern behaves the same on every statement.
    if (failPattern !== undefined && sql.search(failPattern) >= 0) {
      this.options.onInjectedFailure();
      // The pattern itself is not quoted: messages get recorded (the operation history), and a
      // record that repeated the pattern would match it in turn.
      throw new SqlError("XX000", "injected failure: the statement matches the emulator's fail pattern");
    }
    const bound = bindNamedParameters(sql, record.parameters ?? []);
    const statements = this.translate(bound.sql);
    if (statements.length > 1 && bound.values.length > 0) {
      throw new SqlError("42601", "cannot insert multiple commands into a prepared statement");
    }
    let last: (RawResult & { rowCount: number }) | undefined;
    for (const statement of statements) {
      const result = await this.runTranslated(session, statement, bound.values, "array");
      last =
        result === undefined
          ? undefined
          : {
              fields: result.fields,
              rows: result.rows as unknown[][],
              rowCount: result.fields.length > 0 ? result.rows.length : (result.affectedRows ?? 0),
            };
    }
    return last;
  }

  private async runTranslated(
    session: AccessSession,
    statement: ShimmedStatement,
    values: unknown[],
    rowMode: "array" | "object",
  ): Promise<Results<unknown> | undefined> {
    let sql = statement.sql;
    for (const effect of statement.effects) sql = await this.before(session, effect, sql);
    if (sql !== "" && isExplainable(sql)) await this.requireSyncedReads(session, sql, values);
    const result =
      sql === ""
        ? undefined
        : await session.q.query<unknown>(
            sql,
            values,
            rowMode === "array" ? { rowMode, parsers: this.rawParsers } : {},
          );
    for (const effect of statement.effects) await this.after(session, effect);
    return result;
  }

  private async before(session: AccessSession, effect: ShimEffect, sql: string): Promise<string> {
    const { q } = session;
    switch (effect.kind) {
      case "requirePrincipals":
        await requirePrincipals(session, effect.principals);
        return sql;
      case "access":
        await executeAccessCommand(session, effect.command);
        return sql;
      case "registerSchema":
        await session.asAdmin(() =>
          q.query(
            `INSERT INTO ${INTERNAL_SCHEMA}.schemas (postgres_schema, database_name, schema_name) VALUES ($1, $2, $3)
             ON CONFLICT (postgres_schema) DO NOTHING`,
            [effect.mapping.postgresSchema, effect.mapping.database, effect.mapping.schema],
          ),
        );
        this.schemas.set(effect.mapping.postgresSchema, effect.mapping);
        return sql;
      case "commentOnView": {
        const kind = await q.query<{ relkind: string }>(
          "SELECT relkind FROM pg_class WHERE oid = to_regclass($1)",
          [effect.relation],
        );
        return kind.rows[0]?.relkind === "m" ? effect.materializedViewSql : sql;
      }
      case "lateBindingView":
        return this.lateBindingViewSql(q, effect.head, effect.select);
      case "materializedViewRefreshed":
        await this.requireOwner(session, effect.relation);
        await this.requireSyncedSources(session, effect.relation);
        return sql;
      case "autoRefreshChanged":
        await this.requireOwner(session, effect.relation);
        return sql;
      case "lockTables":
        await this.requireTables(q, effect.relations);
        return sql;
      case "materializedViewCreated":
        return sql;
    }
  }

  private async after(session: AccessSession, effect: ShimEffect): Promise<void> {
    const { q } = session;
    switch (effect.kind) {
      case "materializedViewCreated": {
        const oid = await this.materializedViewOid(q, effect.relation);
        const columns = await q.query<{ attname: string }>(
          "SELECT attname FROM pg_attribute WHERE attrelid = $1 AND attnum > 0 AND NOT attisdropped",
          [oid],
        );
        await this.requireTableSources(session, effect.relation, oid);
        await this.requireSyncedSources(session, effect.relation);
        const names = new Set(columns.rows.map((row) => row.attname));
        for (const [key, list] of [
          ["DISTKEY", effect.distKey === undefined ? [] : [effect.distKey]],
          ["SORTKEY", effect.sortKeys],
        ] as const) {
          const missing = list.find((column) => !names.has(column));
          if (missing !== undefined) {
            throw new SqlError(
              "42703",
              `column "${missing}" named in ${key} does not exist in the materialized view`,
            );
          }
        }
        await session.asAdmin(() =>
          q.query(`SELECT ${INTERNAL_SCHEMA}.mv_built($1::oid, true, $2)`, [oid, effect.autoRefresh]),
        );
        return;
      }
      case "materializedViewRefreshed": {
        const oid = await this.materializedViewOid(q, effect.relation);
        await session.asAdmin(() =>
          q.query(`SELECT ${INTERNAL_SCHEMA}.mv_built($1::oid, false, NULL)`, [oid]),
        );
        return;
      }
      case "autoRefreshChanged": {
        const oid = await this.materializedViewOid(q, effect.relation);
        await session.asAdmin(() =>
          q.query(
            `INSERT INTO ${INTERNAL_SCHEMA}.mv_meta (relid, auto_refresh, refreshed_seq, state) VALUES ($1::oid, $2, NULL, 0)
             ON CONFLICT (relid) DO UPDATE SET auto_refresh = excluded.auto_refresh`,
            [oid, effect.autoRefresh],
          ),
        );
        return;
      }
      case "access":
      case "requirePrincipals":
      case "registerSchema":
      case "commentOnView":
      case "lateBindingView":
      case "lockTables":
        return;
    }
  }

  /**
   * "Only the owner of a materialized view can perform a REFRESH MATERIALIZED VIEW operation on that
   * materialized view" (https://docs.aws.amazon.com/redshift/latest/dg/materialized-view-refresh-sql-command.html),
   * superusers aside. Postgres 17+ lets holders of MAINTAIN refresh too, and words its refusal
   * differently, so the emulator checks ownership itself, in Redshift's words (see Engine.presentable).
   * A relation that does not exist is left for the statement to report.
   */
  private async requireOwner(session: AccessSession, relation: string): Promise<void> {
    const found = await session.q.query<{ relname: string; owned: boolean }>(
      `SELECT c.relname, pg_has_role(current_user, c.relowner, 'USAGE') AS owned
       FROM pg_class c WHERE c.oid = to_regclass($1)`,
      [relation],
    );
    const row = found.rows[0];
    if (row === undefined || row.owned || (await isSuperuser(session))) return;
    throw new SqlError("42501", `must be owner of relation ${row.relname}`);
  }

  /**
   * "You can't lock views" (https://docs.aws.amazon.com/redshift/latest/dg/r_LOCK.html), and on
   * Redshift a materialized view is a view. Postgres would lock a view and its base relations.
   * Redshift's error text is not documented; this is Postgres' wording for a relation of the wrong
   * kind. A relation that does not exist is left for the statement to report.
   */
  private async requireTables(q: Queryable, relations: readonly string[]): Promise<void> {
    for (const relation of relations) {
      const found = await q.query<{ relname: string; relkind: string }>(
        "SELECT c.relname, c.relkind FROM pg_class c WHERE c.oid = to_regclass($1)",
        [relation],
      );
      const row = found.rows[0];
      if (row !== undefined && (row.relkind === "v" || row.relkind === "m")) {
        throw new SqlError("42809", `"${row.relname}" is not a table: LOCK locks tables only`);
      }
    }
  }

  /**
   * "You can't define a materialized view that references or includes … standard views, or system
   * tables and views" (https://docs.aws.amazon.com/redshift/latest/dg/materialized-view-create-sql-command.html,
   * Limitations): a materialized view reads tables and materialized views only, which is why
   * SVV_MV_DEPENDENCY is enough to find what is built on one. Redshift's error text is not
   * documented; this wording is the emulator's.
   */
  private async requireTableSources(session: AccessSession, relation: string, oid: number): Promise<void> {
    const views = await session.asAdmin(() =>
      session.q.query<{ schema: string; name: string }>(
        `SELECT n.nspname AS schema, c.relname AS name
       FROM ${INTERNAL_SCHEMA}.direct_relations($1::oid) d
       JOIN pg_class c ON c.oid = d.relid JOIN pg_namespace n ON n.oid = c.relnamespace
       WHERE c.relkind = 'v' ORDER BY 1, 2 LIMIT 1`,
        [oid],
      ),
    );
    const view = views.rows[0];
    if (view === undefined) return;
    const what =
      view.schema === CATALOG_SCHEMA
        ? `the system view ${view.name}`
        : `the view ${view.schema}.${view.name}`;
    throw new SqlError(
      "0A000",
      `materialized view ${relation} cannot reference ${what}: a materialized view reads tables and materialized views only`,
    );
  }

  /** A REFRESH or CREATE of a materialized view reads its source tables: they must be Synced. */
  private async requireSyncedSources(session: AccessSession, relation: string): Promise<void> {
    if (this.resyncing.length === 0 || session.identity === undefined) return;
    await session.asAdmin(() =>
      session.q.query(
        `SELECT ${INTERNAL_SCHEMA}.require_synced(ARRAY(
           SELECT s.relid FROM ${INTERNAL_SCHEMA}.source_relations(to_regclass($1)::oid) s WHERE s.relkind IN ('r', 'p')))`,
        [relation],
      ),
    );
  }

  /**
   * A statement the planner can explain reads what its plan scans (plain views expanded, materialized
   * views not): none of it may be a replicated table that is not Synced. Late-binding views check
   * their SELECT when they are read (see catalog.ts, `late_binding`).
   */
  private async requireSyncedReads(session: AccessSession, sql: string, values: unknown[]): Promise<void> {
    if (this.resyncing.length === 0 || session.identity === undefined) return;
    const explained = await session.q.query<{ "QUERY PLAN": unknown }>(explainSql(sql), values);
    const plan = JSON.stringify(explained.rows[0]?.["QUERY PLAN"] ?? []);
    await session.asAdmin(() =>
      session.q.query(
        `SELECT ${INTERNAL_SCHEMA}.require_synced(${INTERNAL_SCHEMA}.planned_relations($1::jsonb))`,
        [plan],
      ),
    );
  }

  /**
   * `CREATE VIEW v AS SELECT * FROM late_binding('<select> -- WITH NO SCHEMA BINDING') AS t(<columns>)`:
   * the columns are those the SELECT has now; the SELECT itself is only parsed when the view is read.
   * The clause stays in the literal so that `pg_get_viewdef` shows it, as Redshift's does.
   */
  private async lateBindingViewSql(q: Queryable, head: string, select: string): Promise<string> {
    const probe = await q.query<unknown>(`SELECT * FROM (${select}) AS probe LIMIT 0`);
    const columns: string[] = [];
    for (const field of probe.fields) {
      const type = await q.query<{ name: string }>("SELECT format_type($1, NULL) AS name", [
        field.dataTypeID,
      ]);
      columns.push(`${quoteIdentifier(field.name)} ${type.rows[0]?.name ?? "text"}`);
    }
    const body = `${select}\n-- WITH NO SCHEMA BINDING`;
    return `${head} AS SELECT * FROM ${TYPES_SCHEMA}.late_binding(${quoteLiteral(body)}) AS t(${columns.join(", ")})`;
  }

  private async materializedViewOid(q: Queryable, relation: string): Promise<number> {
    const found = await q.query<{ oid: number | null; relkind: string | null }>(
      "SELECT c.oid::int AS oid, c.relkind FROM pg_class c WHERE c.oid = to_regclass($1)",
      [relation],
    );
    const row = found.rows[0];
    if (row === undefined || row.oid === null)
      throw new SqlError("42P01", `relation "${relation}" does not exist`);
    if (row.relkind !== "m") throw new SqlError("42809", `"${relation}" is not a materialized view`);
    return row.oid;
  }

  private touch(part: StatementPart, status: StatementPart["status"]): void {
    part.status = status;
    part.updatedAt = this.options.now();
    this.options.store.changed();
  }

  private async loadTypes(): Promise<void> {
    const types = await this.db.query<{ oid: number; typname: string }>(
      "SELECT oid::int AS oid, typname FROM pg_type",
    );
    const parsers: Parsers = {};
    for (const row of types.rows) {
      this.typeNames.set(row.oid, row.typname);
      parsers[row.oid] = (value: string) => value;
    }
    this.rawParsers = parsers;
  }

  private async ensureTypes(results: readonly RawResult[]): Promise<void> {
    const missing = results.some((raw) => raw.fields.some((field) => !this.typeNames.has(field.dataTypeID)));
    if (missing) await this.loadTypes();
  }

  /**
   * Redshift's wording for Postgres' messages: the Redshift database.schema instead of the folded
   * Postgres schema; `relation` where Postgres 10+ names the kind of relation ("permission denied for
   * relation test", https://docs.aws.amazon.com/redshift/latest/dg/r_GRANT-examples.html; "must be owner
   * of relation fact_order_line_items", as reported from Redshift in
   * https://github.com/philsch/ansible-redshift/issues/11); Redshift principals instead of internal
   * role names.
   */
  private presentable(error: SqlError): SqlError {
    let message = error.message;
    let detail = error.detail;
    for (const mapping of this.schemas.values()) {
      const readable = `${mapping.database}.${mapping.schema}`;
      if (mapping.postgresSchema === readable) continue;
      message = message.replaceAll(mapping.postgresSchema, readable);
      detail = detail?.replaceAll(mapping.postgresSchema, readable);
    }
    message = presentRoleNames(
      message
        .replace(
          /^(permission denied for|must be owner of) (?:table|view|materialized view|sequence|foreign table) /,
          "$1 relation ",
        )
        .replace(
          `permission denied for database ${this.postgresDatabase}`,
          `permission denied for database ${this.database}`,
        ),
    );
    detail = detail === undefined ? undefined : presentRoleNames(detail);
    return new SqlError(error.sqlState, message, detail, error.severity);
  }
}
