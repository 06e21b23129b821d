// Set-up of the completion benchmark: one embedded emulator (in memory) and warehouse clients pointed
// at it, wired the way `provision` and `status` wire them.
import path from "node:path";
import { RedshiftDataClient } from "@aws-sdk/client-redshift-data";
import { repo } from "./lib.mjs";

const dist = (file) => import(path.join(repo, "dist", file));
const { startEmulator } = await dist("emulator/index.js");
const { createWarehouse } = await dist("warehouse/index.js");
const { sourceLocation } = await dist("connect/session.js");

/** One grantee per tier, so each view's batch is DROP, CREATE, COMMENT, GRANT as in a configured project. */
const GRANTS = {
  nonPii: [{ kind: "group", name: "analysts" }],
  pii: [{ kind: "role", name: "pii_readers" }],
};

/** Starts the in-memory emulator and one Data API client for it (fake credentials, SDK retries off). */
export async function startLab() {
  const emulator = await startEmulator({});
  const client = new RedshiftDataClient({
    endpoint: emulator.endpoint,
    region: "us-east-1",
    credentials: { accessKeyId: "bench", secretAccessKey: "bench" },
    maxAttempts: 1,
  });
  return {
    emulator,
    /**
     * An environment of the emulator: the replicated source tables of `prepared` (if given) are
     * created, then warehouse clients (each with its own `stats.calls`) and sessions can be made for it.
     */
    async environment(name, prepared) {
      if (prepared !== undefined)
        await emulator.seedSourceTables({
          schema: prepared.schema,
          source: sourceLocation(prepared, name),
          sampleRows: 0,
        });
      const target = {
        kind: "local",
        environment: name,
        dataDir: "(in memory)",
        database: "dev",
        grants: GRANTS,
      };
      return {
        name,
        warehouse: (options = {}) => createWarehouse({ client, target, ...options }),
        /** What `buildPlan`/`readStatus` need of a session. */
        session: (views, warehouse) => ({
          environment: name,
          prepared: views,
          config: undefined,
          target,
          warehouse,
          close: async () => {},
        }),
      };
    },
    async stop() {
      client.destroy();
      await emulator.stop();
    },
  };
}
