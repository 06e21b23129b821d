import type { PGlite, Results } from "@electric-sql/pglite";
import { bootstrapSql, INTERNAL_SCHEMA } from "./catalog.js";
import type { DatabaseSchema } from "./database-schemas.js";
import { type ShimEffect, type ShimmedStatement, translateSql } from "./dialect-shim.js";
import { bindNamedParameters } from "./named-parameters.js";
import { type RawResult, redshiftTypeName, resultSize, toDataApiResult } from "./result-format.js";
import { formatStatementError, SqlError, toSqlError } from "./sql-error.js";
import { quoteIdentifier, quoteLiteral } from "./sql-tokens.js";
import {
  abortAll,
  type StatementPart,
  type StatementRecord,
  type StatementStore,
} from "./statement-store.js";

/** What both PGlite and a PGlite transaction offer. */
interface Queryable {
  query<T>(
    sql: string,
    params?: unknown[],
    options?: { rowMode?: "array" | "object"; parsers?: Parsers },
  ): Promise<Results<T>>;
}
type Parsers = Record<number, (value: string) => unknown>;

class Cancelled extends Error {}

export interface EngineOptions {
  readonly db: PGlite;
  readonly database: string;
  readonly store: StatementStore;
  readonly now: () => number;
  /** Matching statements fail with an injected error (fault injection). */
  readonly failPattern: () => RegExp | undefined;
  readonly onInjectedFailure: () => void;
}

/**
 * Runs statements one at a time against PGlite (a single connection), applying the dialect shim and
 * its effects, and moves statement records through their lifecycle.
 */
export class Engine {
  private readonly db: PGlite;
  private readonly database: string;
  private tail: Promise<unknown> = Promise.resolve();
  private readonly typeNames = new Map<number, string>();
  private rawParsers: Parsers = {};
  private readonly schemas = new Map<string, DatabaseSchema>();
  private closing = false;

  constructor(private readonly options: EngineOptions) {
    this.db = options.db;
    this.database = options.database;
  }

