import path from "node:path";
import { type LoadedConfig, loadConfig, type ResolvedTarget, resolveTarget } from "../config/index.js";
import type { RunningEmulator } from "../emulator/index.js";
import { assertEnvironmentName } from "../environment/environment-name.js";
import { RedshiftViewsError } from "../errors.js";
import { type PreparedViews, prepareViews } from "../generate/generate.js";
import { renderTemplate } from "../templates/render-template.js";
import type { Warehouse } from "../warehouse/index.js";
import { LOCAL_DEPLOY_USER } from "./connection-fields.js";
import { hasLocalState, localStateWarning } from "./local-state.js";
import { openWarehouse } from "./open-warehouse.js";
import type { SessionEvent, WarehouseOptions } from "./options.js";

/** Sample rows the local emulator puts in each replicated table, so refreshed views have data. */
const LOCAL_SAMPLE_ROWS = 20;

/** Everything a warehouse command needs: the templates, the target and an open connection. */
export interface WarehouseSession {
  readonly environment: string;
  readonly prepared: PreparedViews;
  readonly config: LoadedConfig;
  readonly target: ResolvedTarget;
  readonly warehouse: Warehouse;
  /** The schemas the views of this environment live in: `[nonPii, pii]`. */
  readonly schemas: readonly [string, string];
  close(): Promise<void>;
}

/**
 * Builds the templates in memory, resolves the environment's target and connects to it. For the
 * embedded emulator, the replicated source tables are created from the schema first, as zero-ETL would.
 */
export async function openSession(
  options: WarehouseOptions & { readonly onEvent?: ((event: SessionEvent) => void) | undefined },
): Promise<WarehouseSession> {
  const cwd = path.resolve(options.cwd ?? process.cwd());
  const env = options.env ?? process.env;
  assertEnvironmentName(options.environment);
  const prepared = await prepareViews({
    cwd,
    schemaPath: options.schema,
    generatorName: options.generator,
  });
  const schemas = managedSchemas(prepared, options.environment);
  const config = await loadConfig({
    cwd: prepared.projectRoot,
    ...(options.config === undefined ? {} : { configFile: path.resolve(cwd, options.config) }),
    env,
  });
  const target = resolveTarget(config, options.environment, env);
  const onEvent = options.onEvent;
  const freshState = target.kind === "local" && !hasLocalState(prepared.projectRoot);
  const opened = await openWarehouse(target, {
    concurrency: config.concurrency,
    env,
    ...(options.client === undefined ? {} : { client: options.client }),
    ...(options.poll === undefined ? {} : { poll: options.poll }),
    ...(options.retry === undefined ? {} : { retry: options.retry }),
    ...(onEvent === undefined ? {} : { onProgress: (event) => onEvent({ kind: "warehouse", event }) }),
  });
  try {
    if (opened.emulator !== undefined) {
      await seedLocalWarehouse(opened.emulator, prepared, options.environment);
      const warning = freshState ? await localStateWarning(prepared.projectRoot) : undefined;
      if (warning !== undefined) onEvent?.(warning);
    }
  } catch (error) {
    await opened.close();
    throw error;
  }
  return {
    environment: options.environment,
    prepared,
    config,
    target,
    warehouse: opened.warehouse,
    schemas,
    close: () => opened.close(),
  };
}

/** Where zero-ETL replicated the tables in an environment (rendered names). */
export function sourceLocation(
  prepared: PreparedViews,
  environment: string,
): { readonly database: string; readonly schema?: string } {
  const { database, schema } = prepared.options.sourceSchema;
  return {
    database: renderTemplate(database, environment),
    ...(schema === undefined ? {} : { schema: renderTemplate(schema, environment) }),
  };
}

/**
 * Makes the embedded emulator look like the warehouse of a zero-ETL integration a DBA has set up: the
 * replicated tables (with sample rows, so views have data), and the deploy user the local target
 * connects as, with `CREATE` on the database and read access to the replicated tables, nothing else.
 */
export async function seedLocalWarehouse(
  emulator: RunningEmulator,
  prepared: PreparedViews,
  environment: string,
): Promise<void> {
  const seeded = await emulator.seedSourceTables({
    schema: prepared.schema,
    source: sourceLocation(prepared, environment),
    sampleRows: LOCAL_SAMPLE_ROWS,
  });
  await emulator.seedDeployUser({
    user: LOCAL_DEPLOY_USER,
    sources: seeded.schemas.map(({ schema }) => ({ database: seeded.database, schema })),
  });
}

/** The schemas this tool manages in an environment: `[nonPii, pii]`. */
function managedSchemas(prepared: PreparedViews, environment: string): [string, string] {
  const nonPii = renderTemplate(prepared.options.viewSchema, environment);
  const pii = renderTemplate(prepared.options.piiViewSchema, environment);
  if (nonPii === pii) {
    throw new RedshiftViewsError(
      "E_GENERATOR_CONFIG_INVALID",
      `viewSchema and piiViewSchema are both "${nonPii}" in ${environment}.`,
      {
        hint: "Give the PII views a schema of their own in every environment (e.g. analytics_<%= environment %>_pii).",
      },
    );
  }
  return [nonPii, pii];
}
