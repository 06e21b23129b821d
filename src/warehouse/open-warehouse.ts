import { RedshiftDataClient } from "@aws-sdk/client-redshift-data";
import type { ResolvedTarget } from "../config/types.js";
import type { FaultOptions, RunningEmulator } from "../emulator/index.js";
import { type CreateWarehouseOptions, createWarehouse } from "./create-warehouse.js";
import type { Warehouse } from "./types.js";

export type OpenWarehouseOptions = Omit<CreateWarehouseOptions, "client" | "target"> & {
  /** Faults the embedded emulator injects (from `REDSHIFT_VIEWS_EMULATOR_*`); ignored for AWS targets. */
  readonly emulatorFaults?: FaultOptions;
};

export interface OpenedWarehouse {
  readonly warehouse: Warehouse;
  /** The embedded emulator, for a local target. */
  readonly emulator?: RunningEmulator;
  /** Releases the client and stops the emulator, if any. */
  close(): Promise<void>;
}

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
  const { emulatorFaults, ...warehouseOptions } = options;
  if (target.kind !== "local") {
    const client = new RedshiftDataClient({ region: target.region, maxAttempts: 1 });
    return {
      warehouse: createWarehouse({ ...warehouseOptions, client, target }),
      close: async () => client.destroy(),
    };
  }
  // Loaded lazily: PGlite is heavy and only local targets need it.
  const { startEmulator } = await import("../emulator/index.js");
  const emulator = await startEmulator({
    dataDir: target.dataDir,
    ...(emulatorFaults === undefined ? {} : { faults: emulatorFaults }),
  });
  const client = new RedshiftDataClient({
    endpoint: emulator.endpoint,
    region: "us-east-1",
    credentials: LOCAL_CREDENTIALS,
    maxAttempts: 1,
  });
  return {
    warehouse: createWarehouse({ ...warehouseOptions, client, target }),
    emulator,
    close: async () => {
      client.destroy();
      await emulator.stop();
    },
  };
}
