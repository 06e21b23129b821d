import { writeFile } from "node:fs/promises";
import path from "node:path";
import { RedshiftDataClient } from "@aws-sdk/client-redshift-data";
import type { WarehouseOptions } from "../../src/connect/options.js";
import { type RunningEmulator, startEmulator } from "../../src/emulator/index.js";
import { prepareViews } from "../../src/generate/generate.js";
import { renderSourceSchema } from "../../src/connect/session.js";
import { createWarehouse, type Warehouse } from "../../src/warehouse/index.js";
import { makeProject, removeDir } from "./index.js";

/**
 * How tests reach a warehouse: ONE in-memory emulator per test file (PGlite takes seconds to start),
 * driven through the real AWS SDK client, and the library's own functions (`provision`, `refresh`,
 * `status`…) called with a project whose config names the emulator as a provisioned cluster. Each
 * test uses environments of its own, so its views and source tables are its own.
 *
 * Writing an interruption or latency test here: never race a timer against the code. Abort from the
 * library's own events (e.g. `onEvent` after the N-th `outcome` or `warehouse` `submitted` event), or
 * from the emulator's statement hook; keep elapsed time out of assertions (benchmarks measure time).
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
  /** The config's default grants, e.g. `{ nonPii: ["GROUP analysts"] }`. */
  readonly grants?: { readonly nonPii?: readonly string[]; readonly pii?: readonly string[] };
  /** The database user the library connects as. Default `awsuser`. */
  readonly dbUser?: string;
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
    async project(schemaText, setup = {}) {
      const dir = await makeProject("warehouse", { "prisma/schema.prisma": schemaText });
      dirs.push(dir);
      const environments = new Set<string>();
      const writeConfig = () =>
        writeFile(
          path.join(dir, "redshift-views.config.json"),
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
            },
            null,
            2,
          )}\n`,
        );
      return {
        dir,
        async options(environment, sampleRows = 3) {
          if (!environments.has(environment)) {
            environments.add(environment);
            await writeConfig();
            const prepared = await prepareViews({ cwd: dir });
            await emulator.seedSourceTables({
              schema: prepared.schema,
              sourceSchema: renderSourceSchema(prepared, environment),
              sampleRows,
            });
          }
          return { cwd: dir, environment, env: {}, client, poll: FAST_POLL, retry: FAST_RETRY };
        },
        async setSchema(text) {
          await writeFile(path.join(dir, "prisma/schema.prisma"), text);
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

/** pg_class oids of the materialized views in a schema: a rebuilt view gets a new one. */
export async function viewOids(emulator: RunningEmulator, schema: string): Promise<Record<string, number>> {
  const rows = await emulator.query(
    `SELECT c.relname AS name, c.oid::int AS oid FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
     WHERE n.nspname = '${schema}' AND c.relkind = 'm' ORDER BY 1`,
  );
  return Object.fromEntries(rows.map((row) => [String(row.name), Number(row.oid)]));
}

/** The example schema with `from` replaced by `to` (exactly once). */
export function edit(text: string, from: string, to: string): string {
  const at = text.indexOf(from);
  if (at < 0 || text.indexOf(from, at + 1) >= 0) throw new Error(`"${from}" must occur exactly once`);
  return text.replace(from, to);
}

/** Data API requests the emulator received while `run` ran, per operation (polls included). */
export async function countRequests<T>(
  emulator: RunningEmulator,
  run: () => Promise<T>,
): Promise<{ value: T; requests: Record<string, number>; statements: number }> {
  emulator.resetStats();
  const value = await run();
  return { value, requests: { ...emulator.stats.operations }, statements: emulator.stats.statementsSubmitted };
}
