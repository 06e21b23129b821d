import { RedshiftDataClient } from "@aws-sdk/client-redshift-data";
import { parseGrantee } from "../../src/config/grants.js";
import type { Grantee, Grants, LoadedConfig, ResolvedTarget } from "../../src/config/index.js";
import { managedSchemas, renderSourceSchema, type WarehouseSession } from "../../src/connect/session.js";
import { type RunningEmulator, startEmulator } from "../../src/emulator/index.js";
import { prepareViews } from "../../src/generate/generate.js";
import { acquireProvisionLock } from "../../src/lock/provision-lock.js";
import type { ProvisionPlan } from "../../src/plan/plan.js";
import { type ApplyOptions, type ApplyResult, applyPlan } from "../../src/provision/apply.js";
import { buildPlan } from "../../src/provision/provision.js";
import { readCatalog } from "../../src/state/catalog.js";
import { createWarehouse, type Warehouse } from "../../src/warehouse/index.js";

export const FAST = {
  poll: { initialDelayMs: 5, maxDelayMs: 20, factor: 1.5 },
  retry: { maxAttempts: 12, baseDelayMs: 5, maxDelayMs: 40 },
} as const;

export function grants(nonPii: string[] = [], pii: string[] = []): Grants {
  const parse = (entry: string): Grantee => {
    const parsed = parseGrantee(entry);
    if (typeof parsed === "string") throw new Error(parsed);
    return parsed;
  };
  return { nonPii: nonPii.map(parse), pii: pii.map(parse) };
}

export interface Shared {
  readonly emulator: RunningEmulator;
  readonly client: RedshiftDataClient;
  warehouse(options?: { signal?: AbortSignal; concurrency?: number }): Warehouse;
  stop(): Promise<void>;
}

/** One in-memory emulator per test file, and warehouses over the real SDK client pointed at it. */
export async function startShared(): Promise<Shared> {
  const emulator = await startEmulator();
  const client = new RedshiftDataClient({
    endpoint: emulator.endpoint,
    region: "us-east-1",
    credentials: { accessKeyId: "local", secretAccessKey: "local" },
    maxAttempts: 1,
  });
  return {
    emulator,
    client,
    warehouse: (options = {}) =>
      createWarehouse({
        client,
        target: localTarget("dev", grants()),
        ...FAST,
        ...(options.signal === undefined ? {} : { signal: options.signal }),
        concurrency: options.concurrency ?? 20,
      }),
    stop: async () => {
      client.destroy();
      await emulator.stop();
    },
  };
}

function localTarget(environment: string, granted: Grants): ResolvedTarget {
  return { kind: "local", environment, dataDir: "", database: "dev", grants: granted };
}

/**
 * What `openSession` builds, but over the shared emulator: the project's templates, the environment's
 * grants and a warehouse. The source tables are seeded as for a local target.
 */
export async function sessionFor(
  shared: Shared,
  projectDir: string,
  environment: string,
  granted: Grants = grants(),
  warehouse: Warehouse = shared.warehouse(),
): Promise<WarehouseSession> {
  const prepared = await prepareViews({ cwd: projectDir });
  await shared.emulator.seedSourceTables({
    schema: prepared.schema,
    sourceSchema: renderSourceSchema(prepared, environment),
    sampleRows: 3,
  });
  const config: LoadedConfig = {
    file: undefined,
    projectRoot: projectDir,
    environments: {},
    concurrency: 20,
    grants: granted,
    env: {},
  };
  return {
    environment,
    prepared,
    config,
    target: localTarget(environment, granted),
    warehouse,
    close: async () => {},
  };
}

export interface RunResult {
  readonly plan: ProvisionPlan;
  readonly result: ApplyResult;
}

/** The CLI's `provision --yes` sequence: lock, plan, apply, release. */
export async function provision(
  session: WarehouseSession,
  options: ApplyOptions & { force?: boolean; holder?: string } = {},
): Promise<RunResult> {
  const lock = await acquireProvisionLock(session.warehouse, {
    environment: session.environment,
    ...(options.force === undefined ? {} : { force: options.force }),
    ...(options.holder === undefined ? {} : { holder: options.holder }),
  });
  try {
    const { plan } = await buildPlan(session);
    const result = await applyPlan(session.warehouse, plan, options);
    return { plan, result };
  } finally {
    await lock.release();
  }
}

/** `schema.name → stored hash` of every managed view, read the way the planner reads them. */
export async function storedHashes(session: WarehouseSession): Promise<Map<string, string | undefined>> {
  const catalog = await readCatalog(
    session.warehouse,
    managedSchemas(session.prepared, session.environment),
    "redshift-views:test:catalog:",
  );
  return new Map(catalog.map((view) => [`${view.schema}.${view.name}`, view.hash]));
}

export const MODELS = `
/// @exportToAnalytics
model User {
  id        Int      @id
  /// @classification restricted
  email     String
  /// @classification public
  country   String
  createdAt DateTime @map("created_at")
  @@map("users")
}

/// @exportToAnalytics
model Post {
  id       Int    @id
  authorId Int    @map("author_id")
  /// @classification public
  title    String
  @@map("posts")
}
`;

/** `count` extra exported models, for runs with many views. */
export function manyModels(count: number): string {
  return Array.from(
    { length: count },
    (_, index) => `
/// @exportToAnalytics
model Thing${index} {
  id    Int    @id
  /// @classification public
  label String
  /// @classification restricted
  owner String
  @@map("thing_${index}")
}`,
  ).join("\n");
}