  async bootstrap(): Promise<void> {
    await this.db.exec(bootstrapSql(this.database));
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

  /** Runs `job` after every job queued before it (PGlite has one connection). */
  serial<T>(job: () => Promise<T>): Promise<T> {
    const run = this.tail.then(job);
    this.tail = run.then(
      () => undefined,
      () => undefined,
    );
    return run;
  }

  /** Waits for queued work, then refuses more. */
  async drain(): Promise<void> {
    this.closing = true;
    await this.tail;
  }

  translate(sql: string): ShimmedStatement[] {
    return translateSql(sql, {
      database: this.database,
      knownDatabases: [...this.schemas.values()].map((mapping) => mapping.database),
    });
  }

  /** Direct SQL for tests and seeding: same dialect shim, rows parsed by PGlite. */
  query(sql: string, values: unknown[] = []): Promise<Record<string, unknown>[]> {
    return this.serial(async () => {
      const statements = this.translate(sql);
      const run = async (q: Queryable): Promise<Record<string, unknown>[]> => {
        let rows: Record<string, unknown>[] = [];
        for (const statement of statements) {
          const result = await this.runTranslated(q, statement, values, "object");
          rows = (result?.rows ?? []) as Record<string, unknown>[];
        }
        return rows;
      };
      try {
        return statements.length === 1 && statements[0]?.effects.length === 0
          ? await run(this.db)
          : await this.db.transaction((tx) => run(tx));
      } catch (error) {
        throw this.presentable(toSqlError(error));
      }
    });
  }

  /** Runs Postgres SQL as is (no shim), in one transaction; used for seeding source tables. */
  runPostgres(statements: readonly string[], mapping?: DatabaseSchema): Promise<void> {
    return this.serial(async () => {
      try {
        await this.db.transaction(async (tx) => {
          if (mapping !== undefined) await this.before(tx, { kind: "registerSchema", mapping }, "");
          for (const statement of statements) await tx.query(statement);
        });
      } catch (error) {
        throw this.presentable(toSqlError(error));
      }
    });
  }

  /** Executes a submitted statement or batch, updating its record as it goes. */
  execute(record: StatementRecord): Promise<void> {
    if (record.status === "SUBMITTED") this.touch(record, "PICKED");
    return this.serial(async () => {
      if (record.status === "ABORTED") return;
      if (this.closing) {
        abortAll(record, "ERROR: the emulator stopped before the statement ran", this.options.now());
        this.options.store.changed();
        return;
      }
      const started = process.hrtime.bigint();
      this.touch(record, "STARTED");
      const parts = record.isBatch ? record.parts : [record];
      const raws = new Map<StatementPart, RawResult>();
      let failure: { part: StatementPart; error: SqlError } | undefined;
      const runPart = async (q: Queryable, part: StatementPart): Promise<void> => {
        if (record.cancelRequested === true) throw new Cancelled();
        const partStarted = process.hrtime.bigint();
        this.touch(part, "STARTED");
        try {
          const raw = await this.runSql(q, part.queryString, record);
          if (raw !== undefined) raws.set(part, raw);
          part.resultRows = raw?.rowCount ?? 0;
          part.hasResultSet = raw !== undefined && raw.fields.length > 0;
          part.durationNs = Number(process.hrtime.bigint() - partStarted);
          this.touch(part, "FINISHED");
        } catch (error) {
          if (error instanceof Cancelled) throw error;
          part.durationNs = Number(process.hrtime.bigint() - partStarted);
          failure = { part, error: this.presentable(toSqlError(error)) };
          throw error;
        }
      };
      try {
        if (record.database !== this.database) {
          throw new SqlError("3D000", `database "${record.database}" does not exist`);
        }
        if (!record.isBatch) {
          await runPart(this.db, record);
        } else if (record.executionMode === "AUTO_COMMIT") {
          for (const part of parts) await runPart(this.db, part);
        } else {
          await this.db.transaction(async (tx) => {
            for (const part of parts) await runPart(tx, part);
          });
        }
      } catch (error) {
        const now = this.options.now();
        if (error instanceof Cancelled) {
          abortAll(record, "ERROR: Query cancelled on user's request", now);
        } else {
          const sqlError = failure?.error ?? this.presentable(toSqlError(error));
          const text = formatStatementError(sqlError);
          if (failure !== undefined) {
            failure.part.error = text;
            failure.part.status = "FAILED";
            failure.part.updatedAt = now;
          }
          abortAll(
            record,
            "ERROR: the transaction was rolled back because an earlier statement of the batch failed",
            now,
          );
          record.status = "FAILED";
          record.error = text;
          record.updatedAt = now;
        }
      }
      await this.ensureTypes([...raws.values()]);
      for (const [part, raw] of raws) {
        if (raw.fields.length === 0) continue;
        part.result = toDataApiResult(raw, (oid) => redshiftTypeName(this.typeNames.get(oid) ?? "unknown"));
        part.resultSize = resultSize(part.result);
      }
      record.durationNs = Number(process.hrtime.bigint() - started);
      if (record.isBatch) {
        record.hasResultSet = parts.some((part) => part.hasResultSet);
        record.resultRows = parts.reduce((sum, part) => sum + Math.max(part.resultRows, 0), 0);
      }
      if (record.status === "STARTED") this.touch(record, "FINISHED");
      this.options.store.changed();
    });
  }

  /** Translates and runs one Data API SQL text (one or more statements) on `q`. */
  private async runSql(
    q: Queryable,
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
    const runAll = async (target: Queryable): Promise<(RawResult & { rowCount: number }) | undefined> => {
      let last: (RawResult & { rowCount: number }) | undefined;
      for (const statement of statements) {
        const result = await this.runTranslated(target, statement, bound.values, "array");
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
    };
    // Several statements in one text, or shim effects, must apply together (or not at all).
    const needsTransaction =
      q === this.db &&
      (statements.length > 1 || statements.some((statement) => statement.effects.length > 0));
    return needsTransaction ? this.db.transaction((tx) => runAll(tx)) : runAll(q);
  }

  private async runTranslated(
    q: Queryable,
    statement: ShimmedStatement,
    values: unknown[],
    rowMode: "array" | "object",
  ): Promise<Results<unknown> | undefined> {
    let sql = statement.sql;
    for (const effect of statement.effects) sql = await this.before(q, effect, sql);
    const result =
      sql === ""
        ? undefined
        : await q.query<unknown>(
            sql,
            values,
            rowMode === "array" ? { rowMode, parsers: this.rawParsers } : {},
          );
    for (const effect of statement.effects) await this.after(q, effect);
    return result;
  }

  private async before(q: Queryable, effect: ShimEffect, sql: string): Promise<string> {
    switch (effect.kind) {
      case "ensureRoles":
        for (const role of effect.roles) {
          const exists = await q.query("SELECT 1 FROM pg_roles WHERE rolname = $1", [role]);
          if (exists.rows.length === 0) await q.query(`CREATE ROLE ${quoteIdentifier(role)}`);
        }
        return sql;
      case "registerSchema":
        await q.query(
          `INSERT INTO ${INTERNAL_SCHEMA}.schemas (postgres_schema, database_name, schema_name) VALUES ($1, $2, $3)
           ON CONFLICT (postgres_schema) DO NOTHING`,
          [effect.mapping.postgresSchema, effect.mapping.database, effect.mapping.schema],
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
      case "materializedViewCreated":
      case "materializedViewRefreshed":
      case "autoRefreshChanged":
        return sql;
    }
  }

  private async after(q: Queryable, effect: ShimEffect): Promise<void> {
    switch (effect.kind) {
      case "materializedViewCreated": {
        const oid = await this.materializedViewOid(q, effect.relation);
        const columns = await q.query<{ attname: string }>(
          "SELECT attname FROM pg_attribute WHERE attrelid = $1 AND attnum > 0 AND NOT attisdropped",
          [oid],
        );
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
        await q.query(
          `INSERT INTO ${INTERNAL_SCHEMA}.mv_meta (relid, auto_refresh, refreshed_seq, state)
           SELECT $1::oid, $2, CASE WHEN c.relispopulated THEN nextval('${INTERNAL_SCHEMA}.change_seq') END, 1
           FROM pg_class c WHERE c.oid = $1::oid
           ON CONFLICT (relid) DO UPDATE SET auto_refresh = excluded.auto_refresh,
             refreshed_seq = excluded.refreshed_seq, state = excluded.state`,
          [oid, effect.autoRefresh],
        );
        await q.query(`SELECT ${INTERNAL_SCHEMA}.track_sources($1::oid)`, [oid]);
        await q.query(`SELECT ${INTERNAL_SCHEMA}.stamp($1::oid)`, [oid]);
        return;
      }
      case "materializedViewRefreshed": {
        const oid = await this.materializedViewOid(q, effect.relation);
        await q.query(
          `INSERT INTO ${INTERNAL_SCHEMA}.mv_meta (relid, auto_refresh, refreshed_seq, state)
           VALUES ($1::oid, false, nextval('${INTERNAL_SCHEMA}.change_seq'), 1)
           ON CONFLICT (relid) DO UPDATE SET refreshed_seq = excluded.refreshed_seq, state = 1`,
          [oid],
        );
        await q.query(`SELECT ${INTERNAL_SCHEMA}.track_sources($1::oid)`, [oid]);
        await q.query(`SELECT ${INTERNAL_SCHEMA}.stamp($1::oid)`, [oid]);
        return;
      }
      case "autoRefreshChanged": {
        const oid = await this.materializedViewOid(q, effect.relation);
        await q.query(
          `INSERT INTO ${INTERNAL_SCHEMA}.mv_meta (relid, auto_refresh, refreshed_seq, state) VALUES ($1::oid, $2, NULL, 0)
           ON CONFLICT (relid) DO UPDATE SET auto_refresh = excluded.auto_refresh`,
          [oid, effect.autoRefresh],
        );
        return;
      }
      case "ensureRoles":
      case "registerSchema":
      case "commentOnView":
      case "lateBindingView":
        return;
    }
  }

  /**
   * `CREATE VIEW v AS SELECT * FROM late_binding('<select> -- WITH NO SCHEMA BINDING') AS t(<columns>)`:
   * the columns are those the SELECT has now; the SELECT itself is only parsed when the view is read.
   * The clause stays in the literal so that `pg_get_viewdef` shows it, as Redshift's does.
   */
  private async lateBindingViewSql(q: Queryable, head: string, select: string): Promise<string> {
    await q.query(
      `CREATE OR REPLACE FUNCTION ${INTERNAL_SCHEMA}.late_binding(sql text) RETURNS SETOF record
       LANGUAGE plpgsql AS $fn$ BEGIN RETURN QUERY EXECUTE sql; END $fn$`,
    );
    const probe = await q.query<unknown>(`SELECT * FROM (${select}) AS probe LIMIT 0`);
    const columns: string[] = [];
    for (const field of probe.fields) {
      const type = await q.query<{ name: string }>("SELECT format_type($1, NULL) AS name", [
        field.dataTypeID,
      ]);
      columns.push(`${quoteIdentifier(field.name)} ${type.rows[0]?.name ?? "text"}`);
    }
    const body = `${select}\n-- WITH NO SCHEMA BINDING`;
    return `${head} AS SELECT * FROM ${INTERNAL_SCHEMA}.late_binding(${quoteLiteral(body)}) AS t(${columns.join(", ")})`;
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

  /** Postgres messages name the folded schema; show the Redshift database.schema instead when they differ. */
  private presentable(error: SqlError): SqlError {
    let message = error.message;
    let detail = error.detail;
    for (const mapping of this.schemas.values()) {
      const readable = `${mapping.database}.${mapping.schema}`;
      if (mapping.postgresSchema === readable) continue;
      message = message.replaceAll(mapping.postgresSchema, readable);
      detail = detail?.replaceAll(mapping.postgresSchema, readable);
    }
    return new SqlError(error.sqlState, message, detail);
  }
}
