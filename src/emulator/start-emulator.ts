import { randomUUID } from "node:crypto";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";
import { setTimeout as delay } from "node:timers/promises";
import type { PGlite } from "@electric-sql/pglite";
import { RedshiftViewsError } from "../errors.js";
import type { LoadedSchema } from "../schema/load-schema.js";
import { replicatedSchema } from "../schema/source-schema.js";
import { ApiError, DEFAULT_MAX_ACTIVE_STATEMENTS, dataApiOperations } from "./data-api.js";
import { lockDataDir } from "./data-dir-lock.js";
import { type DatabaseSchema, postgresSchemaFor } from "./database-schemas.js";
import { Engine } from "./engine.js";
import { type FaultOptions, seededRandom, toPattern } from "./faults.js";
import { HeldOutcomes } from "./held-outcomes.js";
import { type ClusterOrigin, defaultCacheDir, openCluster } from "./initialised-cluster.js";
import { DEFAULT_SUPERUSER } from "./principals.js";
import { accessKeyIdOf } from "./request-identity.js";
import { SessionIsolation } from "./session-isolation.js";
import { SessionRegistry } from "./sessions.js";
import { type SkippedModel, type SourceTable, sourceTables, sourceTablesSql } from "./source-tables.js";
import { formatStatementError, SqlError } from "./sql-error.js";
import { quoteIdentifier } from "./sql-tokens.js";
import { type StatementRecord, StatementStore } from "./statement-store.js";

export interface EmulatorOptions {
  /**
   * Persist under this folder: PGlite's data in `<dataDir>/pgdata`, statement history in
   * `<dataDir>/statements.json`, and `<dataDir>/emulator.lock` while running. Undefined = in memory.
   */
  readonly dataDir?: string | undefined;
  /** Default 0: an ephemeral port. */
  readonly port?: number | undefined;
  /** Default `127.0.0.1`. */
  readonly host?: string | undefined;
  /** The Redshift database the Data API serves; statements naming another one fail. Default `dev`. */
  readonly database?: string | undefined;
  readonly faults?: FaultOptions | undefined;
  /** Statements active at once before `ActiveStatementsExceededException`. Default 200, like the Data API. */
  readonly maxActiveStatements?: number | undefined;
  /** Open sessions before `ActiveSessionsExceededException`. Default 500 (see sessions.ts). */
  readonly maxActiveSessions?: number | undefined;
  /**
   * Where the freshly initialised cluster new databases start from is kept (see
   * `initialised-cluster.ts`); `false`: run `initdb` for every new database. Default
   * `REDSHIFT_VIEWS_CACHE_DIR`, else `node_modules/.cache/prisma-redshift-views`.
   */
  readonly cacheDir?: string | false | undefined;
  /** Clock (ms since epoch), for tests of the 24-hour retention and of sessions' expiry. Default `Date.now`. */
  readonly now?: (() => number) | undefined;
}

export interface EmulatorStats {
  /** Requests received per Data API operation (`ExecuteStatement`, `DescribeStatement`, …), throttled ones included. */
  readonly operations: Readonly<Record<string, number>>;
  /** SQL statements submitted (each statement of a batch counts). */
  readonly statementsSubmitted: number;
  /** Requests answered with `ThrottlingException`. */
  readonly throttled: number;
  /** Statements failed by `failPattern`. */
  readonly injectedFailures: number;
}

/** Where zero-ETL replicated a source, as names (never SQL text): the destination database and schema. */
interface SourceLocation {
  readonly database: string;
  /**
   * The one schema every table is in (a MySQL source, or a PostgreSQL one named two-part), or
   * undefined when each table is in the schema its model's `@@schema` names, else `public`. A model
   * whose `@@schema` names another schema is replicated into that one either way.
   */
  readonly schema?: string | undefined;
}

export interface SeedSourceTablesInput {
  readonly schema: LoadedSchema;
  /** Where the replicated tables are, rendered (no placeholder), e.g. `dev_app_zeroetl` / `app_dev`. */
  readonly source: SourceLocation;
  /** Deterministic sample rows per table. Default 0. */
  readonly sampleRows?: number | undefined;
}

export interface SeedResult {
  /** The destination database the tables were created in. */
  readonly database: string;
  /** Each Redshift schema tables were created in, with the Postgres schema holding it (see `postgresSchemaFor`); sorted. */
  readonly schemas: readonly { readonly schema: string; readonly postgresSchema: string }[];
  /** The tables' names, in datamodel order (two schemas may each hold a table of one name). */
  readonly tables: readonly string[];
  readonly skipped: readonly SkippedModel[];
}

