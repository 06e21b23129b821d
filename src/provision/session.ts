import {
  assertEnvironmentName,
  type LoadedConfig,
  loadConfig,
  type ResolvedTarget,
  resolveTarget,
} from "../config/index.js";
import { faultsFromEnv } from "../emulator/faults.js";
import { RedshiftViewsError } from "../errors.js";
import { type GenerateOptions, type PreparedViews, prepareViews } from "../generate/generate.js";
import { renderTemplate } from "../templates/render-template.js";
import { quote } from "../views/identifiers.js";
import { openWarehouse, type Warehouse, type WarehouseEvent } from "../warehouse/index.js";

/** Sample rows the local emulator puts in each replicated table, so refreshed views have data. */
export const LOCAL_SAMPLE_ROWS = 20;

/** Everything a warehouse command needs: the templates, the target and an open connection. */
export interface WarehouseSession {
  readonly environment: string;
  readonly prepared: PreparedViews;
  readonly config: LoadedConfig;
  readonly target: ResolvedTarget;
  readonly warehouse: Warehouse;
  close(): Promise<void>;
}

export interface OpenSessionOptions extends GenerateOptions {
  readonly environment: string;
  /** `--config` */
  readonly configFile?: string | undefined;
  readonly env: NodeJS.ProcessEnv;
  /** Every event of the warehouse client (submissions, retries…), for `--verbose`. */
  readonly onWarehouseEvent?: ((event: WarehouseEvent) => void) | undefined;
}

/**
 * Builds the templates in memory, resolves the environment's target and connects to it. For the
 * local emulator, the replicated source tables are created from the schema first, as zero-ETL would.
 */
export async function openSession(options: OpenSessionOptions): Promise<WarehouseSession> {
  assertEnvironmentName(options.environment);
  const prepared = await prepareViews(options);
  const config = await loadConfig({
    cwd: prepared.projectRoot,
    ...(options.configFile === undefined ? {} : { configFile: options.configFile }),
    env: options.env,
  });
  const target = resolveTarget(config, options.environment, options.env);
  const opened = await openWarehouse(target, {
    concurrency: config.concurrency,
    ...(target.kind === "local" ? { emulatorFaults: faultsFromEnv(options.env) } : {}),
    ...(options.onWarehouseEvent === undefined ? {} : { onProgress: options.onWarehouseEvent }),
  });
  try {
    if (opened.emulator !== undefined) {
      await opened.emulator.seedSourceTables({
        schema: prepared.schema,
        sourceSchema: renderSourceSchema(prepared, options.environment),
        sampleRows: LOCAL_SAMPLE_ROWS,
      });
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
    close: () => opened.close(),
  };
}

/** `"<database>"."<schema>"` of the replicated tables in an environment, or `"<database>"` when each model has its own schema. */
export function renderSourceSchema(prepared: PreparedViews, environment: string): string {
  const { database, schema } = prepared.options.sourceSchema;
  const rendered = quote(renderTemplate(database, environment));
  return schema === undefined ? rendered : `${rendered}.${quote(renderTemplate(schema, environment))}`;
}

/** The schemas this tool manages in an environment. */
export function managedSchemas(prepared: PreparedViews, environment: string): string[] {
  const [nonPii, pii] = [prepared.options.viewSchema, prepared.options.piiViewSchema].map((schema) =>
    renderTemplate(schema, environment),
  );
  if (nonPii === undefined || pii === undefined || nonPii === pii) {
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
