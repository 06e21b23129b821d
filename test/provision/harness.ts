import { RedshiftDataClient } from "@aws-sdk/client-redshift-data";
import { loadConfig, type ResolvedTarget } from "../../src/config/index.js";
import { renderSourceSchema, type WarehouseSession } from "../../src/connect/session.js";
import { type RunningEmulator, startEmulator } from "../../src/emulator/index.js";
import { type PreparedViews, prepareViews } from "../../src/generate/generate.js";
import { applyPlan } from "../../src/provision/apply.js";
import { buildPlan } from "../../src/provision/provision.js";
import { readStatus } from "../../src/status/read-status.js";
import { createWarehouse, type DataApiOperation, type Warehouse } from "../../src/warehouse/index.js";
import { exampleSchema, makeProject, removeDir } from "../helpers/index.js";

/**
 * One in-memory emulator per test file, driven through the real SDK client, and sessions built from
 * temporary projects so each test can use its own environment (its own view and source schemas).
 */
export interface Harness {
  readonly emulator: RunningEmulator;
  readonly warehouse: Warehouse;
  /** A session for `environment` over `schemaText`; source tables seeded with `sampleRows` rows. */
  session(environment: string, schemaText: string, sampleRows?: number): Promise<WarehouseSession>;
  /** Rebuilds a session's templates from another schema text (the warehouse is unchanged). */
  withSchema(session: WarehouseSession, schemaText: string): Promise<WarehouseSession>;
  stop(): Promise<void>;
}

export async function startHarness(): Promise<Harness> {
  const emulator = await startEmulator();
  const client = new RedshiftDataClient({
    endpoint: emulator.endpoint,
    region: "us-east-1",
    credentials: { accessKeyId: "local", secretAccessKey: "local" },
    maxAttempts: 1,
  });
  const target: ResolvedTarget = {
    kind: "local",
    environment: "test",
    dataDir: "/unused",
    database: "dev",
    grants: { nonPii: [], pii: [] },
  };
  const warehouse = createWarehouse({
    client,
    target,
    poll: { initialDelayMs: 2, maxDelayMs: 10 },
    retry: { baseDelayMs: 2, maxDelayMs: 20 },
  });
  const projects: string[] = [];

  async function prepare(schemaText: string): Promise<PreparedViews> {
    const dir = await makeProject("provision", { "prisma/schema.prisma": schemaText });
    projects.push(dir);
    return prepareViews({ cwd: dir });
  }

  async function sessionFrom(environment: string, prepared: PreparedViews): Promise<WarehouseSession> {
    const config = await loadConfig({ cwd: prepared.projectRoot, env: {} });
    return {
      environment,
      prepared,
      config,
      target: { ...target, environment },
      warehouse,
      close: async () => {},
    };
  }

  return {
    emulator,
    warehouse,
    async session(environment, schemaText, sampleRows = 20) {
      const prepared = await prepare(schemaText);
      await emulator.seedSourceTables({
        schema: prepared.schema,
        sourceSchema: renderSourceSchema(prepared, environment),
        sampleRows,
      });
      return sessionFrom(environment, prepared);
    },
    async withSchema(session, schemaText) {
      return sessionFrom(session.environment, await prepare(schemaText));
    },
    async stop() {
      client.destroy();
      await emulator.stop();
      await Promise.all(projects.map(removeDir));
    },
  };
}

/** Plans and applies until done, as `provision --yes` does; returns the result. */
export async function provision(session: WarehouseSession) {
  const { plan } = await buildPlan(session);
  return { plan, result: await applyPlan(session.warehouse, plan) };
}

/** `status`'s rows for a session. */
export async function statusRows(session: WarehouseSession) {
  return (await readStatus(session)).rows;
}

/** Data API calls made by `run`, per operation. */
export async function countCalls<T>(
  warehouse: Warehouse,
  run: () => Promise<T>,
): Promise<{ value: T; calls: Partial<Record<DataApiOperation, number>> }> {
  const before = { ...warehouse.stats.calls };
  const value = await run();
  const calls: Partial<Record<DataApiOperation, number>> = {};
  for (const [operation, count] of Object.entries(warehouse.stats.calls) as [DataApiOperation, number][]) {
    const delta = count - (before[operation] ?? 0);
    if (delta > 0) calls[operation] = delta;
  }
  return { value, calls };
}

/** pg_class oids of the materialized views in a schema: a rebuilt view gets a new one. */
export async function viewOids(emulator: RunningEmulator, schema: string): Promise<Record<string, number>> {
  const rows = await emulator.query(
    `SELECT c.relname AS name, c.oid::int AS oid FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
     WHERE n.nspname = '${schema}' AND c.relkind = 'm' ORDER BY 1`,
  );
  return Object.fromEntries(rows.map((row) => [String(row.name), Number(row.oid)]));
}

export const EXAMPLE_SCHEMA = exampleSchema;

/** The example schema with `from` replaced by `to` (exactly once). */
export function edit(text: string, from: string, to: string): string {
  const at = text.indexOf(from);
  if (at < 0 || text.indexOf(from, at + 1) >= 0) throw new Error(`"${from}" must occur exactly once`);
  return text.replace(from, to);
}
