import { writeFile } from "node:fs/promises";
import path from "node:path";
import { RedshiftDataClient } from "@aws-sdk/client-redshift-data";
import type { WarehouseOptions } from "../../src/connect/options.js";
import { sourceLocation } from "../../src/connect/session.js";
import {
  type AcceptedStatement,
  type FaultOptions,
  type RunningEmulator,
  startEmulator,
} from "../../src/emulator/index.js";
import { prepareViews } from "../../src/generate/generate.js";
import type { StatusRow } from "../../src/health/status-rows.js";
import { readCatalog } from "../../src/state/read-state.js";
import { status } from "../../src/status/status.js";
import { createWarehouse, type Warehouse } from "../../src/warehouse/index.js";
import { makeProject, removeDir } from "./index.js";

/**
 * How tests reach a warehouse: ONE in-memory emulator per test file (PGlite takes seconds to start),
 * driven through the real AWS SDK client, and the library's own functions (`provision`, `refresh`,
 * `status`…) called with a project whose config names the emulator as a provisioned cluster. Each
 * test uses environments of its own, so its views and source tables are its own.
 *
 * Writing an interruption or latency test here: never race a timer against the code. The machine
 * running the suite is busy, so "150 ms of latency and an abort after 200 ms" means nothing.
 * - Interrupt from the library's own events: `onEvent` sees every `warehouse` `submitted` event and
 *   every `outcome`; calling `controller.abort()` there stops the run at that exact point (pass
 *   `graceMs: 0` so statements in flight are not waited for).
 * - Keep a statement in flight with `holdStatements`: the emulator accepts it and leaves it SUBMITTED
 *   until `release()`. A run waiting on it is "slow" for exactly as long as the test wants, and an
 *   interrupted run sees it as `unknown`. `onStatement` (the emulator's statement hook, in
 *   `setFaults`) can also abort a run or look at the warehouse between two statements.
 * - Wait for statements the client stopped waiting for with `statementsLanded`, never with a sleep:
 *   the emulator runs statements one at a time in the order it accepted (or released) them.
 * - Count Data API requests by kind (`countRequests(…).calls`, polls left out) or statements
 *   submitted: the number of DescribeStatement polls depends on the machine's speed.
 * - Keep elapsed time out of assertions; benchmarks (`bench/`) measure time.
 * Examples: "interrupting an apply" in test/safety/provision-safety.test.ts, and
 * test/safety/fault-injection.test.ts.
 */
export interface TestWarehouse {
  readonly emulator: RunningEmulator;
  readonly client: RedshiftDataClient;
  /** The warehouse client over the same emulator, for what a test reads or lists itself. */
  readonly warehouse: Warehouse;
  /** A temporary project holding `schemaText` as `prisma/schema.prisma`. */
  project(schemaText: string, options?: ProjectSetup): Promise<TestProject>;
  stop(): Promise<void>;
}

export interface ProjectSetup {
  /**
   * The config's default grants, e.g. `{ nonPii: ["GROUP analysts"] }`. The groups, roles and users
   * named are created in the emulator (as a DBA would before granting to them: Redshift refuses a
   * GRANT to a principal that does not exist), unless `createPrincipals` is false.
   */
  readonly grants?: { readonly nonPii?: readonly string[]; readonly pii?: readonly string[] };
  /** The database user the library connects as. Default `awsuser`. */
  readonly dbUser?: string;
  /** The config's `concurrency`: views (and statements) in flight at once. Default the tool's. */
  readonly concurrency?: number;
  /** Create the principals named in `grants` (default true). */
  readonly createPrincipals?: boolean;
}

export interface TestProject {
  readonly dir: string;
  /**
   * Library options for `environment` on the shared emulator. The first use of an environment adds it
   * to the project's config and creates its replicated source tables (`sampleRows` rows each).
   */
  options(environment: string, sampleRows?: number): Promise<WarehouseOptions>;
  /** Replaces the schema (the warehouse is unchanged), as a developer's edit would. */
  setSchema(schemaText: string): Promise<void>;
  /**
   * Replaces the config's settings (grants, concurrency, user), as a developer's edit would. Get the
   * `options` again afterwards: they name the new config file.
   */
  configure(setup: ProjectSetup): Promise<void>;
}

/** Statements are polled every few milliseconds: tests wait on the emulator, not on a poll schedule. */
export const FAST_POLL = { initialDelayMs: 2, maxDelayMs: 10, factor: 2 } as const;
export const FAST_RETRY = { maxAttempts: 12, baseDelayMs: 2, maxDelayMs: 20 } as const;