export interface QueryOptions {
  /** The Redshift user to run as (must exist). Default `awsuser`, the superuser. */
  readonly user?: string | undefined;
}

export interface SeedDeployUserInput {
  /** The deploy user's name; created with `PASSWORD DISABLE` unless it exists. */
  readonly user: string;
  /** The replicated schemas it reads (what `seedSourceTables` returned for each source). */
  readonly sources: readonly { readonly database: string; readonly schema: string }[];
}

export interface RunningEmulator {
  /** e.g. `http://127.0.0.1:54321`, for `new RedshiftDataClient({ endpoint, region, credentials })`. */
  readonly endpoint: string;
  readonly port: number;
  /** The Redshift database served. */
  readonly database: string;
  /** How its database was opened: an existing data folder, the cached initialised cluster, or `initdb`. */
  readonly cluster: ClusterOrigin;
  setFaults(faults: FaultOptions): void;
  /** A snapshot of the counters since start or the last `resetStats()`. */
  readonly stats: EmulatorStats;
  resetStats(): void;
  /**
   * Direct SQL as a Redshift user (default `awsuser`), with the same dialect shim, privileges and
   * read-only databases as the Data API, serialised with Data API statements; rows of the last
   * statement. Runs in one transaction.
   */
  query(sql: string, options?: QueryOptions): Promise<Record<string, unknown>[]>;
  /**
   * SQL as the emulator itself, standing for zero-ETL replication: the only way to write the
   * replicated source tables, which are read-only to every database user, superusers included. For
   * tests (e.g. inserting rows into a source table to make views stale). Same dialect shim.
   */
  replicate(sql: string): Promise<Record<string, unknown>[]>;
  /** Creates (idempotently) the zero-ETL replicated tables of every model of a Prisma schema. */
  seedSourceTables(input: SeedSourceTablesInput): Promise<SeedResult>;
  /**
   * Seeds (idempotently) a non-superuser deploy user as a DBA would: the user (`PASSWORD DISABLE`) if
   * missing, `CREATE` on the database, `USAGE` on each source schema and `SELECT` on its tables (present
   * and future), and `SELECT` on `SVV_INTEGRATION_TABLE_STATE`. Nothing else: it owns what it creates,
   * and reads nothing else.
   */
  seedDeployUser(input: SeedDeployUserInput): Promise<void>;
  /** Closes the HTTP server (keep-alive sockets included) and PGlite; releases the data folder. */
  stop(): Promise<void>;
}

const TARGET_PREFIX = "RedshiftData.";
const POLL_OPERATIONS = new Set(["DescribeStatement", "GetStatementResult", "ListStatements"]);

/** Starts the local Redshift Data API emulator (see DESIGN.md, "Local emulator"). */
export async function startEmulator(options: EmulatorOptions = {}): Promise<RunningEmulator> {
  const database = options.database ?? "dev";
  const now = options.now ?? Date.now;
  const dataDir = options.dataDir === undefined ? undefined : path.resolve(options.dataDir);
  const release = dataDir === undefined ? undefined : await lockDataDir(dataDir);
  let db: PGlite | undefined;
  try {
    const cacheDir =
      options.cacheDir === false ? undefined : (options.cacheDir ?? defaultCacheDir(process.env));
    const opened = await openCluster(
      dataDir === undefined ? undefined : path.join(dataDir, "pgdata"),
      cacheDir,
    );
    db = opened.db;
    const store = new StatementStore(
      dataDir === undefined ? undefined : path.join(dataDir, "statements.json"),
      now,
    );
    await store.load();
    return await serve(db, opened.origin, store, database, now, options, release);
  } catch (error) {
    await db?.close().catch(() => undefined);
    await release?.();
    if (error instanceof RedshiftViewsError) throw error;
    throw new RedshiftViewsError(
      "E_EMULATOR_START",
      `The local emulator could not start: ${error instanceof Error ? error.message : String(error)}`,
      {
        ...(dataDir === undefined ? {} : { location: { file: dataDir } }),
        hint:
          dataDir === undefined
            ? "Check that the port is free (or use port 0)."
            : `Check that the port is free; if the data folder is damaged, move ${dataDir} away to start afresh.`,
        cause: error,
      },
    );
  }
}

