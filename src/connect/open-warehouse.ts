import { RedshiftDataClient } from "@aws-sdk/client-redshift-data";
import type { ResolvedTarget } from "../config/index.js";
import type { RunningEmulator } from "../emulator/index.js";
import { type CreateWarehouseOptions, createWarehouse, type Warehouse } from "../warehouse/index.js";
import { connectionFields } from "./connection-fields.js";
import { targetHints } from "./target-hints.js";

export type OpenWarehouseOptions = Omit<
  CreateWarehouseOptions,
  "client" | "connection" | "label" | "hints"
> & {
  /** Where the embedded emulator reads its `REDSHIFT_VIEWS_EMULATOR_*` faults; ignored for AWS targets. */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** A client of the caller's (custom endpoint or credentials); it is not destroyed on close. */
  readonly client?: RedshiftDataClient;
};

export interface OpenedWarehouse {
  readonly warehouse: Warehouse;
  /** The embedded emulator, for a local target (and no client given). */
  readonly emulator?: RunningEmulator;
  /** Releases the client and stops the emulator, if any. */
  close(): Promise<void>;
}

/**
 * How often a local target is polled, unless the caller says otherwise. The defaults suit the Data API
 * (a round trip over the network, a rate limit per account); the embedded emulator runs in this
 * process and finishes a view's statements in milliseconds, so a first wait of 250 ms would be most
 * of a command's time. Still a backoff: a long statement is polled at most 10 times a second.
 */
const LOCAL_POLL = { initialDelayMs: 10, maxDelayMs: 100 } as const;

/** The local emulator ignores credentials, but the SDK must sign requests with something. */
const LOCAL_CREDENTIALS = { accessKeyId: "local", secretAccessKey: "local" };

/**
 * A warehouse for a resolved target: the real Data API in the target's region (default credential
 * chain), or the embedded emulator for a local target. The SDK's own retries are turned off: the
 * warehouse retries with its own policy and counts every call.
 */
export async function openWarehouse(
  target: ResolvedTarget,
  options: OpenWarehouseOptions = {},
): Promise<OpenedWarehouse> {
  const { env, client: given, ...warehouseOptions } = options;
  const over = (client: RedshiftDataClient, poll = warehouseOptions.poll) =>
    createWarehouse({
      ...warehouseOptions,
      ...(poll === undefined ? {} : { poll }),
      client,
      connection: connectionFields(target),
      label: `environment "${target.environment}"`,
      hints: targetHints(target),
    });
  if (given !== undefined) return { warehouse: over(given), close: async () => {} };
  if (target.kind !== "local") {
    const client = new RedshiftDataClient({ region: target.region, maxAttempts: 1 });
    return { warehouse: over(client), close: async () => client.destroy() };
  }
  // Loaded lazily: PGlite is heavy and only local targets need it.
  const { faultsFromEnv, startEmulator } = await import("../emulator/index.js");
  const emulator = await startEmulator({ dataDir: target.dataDir, faults: faultsFromEnv(env ?? {}) });
  const client = new RedshiftDataClient({
    endpoint: emulator.endpoint,
    region: "us-east-1",
    credentials: LOCAL_CREDENTIALS,
    maxAttempts: 1,
  });
  return {
    warehouse: over(client, { ...LOCAL_POLL, ...warehouseOptions.poll }),
    emulator,
    close: async () => {
      client.destroy();
      await emulator.stop();
    },
  };
}