export async function startTestWarehouse(): Promise<TestWarehouse> {
  const emulator = await startEmulator();
  const client = new RedshiftDataClient({
    endpoint: emulator.endpoint,
    region: "us-east-1",
    credentials: { accessKeyId: "test", secretAccessKey: "test" },
    maxAttempts: 1,
  });
  const dirs: string[] = [];
  const warehouse = createWarehouse({
    client,
    connection: { ClusterIdentifier: "local", DbUser: "awsuser", Database: emulator.database },
    poll: FAST_POLL,
    retry: FAST_RETRY,
  });
  return {
    emulator,
    client,
    warehouse,
    async project(schemaText, initial = {}) {
      const dir = await makeProject("warehouse", { "prisma/schema.prisma": schemaText });
      dirs.push(dir);
      const environments = new Set<string>();
      let setup = initial;
      // c12 keeps a config file it has read for the life of the process (Node's module cache), so an
      // edited file would not be read again: each version is a file of its own, the first at the
      // usual place and later ones named in the options, as `--config` would.
      let versions = 0;
      let config: string | undefined;
      const writeConfig = async () => {
        if (setup.createPrincipals !== false)
          await createPrincipals(emulator, [...(setup.grants?.nonPii ?? []), ...(setup.grants?.pii ?? [])]);
        const file = versions === 0 ? "redshift-views.config.json" : `redshift-views.config.${versions}.json`;
        versions++;
        await writeFile(
          path.join(dir, file),
          `${JSON.stringify(
            {
              environments: Object.fromEntries(
                [...environments].map((environment) => [
                  environment,
                  {
                    clusterIdentifier: "local",
                    dbUser: setup.dbUser ?? "awsuser",
                    database: emulator.database,
                    region: "us-east-1",
                  },
                ]),
              ),
              ...(setup.grants === undefined ? {} : { grants: setup.grants }),
              ...(setup.concurrency === undefined ? {} : { concurrency: setup.concurrency }),
            },
            null,
            2,
          )}\n`,
        );
        config = versions === 1 ? undefined : file;
      };
      return {
        dir,
        async options(environment, sampleRows = 3) {
          if (!environments.has(environment)) {
            environments.add(environment);
            await writeConfig();
            const prepared = await prepareViews({ cwd: dir });
            await emulator.seedSourceTables({
              schema: prepared.schema,
              source: sourceLocation(prepared, environment),
              sampleRows,
            });
          }
          return {
            cwd: dir,
            environment,
            ...(config === undefined ? {} : { config }),
            env: {},
            client,
            poll: FAST_POLL,
            retry: FAST_RETRY,
          };
        },
        async setSchema(text) {
          await writeFile(path.join(dir, "prisma/schema.prisma"), text);
        },
        async configure(next) {
          setup = next;
          await writeConfig();
        },
      };
    },
    async stop() {
      client.destroy();
      await emulator.stop();
      await Promise.all(dirs.map(removeDir));
    },
  };
}

/** Creates each `GROUP x` / `ROLE x` / `USER x` that does not exist yet. */
async function createPrincipals(emulator: RunningEmulator, grantees: readonly string[]): Promise<void> {
  for (const grantee of grantees) {
    const match = /^(GROUP|ROLE|USER)\s+(\w+)$/i.exec(grantee.trim());
    if (match === null) continue;
    const [, kind = "", name = ""] = match;
    const exists = {
      GROUP: `SELECT 1 FROM pg_group WHERE groname = '${name}'`,
      ROLE: `SELECT 1 FROM svv_roles WHERE role_name = '${name}'`,
      USER: `SELECT 1 FROM pg_user WHERE usename = '${name}'`,
    }[kind.toUpperCase()];
    if (exists === undefined || (await emulator.query(exists)).length > 0) continue;
    await emulator.query(
      kind.toUpperCase() === "USER"
        ? `CREATE USER "${name}" PASSWORD DISABLE`
        : `CREATE ${kind.toUpperCase()} "${name}"`,
    );
  }
}

/** pg_class oids of the materialized views in a schema: a rebuilt view gets a new one. */
export async function viewOids(emulator: RunningEmulator, schema: string): Promise<Record<string, number>> {
  const rows = await emulator.query(
    `SELECT c.relname AS name, c.oid::int AS oid FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
     WHERE n.nspname = '${schema}' AND c.relkind IN ('m', 'v') ORDER BY 1`,
  );
  return Object.fromEntries(rows.map((row) => [String(row.name), Number(row.oid)]));
}