async function serve(
  db: PGlite,
  cluster: ClusterOrigin,
  store: StatementStore,
  database: string,
  now: () => number,
  options: EmulatorOptions,
  release: (() => Promise<void>) | undefined,
): Promise<RunningEmulator> {
  let faults: FaultOptions = options.faults ?? {};
  let failPattern = faults.failPattern === undefined ? undefined : toPattern(faults.failPattern);
  let random = seededRandom(faults.seed ?? 1);
  let stats = emptyStats();
  let stopping = false;
  const outcomes = new HeldOutcomes(store);

  const sessions = new SessionRegistry(store, now, options.maxActiveSessions);
  const engine = new Engine({
    db,
    database,
    store,
    now,
    failPattern: () => failPattern,
    onInjectedFailure: () => {
      stats = { ...stats, injectedFailures: stats.injectedFailures + 1 };
    },
    isolation: new SessionIsolation((sessionId) => sessions.isOpen(sessionId)),
    outcomes,
  });
  await engine.bootstrap();
  await engine.setResyncing(faults.resyncing ?? []);

  const schedule = (record: StatementRecord): void => {
    const gate = faults.onStatement?.({
      id: record.id,
      ...(record.statementName === undefined ? {} : { name: record.statementName }),
      sqls: record.isBatch ? record.parts.map((part) => part.queryString) : [record.queryString],
    });
    const run = (): void => void engine.execute(record, faults.latencyMs ?? 0);
    if (gate === undefined) run();
    else void gate.then(run, run);
  };

  const operations = dataApiOperations({
    engine,
    store,
    sessions,
    database,
    maxActiveStatements: options.maxActiveStatements ?? DEFAULT_MAX_ACTIVE_STATEMENTS,
    schedule,
    revealEnded: (record) => outcomes.revealEnded(record),
    onStatementsSubmitted: (count) => {
      stats = { ...stats, statementsSubmitted: stats.statementsSubmitted + count };
    },
    isStopping: () => stopping,
    now,
  });

  const handle = async (request: IncomingMessage, response: ServerResponse): Promise<void> => {
    const body = await readBody(request);
    const accessKeyId = accessKeyIdOf(request.headers.authorization);
    const target = request.headers["x-amz-target"];
    const operation =
      typeof target === "string" && target.startsWith(TARGET_PREFIX)
        ? target.slice(TARGET_PREFIX.length)
        : "";
    stats = {
      ...stats,
      operations: { ...stats.operations, [operation]: (stats.operations[operation] ?? 0) + 1 },
    };
    try {
      const run = operations[operation];
      if (request.method !== "POST" || run === undefined) {
        throw new ApiError(
          "UnknownOperationException",
          `The emulator does not implement ${operation || "this request"}.`,
        );
      }
      if ((faults.throttleRate ?? 0) > 0 && random() < (faults.throttleRate ?? 0)) {
        stats = { ...stats, throttled: stats.throttled + 1 };
        throw new ApiError("ThrottlingException", "Rate exceeded");
      }
      let parsed: unknown;
      try {
        parsed = body === "" ? {} : JSON.parse(body);
      } catch {
        throw new ApiError("SerializationException", "The request body is not valid JSON.");
      }
      if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) {
        throw new ApiError("SerializationException", "The request body must be a JSON object.");
      }
      const token = request.headers["x-amz-security-token"];
      const result = await run(parsed as Record<string, unknown>, {
        accessKeyId,
        sessionToken: typeof token === "string" ? token : undefined,
      });
      if (POLL_OPERATIONS.has(operation) && (faults.pollDelayMs ?? 0) > 0)
        await delay(faults.pollDelayMs ?? 0);
      send(response, 200, result);
    } catch (error) {
      const apiError =
        error instanceof ApiError
          ? error
          : new ApiError(
              "InternalServerException",
              error instanceof Error ? error.message : String(error),
              500,
            );
      response.setHeader("x-amzn-ErrorType", apiError.type);
      send(response, apiError.status, { __type: apiError.type, message: apiError.message });
    }
  };

  const server = createServer((request, response) => {
    handle(request, response).catch((error: unknown) => {
      if (!response.headersSent)
        send(response, 500, { __type: "InternalServerException", message: String(error) });
    });
  });
  const host = options.host ?? "127.0.0.1";
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 0, host, () => {
      server.off("error", reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  const urlHost = host.includes(":") ? `[${host}]` : host;

  let stopped: Promise<void> | undefined;
  return {
    endpoint: `http://${urlHost}:${port}`,
    port,
    database,
    cluster,
    setFaults(next) {
      faults = next;
      // Queued like a statement: statements submitted after this call see the new set. It fails only
      // once the emulator has stopped, when no statement runs any more.
      engine.setResyncing(next.resyncing ?? []).catch(() => undefined);
      failPattern = next.failPattern === undefined ? undefined : toPattern(next.failPattern);
      random = seededRandom(next.seed ?? 1);
    },
    get stats() {
      return stats;
    },
    resetStats() {
      stats = emptyStats();
    },
    query: (sql, queryOptions) =>
      engine.query(sql, [], queryOptions?.user ?? DEFAULT_SUPERUSER).catch(queryError),
    replicate: (sql) => engine.replicate(sql).catch(queryError),
    seedSourceTables: (input) => seed(engine, database, input),
    seedDeployUser: async (input) => {
      const mappings = input.sources.map((target) => ({
        postgresSchema:
          target.database === database ? target.schema : postgresSchemaFor(target.database, target.schema),
        database: target.database,
        schema: target.schema,
      }));
      await engine.seedDeployUser(input.user, mappings).catch((error: unknown) => {
        throw new RedshiftViewsError(
          "E_EMULATOR_SEED",
          `Could not seed deploy user ${JSON.stringify(input.user)}: ${error instanceof SqlError ? formatStatementError(error) : String(error)}`,
          {
            hint: "Check the user name and that the source schemas were seeded first.",
            cause: error,
          },
        );
      });
    },
    stop() {
      stopped ??= (async () => {
        stopping = true;
        const closed = new Promise<void>((resolve) => server.close(() => resolve()));
        server.closeAllConnections();
        await engine.drain();
        // Their execution committed: what they did is shown, not aborted.
        outcomes.stop();
        await db.close();
        await store.flush();
        await closed;
        await release?.();
      })();
      return stopped;
    },
  };
}

function queryError(error: unknown): never {
  throw error instanceof SqlError
    ? new RedshiftViewsError("E_EMULATOR_QUERY", formatStatementError(error), {
        hint: "Fix the SQL; the emulator runs Redshift SQL through its dialect shim on Postgres, as the given user.",
        cause: error,
      })
    : error;
}

async function seed(engine: Engine, database: string, input: SeedSourceTablesInput): Promise<SeedResult> {
  const target = input.source;
  if (target.database.includes("<%") || target.schema?.includes("<%") === true)
    throw new RedshiftViewsError(
      "E_EMULATOR_SOURCE_SCHEMA",
      `The source ${JSON.stringify(target)} still holds the environment placeholder.`,
      { hint: "Render the environment placeholder first (e.g. for development) and pass the result." },
    );
  const { tables, skipped } = sourceTables(input.schema.datamodel);
  const sampleRows = input.sampleRows ?? 0;
  // The two-part form's schema exists even without tables, as it did before schemas were per model.
  const bySchema = new Map<string, SourceTable[]>(target.schema === undefined ? [] : [[target.schema, []]]);
  for (const table of tables) {
    const schema = replicatedSchema(table.schema, target.schema);
    bySchema.set(schema, [...(bySchema.get(schema) ?? []), table]);
  }
  const schemas: { schema: string; postgresSchema: string }[] = [];
  for (const [schema, group] of [...bySchema].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    const mapping: DatabaseSchema | undefined =
      target.database === database
        ? undefined
        : { postgresSchema: postgresSchemaFor(target.database, schema), database: target.database, schema };
    const postgresSchema = mapping?.postgresSchema ?? schema;
    await engine
      .runPostgres(sourceTablesSql(group, postgresSchema, sampleRows), mapping)
      .catch((error: unknown) => {
        throw new RedshiftViewsError(
          "E_EMULATOR_SEED",
          `Could not create the source tables in ${quoteIdentifier(target.database)}.${quoteIdentifier(schema)}: ${error instanceof SqlError ? formatStatementError(error) : String(error)}`,
          {
            location: { file: input.schema.schemaPath },
            hint: "A column whose type changed in the schema cannot be altered in place; delete the emulator's data folder to start afresh.",
            cause: error,
          },
        );
      });
    schemas.push({ schema, postgresSchema });
  }
  return {
    database: target.database,
    schemas,
    tables: tables.map((table) => table.table),
    skipped,
  };
}

function emptyStats(): EmulatorStats {
  return { operations: {}, statementsSubmitted: 0, throttled: 0, injectedFailures: 0 };
}

function readBody(request: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    request.on("data", (chunk: Buffer) => chunks.push(chunk));
    request.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    request.on("error", reject);
  });
}

function send(response: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  response.writeHead(status, {
    "Content-Type": "application/x-amz-json-1.1",
    "Content-Length": Buffer.byteLength(text),
    "x-amzn-RequestId": randomUUID(),
  });
  response.end(text);
}