/** The example schema with `from` replaced by `to` (exactly once). */
export function edit(text: string, from: string, to: string): string {
  const at = text.indexOf(from);
  if (at < 0 || text.indexOf(from, at + 1) >= 0) throw new Error(`"${from}" must occur exactly once`);
  return text.replace(from, to);
}

export interface CountedRequests<T> {
  readonly value: T;
  /** Every request the emulator received, per operation (DescribeStatement polls included). */
  readonly requests: Record<string, number>;
  /**
   * The requests the code chose to make, per operation: all but the polls of statements in flight
   * (DescribeStatement, and ListStatements when several are polled at once), whose number depends on
   * how fast the machine is, not on the code.
   */
  readonly calls: Record<string, number>;
  /** SQL statements submitted (each statement of a batch counts). */
  readonly statements: number;
}

/** Data API requests the emulator received while `run` ran. */
export async function countRequests<T>(
  emulator: RunningEmulator,
  run: () => Promise<T>,
): Promise<CountedRequests<T>> {
  emulator.resetStats();
  const value = await run();
  const { DescribeStatement: _polls, ListStatements: _listPolls, ...calls } = emulator.stats.operations;
  return {
    value,
    requests: { ...emulator.stats.operations },
    calls,
    statements: emulator.stats.statementsSubmitted,
  };
}

/** `status`'s rows for the options' environment. */
export async function statusRows(options: WarehouseOptions): Promise<readonly StatusRow[]> {
  return (await status(options)).views;
}

/** `schema.view → stored hash` of every relation in `schemas`, read the way the planner reads them. */
export async function storedHashes(
  warehouse: Warehouse,
  environment: string,
  schemas: readonly string[],
): Promise<Map<string, string | undefined>> {
  const catalog = await readCatalog(warehouse, environment, schemas);
  return new Map(catalog.views.map((view) => [`${view.schema}.${view.name}`, view.marker?.hash]));
}

/**
 * Resolves once every statement the emulator has accepted so far (and not held) has run: it runs
 * statements one at a time in the order it accepted them, so a query queued now runs after them.
 * That is every statement a finished run submitted, including those it stopped waiting for; with
 * `latencyMs`, their outcomes may not be shown yet (see docs/emulator.md, "Injected latency").
 */
async function statementsLanded(emulator: RunningEmulator): Promise<void> {
  await emulator.query("SELECT 1");
}

export interface HeldStatements {
  /** Statements held so far, in the order the emulator accepted them. */
  readonly held: readonly AcceptedStatement[];
  /** Resolves with the first statement held. */
  readonly first: Promise<AcceptedStatement>;
  /** Lets every held statement run (and those selected later pass), then waits until they have run. */
  release(): Promise<void>;
}

/**
 * Installs `faults` with an `onStatement` hook that keeps each selected statement SUBMITTED until
 * `release()`: a statement in flight for exactly as long as the test wants. `onHold` is called as a
 * statement is held, e.g. to interrupt the run at that point. Reset the faults (`setFaults({})`) when done.
 */
export function holdStatements(
  emulator: RunningEmulator,
  select: (statement: AcceptedStatement) => boolean,
  options: { readonly faults?: FaultOptions; readonly onHold?: (statement: AcceptedStatement) => void } = {},
): HeldStatements {
  const held: AcceptedStatement[] = [];
  const gates: Promise<void>[] = [];
  let open: (() => void) | undefined;
  const opened = new Promise<void>((resolve) => {
    open = resolve;
  });
  let released = false;
  let reportFirst: ((statement: AcceptedStatement) => void) | undefined;
  const first = new Promise<AcceptedStatement>((resolve) => {
    reportFirst = resolve;
  });
  emulator.setFaults({
    ...options.faults,
    onStatement: (statement) => {
      const inner = options.faults?.onStatement?.(statement);
      if (released || !select(statement)) return inner;
      held.push(statement);
      reportFirst?.(statement);
      options.onHold?.(statement);
      // The emulator runs it once this settles: after the release (and after the inner hook's own gate).
      const gate = Promise.all([opened, inner]).then(() => undefined);
      gates.push(gate);
      return gate;
    },
  });
  return {
    held,
    first,
    async release() {
      released = true;
      open?.();
      // The emulator queued each held statement as its gate settled, before this continues.
      await Promise.all(gates);
      await statementsLanded(emulator);
    },
  };
}

/** Whether a statement's name is `redshift-views:<environment>:<operation>:…`. */
export function named(environment: string, operation: string): (statement: AcceptedStatement) => boolean {
  return (statement) => statement.name?.startsWith(`redshift-views:${environment}:${operation}:`) === true;
}
